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
 * already applied, so each migration is applied exactly once. Where the
 * run-level lock can be lost (a PostgreSQL session that ends), each
 * migration also takes the dialect's claim on its own connection — inside
 * its transaction, or around it when it runs outside one — and the runner
 * stops (lockLostError) once it finds the run-level lock gone.
 *
 * Stopping on request (`signal`, from SIGINT/SIGTERM): the statement in
 * flight is cancelled, the transaction rolled back, and the error says what
 * was applied, rolled back and not started (runner/stopped-run.ts).
 */
import type { QueryRunner } from "typeorm";
import type { Dialect, Queryable } from "../dialects/dialect";
import { DatabaseError, redact, UsageError } from "../errors";
import type { Bookkeeping } from "./bookkeeping";
import type { MigrationSource } from "./discover";
import { faultPoint } from "./fault-points";
import {
  describeProgress,
  recordPartialProgress,
  recordRevertProgress,
  trackProgress,
  trackRevertProgress,
  unfinishedRevert,
} from "./partial";
import {
  followOperations,
  planPartialRevert,
  skipOperations,
  stopFollowing,
  type PartialRevertPlan,
  type StepCarrier,
} from "./operation-steps";
import type { PartialProgress } from "./bookkeeping";
import { observeStatements, StatementJournal } from "./statement-journal";
import { interruptedError, lockLostError, type StoppedAt } from "./stopped-run";

import type { Direction } from "./direction";
export type { Direction } from "./direction";
export type TransactionMode = "each" | "all" | "none";
export const TRANSACTION_MODES: TransactionMode[] = ["each", "all", "none"];

export interface ExecutionContext {
  queryRunner: QueryRunner;
  dialect: Dialect;
  bookkeeping: Bookkeeping;
  /** The run-level migration lock this run holds. */
  lock?: RunLock;
}

export interface RunLock {
  /** Asked before each migration; false once the lock's session ended. */
  stillHeld?(): Promise<boolean>;
  /** The lock's own connection: where a cancellation is sent from. */
  connection?: Queryable;
  /** How long a migration's claim waits for another runner's (only after a lost lock). */
  timeoutMs?: number;
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
  /**
   * Stop cleanly once this is aborted (its reason: the signal's name):
   * cancel the statement in flight, roll back, report where things stand.
   */
  signal?: AbortSignal;
  /**
   * Keep a partial bookkeeping row for a migration that runs outside a
   * transaction (runner/partial.ts); default true. Offline scripts leave
   * it out: a script is not resumed by Athanor.
   */
  partialRows?: boolean;
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
  const { signal } = options;
  const running: RunningCode = { now: false };
  // Ready before anything runs: on PostgreSQL it asks the connection's pid.
  const cancel = signal && context.dialect.statementCanceller ? await context.dialect.statementCanceller(context.queryRunner) : undefined;
  // Only the migrations' own statements are cancelled: the bookkeeping row
  // and COMMIT of a migration whose code finished are let through.
  const onAbort = () => {
    if (running.now) void cancel?.(context.lock?.connection).catch(() => undefined);
  };
  signal?.addEventListener("abort", onAbort);
  /** What the current batch sent: the commit-time check covers what it touched. */
  const sentInBatch: string[] = [];
  const stopObserving = observeStatements(context.queryRunner, {
    sending: (sql) => {
      if (signal?.aborted && running.now && !running.writingProgress) throw new StopRequested();
      options.onStatement?.(sql);
    },
    completed: (sql) => {
      if (!running.writingProgress) {
        journal.completed(sql);
        // The migrations' own statements: the runner's bookkeeping breaks no foreign key.
        if (running.now) sentInBatch.push(sql);
      }
    },
    persist: async (sql) => {
      if (!running.writingProgress) await running.progress?.();
      faultPoint("statement", sql);
    },
    failed: () => journal.failedAt(),
    skip: (sql) => !running.writingProgress && journal.skip(sql),
  });
  const standing = (stopped?: BatchStopped): StoppedAt => {
    const done = results.filter((r) => !r.skipped).map((r) => r.name);
    const rolledBack = stopped?.rolledBack ?? [];
    const seen = new Set([...results.map((r) => r.name), ...rolledBack, ...(stopped?.partial ? [stopped.partial.name] : [])]);
    return {
      direction,
      done,
      rolledBack,
      partial: stopped?.partial,
      notStarted: migrations.map((m) => m.name).filter((n) => !seen.has(n)),
    };
  };
  try {
    // Where every DDL statement commits (MySQL), a transaction around a
    // migration would promise a rollback it cannot give: each migration runs
    // outside one, and a failure reports what it already applied.
    const mode = context.dialect.transactionalDDL ? (options.mode ?? "each") : "none";
    for (const batch of batchesFor(migrations, mode)) {
      if (signal?.aborted) throw interruptedError(signal.reason, standing());
      if (context.lock?.stillHeld && !(await context.lock.stillHeld())) throw lockLostError(standing(), batch.migrations[0].name);
      sentInBatch.length = 0;
      try {
        await executeBatch(
          context,
          batch,
          direction,
          options,
          journal,
          running,
          sentInBatch,
          (result) => {
            results.push(result);
            options.onDone?.(result, results.length - 1, total);
          },
          (name) => options.onStart?.(name, results.length, total),
        );
      } catch (error) {
        if (error instanceof BatchStopped) throw interruptedError(signal!.reason, standing(error));
        throw error;
      }
    }
  } finally {
    stopObserving();
    signal?.removeEventListener("abort", onAbort);
  }
  return results;
}

