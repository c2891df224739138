/**
 * Executing migrations. Each migration's `up` (or `down`) and its bookkeeping
 * row commit together, so a failure leaves no partial state where the
 * database has transactional DDL.
 *
 * Transaction modes (`--transaction`):
 * - each (default): one transaction per migration;
 * - all: one transaction around every migration of the run;
 * - none: no transaction at all.
 * A migration that sets `transaction = false` runs outside any transaction in
 * every mode (in `all` mode the batch is committed before it and a new one
 * started after it).
 *
 * Inside each transaction the bookkeeping is claimed for writing first and
 * re-read: a runner that waited for a concurrent one skips what that one
 * already applied, so each migration is applied exactly once.
 */
import type { QueryRunner } from "typeorm";
import type { Dialect } from "../dialects/dialect";
import { DatabaseError, redact } from "../errors";
import type { Bookkeeping } from "./bookkeeping";
import type { MigrationSource } from "./discover";
import { faultPoint } from "./fault-points";
import { observeStatements, StatementJournal } from "./statement-journal";

export type Direction = "up" | "down";
export type TransactionMode = "each" | "all" | "none";
export const TRANSACTION_MODES: TransactionMode[] = ["each", "all", "none"];

export interface ExecutionContext {
  queryRunner: QueryRunner;
  dialect: Dialect;
  bookkeeping: Bookkeeping;
}

export interface ExecutionOptions {
  mode?: TransactionMode;
  /** Record (or forget) the migrations without running their code. */
  fake?: boolean;
  onStart?: (name: string, index: number, total: number) => void;
  onDone?: (result: ExecutionResult, index: number, total: number) => void;
  /**
   * Called with each statement sent on the query runner while migrations
   * execute, just before it is sent (`--verbose`): session hooks, transaction
   * control, the migrations' own SQL, bookkeeping, catalog reads.
   */
  onStatement?: (sql: string) => void;
}

export interface ExecutionResult {
  name: string;
  direction: Direction;
  ms: number;
  /** Another runner applied (or reverted) it first; nothing was done here. */
  skipped?: boolean;
  fake?: boolean;
}

interface Batch {
  transaction: boolean;
  migrations: MigrationSource[];
}

/** Group migrations into the units that commit together. */
export function batchesFor(migrations: MigrationSource[], mode: TransactionMode): Batch[] {
  const batches: Batch[] = [];
  for (const migration of migrations) {
    const transaction = mode !== "none" && migration.transaction;
    const last = batches[batches.length - 1];
    if (mode === "all" && transaction && last?.transaction) last.migrations.push(migration);
    else batches.push({ transaction, migrations: [migration] });
  }
  return batches;
}

export async function executeMigrations(
  context: ExecutionContext,
  migrations: MigrationSource[],
  direction: Direction,
  options: ExecutionOptions = {},
): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  const total = migrations.length;
  const journal = new StatementJournal();
  const stopObserving = observeStatements(context.queryRunner, {
    sending: options.onStatement,
    completed: (sql) => {
      journal.completed(sql);
      faultPoint("statement", sql);
    },
  });
  try {
    for (const batch of batchesFor(migrations, options.mode ?? "each")) {
      await executeBatch(context, batch, direction, options, journal, (result) => {
        results.push(result);
        options.onDone?.(result, results.length - 1, total);
      }, (name) => options.onStart?.(name, results.length, total));
    }
  } finally {
    stopObserving();
  }
  return results;
}

async function executeBatch(
  context: ExecutionContext,
  batch: Batch,
  direction: Direction,
  options: ExecutionOptions,
  journal: StatementJournal,
  done: (result: ExecutionResult) => void,
  starting: (name: string) => void,
): Promise<void> {
  const { queryRunner, dialect, bookkeeping } = context;
  let current: MigrationSource | undefined;
  /** Outside a transaction: what the failing migration's code already ran. */
  let ranBeforeFailure: string[] = [];
  const finished: ExecutionResult[] = [];

  await dialect.session?.beforeTransaction(queryRunner);
  try {
    if (batch.transaction) {
      await queryRunner.startTransaction();
      await bookkeeping.claim();
    }
    for (const migration of batch.migrations) {
      current = migration;
      starting(migration.name);
      const started = performance.now();
      const appliedNow = await bookkeeping.isApplied(migration.name);
      if (appliedNow !== (direction === "down")) {
        const skipped: ExecutionResult = { name: migration.name, direction, ms: 0, skipped: true };
        finished.push(skipped);
        if (!batch.transaction) done(skipped);
        continue;
      }
      if (!options.fake) {
        faultPoint("migration-start");
        journal.open(batch.transaction);
        try {
          if (direction === "up") await migration.instance.up(queryRunner);
          else await migration.instance.down(queryRunner);
        } finally {
          ranBeforeFailure = journal.close();
        }
      }
      const ms = performance.now() - started;
      faultPoint("before-record");
      if (direction === "up") {
        await bookkeeping.record({ timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum, executionMs: ms });
      } else {
        await bookkeeping.forget(migration.name);
      }
      faultPoint("after-record");
      ranBeforeFailure = [];
      const result: ExecutionResult = { name: migration.name, direction, ms, fake: options.fake || undefined };
      finished.push(result);
      // Without a transaction each migration is final as soon as it ran.
      if (!batch.transaction) {
        faultPoint("after-commit");
        done(result);
      }
    }
    await dialect.session?.beforeCommit(queryRunner);
    if (batch.transaction) {
      await queryRunner.commitTransaction();
      faultPoint("after-commit");
      finished.forEach(done);
    }
  } catch (error) {
    if (batch.transaction && queryRunner.isTransactionActive) {
      await queryRunner.rollbackTransaction().catch(() => undefined);
    }
    throw migrationFailure({ migration: current ?? batch.migrations[0], direction, error, batch, dialect, ranBeforeFailure, endedBy: journal.endedBy });
  } finally {
    await dialect.session?.afterTransaction(queryRunner);
  }
}

