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
