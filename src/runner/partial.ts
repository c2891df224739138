/**
 * A migration that fails outside a transaction (MySQL, where every DDL
 * statement commits; `transaction = false` or `--transaction none`
 * elsewhere) leaves the statements before the failure applied. Its
 * bookkeeping row then records how many took effect and how many the
 * migration has (runner/bookkeeping.ts, AppliedMigration.partial); the row
 * counts as pending, and the next `run` passes over the applied statements
 * (StatementJournal.shouldPassOver) and continues from the failed one. `revert`
 * instead undoes the applied part (runner/operation-steps.ts) and records
 * how far it got the same way, so a second revert continues. A revert of a
 * complete migration outside a transaction is followed too (wholeRevert): at
 * its first statement that takes effect the migration becomes partly
 * reverted, so a revert that fails or is killed half-way is continued by
 * the next, and `run` refuses it meanwhile.
 */
import type { Dialect } from "../dialects/dialect";
import { UsageError } from "../errors";
import type { Bookkeeping, PartialProgress } from "./bookkeeping";
import type { Direction } from "./direction";
import type { MigrationSource } from "./discover";
import { countedStatements, renderedStatements } from "./operation-reader";
import { emptyModel, RecordingQueryRunner } from "./recording-query-runner";
import { counts, type StatementJournal } from "./statement-journal";
import type { ResumeTrace } from "./resume-trace";

/**
 * The statements that change something `migration`'s `up` sends, in order,
 * found by recording it offline from an empty schema; undefined when its
 * code cannot be recorded so (it needs real query results, or the schema
 * offline mode lacks). What the code sends live may still differ where it
 * decides on what its queries return: callers check it against what ran.
 */
export async function plannedStatements(
  migration: MigrationSource,
  dialect: Dialect,
  tableName: string,
  direction: Direction = "up",
): Promise<string[] | undefined> {
  const recorder = new RecordingQueryRunner(dialect, tableName, emptyModel());
  recorder.migration = migration.name;
  recorder.isTransactionActive = false;
  let before = 0;
  try {
    await migration.instance.up(recorder.asQueryRunner() as never);
    // down: recorded on the schema up() left (a SQLite rebuild renders from it).
    if (direction === "down") {
      before = recorder.statements.length;
      await migration.instance.down(recorder.asQueryRunner() as never);
    }
  } catch {
    return undefined;
  }
  return recorder.statements
    .slice(before)
    .map((s) => s.sql)
    .filter(counts);
}

/**
 * How many statements `migration`'s `up` has, counted as the journal counts
 * them (reads and transaction control are not: "writing statements"), found
 * without a database; undefined when its code cannot be read so.
 *
 * From its op() calls, each rendered alone, where none renders from the
 * schema: a migration followed outside a transaction computes this at its
 * first progress write, and replaying it on a schema model (what
 * plannedStatements does) costs far more (0.65 s of CPU for 1000
 * createTable calls, the model copied at each). Else (a SQLite rebuild) by
 * recording it offline from an empty schema.
 */
export async function statementCount(migration: MigrationSource, dialect: Dialect, tableName: string): Promise<number | undefined> {
  return (await countedStatements(migration, dialect, tableName)) ?? (await plannedStatements(migration, dialect, tableName))?.length;
}

/** What of a migration stopped part-way outside a transaction did not run (see whatRemains). */
export interface Remaining {
  /** The statements still to run, in order, where they can be known without running the code. */
  statements?: string[];
  /** How many writing statements are still to run, where known (the statements themselves may not be). */
  count?: number;
}

/**
 * What `migration`'s `up` has still to run after it stopped with `applied`
 * in effect and `stoppedAt` (the failing or cancelled statement, if any)
 * not: its recording offline, when what actually ran matches its start
 * (code that decides on query results can take another path live: then
 * the statements are not listed); else only how many, from the count.
 */
export async function whatRemains(
  migration: MigrationSource,
  dialect: Dialect,
  tableName: string,
  applied: readonly string[],
  stoppedAt: string | undefined,
  inEffect = applied.length,
): Promise<Remaining> {
  const stoppedCounts = stoppedAt !== undefined && counts(stoppedAt);
  // A continuation passed over finished op() calls unsent: how many statements remain is all that can be said.
  if (inEffect !== applied.length) {
    const total = await statementCount(migration, dialect, tableName).catch(() => undefined);
    const count = total === undefined ? undefined : total - inEffect - (stoppedCounts ? 1 : 0);
    return count === undefined || count < 0 ? {} : { count };
  }
  // Recorded from an empty schema; else (an op() call on a table it did not create) rendered call by call.
  const planned =
    (await plannedStatements(migration, dialect, tableName).catch(() => undefined)) ??
    (await renderedStatements(migration, dialect, tableName).catch(() => undefined));
  const listed = remainingOf(planned, applied, stoppedAt);
  if (listed.statements) return listed;
  const total = planned ? undefined : await countedStatements(migration, dialect, tableName).catch(() => undefined);
  const count = total === undefined ? undefined : total - applied.length - (stoppedCounts ? 1 : 0);
  return count === undefined || count < 0 ? {} : { count };
}

