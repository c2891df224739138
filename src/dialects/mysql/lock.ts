/**
 * The MySQL/MariaDB migration locks, built like the PostgreSQL ones
 * (postgres/lock.ts): a named lock (GET_LOCK) taken without blocking and
 * retried with backoff, on a connection of its own, so it lives outside
 * every migration. A named lock belongs to its session and dies with it, so
 * a killed runner never leaves it stuck; the session can also end while its
 * runner carries on (wait_timeout, a proxy, a network cut, KILL), hence:
 * - the lock's session is kept alive (no wait_timeout, TCP keepalives);
 * - the runner asks whether it still holds the lock before each migration;
 * - each migration claims a second named lock on the connection that runs
 *   it, from the re-read of the bookkeeping to its row, so a runner that
 *   took over a lost lock waits for the migration in flight and then finds
 *   it applied. (MySQL runs every migration outside a transaction, see
 *   runner/execute.ts, so the claim is always the session lock.)
 *
 * Named locks are server-wide: the name carries the database's, hashed to
 * stay within the 64 characters MySQL allows.
 */
import type { HeldLock, LockOptions, MigrationClaim, Queryable } from "../dialect";
import { pollForLock } from "../lock-wait";

const LOCK_NAME = "CONCAT('athanor:run:', SHA1(DATABASE()))";
const APPLY_NAME = "CONCAT('athanor:apply:', SHA1(DATABASE()))";

async function tryLock(db: Queryable, name: string): Promise<boolean> {
  const rows = await db.query(`SELECT GET_LOCK(${name}, 0) AS locked`);
  return Number(rows[0]?.locked) === 1;
}

export async function acquireMysqlLock(db: Queryable, options: LockOptions): Promise<HeldLock> {
  await keepSessionAlive(db);
  await pollForLock(() => tryLock(db, LOCK_NAME), options);
  return {
    async release() {
      await db.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`);
    },
    async stillHeld() {
      // A failed query means the session is gone, and its lock with it.
      const rows = await db.query(`SELECT IS_USED_LOCK(${LOCK_NAME}) = CONNECTION_ID() AS held`).catch(() => undefined);
      return Number(rows?.[0]?.held) === 1;
    },
  };
}

/** No server-side idle timeout for this session; TCP keepalives on the client's socket. */
export async function keepSessionAlive(db: Queryable): Promise<void> {
  // 31536000 s (a year) is the largest value both servers accept.
  await db.query(`SET SESSION wait_timeout = 31536000, interactive_timeout = 31536000`);
  const connection = (db as { databaseConnection?: { stream?: Socketish; connection?: { stream?: Socketish } } }).databaseConnection;
  const socket = connection?.stream ?? connection?.connection?.stream;
  socket?.setKeepAlive?.(true, 60_000);
}

interface Socketish {
  setKeepAlive?(on: boolean, ms: number): void;
}

export const mysqlMigrationClaim: MigrationClaim = {
  async inTransaction() {
    // Not reached: MySQL migrations run outside transactions (a named lock
    // would outlive the transaction, which is not what this claim promises).
  },
  async outsideTransaction(db, options) {
    await pollForLock(() => tryLock(db, APPLY_NAME), options);
    return async () => {
      await db.query(`SELECT RELEASE_LOCK(${APPLY_NAME})`);
    };
  },
};

/** A signal stops `run`: KILL QUERY the migration connection's statement, from the lock's connection. */
export async function mysqlStatementCanceller(db: Queryable): Promise<(via?: Queryable) => Promise<void>> {
  const id = Number((await db.query(`SELECT CONNECTION_ID() AS id`))[0].id);
  return async (via) => {
    await via?.query(`KILL QUERY ${id}`);
  };
}
