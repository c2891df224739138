/**
 * Executing migrations. Each migration's `up` (or `down`) and its bookkeeping
 * row commit together, so a failure leaves no partial state where the
 * database has transactional DDL.
 *
 * Transaction modes (`--transaction`):
 * - each (default): each migration atomic on its own: one transaction per
 *   migration, except where commits are dear (SQLite, Dialect.groupCommit):
 *   consecutive migrations share a commit, each in a savepoint of its own
 *   (Batch.group). On PostgreSQL each migration's COMMIT does not wait for
 *   the WAL flush; the run's last commit does (MigrationClaim's
 *   `flushLater`, storeCommitTime). A migration is reported done (onDone)
 *   once its commit returned, with its time up to the end of that COMMIT,
 *   which its stored execution_ms gets too (CommitTimes);
 * - all: one transaction around every migration of the run;
 * - none: no transaction at all. Commits outside a transaction (each
 *   statement, each op() call of several) do not wait for the flush either
 *   where the dialect can defer it: the run ends with one durable write
 *   (runner/deferred-flush.ts).
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
import { deferFlush, type DeferredRunFlush } from "./deferred-flush";
import { faultPoint } from "./fault-points";
import {
  describeProgress,
  recordPartialProgress,
  statementCount,
  trackProgress,
  trackRevertProgress,
  misalignedContinuation,
  unfinishedRevert,
  whatRemains,
  whatRemainsOfRevert,
  wholeRevertProgress,
  type Remaining,
  type RevertTracker,
} from "./partial";
import {
  followOperations,
  planPartialRevert,
  skipOperations,
  stopFollowing,
  type PartialRevertPlan,
  type StepCarrier,
} from "./operation-steps";
import type { MigrationProgress, PartialProgress, RoundTrip } from "./bookkeeping";
import { observeStatements, StatementJournal, type ObservedStatements } from "./statement-journal";
import { ResumeTrace } from "./resume-trace";
import { interruptedError, lockLostError, partDetails, stillToRun, type StoppedAt, type StoppedPart } from "./stopped-run";
import { adoptTransactionState, rolledBackEarlier } from "./own-transaction-control";
import { LoadAhead } from "./load-ahead";

import type { Direction } from "./direction";
export type { Direction } from "./direction";
import type { TransactionMode } from "./transaction-mode";
export { TRANSACTION_MODES, type TransactionMode } from "./transaction-mode";

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
  /**
   * What stillHeld asks, as a statement the migration connection can send
   * (HeldLock.heldQuery): where the runner holds back its own statements,
   * it goes with the transaction's claim and re-read instead.
   */
  heldQuery?: string;
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
   * The statements are recorded for a script (`--sql`), one transaction per
   * migration as written: none of the run's commit tuning (shared SQLite
   * commits, PostgreSQL's deferred flush, the execution_ms correction).
   */
  script?: boolean;
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
  /**
   * `each` mode where a commit costs far more than a small migration (SQLite:
   * an fsync per commit): consecutive migrations share commits, each in a
   * savepoint of its own, so each is still atomic alone (commitGroups below).
   */
  group?: boolean;
  /**
   * Its COMMIT goes out with the next transaction's START TRANSACTION,
   * claim, lock check and re-read, one round trip (see HeldCommit): a
   * transaction of its own is followed by another, where the runner holds
   * back its own statements (PostgreSQL) and no TypeORM subscriber hears
   * the commit (it would hear of it before it happened).
   */
  commitWithNext?: boolean;
}

/**
 * A migration's COMMIT held back to go out with the next transaction's
 * start (Batch.commitWithNext). Reported done (`settle`) once the query that
 * carried it returned; where that query failed, the bookkeeping says whether
 * the COMMIT went through (the failure was the next transaction's) or not
 * (the migration was rolled back: `fail` is its failure).
 */
interface HeldCommit {
  name: string;
  direction: Direction;
  settled: boolean;
  /** The failure of the query that carried it. */
  failure?: unknown;
  settle(): void;
  /** `unknown`: the bookkeeping could not be read either (a lost connection). */
  fail(error: unknown, unknown: boolean): Error;
}

/**
 * Settle a held COMMIT that is still open: send it if it was not sent, and
 * where the query that carried it failed, roll back and ask the bookkeeping
 * whether it went through. Throws the migration's failure when it did not.
 */
async function settleHeldCommit(context: ExecutionContext, tuning: CommitTuning): Promise<void> {
  const held = tuning.pending;
  if (!held) return;
  tuning.pending = undefined;
  const { queryRunner, bookkeeping } = context;
  if (!held.settled && held.failure === undefined) await tuning.flush!().catch(() => undefined);
  if (held.settled) return;
  if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
  const committed = await bookkeeping.progress(held.name).then(
    (progress) => progress.applied === (held.direction === "up"),
    () => undefined,
  );
  if (committed) return held.settle();
  // Its transaction carried the correction of the one before it: rolled back with it.
  tuning.commits.carried = false;
  throw held.fail(held.failure ?? new Error("the connection was lost before its COMMIT was sent"), committed === undefined);
}
/** Group migrations into the units that commit together (`groupCommits`: see Batch.group). */
export function batchesFor(migrations: MigrationSource[], mode: TransactionMode, groupCommits = false): Batch[] {
  const batches: Batch[] = [];
  const grouping = mode === "each" && groupCommits;
  for (const migration of migrations) {
    const transaction = mode !== "none" && migration.transaction;
    const last = batches[batches.length - 1];
    if ((mode === "all" || grouping) && transaction && last?.transaction) last.migrations.push(migration);
    else batches.push({ transaction, migrations: [migration], group: (grouping && transaction) || undefined });
  }
  return batches;
}

/**
 * How long a SQLite commit group stays open (ms): a group commits before its
 * next migration once this much time has passed since its transaction began,
 * and at its end. `ATHANOR_COMMIT_GROUP_MS` is a test-only setting (0: no
 * groups, one transaction per migration as before; a large value: one
 * group) so tests can put migrations in a group, or not, whatever the
 * machine's speed.
 */
function commitGroupWindowMs(): number {
  const set = Number(process.env.ATHANOR_COMMIT_GROUP_MS);
  return process.env.ATHANOR_COMMIT_GROUP_MS && Number.isFinite(set) && set >= 0 ? set : 200;
}

