/**
 * The PostgreSQL migration lock: a session-level advisory lock, taken with
 * pg_try_advisory_lock and retried with backoff, on a connection of its own
 * so it sits outside every migration transaction (a CREATE INDEX
 * CONCURRENTLY migration then cannot deadlock against a waiting runner). The
 * lock dies with its session, so a killed runner never leaves it stuck.
 */
import type { LockOptions, Queryable } from "../dialect";

/** A fixed key: every Athanor runner on a database contends for the same lock. */
const LOCK_KEY = "hashtext('athanor:migrations')";

export async function acquirePostgresLock(db: Queryable, options: LockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 50;
  let told = false;
  for (;;) {
    const rows = await db.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`);
    if (rows[0]?.locked === true) break;
    if (!told) {
      options.onWait?.();
      told = true;
    }
    if (Date.now() + delay > deadline) {
      throw new LockTimeoutError(options.timeoutMs);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
  return async () => {
    await db.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
  };
}

export class LockTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `another migration runner held the lock for more than ${Math.round(timeoutMs / 1000)} s; wait for it to finish, or raise --lock-timeout`,
    );
  }
}