interface Failure {
  migration: MigrationSource;
  direction: Direction;
  error: unknown;
  batch: Batch;
  dialect: Dialect;
  /** The statements of the migration that ran before it failed and remain (outside a transaction, or after it ended the runner's). */
  ranBeforeFailure: string[];
  /** The migration's code ended the runner's transaction itself (a COMMIT or ROLLBACK of its own). */
  endedBy?: "COMMIT" | "ROLLBACK";
}

function migrationFailure({ migration, direction, error, batch, dialect, ranBeforeFailure, endedBy }: Failure): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  // A data check's sentence is the whole story: the check statement is no news.
  const stoppedByCheck = dialect.dataCheckFailure?.(error);
  // The dialect may know what the error means and how to get past it (a
  // lock_timeout, a lost connection).
  const explained = dialect.explainMigrationError?.(error);
  const cause = stoppedByCheck ?? (explained ? `${explained} (${message})` : message);
  const query = stoppedByCheck ? undefined : ((error as any)?.query as string | undefined);
  const what = direction === "up" ? "Migration" : "Reverting migration";
  const bookkeeping = direction === "up" ? "it was not recorded as applied" : "it is still recorded as applied";
  const n = ranBeforeFailure.length;
  const remain =
    `the ${n === 1 ? "statement" : `${n} statements`} listed below as already applied ` +
    `${n === 1 ? "remains" : "remain"} and ${bookkeeping}; undo ${n === 1 ? "it" : "them"} or finish the migration by hand`;
  let outcome: string;
  if (!batch.transaction) {
    outcome =
      n === 0
        ? `it ran outside a transaction, but none of its statements had changed anything, and ${bookkeeping}`
        : `it ran outside a transaction: ${remain} before running again`;
  } else if (endedBy) {
    // The rollback had nothing left to undo: say what the database holds,
    // not what a rollback would have left.
    const before = batch.migrations.slice(0, batch.migrations.indexOf(migration));
    const committedBefore =
      endedBy === "COMMIT" && before.length > 0
        ? `the ${before.length} migration${before.length === 1 ? "" : "s"} before it in that transaction (${before.map((m) => m.name).join(", ")}) ` +
          `${before.length === 1 ? "was" : "were"} committed and ${direction === "up" ? "recorded" : "forgotten"}, `
        : "";
    const what = n === 0 ? `none of its statements remain and ${bookkeeping}; ` : `${remain}, and `;
    outcome =
      `it ended the runner's transaction itself with ${endedBy}, so it could not be rolled back: ${committedBefore}${what}` +
      `take the ${endedBy} out of the migration${n === 0 ? "" : ","} before running again`;
  } else if (batch.migrations.length > 1) {
    outcome = `the whole transaction of ${batch.migrations.length} migrations was rolled back and nothing was recorded`;
  } else {
    outcome = "it was rolled back and nothing was recorded";
  }
  const details = query ? [`failing statement: ${redact(oneLine(query))}`] : [];
  // What the server adds to its message (PostgreSQL's DETAIL names the
  // duplicated key or the failing row; its HINT says what to try).
  if (!stoppedByCheck) {
    for (const field of ["detail", "hint"] as const) {
      const text = serverField(error, field);
      if (text) details.push(`${field}: ${redact(oneLine(text, 300))}`);
    }
  }
  for (const sql of ranBeforeFailure) details.push(`already applied: ${redact(oneLine(sql))}`);
  return new DatabaseError(`${what} ${migration.name} failed (${outcome}): ${redact(cause)}`, details);
}

/** A text field of the driver's error (TypeORM copies them onto its QueryFailedError). */
function serverField(error: unknown, field: "detail" | "hint"): string | undefined {
  const e = error as Record<string, unknown> | undefined;
  const value = e?.[field] ?? (e?.driverError as Record<string, unknown> | undefined)?.[field];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A statement on one line, shortened, for a list of details. */
function oneLine(sql: string, max = 200): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