/**
 * A migration's time runs to the end of the COMMIT that made it durable. Its
 * row is written before that COMMIT, so the last migration of each
 * transaction has its stored execution_ms brought up to the time shown in
 * the next transaction the run commits (no commit of its own), or once at
 * the end of the run (storeCommitTime).
 */
interface CommitTimes {
  /** The last committed migration whose stored execution_ms lacks its COMMIT. */
  unstored?: { name: string; ms: number };
  /** The open transaction carries the correction of `unstored` (it is stored once that commits). */
  carried?: boolean;
}

/** The run-level lock was found gone before a batch's first migration. */
class LockLost extends Error {
  constructor(readonly next: string) {
    super("the migration lock was lost");
  }
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
  /** The migrations' own statement in flight (sent, not answered), by number: see onAbort. */
  const inFlight: { sent: number; now?: number } = { sent: 0 };
  let cancelAgain: NodeJS.Timeout | undefined;
  // Only the migrations' own statements are cancelled: the bookkeeping row
  // and COMMIT of a migration whose code finished are let through.
  const onAbort = () => {
    if (!running.now || !cancel) return;
    const cancelNow = () => void cancel(context.lock?.connection).catch(() => undefined);
    cancelNow();
    // Lost if the statement had not started yet: asked again while that same statement is out.
    const target = inFlight.now;
    if (!context.dialect.cancelLostBeforeStart || target === undefined) return;
    cancelAgain = setInterval(() => {
      if (inFlight.now === target && running.now) cancelNow();
      else clearInterval(cancelAgain);
    }, CANCEL_AGAIN_MS);
  };
  signal?.addEventListener("abort", onAbort);
  if (signal && context.dialect.answersOnThisThread?.(context.queryRunner)) {
    // Statements that block this thread follow one another without the event
    // loop turning, so a signal would be heard only once the run is over.
    let turned = performance.now();
    running.hearSignals = async () => {
      if (performance.now() - turned < LOOP_TURN_MS) return;
      // Twice: from an I/O callback the first runs before the loop polls
      // again; the second runs after a poll, which is where a signal is read.
      for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      turned = performance.now();
    };
  }
  /** What the current batch sent: the commit-time check covers what it touched. */
  const sentInBatch: string[] = [];
  const observed = observeStatements(context.queryRunner, {
    sending: (sql) => {
      if (signal?.aborted && running.now && !running.writingProgress) throw new StopRequested();
      options.onStatement?.(sql);
      inFlight.now = running.now && !running.writingProgress ? ++inFlight.sent : undefined;
    },
    completed: (sql) => {
      inFlight.now = undefined;
      if (!running.writingProgress) {
        journal.completed(sql);
        // The migrations' own statements: the runner's bookkeeping breaks no foreign key.
        if (running.now) sentInBatch.push(sql);
      }
    },
    persist: async (sql) => {
      if (!running.writingProgress) {
        // Inside an op() call, put off until its next statement or its end (see RunningCode.putOff).
        if (running.putOff?.()) running.pending = true;
        else await running.progress?.();
      }
      faultPoint("statement", sql);
    },
    beforeSending: async () => {
      await running.hearSignals?.();
      if (running.pending && !running.writingProgress) await running.progress?.();
    },
    failed: (sql) => {
      inFlight.now = undefined;
      journal.failedAt();
      if (running.now && !running.writingProgress) running.failedStatement = sql;
    },
    passOver: (sql) => !running.writingProgress && journal.shouldPassOver(sql),
    // An op() call's own transaction in one round trip (outside the runner's transaction), unless statements are being passed over.
    listable: options.script !== true && context.dialect.statementLists ? () => !journal.isPassingOver : undefined,
    // The runner's own statements ride with the next one (ObservedStatements.hold) where a list's rows come back: PostgreSQL.
    // Not where a subscriber hears the transaction start: what it sends there may read rows, and a held statement has none.
    joined:
      options.script !== true && context.dialect.statementLists && context.dialect.sendList && !hearsTransactionStart(context.queryRunner)
        ? (statements) => context.dialect.sendList!(context.queryRunner, statements)
        : undefined,
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
      continued: stopped?.continued
        ? [...stopped.continued].map(([name, progress]) => ({
            name,
            progress: `${progress.wholeRevert ? "partly reverted" : "partially applied"} (${describeProgress(progress)})`,
          }))
        : undefined,
      notStarted: migrations.map((m) => m.name).filter((n) => !seen.has(n)),
    };
  };
  // A script (--sql) is the statements as written, one transaction per
  // migration: the commit tuning below is `run`'s and `revert`'s alone.
  const tuned = options.script !== true;
  const commits: CommitTimes = {};
  const tuning: CommitTuning = {
    commits,
    // Only rows written by `up` carry an execution_ms to correct; PostgreSQL's
    // deferred flush is made durable by that correction's commit at the end.
    flushLater: tuned && direction === "up",
    windowMs: commitGroupWindowMs(),
    sendList: context.dialect.sendList
      ? async (statements) => {
          await observed.sendList(statements, () => context.dialect.sendList!(context.queryRunner, statements));
        }
      : undefined,
    hold: observed.hold,
    ask: observed.ask,
    whenSent: observed.whenSent,
    flush: observed.flush,
  };
  // Each migration's module is loaded while the database works on the statement before (runner/load-ahead.ts).
  const ahead = new LoadAhead(options.fake ? [] : migrations);
  // Outside a transaction, the progress rows of completed migrations go in one DELETE at the end.
  const cleanUpProgress = direction === "up" && tuned ? context.bookkeeping.deferProgressCleanup() : undefined;
  /** Commits outside a transaction return before they are durable; the run's end makes them durable (runner/deferred-flush.ts). */
  let deferred: DeferredRunFlush | undefined;
  try {
    // Where every DDL statement commits (MySQL), a transaction around a
    // migration would promise a rollback it cannot give: each migration runs
    // outside one, and a failure reports what it already applied.
    const mode = context.dialect.transactionalDDL ? (options.mode ?? "each") : "none";
    const batches = batchesFor(migrations, mode, tuned && context.dialect.groupCommit === true && tuning.windowMs > 0);
    if (tuning.flushLater && !options.fake && batches.some((batch) => !batch.transaction)) {
      deferred = await deferFlush(context.queryRunner, context.dialect, context.bookkeeping);
    }
    const commitWithNext = tuned && tuning.hold && tuning.whenSent && !context.dialect.session && !hearsTransactionEnd(context.queryRunner);
    for (const [i, batch] of batches.entries()) {
      const next = batches[i + 1];
      if (commitWithNext && mode === "each" && batch.transaction && !batch.group && next?.transaction) batch.commitWithNext = true;
    }
    for (const batch of batches) {
      await running.hearSignals?.();
      if (signal?.aborted) {
        await settleHeldCommit(context, tuning);
        throw interruptedError(signal.reason, standing());
      }
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
          tuning,
          ahead,
          (result) => {
            results.push(result);
            options.onDone?.(result, results.length - 1, total);
          },
          // A COMMIT held back (HeldCommit) is reported once sent with this migration's start.
          (name, uncommitted) => options.onStart?.(name, results.length + uncommitted + (tuning.pending ? 1 : 0), total),
        );
      } catch (error) {
        if (error instanceof BatchStopped) throw interruptedError(signal!.reason, standing(error));
        if (error instanceof LockLost) throw lockLostError(standing(), error.next);
        throw error;
      }
    }
  } finally {
    // Never left open past its next batch; in case: sent, reported or not.
    await settleHeldCommit(context, tuning).catch(() => undefined);
    // Best effort: a row left behind is harmless (see deferProgressCleanup).
    await cleanUpProgress?.().catch(() => undefined);
    // The durable write is storeCommitTime's when it has a time to store.
    await deferred?.end(commits.unstored ? undefined : results.filter((r) => !r.skipped && !r.fake).pop());
    if (tuned && direction === "up") await storeCommitTime(context, commits, tuning.hold);
    observed.stop();
    ahead.stop();
    clearInterval(cancelAgain);
    signal?.removeEventListener("abort", onAbort);
  }
  return results;
}