/** Whether the migrations' own code is running (what a stop request cancels). */
interface RunningCode {
  now: boolean;
  /**
   * Outside a transaction: after each statement of the code that took
   * effect, the partial row is brought up to date (runner/partial.ts), so a
   * killed run leaves the count a failed one would.
   */
  progress?: () => Promise<void>;
  /** The progress write itself is being sent (it is bookkeeping, not the migration's). */
  writingProgress?: boolean;
}

/** Thrown at a statement the migration code sends once a stop was requested. */
class StopRequested extends Error {
  constructor() {
    super("the run was asked to stop");
  }
}

/** A batch stopped on request: what it rolled back, or left part-way outside a transaction. */
class BatchStopped extends Error {
  constructor(
    readonly rolledBack: string[],
    readonly partial?: { name: string; remaining: string[] },
  ) {
    super("stopped");
  }
}

async function executeBatch(
  context: ExecutionContext,
  batch: Batch,
  direction: Direction,
  options: ExecutionOptions,
  journal: StatementJournal,
  running: RunningCode,
  sent: readonly string[],
  done: (result: ExecutionResult) => void,
  starting: (name: string) => void,
): Promise<void> {
  const { queryRunner, dialect, bookkeeping } = context;
  let current: MigrationSource | undefined;
  /** Outside a transaction: what the failing migration's code already ran. */
  let ranBeforeFailure: string[] = [];
  const finished: ExecutionResult[] = [];
  /** Migrations whose code this batch started (a rollback undoes them). */
  const begun: string[] = [];
  let codeStarted = false;
  /** The current migration's partial row, if an earlier run left one. */
  let resumed: PartialProgress | undefined;
  /** Whether the current migration has a partial row (left earlier, or written as it runs). */
  let hasRow = false;
  /** Up outside a transaction: the op() calls finished so far (runner/operation-steps.ts). */
  let operationsNow: (() => PartialProgress["operations"]) | undefined;
  /** Down of a partly applied migration: which of its down() calls run. */
  let revertPlan: PartialRevertPlan | undefined;
  /** When the batch's last migration started (its shown time runs to COMMIT). */
  let lastStarted = 0;
  const { signal } = options;
  const claim = dialect.migrationClaim;
  let unclaim: (() => Promise<void>) | undefined;
  const releaseClaim = async () => {
    const release = unclaim;
    unclaim = undefined;
    // A lost connection took the claim with it.
    await release?.().catch(() => undefined);
  };

  await dialect.session?.beforeTransaction(queryRunner);
  try {
    if (batch.transaction) {
      await queryRunner.startTransaction();
      // Waits for another runner's migration transaction (one that took
      // over a lost run-level lock) before the re-read below.
      await claim?.inTransaction(queryRunner);
      await bookkeeping.claim();
    }
    for (const migration of batch.migrations) {
      if (signal?.aborted) throw new StopRequested();
      current = migration;
      starting(migration.name);
      // Outside a transaction, the claim is held from the re-read to the
      // bookkeeping row, on the connection that runs the migration.
      if (!batch.transaction && claim) {
        unclaim = await claim.outsideTransaction(queryRunner, { timeoutMs: context.lock?.timeoutMs ?? 60_000, signal });
      }
      const started = performance.now();
      const progress = await bookkeeping.progress(migration.name);
      const appliedNow = progress.applied;
      resumed = progress.partial;
      hasRow = resumed !== undefined;
      operationsNow = undefined;
      revertPlan = undefined;
      // Down of a partly applied migration undoes the part that took effect.
      const undoingPart = direction === "down" && !appliedNow && resumed !== undefined;
      if (direction === "up" && resumed?.reverted) throw new Refusal(unfinishedRevert(migration.name, resumed));
      if (!undoingPart && appliedNow !== (direction === "down")) {
        const skipped: ExecutionResult = { name: migration.name, direction, ms: 0, skipped: true };
        finished.push(skipped);
        if (!batch.transaction) done(skipped);
        await releaseClaim();
        continue;
      }
      begun.push(migration.name);
      if (undoingPart && !options.fake) {
        const before = await appliedBefore(bookkeeping);
        revertPlan = await planPartialRevert(migration, resumed!, dialect, bookkeeping.tableName, before).catch((error) => {
          throw error instanceof UsageError ? new Refusal(error) : error;
        });
      }
      const followed =
        !options.fake &&
        !batch.transaction &&
        direction === "up" &&
        options.partialRows !== false &&
        (!dialect.transactionalDDL || !migration.transaction);
      // Before the journal opens: the table is bookkeeping, not the migration's.
      if (followed) await bookkeeping.ensureProgressTable();
      if (!options.fake) {
        faultPoint("migration-start");
        journal.open(batch.transaction, {
          resume: direction === "up" ? resumed?.applied : revertPlan ? (resumed?.reverted ?? 0) : undefined,
          ddlCommits: !dialect.transactionalDDL,
        });
        codeStarted = true;
        // Followed statement by statement where the migration itself runs
        // outside a transaction (MySQL; `transaction = false`), so a kill leaves an honest row.
        if (followed) {
          const followed = followOperations(queryRunner as StepCarrier, () => journal.appliedCount);
          operationsNow = followed.operations;
          const progress = trackProgress(bookkeeping, dialect, migration, journal, running, resumed, operationsNow);
          running.progress = async () => {
            hasRow = (await progress()) || hasRow;
          };
        }
        if (revertPlan) {
          // Only the inverses of the operations that took effect run.
          skipOperations(queryRunner as StepCarrier, revertPlan.skipDown);
          if (!batch.transaction && options.partialRows !== false) {
            running.progress = trackRevertProgress(bookkeeping, migration, journal, running, resumed!);
          }
        }
        running.now = true;
        try {
          if (direction === "up") await migration.instance.up(queryRunner);
          else await migration.instance.down(queryRunner);
        } finally {
          running.now = false;
          running.progress = undefined;
          stopFollowing(queryRunner as StepCarrier);
          ranBeforeFailure = journal.close();
        }
      }
      // A batch of one migration checks before its row is written, so the
      // row's execution_ms includes the check.
      const alone = batch.migrations.length === 1;
      if (alone) await dialect.session?.beforeCommit(queryRunner, sent);
      const ms = performance.now() - started;
      faultPoint("before-record");
      const write = () =>
        direction === "up"
          ? bookkeeping.record(
              { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum, executionMs: ms },
              hasRow,
            )
          : bookkeeping.forget(migration.name);
      // Outside a transaction the migration has taken effect: a cancellation
      // meant for its code that lands on the row instead must not leave it
      // unrecorded.
      await write().catch((error) => {
        if (!batch.transaction && signal?.aborted) return write();
        throw error;
      });
      faultPoint("after-record");
      await releaseClaim();
      ranBeforeFailure = [];
      codeStarted = false;
      const result: ExecutionResult = { name: migration.name, direction, ms, fake: options.fake || undefined };
      lastStarted = started;
      finished.push(result);
      // Without a transaction each migration is final as soon as it ran.
      if (!batch.transaction) {
        faultPoint("after-commit");
        done(result);
      }
    }
    if (batch.migrations.length !== 1) await dialect.session?.beforeCommit(queryRunner, sent);
    if (batch.transaction) {
      await queryRunner.commitTransaction();
      faultPoint("after-commit");
      if (finished.length === 1 && !finished[0].skipped) includeCommit(finished[0], lastStarted);
      finished.forEach(done);
    }
  } catch (error) {
    if (batch.transaction && queryRunner.isTransactionActive) {
      await queryRunner.rollbackTransaction().catch(() => undefined);
    }
    if (error instanceof Refusal) throw error.refusal;
    if (signal?.aborted) {
      if (batch.transaction) throw new BatchStopped(begun);
      throw new BatchStopped([], codeStarted && current ? { name: current.name, remaining: ranBeforeFailure } : undefined);
    }
    // Outside a transaction what ran stays: the bookkeeping says how much, so the next run continues there.
    const keep = !batch.transaction && codeStarted && current && options.partialRows !== false;
    const recorded = !keep
      ? undefined
      : revertPlan
        ? await recordRevertProgress(bookkeeping, current!, resumed!, ranBeforeFailure.length).catch(() => undefined)
        : await recordPartialProgress(bookkeeping, dialect, current!, direction, ranBeforeFailure.length, hasRow, operationsNow?.());
    throw migrationFailure({
      recorded,
      migration: current ?? batch.migrations[0],
      direction,
      error,
      batch,
      dialect,
      ranBeforeFailure,
      endedBy: journal.endedBy,
    });
  } finally {
    await releaseClaim();
    await dialect.session?.afterTransaction(queryRunner);
  }
}

