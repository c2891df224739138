/**
 * SQLite's migration lock. SQLite serializes writers itself: each migration
 * transaction starts by writing to the bookkeeping table (Bookkeeping.claim),
 * which takes the database's write lock, and then re-reads what is applied.
 * What is left to set is how long a runner waits for another one's write
 * lock before giving up: the busy timeout of this connection.
 */
import type { LockOptions, Queryable } from "../dialect";

export async function acquireSqliteLock(db: Queryable, options: LockOptions): Promise<() => Promise<void>> {
  await db.query(`PRAGMA busy_timeout = ${Math.max(0, Math.round(options.timeoutMs))}`);
  return async () => undefined;
}