/**
 * The end of a run that committed migrations: store the last one's time,
 * COMMIT included, in a transaction of its own. Its COMMIT is a durable one
 * (PostgreSQL: synchronous), so every migration committed before it with
 * its flush deferred is durable once it returns. Best effort: a connection
 * that is gone cannot take it (the row keeps the time without its COMMIT,
 * and the server still flushes what it committed within a fraction of a
 * second).
 */
async function storeCommitTime(context: ExecutionContext, commits: CommitTimes, hold?: CommitTuning["hold"]): Promise<void> {
  const unstored = commits.unstored;
  const { queryRunner, bookkeeping } = context;
  // A transaction the code ended itself can leave TypeORM believing one is open.
  if (!unstored || queryRunner.isTransactionActive) return;
  try {
    // One round trip where the dialect allows: START TRANSACTION and the UPDATE go with the COMMIT.
    const write = async () => {
      await queryRunner.startTransaction();
      await bookkeeping.storeExecutionMs(unstored.name, unstored.ms);
    };
    await (hold ? hold(write) : write());
    await queryRunner.commitTransaction();
    commits.unstored = undefined;
  } catch {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
  }
}

/** What executeBatch needs of the run's commit tuning. */
interface CommitTuning {
  commits: CommitTimes;
  /** Let a migration's COMMIT return before it is durable where the dialect can (see MigrationClaim.inTransaction). */
  flushLater: boolean;
  /** See commitGroupWindowMs. */
  windowMs: number;
  /** Several statements in one round trip, observed (Dialect.sendList): a commit group's bookkeeping. */
  sendList?: (statements: readonly string[]) => Promise<void>;
  /**
   * Where a list's rows come back (PostgreSQL): hold back what the runner
   * sends to go with its next statement (ObservedStatements.hold). A
   * transaction's START TRANSACTION and claim go with the bookkeeping
   * re-read, and a migration's row with the COMMIT: one round trip each.
   */
  hold?: ObservedStatements["hold"];
  /** A read held back as `hold` does, answered with the list (the run-level lock's check). */
  ask?: ObservedStatements["ask"];
  whenSent?: ObservedStatements["whenSent"];
  flush?: ObservedStatements["flush"];
  /** The COMMIT held back by the batch before (Batch.commitWithNext), until it is known to have gone through. */
  pending?: HeldCommit;
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
  /**
   * Where DDL is transactional: whether the progress write after a statement waits, because an op()
   * call is running. It is made before the call's next statement is sent (beforeSending), or with
   * the write its end makes anyway (the op() calls finished): one write, not two, per call whose
   * last statement (or own COMMIT) took effect. Nothing is sent in between, so a kill finds the
   * row no further behind than it would an instant after the statement.
   */
  putOff?: () => boolean;
  /** A progress write was put off (putOff). */
  pending?: boolean;
  /** The progress write itself is being sent (it is bookkeeping, not the migration's). */
  writingProgress?: boolean;
  /** The last statement of the code that failed (a stop: the one it cancelled). */
  failedStatement?: string;
  /** Where statements block this thread (Dialect.answersOnThisThread): let the event loop turn, so that a signal sent meanwhile is heard. */
  hearSignals?: () => Promise<void>;
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
    readonly partial?: StoppedPart,
    /** Of `rolledBack`, those an earlier run left part-way: that part remains, recorded as before. */
    readonly continued?: ReadonlyMap<string, PartialProgress>,
  ) {
    super("stopped");
  }
}

/** At most how often the event loop is let turn between statements that block this thread (Dialect.answersOnThisThread). */
const LOOP_TURN_MS = 50;

/** How often a stop's cancel is asked again while the statement it was for has not started (Dialect.cancelLostBeforeStart). */
const CANCEL_AGAIN_MS = 50;

/** The savepoint each migration of a commit group runs in. */
const GROUP_SAVEPOINT = "athanor_migration";

/** How many of a commit group's next migrations one bookkeeping read asks about (see groupKnows). */
const GROUP_READ = 500;

