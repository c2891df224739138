/**
 * Athanor's public programmatic API: what `import … from "athanor"` gives.
 * This list is deliberate: test/e2e/public-api.test.ts compares it with a
 * written one, so adding or dropping a name is a decision, not an accident.
 *
 * - `op` and its types, for migration files;
 * - `Athanor`, one method per command, with its options and results;
 * - the errors it throws and their exit codes;
 * - the schema model records the `op` methods take (not the model's helpers).
 */

// Migration files: op(queryRunner).addColumn(...).
export { op, OperationApi } from "./migration-api/api";
export type { Operation } from "./ops/operations";
export type { OnlineOptions } from "./ops/online";
export type {
  Check,
  Column,
  Exclusion,
  ForeignKey,
  ForeignKeyAction,
  Generation,
  Index,
  PortableType,
  PrimaryKey,
  Table,
  Unique,
  View,
} from "./schema/model";

// The programmatic API.
export {
  Athanor,
  type AthanorOptions,
  type GenerateCallOptions,
  type RunCallOptions,
  type RevertCallOptions,
  type CreateCallOptions,
  type VerifyCallOptions,
  type HistoryCallOptions,
  type StampCallOptions,
  type ShowCallOptions,
  type LintCallOptions,
  type EditCallOptions,
  type OfflineSqlCallOptions,
} from "./athanor";
export type { GenerateResult } from "./commands/generate";
export type { ResolveRenames } from "./commands/rename-resolution";
export type {
  RenameCandidates,
  RenameDecisions,
  TableRename,
  ColumnRename,
  ValueRename,
  TableRenameCandidate,
  ColumnRenameCandidate,
  ValueRenameCandidate,
} from "./diff/renames";
export type { RunResult } from "./commands/run";
export type { RevertResult } from "./commands/revert";
export type { StatusResult, StatusEntry } from "./commands/status";
export type { CheckResult } from "./commands/check";
export type { CreateResult } from "./commands/create";
export type { InitOptions, InitResult } from "./commands/init";
export type { VerifyResult, VerifyStep, VerifyPhase } from "./commands/verify";
export type { HistoryResult, HistoryEntry } from "./commands/history";
export type { StampResult } from "./commands/stamp";
export type { ShowResult } from "./commands/show";
export type { LintResult, MigrationLint } from "./commands/lint";
export type { EditResult } from "./commands/edit";
export type { SumResult } from "./commands/sum";
export type { OfflineSqlResult, OfflineMigrationSql } from "./commands/offline";
export type { ExecutionResult, ExecutionOptions, TransactionMode, Direction } from "./runner/execute";
export type { Finding, Severity, LintCode, SilencedFinding } from "./lint";

// Errors: every failure is an AthanorError carrying the CLI's exit code.
export { AthanorError, UsageError, DatabaseError, ExitCode, type ExitCodeValue } from "./errors";