/**
 * What the revert of a complete migration (all of its `down`) has still to
 * run after it stopped with `applied` of its statements in effect and
 * `stoppedAt` not, found as whatRemains finds it for `up`: its `down`
 * recorded offline after its `up` (or rendered call by call), when what ran
 * matches its start; else nothing is said (empty).
 * A revert that passed over statements of an earlier one, or undoes only
 * the part of a partly applied migration that took effect, is not said.
 */
export async function whatRemainsOfRevert(
  migration: MigrationSource,
  dialect: Dialect,
  tableName: string,
  applied: readonly string[],
  stoppedAt: string | undefined,
): Promise<Remaining> {
  const planned =
    (await plannedStatements(migration, dialect, tableName, "down").catch(() => undefined)) ??
    (await renderedStatements(migration, dialect, tableName, "down").catch(() => undefined));
  return remainingOf(planned, applied, stoppedAt);
}

/**
 * After `applied` (and `stoppedAt`, not in effect): the rest of `planned`, where what ran is its start
 * (leaving out the failing statement, and before it any its op() call's own transaction rolled back); else empty.
 */
function remainingOf(planned: string[] | undefined, applied: readonly string[], stoppedAt: string | undefined): Remaining {
  if (!planned) return {};
  const stoppedCounts = stoppedAt !== undefined && counts(stoppedAt);
  const same = (a: string, b: string) => a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
  if (applied.length <= planned.length && applied.every((sql, i) => same(sql, planned[i]))) {
    const rest = planned.slice(applied.length);
    const at = stoppedCounts ? rest.findIndex((sql) => same(sql, stoppedAt)) : -1;
    if (!stoppedCounts || at >= 0) {
      const statements = at >= 0 ? [...rest.slice(0, at), ...rest.slice(at + 1)] : rest;
      return { statements, count: statements.length };
    }
  }
  return {};
}

/**
 * Write the partial row of `migration` after it failed with `applied`
 * statements in effect; undefined when there is nothing to record (or the
 * row could not be written: the error already lists what remains).
 */
export async function recordPartialProgress(
  bookkeeping: Bookkeeping,
  dialect: Dialect,
  migration: MigrationSource,
  direction: Direction,
  applied: number,
  hadRow: boolean,
  operations?: PartialProgress["operations"],
  digest?: string,
): Promise<PartialProgress | undefined> {
  if (direction !== "up" || (applied === 0 && !hadRow)) return undefined;
  // A row written inside a transaction the code then rolled back is gone.
  const existing = hadRow ? Boolean((await bookkeeping.progress(migration.name).catch(() => undefined))?.partial) : false;
  const total = await statementCount(migration, dialect, bookkeeping.tableName);
  const progress = { applied, total: total !== undefined && total >= applied ? total : undefined, operations, digest };
  try {
    await bookkeeping.recordPartial(
      { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum },
      progress,
      existing,
    );
  } catch {
    return undefined;
  }
  return progress;
}

/**
 * "3 of 5 writing statements" (or "3 writing statements" when the total is
 * unknown), and how much a revert already undid. Writing: reads and
 * transaction control are not counted (they change nothing, and a
 * continued migration sends them again), so a migration of three
 * statements, one a SELECT, has two.
 */
export function describeProgress(progress: PartialProgress): string {
  const unit = (n: number) => (n === 1 ? "writing statement" : "writing statements");
  // A complete migration half-way through its revert: all of up() had taken effect.
  if (progress.wholeRevert) return `${progress.reverted ?? 0} ${unit(progress.reverted ?? 0)} of its revert done`;
  const applied =
    progress.total === undefined
      ? `${progress.applied} ${unit(progress.applied)}`
      : `${progress.applied} of ${progress.total} ${unit(progress.total)}`;
  return progress.reverted ? `${applied}, ${progress.reverted} ${unit(progress.reverted)} of its revert done` : applied;
}

/** Following a revert outside a transaction (trackRevertProgress). */
export interface RevertTracker {
  /** Called after each statement completes: records the count once it grew. */
  step(): Promise<void>;
  /** The revert failed with `reverted` statements of it in effect: what the row now records (undefined: nothing changed, still applied). */
  settle(reverted: number): Promise<PartialProgress | undefined>;
  /** Whether a progress row records the revert (what a stop reports). */
  readonly recorded: boolean;
}

/**
 * While a migration is reverted outside a transaction (the applied part of
 * a partly applied one, or a complete one: `progress` from
 * wholeRevertProgress): after each statement of its `down` that took
 * effect, the row records how many (`reverted`), so a revert that fails or
 * is killed is continued by the next.
 */
