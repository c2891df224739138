/**
 * A migration that fails outside a transaction (MySQL, where every DDL
 * statement commits; `transaction = false` or `--transaction none`
 * elsewhere) leaves the statements before the failure applied. Its
 * bookkeeping row then records how many took effect and how many the
 * migration has (runner/bookkeeping.ts, AppliedMigration.partial); the row
 * counts as pending, and the next `run` passes over the applied statements
 * (StatementJournal.skip) and continues from the failed one. `revert`
 * instead undoes the applied part (runner/operation-steps.ts) and records
 * how far it got the same way, so a second revert continues.
 */
import type { Dialect } from "../dialects/dialect";
import { UsageError } from "../errors";
import type { Bookkeeping, PartialProgress } from "./bookkeeping";
import type { Direction } from "./direction";
import type { MigrationSource } from "./discover";
import { countedStatements } from "./operation-reader";
import { emptyModel, RecordingQueryRunner } from "./recording-query-runner";
import { counts, type StatementJournal } from "./statement-journal";

/**
 * How many statements `migration`'s `up` has, counted as the journal counts
 * them, found by recording it offline; undefined when its code cannot be
 * recorded (it needs real query results, or the schema offline mode lacks).
 */
export async function statementCount(migration: MigrationSource, dialect: Dialect, tableName: string): Promise<number | undefined> {
  const recorder = new RecordingQueryRunner(dialect, tableName, emptyModel());
  recorder.migration = migration.name;
  recorder.isTransactionActive = false;
  try {
    await migration.instance.up(recorder.asQueryRunner() as never);
  } catch {
    // Offline replay starts from an empty schema: a migration that alters
    // tables it did not create is counted from its op() calls instead.
    return countedStatements(migration, dialect, tableName);
  }
  return recorder.statements.filter((s) => counts(s.sql)).length;
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
): Promise<PartialProgress | undefined> {
  if (direction !== "up" || (applied === 0 && !hadRow)) return undefined;
  // A row written inside a transaction the code then rolled back is gone.
  const existing = hadRow ? Boolean((await bookkeeping.progress(migration.name).catch(() => undefined))?.partial) : false;
  const total = await statementCount(migration, dialect, bookkeeping.tableName);
  const progress = { applied, total: total !== undefined && total >= applied ? total : undefined, operations };
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

/** "3 of 5 statements" (or "3 statements" when the total is unknown), and how much a revert already undid. */
export function describeProgress(progress: PartialProgress): string {
  const unit = (n: number) => (n === 1 ? "statement" : "statements");
  const applied =
    progress.total === undefined
      ? `${progress.applied} ${unit(progress.applied)}`
      : `${progress.applied} of ${progress.total} ${unit(progress.total)}`;
  return progress.reverted ? `${applied}, ${progress.reverted} ${unit(progress.reverted)} of its revert done` : applied;
}

/**
 * While the applied part of a partly applied migration is undone: after
 * each statement of its `down` that took effect, the row records how many
 * (`reverted`), so a revert that fails or is killed is continued by the next.
 */
export function trackRevertProgress(
  bookkeeping: Bookkeeping,
  migration: MigrationSource,
  journal: StatementJournal,
  state: { writingProgress?: boolean },
  progress: PartialProgress,
): () => Promise<void> {
  let last = progress.reverted ?? 0;
  return async () => {
    const reverted = journal.appliedCount;
    if (reverted === last || journal.hasFailed) return;
    state.writingProgress = true;
    try {
      await recordRevertProgress(bookkeeping, migration, progress, reverted);
      last = reverted;
    } finally {
      state.writingProgress = false;
    }
  };
}

/** The row of a partly applied migration whose revert has undone `reverted` statements. */
export async function recordRevertProgress(
  bookkeeping: Bookkeeping,
  migration: MigrationSource,
  progress: PartialProgress,
  reverted: number,
): Promise<PartialProgress> {
  const now = { ...progress, reverted };
  await bookkeeping.recordPartial({ timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum }, now, true);
  return now;
}

/**
 * Outside a transaction, the function the runner calls after each
 * statement of `migration` completes (and the journal counted it): when
 * the count of statements in effect grew, the partial row is written (or
 * updated), so a run killed between statements leaves the row a failed run
 * would. Statements inside a transaction the code opened count at its
 * COMMIT. It resolves to whether the row exists. (A kill between a
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
  operations?: () => PartialProgress["operations"],
): () => Promise<boolean> {
  let total: number | undefined | null = null;
  let written = resumed !== undefined;
  let last = resumed?.applied ?? 0;
  return async () => {
    const applied = journal.appliedCount;
    if (applied === last || journal.hasFailed) return written;
    if (total === null) total = await statementCount(migration, dialect, bookkeeping.tableName);
    state.writingProgress = true;
    try {
      const entry = { timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum };
      const counted = { applied, total: total !== undefined && total >= applied ? total : undefined, operations: operations?.() };
      await bookkeeping.recordPartial(entry, counted, written);
      written = true;
      last = applied;
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
