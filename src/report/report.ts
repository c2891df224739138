/**
 * The pull-request report (`athanor check --format markdown|github`) as
 * data: what the migrations a branch adds do, what they risk, the schema
 * they change. commands/report.ts fills it; markdown.ts and github.ts print it.
 */
import type { Finding, Severity } from "../danger/codes";
import type { TableChange } from "../ops/schema-changes";

export type ReportFormat = "markdown" | "github";

export interface ReportFinding extends Finding {
  /** The line of the migration file the finding points at (1 when it cannot tell). */
  line: number;
}

export interface ReportMigration {
  name: string;
  /** Relative to the project directory; absent for a class listed in the DataSource. */
  file?: string;
  /** Relative to the git repository's top directory (what GitHub annotations name). */
  repoFile?: string;
  /** False when the migration runs outside a transaction. */
  transaction: boolean;
  /** What `up` does, one line per operation. */
  operations: string[];
  /** What the dialect says about how it does it ("rebuilds table users (copies every row)"). */
  notes: string[];
  findings: ReportFinding[];
  /** Findings the file silences with `athanor-lint-disable`, with the reason given. */
  silenced: (Finding & { reason?: string })[];
}

/** How the migrations were chosen. */
export type ReportSelection = { by: "git"; base: string; commit: string } | { by: "pending"; target: string; why: string };

/** `athanor verify`'s answer, in short. */
export interface ReportVerify {
  ok: boolean;
  migrations: number;
  /** Where it failed and what went wrong, when it did. */
  failure?: { at: string; problems: string[] };
  notes: string[];
}

/**
 * The plan's prices (`athanor plan`, #20 §1): an optional section that the
 * plan command fills when a database is configured and reachable. Any
 * columns it likes (statement, lock, rewrite, rows, estimate…), a verdict
 * line, and whether a --max-* gate was exceeded.
 */
export interface ReportPlan {
  target: string;
  verdict: string;
  exceeded: boolean;
  table: { headers: string[]; rows: string[][] };
}

export interface BranchReport {
  /** The dialect the migrations were read and judged for. */
  dialect: string;
  selection: ReportSelection;
  migrations: ReportMigration[];
  /** Migrations already on the base whose files the branch changed. */
  edited: string[];
  /** The schema the added migrations change (their operations replayed on the model). */
  changes: TableChange[];
  /** Absent when verify was not asked for (`--verify`) or could not run. */
  verify?: ReportVerify;
  /** Why verify, asked for, could not run (no scratch database could be made: a server not reachable from CI, no CREATEDB). */
  verifyNote?: string;
  /** Absent until `athanor plan` fills it, or when no database answered. */
  plan?: ReportPlan;
  /** Why the plan section is empty, when it is. */
  planNote?: string;
  counts: Record<Severity | "silenced", number>;
  /** An error finding remains, verify failed, or the plan's gate was exceeded: the CLI exits 1. */
  failed: boolean;
}

export interface ReportText {
  format: ReportFormat;
  text: string;
}
