/**
 * PostgreSQL: the session that holds the run-level migration lock ends while
 * its runner is still applying migrations (idle_session_timeout, a pooler,
 * a network cut, pg_terminate_backend), and other runners are waiting for
 * that lock. Each migration must still be applied exactly once: the tests
 * count the rows the migrations change and the bookkeeping rows, not just
 * exit codes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { TestProject, type CliResult } from "../support/project";
import { ITEM_ROWS, createItems, q, writeMigrationBody } from "../support/faults";
import { migrationLockHolders, terminateLockSession, waitForStatement } from "../support/sessions";

/**
 * Three migrations that are visibly wrong when applied twice: two
 * transactional ones appending a letter to every name, and one with
 * `transaction = false` that inserts a log row and appends to every note.
 * The one named by `slow` (first in timestamp order) holds the run for
 * `sleepSeconds`: the transactional one with its row locks held, or the
 * other between its two statements.
 */
function writeAppendingMigrations(project: TestProject, sleepSeconds: number, slow: "AppendX" | "LogZ" = "AppendX"): string[] {
  const sleep = q(`SELECT pg_sleep(${sleepSeconds})`);
  const migrations = [
    { name: "AppendX", up: [q(`UPDATE "items" SET "name" = "name" || 'X'`), ...(slow === "AppendX" ? [sleep] : [])] },
    { name: "AppendY", up: [q(`UPDATE "items" SET "name" = "name" || 'Y'`)] },
    {
      name: "LogZ",
      transaction: false,
      up: [
        q(`INSERT INTO "log" ("note") VALUES ('LogZ')`),
        ...(slow === "LogZ" ? [sleep] : []),
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
        const names = writeAppendingMigrations(project, 8, slow);
        const first = project.cli(["run"]);
        await waitForStatement(admin, "%pg_sleep%");
        const waiting = [1, 2, 3].map(() => project.cli(["run", "--lock-timeout", "60"]));
        // They poll for the lock (on sessions of their own) while the first runner sleeps in a migration.
        await waitForStatement(admin, "%pg_try_advisory_lock%", false, 3);
        await terminateLockSession(admin);
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
      const names = writeAppendingMigrations(project, 4);
      // The first runner's sessions start under a 1 s idle_session_timeout;
      // its lock session is idle for as long as AppendX sleeps.
      await admin.query(`ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
      const first = project.cli(["run"]);
      await waitForStatement(admin, "%pg_sleep%");
      // The waiting runners start once the timeout has had time to end it
      // (their own sessions do not have it: they idle while they wait).
      await admin.query(`ALTER DATABASE "${database}" RESET idle_session_timeout`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await migrationLockHolders(admin)).length, 1, "the first runner still holds the migration lock");
      const waiting = [1, 2].map(() => project.cli(["run", "--lock-timeout", "60"]));
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
      const names = writeAppendingMigrations(project, 0);
      await admin.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      await admin.query(`ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
      const waiting = project.cli(["run", "--lock-timeout", "60"]);
      await waitForStatement(admin, "%pg_try_advisory_lock%", false);
      // Its migration connection idles while it waits, for longer than the timeout.
      await new Promise((resolve) => setTimeout(resolve, 2500));
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
