/**
 * PostgreSQL: the session that holds the run-level migration lock ends while
 * its runner is still applying migrations (idle_session_timeout, a pooler,
 * a network cut, pg_terminate_backend), and other runners are waiting for
 * that lock. Each migration must still be applied exactly once: the tests
 * count the rows the migrations change and the bookkeeping rows, not just
 * exit codes.
 *
 * Nothing here waits for a time it must outrun: the slow migration waits at
 * a gate the test holds (an advisory lock, test/support/sessions.ts) until
 * the state the test needs is seen in pg_stat_activity and pg_locks — the
 * other runners polling for the lock, one of them holding it after the
 * first runner's session ended, a session idle longer than the timeout by
 * the server's clock — so a loaded machine makes the tests slower, not
 * different.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { TestProject, type CliResult } from "../support/project";
import { ITEM_ROWS, createItems, q, writeMigrationBody } from "../support/faults";
import {
  AT_GATE,
  GATE_STATEMENT,
  MIGRATION_LOCK_KEY,
  closeGate,
  idleSeconds,
  migrationLockHolders,
  openGate,
  terminateLockSession,
  waitForStatement,
  waitUntil,
} from "../support/sessions";

/** A runner polling for the run-level lock (its last statement). */
const POLLING = `%pg_try_advisory_lock(${MIGRATION_LOCK_KEY})%`;
/** A runner claiming a migration (src/dialects/postgres/lock.ts, APPLY_KEY). */
const CLAIMING = "%athanor:migrations:apply%";

/**
 * Three migrations that are visibly wrong when applied twice: two
 * transactional ones appending a letter to every name, and one with
 * `transaction = false` that inserts a log row and appends to every note.
 * The one named by `slow` (first in timestamp order) waits at the test's
 * gate (GATE_STATEMENT) until the test opens it: the transactional one with
 * its row locks held, or the other between its two statements. `slow:
 * undefined` makes none wait.
 */
function writeAppendingMigrations(project: TestProject, slow: "AppendX" | "LogZ" | undefined): string[] {
  const gate = q(GATE_STATEMENT);
  const migrations = [
    { name: "AppendX", up: [q(`UPDATE "items" SET "name" = "name" || 'X'`), ...(slow === "AppendX" ? [gate] : [])] },
    { name: "AppendY", up: [q(`UPDATE "items" SET "name" = "name" || 'Y'`)] },
    {
      name: "LogZ",
      transaction: false,
      up: [
        q(`INSERT INTO "log" ("note") VALUES ('LogZ')`),
        ...(slow === "LogZ" ? [gate] : []),
        q(`UPDATE "items" SET "note" = COALESCE("note", '') || 'Z'`),
      ],
    },
  ];
  if (slow === "LogZ") migrations.unshift(migrations.pop()!);
  return migrations.map((m, i) =>
    writeMigrationBody(project, { timestamp: 1700000000001 + i, name: m.name, transaction: m.transaction, up: m.up.join("\n") }),
  );
}

async function setUp(project: TestProject): Promise<void> {
  await createItems(project);
  await project.query(`CREATE TABLE "log" ("id" serial PRIMARY KEY, "note" varchar(50) NOT NULL)`);
}

/** Every migration's effect is there exactly once, and recorded exactly once. */
async function assertAppliedOnce(admin: Client, names: string[], outputs: CliResult[]): Promise<void> {
  const all = outputs.map((r) => r.stdout + r.stderr).join("\n---\n");
  const items = await admin.query(`SELECT "name", "note" FROM "items" ORDER BY "id"`);
  assert.equal(items.rows.length, ITEM_ROWS);
  const wrong = items.rows.filter((r: any, i: number) => r.name !== `item ${i + 1}XY` || r.note !== "Z");
  assert.deepEqual(wrong.slice(0, 3), [], `each UPDATE ran once on every row\n${all}`);
  const log = await admin.query(`SELECT COUNT(*)::int AS n FROM "log"`);
  assert.equal(log.rows[0].n, 1, `the non-transactional migration ran once\n${all}`);
  const recorded = await admin.query(`SELECT "name" FROM "migrations" ORDER BY "id"`);
  assert.deepEqual(
    recorded.rows.map((r: any) => r.name),
    names,
    `one bookkeeping row per migration\n${all}`,
  );
}

