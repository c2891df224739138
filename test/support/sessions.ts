/**
 * Watching and ending the PostgreSQL sessions of a runner from outside, for
 * the tests that cut connections (test/e2e/connection-loss.test.ts,
 * test/e2e/lock-loss.test.ts, test/e2e/signals.test.ts).
 */
import assert from "node:assert/strict";
import type { Client } from "pg";

/** The run-level migration lock's key, as the runner spells it (src/dialects/postgres/lock.ts). */
export const MIGRATION_LOCK_KEY = "hashtext('athanor:migrations')";

/**
 * Wait until `count` other sessions of the project's database run (or, when
 * `running` is false, last ran) a statement matching `pattern`.
 */
export async function waitForStatement(admin: Client, pattern: string, running = true, count = 1): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE $1 AND (state = 'active' OR NOT $2)`,
      [pattern, running],
    );
    if (rows.length >= count) return;
    assert.ok(Date.now() < deadline, `no ${count} session(s) ran ${pattern} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The backend pids holding the run-level migration lock on this database (at most one; pg_locks spans the server). */
export async function migrationLockHolders(admin: Client): Promise<number[]> {
  const { rows } = await admin.query(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((classid::bigint << 32) | objid::bigint) = ${MIGRATION_LOCK_KEY}::bigint`,
  );
  return rows.map((r: any) => Number(r.pid));
}

/** End the session holding the run-level migration lock; returns its pid. */
export async function terminateLockSession(admin: Client): Promise<number> {
  const [pid] = await migrationLockHolders(admin);
  assert.ok(pid, "a runner holds the migration lock");
  await admin.query(`SELECT pg_terminate_backend($1)`, [pid]);
  return pid;
}

/**
 * A gate a migration waits at for as long as the test holds it, instead of
 * sleeping for a time the test must outrun: the migration's statement
 * (`GATE_STATEMENT`) waits for a transaction-level advisory lock that the
 * test's own session holds (`closeGate`) until it lets go (`openGate`).
 * Outside a transaction the lock ends with the statement; inside one, with
 * the transaction.
 */
const GATE_KEY = "hashtext('athanor-test:gate')";
export const GATE_STATEMENT = `SELECT pg_advisory_xact_lock(${GATE_KEY})`;
/** What waitForStatement matches for a session waiting at the gate. */
export const AT_GATE = "%athanor-test:gate%";

export async function closeGate(admin: Client): Promise<void> {
  await admin.query(`SELECT pg_advisory_lock(${GATE_KEY})`);
}

export async function openGate(admin: Client): Promise<void> {
  await admin.query(`SELECT pg_advisory_unlock(${GATE_KEY})`);
}

/** Poll `ready` every 100 ms until it answers true; fail with `what` after 60 s. */
export async function waitUntil(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await ready()) return;
    assert.ok(Date.now() < deadline, `not within 60 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How long (in seconds, by the server's clock) session `pid` has been idle; undefined when it is gone or busy. */
export async function idleSeconds(admin: Client, pid: number): Promise<number | undefined> {
  const { rows } = await admin.query(
    `SELECT EXTRACT(EPOCH FROM clock_timestamp() - state_change)::float AS idle FROM pg_stat_activity WHERE pid = $1 AND state = 'idle'`,
    [pid],
  );
  return rows[0]?.idle;
}
