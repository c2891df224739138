/**
 * The deferred flush of a run that commits outside one transaction.
 *
 * A migration that runs outside a transaction (`run --transaction none`, or
 * `transaction = false`) commits once per statement, or per op() call of
 * several statements (each in a transaction of its own): the initial
 * migration of a 1,000-table project makes 1,000 commits, and each would
 * wait for the disk. Where the dialect can (Dialect.deferredFlush), those
 * commits return before they are durable, and the run ends with one durable
 * write — the last applied migration's execution_ms, stored again with the
 * session's own setting back — that makes every one of them durable. (A
 * migration's own transaction does the same per transaction:
 * MigrationClaim's `flushLater`.)
 *
 * What a server crash before that write can do: take back a tail of the
 * run's commits, never one from the middle (the server flushes its log in
 * order). Every bookkeeping write — a migration's row, the progress row of
 * a migration followed statement by statement — commits after the
 * statements it records, on the same session, so a crash that takes a
 * statement back takes back every record of it too: the bookkeeping never
 * claims a statement that is gone. It can be one statement short, as after
 * a kill between a statement and its record.
 */
import type { QueryRunner } from "typeorm";
import type { Dialect } from "../dialects/dialect";
import type { Bookkeeping } from "./bookkeeping";

/** A migration whose stored execution_ms can be written again as it is (a write that changes nothing but commits). */
export interface StoredTime {
  name: string;
  ms: number;
}

export interface DeferredRunFlush {
  /**
   * Put the session's setting back and make the run durable: `last` is the
   * migration whose time is stored again, when no other durable write
   * follows (none when nothing was applied: the server then flushes the
   * commits on its own within a fraction of a second). Best effort: a
   * connection that is gone took its setting with it.
   */
  end(last: StoredTime | undefined): Promise<void>;
}

/**
 * Before a run whose migrations commit outside one transaction: defer the
 * flush of its commits where `dialect` can; undefined where it cannot, or
 * where the session already commits without waiting.
 */
export async function deferFlush(
  queryRunner: QueryRunner,
  dialect: Dialect,
  bookkeeping: Bookkeeping,
): Promise<DeferredRunFlush | undefined> {
  const restore = await dialect.deferredFlush?.start(queryRunner);
  if (!restore) return undefined;
  return {
    async end(last) {
      try {
        await restore();
        if (last) await bookkeeping.storeExecutionMs(last.name, last.ms);
      } catch {
        // See `end`.
      }
    },
  };
}
