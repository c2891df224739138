/**
 * The PostgreSQL migration locks.
 *
 * The run-level lock is a session-level advisory lock, taken with
 * pg_try_advisory_lock and retried with backoff, on a connection of its own
 * so it sits outside every migration transaction (a CREATE INDEX
 * CONCURRENTLY migration then cannot deadlock against a waiting runner). The
 * lock dies with its session, so a killed runner never leaves it stuck — but
 * the session can also end while its runner carries on
 * (idle_session_timeout, a pooler, a network cut, pg_terminate_backend), and
 * another runner then takes the lock. Hence three more layers:
 * - the lock's session is kept alive: no idle timeouts, TCP keepalives;
 * - the runner asks whether it still holds the lock before each migration
 *   and stops when it does not: from the migration connection, whether the
 *   lock's session still holds a second key unique to the run
 *   (`heldQuery`), else on the lock's session (`stillHeld`);
 * - each migration claims a second key on the connection that runs it
 *   (`postgresMigrationClaim`): inside its transaction with
 *   pg_advisory_xact_lock, so a runner that took over waits for the
 *   transaction in flight and then re-reads the bookkeeping; outside a
 *   transaction with a session lock on that same connection. A claim lives
 *   exactly as long as the work it covers, so no migration is applied twice
 *   whatever happened to the run-level lock.
 */
import { randomInt } from "node:crypto";
import type { HeldLock, LockOptions, MigrationClaim, Queryable } from "../dialect";
import { pollForLock } from "../lock-wait";

/** A fixed key: every Athanor runner on a database contends for the same lock. */
const LOCK_KEY = "hashtext('athanor:migrations')";
/** The key each migration claims on its own connection. */
const APPLY_KEY = "hashtext('athanor:migrations:apply')";
/**
 * The first half of the run's own key (two int4 keys, a namespace apart
 * from the bigint keys above): the lock's session holds (HELD_KEY, a random
 * int4) for as long as it holds LOCK_KEY, so that another connection can
 * tell whether that session still holds its locks in O(1) (heldQuery).
 */
const HELD_KEY = "hashtext('athanor:migrations:held')";

/** Whether this session holds the session-level advisory lock on LOCK_KEY (a bigint key: high half in classid). */
const HOLDS_LOCK_KEY =
  "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() " +
  `AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = ${LOCK_KEY}::bigint)`;
const HELD = `SELECT ${HOLDS_LOCK_KEY} AS held`;

export async function acquirePostgresLock(db: Queryable, options: LockOptions): Promise<HeldLock> {
  await keepSessionAlive(db);
  let pid: number | undefined;
  await pollForLock(async () => {
    const row = (await db.query(`SELECT pg_backend_pid() AS pid, pg_try_advisory_lock(${LOCK_KEY}) AS locked`))[0];
    pid = Number(row?.pid);
    return row?.locked === true;
  }, options);
  const run = await takeRunKey(db);
  const probe = `NOT pg_try_advisory_xact_lock_shared(${HELD_KEY}, ${run})`;
  return {
    // Asked from the migration connection, in the round trip of its re-read
    // (runner/execute.ts). A shared try on the run's key fails only while
    // another session holds it exclusively, and only this run's lock
    // session ever does (the key is drawn at random and taken with a try,
    // so no live session held it): false is "still held". True is "gone":
    // the session ended (a network cut, pg_terminate_backend,
    // idle_session_timeout) or was reset under us (a pooler's DISCARD ALL,
    // pg_advisory_unlock_all), which drops LOCK_KEY with it. The shared
    // lock it then takes lasts until the migration's transaction ends,
    // which is rolled back: nobody else wants that key. One lock-table
    // probe, where reading pg_locks copies the whole lock table (≈0.25 ms
    // a migration, more on a busy server).
    // Except on the lock's own backend, where a session does not conflict
    // with its own locks and the probe would say "gone": a pooler in
    // transaction mode can hand the migration's transaction the backend the
    // lock was taken on. There, as before, pg_locks for that backend.
    heldQuery:
      run === undefined
        ? undefined
        : Number.isSafeInteger(pid)
          ? `SELECT CASE WHEN pg_backend_pid() = ${pid} THEN ${HOLDS_LOCK_KEY} ELSE ${probe} END AS held`
          : `SELECT ${probe} AS held`,
    async release() {
      // The run's key first: it never says "held" while LOCK_KEY is free.
      const runKey = run === undefined ? "" : `pg_advisory_unlock(${HELD_KEY}, ${run}), `;
      await db.query(`SELECT ${runKey}pg_advisory_unlock(${LOCK_KEY})`);
    },
    async stillHeld() {
      // Asked by the lock's session itself, where the run's key cannot tell
      // (a session does not conflict with its own locks): pg_locks. Used
      // only where the migration connection cannot carry heldQuery.
      // A query that fails means the session is gone, and the lock with it.
      // One that succeeds on another backend (a pooler handing out a new
      // session) finds no lock there.
      const rows = await db.query(HELD).catch(() => undefined);
      return rows?.[0]?.held === true;
    },
  };
}