async function executeBatch(
  context: ExecutionContext,
  batch: Batch,
  direction: Direction,
  options: ExecutionOptions,
  journal: StatementJournal,
  running: RunningCode,
  sent: readonly string[],
  tuning: CommitTuning,
  ahead: LoadAhead,
  done: (result: ExecutionResult) => void,
  starting: (name: string, uncommitted: number) => void,
): Promise<void> {
  const { queryRunner, dialect, bookkeeping } = context;
  const { commits } = tuning;
  let current: MigrationSource | undefined;
  /** Outside a transaction: what the failing migration's code already ran. */
  let ranBeforeFailure: string[] = [];
  /** Results of the open transaction, reported once it commits (at once outside a transaction). */
  let finished: ExecutionResult[] = [];
  /** When each finished migration started (the last one's time runs to its COMMIT). */
  const startedAt = new Map<ExecutionResult, number>();
  /** Migrations whose code the open transaction started (a rollback undoes them). */
  let begun: string[] = [];
  /** The migration begun and not finished (what a failure or a stop is about). */
  let unfinished: string | undefined;
  let codeStarted = false;
  /** The current migration's partial row, if an earlier run left one. */
  let resumed: PartialProgress | undefined;
  /** Whether the current migration has a partial row (left earlier, or written as it runs). */
  let hasRow = false;
  /** Down: the current migration's whole down() runs from its start (a complete migration's revert, not continued). */
  let wholeDownFromStart = false;
  /** Down: why what the current revert has still to run is not listed (StoppedPart.unlistedBecause). */
  let revertUnlisted: string | undefined;
  /** Up outside a transaction: what the current migration's partial row records, as last written. */
  let lastRecorded: PartialProgress | undefined;
  /** When the open transaction began (a commit group commits once it is old enough). */
  let transactionBegan = 0;
  /** A commit group: the current migration's savepoint is open (or the next one's, opened with the last row). */
  let inSavepoint = false;
  /**
   * A commit group: what the bookkeeping says of the batch's next
   * migrations, read once after the open transaction's claim. No other
   * runner can write the bookkeeping until that transaction ends (the
   * claim took the database's write lock, held to COMMIT), so one read
   * serves the group, where a read per migration cost a round trip and a
   * scan of TypeORM's table (it has no index on name). This runner's own
   * rows are kept in it; it is read again in each new transaction, and
   * after a migration whose own statements name the bookkeeping table.
   */
  let groupKnows: Map<string, MigrationProgress> | undefined;
  /** Up outside a transaction: the op() calls finished so far (runner/resume-trace.ts). */
  let operationsNow: (() => PartialProgress["operations"]) | undefined;
  /** Up outside a transaction or continued: its op() calls and what took effect (runner/resume-trace.ts). */
  let trace: ResumeTrace | undefined;
  /** What the trace said when the code returned or threw (the journal is closed by then). */
  let traced: { applied: number; operations: PartialProgress["operations"]; digest: string } | undefined;
  /** Down of a partly applied migration: which of its down() calls run. */
  let revertPlan: PartialRevertPlan | undefined;
  /** Down outside a transaction: its progress, recorded statement by statement (runner/partial.ts). */
  let revertTracker: RevertTracker | undefined;
  /**
   * Migrations of the open transaction an earlier run left part-way outside one (their partial row):
   * a rollback undoes only what this run sent of them, and they stay recorded as they were.
   */
  const continued = new Map<string, PartialProgress>();
  const { signal } = options;
  const claim = dialect.migrationClaim;
  let unclaim: (() => Promise<void>) | undefined;
  const releaseClaim = async () => {
    const release = unclaim;
    unclaim = undefined;
    // A lost connection took the claim with it.
    await release?.().catch(() => undefined);
  };
  // Where the transaction's start is held back, asked in the same round
  // trip, after the claim (begin); else on the lock's own connection while
  // this one begins its transaction. Answered before anything of a
  // migration runs.
  const heldQuery = batch.transaction && tuning.hold && tuning.ask ? context.lock?.heldQuery : undefined;
  let lockHeld = heldQuery ? undefined : context.lock?.stillHeld?.();
  /** The batch's check was asked (once per batch, as before its first migration). */
  let lockChecked = false;
  const checkLock = async () => {
    const asked = lockHeld;
    lockHeld = undefined;
    if (asked) lockChecked = true;
    if (asked && !(await asked)) throw new LockLost(batch.migrations[0].name);
  };
  /**
   * What `migration` has still to run after it stopped with `applied` in effect and `stoppedAt` not: up, from
   * its code read without a database (whatRemains); down, where all of its down() was to run from its start
   * (whatRemainsOfRevert); undefined where that cannot be said without running it.
   */
  const remainingOf = async (migration: MigrationSource, applied: string[], stoppedAt: string | undefined) => {
    const { tableName } = bookkeeping;
    const found =
      direction === "up"
        ? whatRemains(migration, dialect, tableName, applied, stoppedAt, traced?.applied)
        : wholeDownFromStart
          ? whatRemainsOfRevert(migration, dialect, tableName, applied, stoppedAt)
          : undefined;
    return found?.catch(() => ({}) as Remaining);
  };
  /** A stop cut `migration` short outside a transaction: what took effect, what it cancelled, what did not run. */
  const stoppedPart = async (migration: MigrationSource): Promise<StoppedPart> => {
    const cancelled = running.failedStatement;
    const up = direction === "up";
    const remaining = await remainingOf(migration, ranBeforeFailure, cancelled);
    const total = up ? await statementCount(migration, dialect, bookkeeping.tableName).catch(() => undefined) : undefined;
    const unlistedBecause = up || remaining ? undefined : revertUnlisted;
    return {
      name: migration.name,
      applied: ranBeforeFailure,
      cancelled,
      remaining,
      total,
      unlistedBecause,
      recorded: hasRow || revertTracker?.recorded,
    };
  };

  const begin = async () => {
    groupKnows = undefined;
    const open = async () => {
      await queryRunner.startTransaction();
      transactionBegan = performance.now();
      // Waits for another runner's migration transaction (one that took over
      // a lost run-level lock) before the re-read that follows; where there
      // is no such claim, the bookkeeping write lock serializes (SQLite).
      if (claim) await claim.inTransaction(queryRunner, { flushLater: tuning.flushLater });
      else await bookkeeping.claim();
      // A failed list fails the re-read that carries it first: this answer is then never awaited.
      if (heldQuery && !lockChecked)
        lockHeld = tuning.ask!(heldQuery).then(
          (rows) => (rows[0] as { held?: unknown } | undefined)?.held === true,
          () => false,
        );
    };
    // Held back, both go with the re-read that always follows (progressAt): one round trip.
    await (tuning.hold ? tuning.hold(open) : open());
  };
  /** Commit the open transaction and report what it made durable (`withNext`: see Batch.commitWithNext). */
  const commit = async (withNext = false) => {
    if (withNext) {
      await tuning.hold!(() => queryRunner.commitTransaction());
      const migration = current!;
      const held: HeldCommit = {
        name: migration.name,
        direction,
        settled: false,
        settle: () => {
          held.settled = true;
          if (tuning.pending === held) tuning.pending = undefined;
          committed();
        },
        fail: (error, unknown) =>
          migrationFailure({ migration, direction, error, batch, dialect, ranBeforeFailure: [], commitUnknown: unknown }),
      };
      tuning.pending = held;
      tuning.whenSent!((error) => {
        if (error === undefined) held.settle();
        else held.failure ??= error;
      });
      return;
    }
    await queryRunner.commitTransaction();
    committed();
  };
  /** What follows a COMMIT that returned: report what it made durable. */
  const committed = () => {
    faultPoint("after-commit");
    if (commits.carried) commits.unstored = undefined;
    commits.carried = false;
    const last = finished.filter((r) => !r.skipped && !r.fake).pop();
    if (last) {
      last.ms = performance.now() - startedAt.get(last)!;
      if (last.direction === "up") commits.unstored = { name: last.name, ms: last.ms };
    }
    const reported = finished;
    finished = [];
    begun = [];
    reported.forEach(done);
  };
  const savepoint = async (statement: "SAVEPOINT" | "RELEASE SAVEPOINT" | "ROLLBACK TO SAVEPOINT") => {
    await queryRunner.query(`${statement} ${GROUP_SAVEPOINT}`);
  };
  /** What the bookkeeping says of the batch's migration at `index` (see groupKnows). */
  const progressAt = async (index: number): Promise<MigrationProgress> => {
    const name = batch.migrations[index].name;
    if (!batch.group) return bookkeeping.progress(name);
    let known = groupKnows?.get(name);
    if (!known) {
      groupKnows = await bookkeeping.progressOf(batch.migrations.slice(index, index + GROUP_READ).map((m) => m.name));
      known = groupKnows.get(name)!;
    }
    return known;
  };

  await dialect.session?.beforeTransaction(queryRunner);
  try {
    if (batch.transaction) await begin();
    // A transaction begun held back is sent with the first re-read: the lock is checked after it.
    if (!(batch.transaction && tuning.hold)) await checkLock();
    for (const [index, migration] of batch.migrations.entries()) {
      await running.hearSignals?.();
      if (signal?.aborted) throw new StopRequested();
      current = migration;
      // With the next savepoint open, the group already chose to go on (at the last row).
      if (batch.group && !inSavepoint && finished.length > 0 && performance.now() - transactionBegan >= tuning.windowMs) {
        await commit();
        await begin();
      }
      starting(migration.name, batch.transaction ? finished.length : 0);
      // Outside a transaction, the claim is held from the re-read to the
      // bookkeeping row, on the connection that runs the migration.
      if (!batch.transaction && claim) {
        unclaim = await claim.outsideTransaction(queryRunner, { timeoutMs: context.lock?.timeoutMs ?? 60_000, signal });
      }
      const started = performance.now();
      // Its module, while the bookkeeping is read (where that is a round trip and the module is not loaded yet).
      if (!options.fake) ahead.soon(migration);
      const progress = await progressAt(index);
      await checkLock();
      const appliedNow = progress.applied;
      resumed = progress.partial;
      hasRow = resumed !== undefined;
      lastRecorded = resumed;
      operationsNow = undefined;
      revertPlan = undefined;
      revertTracker = undefined;
      // Down of a partly applied migration undoes the part that took effect.
      const undoingPart = direction === "down" && !appliedNow && resumed !== undefined;
      if (direction === "up" && resumed?.reverted) throw new Refusal(unfinishedRevert(migration.name, resumed));
      if (!undoingPart && appliedNow !== (direction === "down")) {
        const skipped: ExecutionResult = { name: migration.name, direction, ms: 0, skipped: true };
        finished.push(skipped);
        if (!batch.transaction) {
          finished = [];
          done(skipped);
        }
        await releaseClaim();
        continue;
      }
      if (batch.group && !inSavepoint) {
        await savepoint("SAVEPOINT");
        inSavepoint = true;
      }
      let sentBefore = sent.length;
      begun.push(migration.name);
      if (batch.transaction && resumed && !options.fake) continued.set(migration.name, resumed);
      unfinished = migration.name;
      // A complete migration's revert that stopped half-way continues: all of its down() runs.
      if (undoingPart && !options.fake && !resumed!.wholeRevert) {
        const before = await appliedBefore(bookkeeping);
        revertPlan = await planPartialRevert(migration, resumed!, dialect, bookkeeping.tableName, before).catch((error) => {
          throw error instanceof UsageError ? new Refusal(error) : error;
        });
      }
      const outside = !options.fake && !batch.transaction && options.partialRows !== false;
      // Every migration that runs outside a transaction is followed, whatever put it there (MySQL,
      // `transaction = false`, `--transaction none`): a stop of any kind leaves an honest row.
      const followed = outside && direction === "up";
      // The revert of a complete migration is followed the same way (runner/partial.ts: wholeRevert).
      const wholeRevert = outside && direction === "down" && (appliedNow || resumed?.wholeRevert === true);
      wholeDownFromStart = wholeRevert && appliedNow;
      /**
       * A whole revert continued: the op() calls of its down() that finished are passed over, the statements after them
       * by count; in a transaction too (a revert begun with `--transaction none`, continued without it).
       */
      const passedOver =
        !options.fake && direction === "down" && !appliedNow && resumed?.wholeRevert === true
          ? (resumed.operations ?? { finished: 0, statements: 0 })
          : undefined;
      revertUnlisted = passedOver
        ? "it continued an earlier revert, passing over what that one undid as it ran, so which of its statements remain is known only by running it"
        : revertPlan
          ? "it undoes only the part that took effect, passing over the calls of down() that invert the rest as it runs, so which of its statements remain is known only by running it"
          : undefined;
      // Before the journal opens: the table is bookkeeping, not the migration's.
      if (followed || wholeRevert) await bookkeeping.ensureProgressTable();
      if (!options.fake) {
        faultPoint("migration-start");
        // Up outside a transaction, or continuing a partial row: followed op() call by op() call
        // (runner/resume-trace.ts), so a continuation passes over what finished, and checks it.
        trace = undefined;
        if (direction === "up" && (outside || resumed)) {
          const before = resumed?.digest ? await appliedBefore(bookkeeping) : "base";
          const stopped = resumed;
          trace = new ResumeTrace(journal, {
            resumed,
            onFinished: async () => running.progress?.(),
            onMisaligned: (why) => new Refusal(misalignedContinuation(migration.name, stopped!, why, before)),
          });
        }
        journal.open(batch.transaction, {
          resume: direction === "up" ? trace?.toSkip : undoingPart ? (resumed?.reverted ?? 0) - (passedOver?.statements ?? 0) : undefined,
          ddlCommits: !dialect.transactionalDDL,
        });
        codeStarted = true;
        if (trace) {
          journal.passingOver = trace.passingOverAll;
          const tracing = trace;
          operationsNow = () => tracing.operations();
          // A row that records nothing to pass over is checked at once.
          try {
            trace.install(queryRunner as StepCarrier);
          } catch (error) {
            throw error instanceof Refusal ? error : new Refusal(error as UsageError);
          }
        }
        // Followed statement by statement outside a transaction, so a kill leaves an honest row.
        if (followed) {
          const progress = trackProgress(bookkeeping, dialect, migration, journal, running, resumed, trace!);
          if (dialect.transactionalDDL) running.putOff = () => trace!.inOperation;
          running.progress = async () => {
            running.pending = false;
            const row = await progress();
            if (row) lastRecorded = row;
            hasRow = row !== undefined || hasRow;
          };
        }
        // Only the inverses of the operations that took effect run.
        if (revertPlan) skipOperations(queryRunner as StepCarrier, revertPlan.skipDown);
        if (wholeRevert || passedOver) {
          // The statements of the finished op() calls, never sent again: counted here, not by the journal.
          let base = passedOver?.statements ?? 0;
          // A raw statement sent before the last finished call ran before it finished: passed over too (as run does).
          journal.passingOver = (passedOver?.finished ?? 0) > 0;
          const followed = followOperations(
            queryRunner as StepCarrier,
            () => base + journal.appliedCount,
            passedOver,
            () => {
              base = passedOver!.statements - journal.appliedCount;
              journal.passingOver = false;
            },
          );
          if (wholeRevert) {
            const from = passedOver ? resumed! : await wholeRevertProgress(migration, dialect, bookkeeping.tableName);
            revertTracker = trackRevertProgress(bookkeeping, migration, journal, running, from, {
              base: () => base,
              operations: followed.operations,
            });
            running.progress = revertTracker.step;
          }
        } else if (revertPlan && !batch.transaction && options.partialRows !== false) {
          revertTracker = trackRevertProgress(bookkeeping, migration, journal, running, resumed!);
          running.progress = revertTracker.step;
        }
        running.now = true;
        running.failedStatement = undefined;
        // The next migration's module, while this one's statements are on the server.
        ahead.soonAfter(migration);
        try {
          if (direction === "up") await migration.instance.up(queryRunner);
          else await migration.instance.down(queryRunner);
        } finally {
          running.now = false;
          running.progress = undefined;
          running.putOff = undefined;
          running.pending = false;
          stopFollowing(queryRunner as StepCarrier);
          traced = trace ? { applied: trace.applied(), operations: trace.operations(), digest: trace.digest() } : undefined;
          ranBeforeFailure = journal.close();
        }
        // Code that caught the continuation's refusal and went on is stopped all the same.
        trace?.end();
        // The code ended the runner's transaction itself and finished (runner/own-transaction-control.ts):
        // what it sent is committed or undone, so the commit-time check has none of it to guard.
        if (batch.transaction && journal.endedBy) {
          const earlier = finished.filter((r) => !r.skipped).map((r) => r.name);
          if (journal.endedBy === "ROLLBACK" && earlier.length > 0) throw rolledBackEarlier(earlier);
          inSavepoint = false;
          adoptTransactionState(queryRunner, journal.leftOpen);
          if (!journal.leftOpen) await begin();
          sentBefore = sent.length;
        }
      }
      // A migration that commits alone (or alone in its savepoint) is
      // checked before its row is written, so the row's execution_ms
      // includes the check.
      if (batch.migrations.length === 1 || batch.group) await dialect.session?.beforeCommit(queryRunner, sent.slice(sentBefore));
      const ms = performance.now() - started;
      faultPoint("before-record");
      // The previous transaction's last migration gets its full time here,
      // in a transaction that commits anyway (see CommitTimes).
      const correction = batch.transaction && commits.unstored && !commits.carried ? commits.unstored : undefined;
      // In a commit group the row goes in one round trip with the RELEASE
      // of the migration's savepoint and, unless the group is to commit
      // before the next migration, the next one's SAVEPOINT.
      const opensNext: boolean =
        inSavepoint && index + 1 < batch.migrations.length && performance.now() - transactionBegan < tuning.windowMs;
      const roundTrip: RoundTrip = inSavepoint
        ? { then: [`RELEASE SAVEPOINT ${GROUP_SAVEPOINT}`, ...(opensNext ? [`SAVEPOINT ${GROUP_SAVEPOINT}`] : [])], send: tuning.sendList }
        : {};
      // The batch's last row goes with its COMMIT where the runner can hold
      // it back (a row the database refuses then fails the COMMIT's query,
      // and the migration is rolled back as before). Not an earlier one's:
      // its failure would be told as the next migration's.
      const withCommit = batch.transaction && !batch.group && index === batch.migrations.length - 1;
      const write = () =>
        direction === "up"
          ? bookkeeping.record(
              { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum, executionMs: ms },
              hasRow,
              { correction, ...roundTrip, hold: withCommit ? tuning.hold : undefined },
            )
          : bookkeeping.forget(migration.name, { ...roundTrip, hold: withCommit ? tuning.hold : undefined });
      // Outside a transaction the migration has taken effect: a cancellation
      // meant for its code that lands on the row instead must not leave it
      // unrecorded.
      await write().catch((error) => {
        if (!batch.transaction && signal?.aborted) return write();
        throw error;
      });
      faultPoint("after-record");
      inSavepoint = opensNext;
      if (groupKnows) {
        // Its own statements may have written the bookkeeping: read it again.
        const table = bookkeeping.tableName.toLowerCase();
        if (sent.slice(sentBefore).some((sql) => sql.toLowerCase().includes(table))) groupKnows = undefined;
        else groupKnows.set(migration.name, { applied: direction === "up" });
      }
      // Carried once nothing of this migration can be rolled back alone.
      if (correction) commits.carried = true;
      await releaseClaim();
      ranBeforeFailure = [];
      codeStarted = false;
      const result: ExecutionResult = { name: migration.name, direction, ms, fake: options.fake || undefined };
      startedAt.set(result, started);
      finished.push(result);
      unfinished = undefined;
      // Without a transaction each migration is final as soon as it ran.
      if (!batch.transaction) {
        faultPoint("after-commit");
        finished = [];
        done(result);
      }
    }
    // The next savepoint, opened for migrations that turned out applied already.
    if (inSavepoint) {
      await savepoint("RELEASE SAVEPOINT");
      inSavepoint = false;
    }
    if (batch.migrations.length !== 1 && !batch.group) await dialect.session?.beforeCommit(queryRunner, sent);
    if (batch.transaction) await commit(batch.commitWithNext === true && !journal.endedBy);
  } catch (error) {
    // The batch before's COMMIT went with this one's start: settled first (its failure, if it failed, is the one told).
    await settleHeldCommit(context, tuning);
    if (error instanceof LockLost) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    /** A commit group's migrations before the failing one, whole and not yet committed. */
    const before = begun.filter((name) => name !== unfinished);
    /** Whether those were committed here (the failing one alone rolled back). */
    let keptBefore = false;
    if (batch.group && batch.transaction && queryRunner.isTransactionActive) {
      keptBefore = await rollBackAlone(inSavepoint, savepoint);
      if (keptBefore && finished.length > 0) {
        const failing = unfinished ? [unfinished] : [];
        try {
          begun = failing;
          await commit();
          begun = failing;
        } catch {
          keptBefore = false;
          begun = [...before, ...failing];
        }
      }
    }
    if (batch.transaction && queryRunner.isTransactionActive) {
      await queryRunner.rollbackTransaction().catch(() => undefined);
    }
    // A rolled-back transaction carried no correction after all.
    commits.carried = false;
    if (error instanceof Refusal) throw error.refusal;
    // A continuation found misaligned sent nothing: its row stays as it was.
    if (trace?.misaligned instanceof Refusal) throw trace.misaligned.refusal;
    if (signal?.aborted) {
      if (batch.transaction)
        throw new BatchStopped(begun, undefined, new Map(begun.filter((n) => continued.has(n)).map((n) => [n, continued.get(n)!])));
      throw new BatchStopped([], codeStarted && current ? await stoppedPart(current) : undefined);
    }
    // Outside a transaction what ran stays: the bookkeeping says how much, so the next run continues there.
    const keep = !batch.transaction && codeStarted && current && options.partialRows !== false;
    const recorded = !keep
      ? undefined
      : revertTracker
        ? await revertTracker.settle(ranBeforeFailure.length).catch(() => undefined)
        : // A row that cannot be written now (a lost connection) records what it was last brought up to.
          ((await recordPartialProgress(
            bookkeeping,
            dialect,
            current!,
            direction,
            traced?.applied ?? ranBeforeFailure.length,
            hasRow,
            traced?.operations ?? operationsNow?.(),
            traced?.digest,
          )) ?? (direction === "up" ? lastRecorded : undefined));
    const migration = current ?? batch.migrations[0];
    const stoppedAt = (error as { query?: unknown } | undefined)?.query;
    // What did not run, where it is news: outside a transaction, after statements that took effect.
    const remaining =
      keep && ranBeforeFailure.length > 0
        ? await remainingOf(migration, ranBeforeFailure, typeof stoppedAt === "string" ? stoppedAt : undefined)
        : undefined;
    // What the failure speaks of: in a commit group, the failing migration
    // alone when the ones before it were committed, else the transaction.
    const unit: Batch = batch.group
      ? {
          transaction: true,
          migrations: keptBefore ? [migration] : [...batch.migrations.filter((m) => before.includes(m.name)), migration],
          group: true,
        }
      : batch;
    throw migrationFailure({
      recorded,
      migration,
      direction,
      error,
      batch: unit,
      dialect,
      ranBeforeFailure,
      endedBy: journal.endedBy,
      continued: batch.transaction ? continued.get(migration.name) : undefined,
      continuedBefore: batch.transaction
        ? unit.migrations
            .filter((m) => m !== migration && continued.has(m.name))
            .map((m) => ({ name: m.name, progress: continued.get(m.name)! }))
        : [],
      remaining,
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
 * A migration of a commit group failed or was stopped: undo it alone (back
 * to its savepoint), keeping the group's earlier migrations. False when the
 * transaction is gone (SQLite rolls back the whole transaction when a
 * statement that writes is interrupted; the code may have ended it itself).
 */
async function rollBackAlone(
  inSavepoint: boolean,
  savepoint: (statement: "RELEASE SAVEPOINT" | "ROLLBACK TO SAVEPOINT") => Promise<void>,
): Promise<boolean> {
  if (!inSavepoint) return true;
  try {
    await savepoint("ROLLBACK TO SAVEPOINT");
    await savepoint("RELEASE SAVEPOINT");
    return true;
  } catch {
    return false;
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
  /** Its COMMIT went out with the next migration's start, and neither an answer nor the bookkeeping says whether it went through. */
  commitUnknown?: boolean;
  /** What its partial bookkeeping row now records. */
  recorded?: PartialProgress;
  /** Up outside a transaction: what it has still to run (runner/partial.ts whatRemains). */
  remaining?: Remaining;
  /** In a transaction: the partial row an earlier run left (the rollback undid only what this run sent of it). */
  continued?: PartialProgress;
  /** In a transaction: the migrations before it, rolled back with it, that continued an earlier run's partial row, which stays. */
  continuedBefore?: ReadonlyArray<{ name: string; progress: PartialProgress }>;
}

function migrationFailure({
  migration,
  direction,
  error,
  batch,
  dialect,
  ranBeforeFailure,
  endedBy,
  recorded,
  remaining,
  commitUnknown,
  continued,
  continuedBefore = [],
}: Failure): DatabaseError {
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
  // What did not take effect besides the failing statement: listed, counted, or said to be unknown.
  const rest = remaining ? `; ${query ? "the failing statement did not take effect, and " : ""}${stillToRun(remaining)}` : "";
  const remain =
    `the ${n === 1 ? "statement" : `${n} statements`} listed below as already applied ` +
    `${n === 1 ? "remains" : "remain"} and ${bookkeeping}${rest}; undo ${n === 1 ? "it" : "them"} or finish the migration by hand`;
  let outcome: string;
  if (!batch.transaction && recorded && direction === "down") {
    outcome =
      `it ran outside a transaction: the ${n === 1 ? "statement" : `${n} statements`} of its revert listed below as already applied ${n === 1 ? "remains" : "remain"}, ` +
      `and it is recorded as ${recorded.wholeRevert ? "partly reverted" : "partially applied"} (${describeProgress(recorded)})${rest}; fix the cause and run revert again to continue from the failed statement`;
  } else if (!batch.transaction && recorded) {
    outcome =
      `it ran outside a transaction: the ${n === 1 ? "statement" : `${n} statements`} listed below as already applied ${n === 1 ? "remains" : "remain"}, ` +
      `and it is recorded as partially applied (${describeProgress(recorded)})${rest}; fix the cause and run again to continue from the failed statement`;
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
      before.length === 0
        ? ""
        : `the ${before.length} migration${before.length === 1 ? "" : "s"} before it in that transaction (${before.map((m) => m.name).join(", ")}) ` +
          (endedBy === "COMMIT"
            ? `${before.length === 1 ? "was" : "were"} committed and ${direction === "up" ? "recorded" : "forgotten"}, `
            : `${before.length === 1 ? "was" : "were"} rolled back with it, `);
    const what = n === 0 ? `none of its statements remain and ${bookkeeping}; ` : `${remain}, and `;
    outcome =
      `it ended the runner's transaction itself with ${endedBy}, so it could not be rolled back: ${committedBefore}${what}` +
      `take the ${endedBy} out of the migration${n === 0 ? "" : ","} before running again`;
  } else if (commitUnknown) {
    // E251 (docs/errors.md).
    outcome =
      `its COMMIT was sent with the next migration's start and no answer came back, so whether it was ${direction === "up" ? "applied and recorded" : "reverted and forgotten"} is unknown: ` +
      "run athanor status once the server answers";
  } else if (continued && continuedBefore.length > 0) {
    // Itself and migrations before it continued: each one's earlier part stays (the branch below says the rest).
    outcome = continuedOutcome(direction, batch, continuedBefore, [migration.name, continued]);
  } else if (continued) {
    // What an earlier run applied outside a transaction is no part of this transaction: the rollback leaves it, and its row.
    const whole = batch.migrations.length > 1 ? ` with the whole transaction of ${batch.migrations.length} migrations` : "";
    const state = direction === "up" || !continued.wholeRevert ? "partially applied" : "partly reverted";
    outcome =
      direction === "up"
        ? `it was continued in a transaction: what this run sent of it was rolled back${whole}, and the part an earlier run applied outside a transaction remains, ` +
          `recorded as ${state} (${describeProgress(continued)}); fix the cause and run again to continue from the failed statement`
        : `it was continued in a transaction: what this run sent of its revert was rolled back${whole}, and it stays recorded as ${state} ` +
          `(${describeProgress(continued)}); fix the cause and run revert again to continue`;
  } else if (continuedBefore.length > 0) {
    outcome = continuedOutcome(direction, batch, continuedBefore);
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
  details.push(...partDetails({ applied: ranBeforeFailure, remaining }));
  return new DatabaseError(`${what} ${migration.name} failed (${outcome}): ${redact(cause)}`, details);
}

/**
 * A transaction rolled back with migrations in it that continued an earlier
 * run's partial row (and the failing one, when it did too): what earlier
 * runs applied of them outside a transaction was no part of it, so the
 * rollback left that, and their rows.
 */
function continuedOutcome(
  direction: Direction,
  batch: Batch,
  before: ReadonlyArray<{ name: string; progress: PartialProgress }>,
  failing?: [string, PartialProgress],
): string {
  const all = failing ? [...before, { name: failing[0], progress: failing[1] }] : before;
  const names = all.map((c) => c.name).join(", ");
  const parts = all.map(({ name, progress }) =>
    direction === "up"
      ? `the part of ${name} an earlier run applied outside a transaction remains, recorded as partially applied (${describeProgress(progress)})`
      : `${name} stays recorded as ${progress.wholeRevert ? "partly reverted" : "partially applied"} (${describeProgress(progress)})`,
  );
  const whole = batch.migrations.length > 1 ? `the whole transaction of ${batch.migrations.length} migrations` : "the transaction";
  return (
    `${whole} was rolled back and nothing it sent remains, but ${parts.join(", and ")}; ` +
    `fix the cause and run ${direction === "up" ? "" : "revert "}again to continue ${names} from where ${all.length === 1 ? "it" : "they"} stopped`
  );
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

/** Whether a TypeORM subscriber of the DataSource listens to a transaction's commit (Batch.commitWithNext). */
function hearsTransactionEnd(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.subscribers.some(
    (subscriber) => typeof subscriber.beforeTransactionCommit === "function" || typeof subscriber.afterTransactionCommit === "function",
  );
}

/**
 * Whether a TypeORM subscriber of the DataSource listens to a transaction's
 * start: the runner then sends START TRANSACTION and its claim one at a time
 * (no `hold`), so that a query the subscriber sends there gets its rows.
 */
function hearsTransactionStart(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.subscribers.some(
    (subscriber) => typeof subscriber.beforeTransactionStart === "function" || typeof subscriber.afterTransactionStart === "function",
  );
}