/** A refusal found before the migration's code ran: said as it is, not as a failed migration. */
class Refusal extends Error {
  constructor(readonly refusal: UsageError) {
    super(refusal.message);
  }
}

/** The migration applied last ("base" when none): where `stamp` puts a migration undone by hand. */
async function appliedBefore(bookkeeping: Bookkeeping): Promise<string> {
  const complete = (await bookkeeping.applied()).filter((row) => !row.partial);
  return complete.length === 0 ? "base" : complete.reduce((a, b) => (b.id > a.id ? b : a)).name;
}

/**
 * The shown time of a migration that committed alone runs to the end of its
 * COMMIT. (Its stored execution_ms, written inside the transaction, runs to
 * the end of the commit-time check: correcting it after COMMIT would cost
 * each migration a second commit.)
 */
function includeCommit(result: ExecutionResult, started: number): void {
  result.ms = performance.now() - started;
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
  /** What its partial bookkeeping row now records. */
  recorded?: PartialProgress;
}

function migrationFailure({ migration, direction, error, batch, dialect, ranBeforeFailure, endedBy, recorded }: Failure): DatabaseError {
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
  if (!batch.transaction && recorded && direction === "down") {
    outcome =
      `it ran outside a transaction: the ${n === 1 ? "statement" : `${n} statements`} of its revert listed below as already applied ${n === 1 ? "remains" : "remain"}, ` +
      `and it is recorded as partially applied (${describeProgress(recorded)}); fix the cause and run revert again to continue from the failed statement`;
  } else if (!batch.transaction && recorded) {
    outcome =
      `it ran outside a transaction: the ${n === 1 ? "statement" : `${n} statements`} listed below as already applied ${n === 1 ? "remains" : "remain"}, ` +
      `and it is recorded as partially applied (${describeProgress(recorded)}); fix the cause and run again to continue from the failed statement`;
  } else if (!batch.transaction) {
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