/**
 * Take this run's own key (HELD_KEY, a random int4) on the lock's session,
 * right after LOCK_KEY. A random number rather than the session's pid: a
 * pid is reused once its backend ends, and the new backend may well be
 * another runner's lock session by then. Taken with a try, so a key some
 * live session holds is never shared; another number is drawn then.
 * Undefined when none could be taken (the caller then asks stillHeld).
 */
async function takeRunKey(db: Queryable): Promise<number | undefined> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const key = randomInt(-0x80000000, 0x80000000);
    const rows = await db.query(`SELECT pg_try_advisory_lock(${HELD_KEY}, ${key}) AS locked`).catch(() => undefined);
    if (rows === undefined) return undefined;
    if (rows[0]?.locked === true) return key;
  }
  return undefined;
}

/**
 * The lock's session idles for as long as the run takes, and the migration
 * connection for as long as it waits for the lock: turn off the idle
 * timeouts a database or role may set for them (only those this server
 * has: idle_session_timeout is PostgreSQL 14+), let the server probe the
 * client every minute, and let the client probe the server, so that neither
 * a timeout nor a firewall that drops quiet connections ends them.
 */
export async function keepSessionAlive(db: Queryable): Promise<void> {
  await db.query(
    `SELECT set_config(wanted.name, wanted.value, false)
       FROM (VALUES ('idle_session_timeout', '0'), ('idle_in_transaction_session_timeout', '0'),
                    ('tcp_keepalives_idle', '60'), ('tcp_keepalives_interval', '10')) AS wanted (name, value)
      WHERE wanted.name IN (SELECT name FROM pg_settings)`,
  );
  // node-postgres's socket, where TypeORM's query runner exposes it.
  const socket = (db as { databaseConnection?: { connection?: { stream?: { setKeepAlive?(on: boolean, ms: number): void } } } })
    .databaseConnection?.connection?.stream;
  socket?.setKeepAlive?.(true, 60_000);
}

export const postgresMigrationClaim: MigrationClaim = {
  async inTransaction(db, options) {
    // One round trip: the transaction's commit setting rides with the claim.
    const flushLater = options?.flushLater ? `set_config('synchronous_commit', 'off', true), ` : "";
    await db.query(`SELECT ${flushLater}pg_advisory_xact_lock(${APPLY_KEY})`);
  },
  async outsideTransaction(db, options) {
    await pollForLock(async () => (await db.query(`SELECT pg_try_advisory_lock(${APPLY_KEY}) AS locked`))[0]?.locked === true, options);
    return async () => {
      await db.query(`SELECT pg_advisory_unlock(${APPLY_KEY})`);
    };
  },
};

/**
 * A signal stops `run`: cancel the statement in flight (pg_cancel_backend
 * from the lock's connection), so it does not run on, holding its locks,
 * after the runner is gone.
 */
export async function postgresStatementCanceller(db: Queryable): Promise<(via?: Queryable) => Promise<void>> {
  const pid = Number((await db.query(`SELECT pg_backend_pid() AS pid`))[0].pid);
  return async (via) => {
    await via?.query(`SELECT pg_cancel_backend(${pid})`);
  };
}