export function trackRevertProgress(
  bookkeeping: Bookkeeping,
  migration: MigrationSource,
  journal: StatementJournal,
  state: { writingProgress?: boolean },
  progress: PartialProgress,
  whole?: { base: () => number; operations: () => PartialProgress["operations"] },
): RevertTracker {
  let current = progress;
  /** Whether a progress row exists (a complete migration has none until its revert's first statement). */
  let recorded = !progress.wholeRevert || (progress.reverted ?? 0) > 0;
  // A whole revert records the op() calls of its down() that finished (followOperations), and
  // continues past them: the journal then counts from the statements they sent (`base`).
  const record = async (inJournal: number) => {
    const now = whole ? { ...current, operations: whole.operations() } : current;
    current = await recordRevertProgress(bookkeeping, migration, now, (whole?.base() ?? 0) + inJournal, recorded);
    recorded = true;
    return current;
  };
  return {
    get recorded() {
      return recorded;
    },
    async step() {
      const reverted = (whole?.base() ?? 0) + journal.appliedCount;
      // Never below what is recorded: a read sent before the statements a continued revert passes over counts none.
      if (reverted <= (current.reverted ?? 0) || journal.hasFailed || journal.isPassingOver) return;
      state.writingProgress = true;
      try {
        await record(reverted - (whole?.base() ?? 0));
      } finally {
        state.writingProgress = false;
      }
    },
    async settle(reverted) {
      if (!recorded && reverted === 0) return undefined;
      return record(reverted);
    },
  };
}

/** What a complete migration's revert records once its first statement took effect (the counts of its up(), where known). */
export async function wholeRevertProgress(migration: MigrationSource, dialect: Dialect, tableName: string): Promise<PartialProgress> {
  const total = await statementCount(migration, dialect, tableName);
  return { applied: total ?? 0, total, reverted: 0, wholeRevert: true };
}

/** The row of a migration whose revert has undone `reverted` statements (`recorded`: its progress row exists). */
export async function recordRevertProgress(
  bookkeeping: Bookkeeping,
  migration: MigrationSource,
  progress: PartialProgress,
  reverted: number,
  recorded = true,
): Promise<PartialProgress> {
  const now = { ...progress, reverted };
  const entry = { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum };
  if (recorded) await bookkeeping.recordPartial(entry, now, true);
  else await bookkeeping.startWholeRevert(entry, now);
  return now;
}

/**
 * Outside a transaction, the function the runner calls after each
 * statement of `migration` completes (and the journal counted it): when
 * the count of statements in effect grew, the partial row is written (or
 * updated), so a run killed between statements leaves the row a failed run
 * would. Statements inside a transaction the code opened count at its
 * COMMIT. It resolves to what the row records (undefined: there is no row). (A kill between a
 * statement and this write still leaves the count one short: MySQL cannot
 * commit a DDL statement and a row together.)
 */
export function trackProgress(
  bookkeeping: Bookkeeping,
  dialect: Dialect,
  migration: MigrationSource,
  journal: StatementJournal,
  state: { writingProgress?: boolean },
  resumed: PartialProgress | undefined,
  trace: ResumeTrace,
): () => Promise<PartialProgress | undefined> {
  let total: number | undefined | null = null;
  let written = resumed;
  let last = resumed?.applied ?? 0;
  let lastFinished = resumed?.operations?.finished ?? 0;
  return async () => {
    const applied = trace.applied();
    const operations = trace.operations();
    // Never below what is recorded: a continuation counts up to it while it passes over what took effect.
    const grew = applied > last || (applied === last && applied > 0 && operations.finished > lastFinished);
    if (!grew || journal.hasFailed || journal.isPassingOver) return written;
    if (total === null) total = await statementCount(migration, dialect, bookkeeping.tableName);
    state.writingProgress = true;
    try {
      const entry = { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum };
      const counted = {
        applied,
        total: total !== undefined && total >= applied ? total : undefined,
        operations,
        digest: trace.digest(),
      };
      await bookkeeping.recordPartial(entry, counted, written !== undefined);
      written = counted;
      last = applied;
      lastFinished = operations.finished;
    } finally {
      state.writingProgress = false;
    }
    return written;
  };
}

/** `run` of a migration whose revert stopped half-way: the revert must finish first. */
export function unfinishedRevert(name: string, progress: PartialProgress): UsageError {
  return new UsageError(
    `Migration ${name} is half-way through a revert (${describeProgress(progress)}), so run cannot continue it: ` +
      `run \`athanor revert\` again to finish undoing it (after fixing what stopped it), then \`athanor run\`.`,
  );
}

/**
 * E245: continuing `name`'s up() would pass over other statements than
 * those that took effect (runner/resume-trace.ts). Nothing was sent.
 */
export function misalignedContinuation(name: string, progress: PartialProgress, why: string, before: string): UsageError {
  const calls = progress.operations?.finished ?? 0;
  const finished = calls === 0 ? "" : `, ${calls} op() call${calls === 1 ? "" : "s"} finished`;
  return new UsageError(
    `Migration ${name} cannot be continued: it stopped part-way in an earlier run (${describeProgress(progress)}${finished}), and ${why}, ` +
      `so passing over what took effect could skip a statement that never ran or run one twice; nothing was sent. ` +
      `Compare the database with the migration, then finish it by hand and run \`athanor stamp ${name}\`, ` +
      `or undo its applied statements by hand and run \`athanor stamp ${before}\`.`,
  );
}