describe("postgres: the migration lock's session is lost mid-run", () => {
  for (const [during, slow] of [
    ["a transactional migration", "AppendX"],
    ["a migration outside a transaction", "LogZ"],
  ] as const) {
    test(`lock session terminated during ${during} while 3 runners wait: each migration applied once; the runner that lost it exits 3 saying what it applied`, async () => {
      const project = await TestProject.create("postgres");
      const admin = new Client({ connectionString: project.env.DATABASE_URL });
      await admin.connect();
      try {
        await setUp(project);
        const names = writeAppendingMigrations(project, slow);
        await closeGate(admin);
        const first = project.cli(["run"]);
        // The first runner holds the lock and waits at the gate inside its first migration.
        await waitForStatement(admin, AT_GATE);
        const waiting = [1, 2, 3].map(() => project.cli(["run", "--lock-timeout", "120"]));
        // They poll for the lock (on sessions of their own) while the first runner waits in a migration.
        await waitForStatement(admin, POLLING, false, 3);
        const ended = await terminateLockSession(admin);
        // One of them takes the lock over and, the first migration not yet recorded, claims it:
        // it waits for the claim the first runner's migration holds (inside a transaction, a
        // blocked pg_advisory_xact_lock; outside, polling pg_try_advisory_lock).
        await waitUntil("a waiting runner holds the migration lock", async () => {
          const holders = await migrationLockHolders(admin);
          return holders.length === 1 && holders[0] !== ended;
        });
        await waitForStatement(admin, CLAIMING, slow === "AppendX");
        await openGate(admin);
        const [lost, ...others] = await Promise.all([first, ...waiting]);

        assert.equal(lost.code, 3, lost.stdout + lost.stderr);
        assert.match(
          lost.stderr,
          new RegExp(
            `^error: The session holding the migration lock ended \\(.*\\), so this runner stopped before ${names[1]}: ` +
              `applied ${names[0]}; not applied ${names[1]}, ${names[2]} \\(another runner may be applying them now\\)`,
          ),
        );
        assert.doesNotMatch(lost.stderr, /This is a bug|\n\s+at /);
        for (const other of others) assert.equal(other.code, 0, other.stdout + other.stderr);
        await assertAppliedOnce(admin, names, [lost, ...others]);
        assert.deepEqual(await migrationLockHolders(admin), [], "no runner still holds the lock");
      } finally {
        await admin.end();
        await project.cleanup();
      }
    });
  }

  test("idle_session_timeout shorter than a migration: the lock session survives it, the waiting runners apply nothing again", async () => {
    const project = await TestProject.create("postgres");
    const admin = new Client({ connectionString: project.env.DATABASE_URL });
    await admin.connect();
    const database = (await admin.query(`SELECT current_database() AS d`)).rows[0].d;
    try {
      await setUp(project);
      const names = writeAppendingMigrations(project, "AppendX");
      await closeGate(admin);
      // The first runner's sessions start under a 1 s idle_session_timeout;
      // its lock session idles for as long as AppendX waits at the gate.
      await admin.query(`ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
      const first = project.cli(["run"]);
      await waitForStatement(admin, AT_GATE);
      // The waiting runners' sessions start without it (they idle while they wait).
      await admin.query(`ALTER DATABASE "${database}" RESET idle_session_timeout`);
      const [holder] = await migrationLockHolders(admin);
      assert.ok(holder, "the first runner holds the migration lock");
      // Idle for well past the timeout, by the server's clock, and still there.
      await waitUntil(`the lock session (pid ${holder}) idle for 2.5 s`, async () => {
        const idle = await idleSeconds(admin, holder);
        assert.deepEqual(await migrationLockHolders(admin), [holder], "the first runner still holds the migration lock");
        return idle !== undefined && idle >= 2.5;
      });
      const waiting = [1, 2].map(() => project.cli(["run", "--lock-timeout", "120"]));
      await waitForStatement(admin, POLLING, false, 2);
      await openGate(admin);
      const results = await Promise.all([first, ...waiting]);
      for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(results[0].stdout, /Applied 3 migrations/);
      await assertAppliedOnce(admin, names, results);
    } finally {
      await admin.query(`ALTER DATABASE "${database}" RESET idle_session_timeout`).catch(() => undefined);
      await admin.end();
      await project.cleanup();
    }
  });

  test("idle_session_timeout shorter than the wait for the lock: the waiting runner's sessions survive it, and it applies once the lock is free", async () => {
    const project = await TestProject.create("postgres");
    const admin = new Client({ connectionString: project.env.DATABASE_URL });
    await admin.connect();
    const database = (await admin.query(`SELECT current_database() AS d`)).rows[0].d;
    try {
      await setUp(project);
      const names = writeAppendingMigrations(project, undefined);
      await admin.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      await admin.query(`ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
      const since = (await admin.query(`SELECT clock_timestamp() AS t`)).rows[0].t;
      const waiting = project.cli(["run", "--lock-timeout", "120"]);
      await waitForStatement(admin, POLLING, false);
      // A session it opened under the 1 s timeout (its migration connection) idles while it
      // waits: for well past the timeout, by the server's clock.
      await waitUntil("a session of the waiting runner idle for 2.5 s", async () => {
        const { rows } = await admin.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle' AND backend_start > $1`,
          [since],
        );
        const idle = await Promise.all(rows.map((r: { pid: number }) => idleSeconds(admin, r.pid)));
        return idle.some((seconds) => seconds !== undefined && seconds >= 2.5);
      });
      await admin.query(`SELECT pg_advisory_unlock(hashtext('athanor:migrations'))`);
      const result = await waiting;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      await assertAppliedOnce(admin, names, [result]);
    } finally {
      await admin.query(`ALTER DATABASE "${database}" RESET idle_session_timeout`).catch(() => undefined);
      await admin.end();
      await project.cleanup();
    }
  });
});
