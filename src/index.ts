/** Athanor's public programmatic API. */
export { op, OperationApi } from "./migration-api/api";
export type { Operation } from "./ops/operations";
export type { OnlineOptions } from "./ops/online";
export * from "./schema/model";
export {
  Athanor,
  type AthanorOptions,
  type GenerateCallOptions,
  type RunCallOptions,
  type RevertCallOptions,
  type CreateCallOptions,
} from "./athanor";
export type { GenerateResult } from "./commands/generate";
export type { RunResult } from "./commands/run";
export type { RevertResult } from "./commands/revert";
export type { StatusResult, StatusEntry } from "./commands/status";
export type { CheckResult } from "./commands/check";
export type { CreateResult } from "./commands/create";
export type { InitOptions, InitResult } from "./commands/init";
export type { ExecutionResult, ExecutionOptions, TransactionMode } from "./runner/execute";
export type { Finding } from "./lint";
export { AthanorError, UsageError, DatabaseError, ExitCode, type ExitCodeValue } from "./errors";
