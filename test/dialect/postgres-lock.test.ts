/**
 * The PostgreSQL run-level lock as another connection sees it: the
 * migration connection asks `heldQuery` before each migration, and must
 * hear "lost" whenever the lock's session no longer holds the lock — ended
 * (pg_terminate_backend, a network cut) or reset under the runner while it
 * stays connected (a pooler's DISCARD ALL, pg_advisory_unlock_all) — and
 * "held" otherwise, inside a migration's transaction as outside one.
 * (test/e2e/lock-loss.test.ts runs the whole CLI through a terminated lock
 * session; a reset cannot be caused from outside a session, hence here.)
 */
import "reflect-metadata";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DataSource, type QueryRunner } from "typeorm";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { waitUntil } from "../support/sessions";
import { postgresDialect } from "../../src/dialects/postgres";
import type { HeldLock } from "../../src/dialects/dialect";

const dialect = postgresDialect;
let database: TestDatabase;
let dataSource: DataSource;

before(async () => {
  database = await createTestDatabase("athanor_pg_lock");
  dataSource = new DataSource({ type: "postgres", url: database.url });
  await dataSource.initialize();
});

after(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

async function connected(): Promise<QueryRunner> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  return runner;
}

/** What the migration connection hears: heldQuery's `held`, asked as the runner asks it (in a transaction, rolled back here). */
async function heldAsked(migration: QueryRunner, lock: HeldLock, inTransaction = true): Promise<boolean> {
  assert.ok(lock.heldQuery, "the lock offers a query the migration connection can send");
  if (inTransaction) await migration.startTransaction();
  try {
    return (await migration.query(lock.heldQuery))[0].held === true;
  } finally {
    if (inTransaction) await migration.rollbackTransaction();
  }
}

/** The advisory locks session `pid` holds on this database. */
async function advisoryLocks(pid: number): Promise<number> {
  const rows = await dataSource.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = $1`, [pid]);
  return rows[0].n;
}

async function pidOf(runner: QueryRunner): Promise<number> {
  return Number((await runner.query(`SELECT pg_backend_pid() AS pid`))[0].pid);
}

/**
 * End session `pid` and wait until it has: pg_terminate_backend only signals
 * the backend, which releases its locks as it exits, a moment later (longer
 * on a loaded machine). Gone from pg_stat_activity, it has released them.
 */
async function endSession(pid: number): Promise<void> {
  await dataSource.query(`SELECT pg_terminate_backend($1)`, [pid]);
  await waitUntil(`session ${pid} has ended`, async () => {
    const rows = await dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid]);
    return rows.length === 0;
  });
}

describe("postgres: is the run-level lock still held?", () => {
  test("held while its session holds it; lost after pg_advisory_unlock_all or DISCARD ALL on that session, which stays connected", async () => {
    for (const reset of ["SELECT pg_advisory_unlock_all()", "DISCARD ALL"]) {
      const session = await connected();
      const migration = await connected();
      try {
        const lock = await dialect.acquireMigrationLock!(session, { timeoutMs: 1000 });
        assert.equal(await heldAsked(migration, lock), true, "held, asked in a transaction");
        assert.equal(await heldAsked(migration, lock, false), true, "held, asked outside one");
        assert.equal(await heldAsked(migration, lock), true, "asking leaves it held");
        assert.equal(await lock.stillHeld!(), true);

        await session.query(reset);
        assert.equal(await heldAsked(migration, lock), false, `lost after ${reset}`);
        assert.equal(await heldAsked(migration, lock, false), false, `lost after ${reset}, asked outside a transaction`);
        assert.equal(await lock.stillHeld!(), false, `the lock's session sees it lost after ${reset}`);
        // The check took nothing that outlives its transaction.
        assert.equal(await advisoryLocks(await pidOf(migration)), 0);
        await lock.release();
      } finally {
        await session.release();
        await migration.release();
      }
    }
  });

  test("lost once its session is terminated, and still lost after another runner takes the lock over", async () => {
    const session = await connected();
    const migration = await connected();
    const other = await connected();
    try {
      const lock = await dialect.acquireMigrationLock!(session, { timeoutMs: 1000 });
      assert.equal(await heldAsked(migration, lock), true);
      await endSession(await pidOf(session));
      assert.equal(await heldAsked(migration, lock), false, "lost once the session ended");
      assert.equal(await lock.stillHeld!(), false);

      const takeover = await dialect.acquireMigrationLock!(other, { timeoutMs: 1000 });
      assert.notEqual(takeover.heldQuery, lock.heldQuery, "each run has a key of its own");
      assert.equal(await heldAsked(migration, lock), false, "the first runner's lock stays lost");
      assert.equal(await heldAsked(migration, takeover), true, "the runner that took over holds it");
      await takeover.release();
    } finally {
      await session.release().catch(() => undefined);
      await migration.release();
      await other.release();
    }
  });

  test("held when the migration's transaction runs on the lock's own backend (a pooler in transaction mode), lost there after a reset", async () => {
    const session = await connected();
    try {
      const lock = await dialect.acquireMigrationLock!(session, { timeoutMs: 1000 });
      // The pooler handed the lock's backend to the migration: the same session asks.
      assert.equal(await heldAsked(session, lock), true, "held, asked in a transaction on the lock's backend");
      assert.equal(await heldAsked(session, lock, false), true, "held, asked outside one");
      await session.query("DISCARD ALL");
      assert.equal(await heldAsked(session, lock), false, "lost after DISCARD ALL, asked on that backend");
      await lock.release();
    } finally {
      await session.release();
    }
  });

  test("a second runner waits for the lock; release frees both of the session's keys", async () => {
    const session = await connected();
    const second = await connected();
    try {
      const lock = await dialect.acquireMigrationLock!(session, { timeoutMs: 1000 });
      assert.equal(await advisoryLocks(await pidOf(session)), 2, "the run-level key and the run's own key");
      await assert.rejects(dialect.acquireMigrationLock!(second, { timeoutMs: 300 }), /held the lock for more than/);
      await lock.release();
      assert.equal(await advisoryLocks(await pidOf(session)), 0);
      assert.equal(await heldAsked(second, lock), false, "released is not held");
      const next = await dialect.acquireMigrationLock!(second, { timeoutMs: 1000 });
      await next.release();
    } finally {
      await session.release();
      await second.release();
    }
  });
});
