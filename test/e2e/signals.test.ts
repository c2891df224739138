/**
 * Ctrl-C (SIGINT) or SIGTERM while `run` executes a slow statement. The real
 * CLI is spawned and signalled. Expected: the statement in flight is
 * cancelled (it does not run on, holding its locks), the migration rolled
 * back, the lock released; the output says what was applied and what was
 * rolled back; exit 130 (SIGINT) or 143 (SIGTERM); the table answers at once
 * afterwards, the bookkeeping matches, and the next run completes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { join } from "node:path";
import { TestProject, repoRoot, type CliResult, type SpawnedCli } from "../support/project";
import { ITEM_ROWS, appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";
import { AT_GATE, GATE_STATEMENT, closeGate, migrationLockHolders, waitForStatement } from "../support/sessions";
import { writeSlowScenario } from "../support/slow-scenario";
import { typeorm1Project } from "../support/typeorm1";
import { waitForSqliteLongTransaction, waitForSqliteStatement } from "../support/sqlite-in-flight";
import { waitForOutput } from "../support/wait-for-output";

const SIGNALS = [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const;

/**
 * A statement that does not end by itself while the test looks: on
 * PostgreSQL it waits at the test's gate (test/support/sessions.ts), which
 * stays closed; SQLite needs minutes for this one (its read of items holds
 * the database's shared lock while it runs, which the test can see).
 */
const SLOW = {
  postgres: GATE_STATEMENT,
  sqlite: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT COUNT(*) FROM c WHERE x > (SELECT COUNT(*) FROM "items")`,
};

const waitForStderr = (running: SpawnedCli, pattern: RegExp) => waitForOutput(running, pattern, "stderr");

function assertStoppedCleanly(result: CliResult, exitCode: number, signal: string, names: string[], stoppedAfterMs: number): void {
  const all = result.stdout + result.stderr;
  assert.equal(result.code, exitCode, all);
  assert.equal(result.signal, null, "it exited by itself, not killed by the signal");
  assert.match(result.stdout, new RegExp(`✓ ${names[0]} `));
  assert.match(
    result.stderr,
    new RegExp(
      `\\nerror: Stopped by ${signal}: applied ${names[0]}; rolled back ${names[1]} \\(nothing of it remains\\); ` +
        `not started: ${names[2]}; the migration lock was released: run again to continue\\.\\n$`,
    ),
  );
  assert.doesNotMatch(all, /This is a bug|\n\s+at /);
  assert.ok(stoppedAfterMs < 15_000, `it stopped promptly (${stoppedAfterMs} ms after the signal)`);
}

/** The runner's sessions are gone (a closed connection's backend takes a moment to exit). */
async function assertNoOtherSessions(admin: Client): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { rows } = await admin.query(`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    if (rows.length === 0) return;
    assert.ok(Date.now() < deadline, `no session of the runner is left on the server: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function assertRowsUnchanged(project: TestProject): Promise<void> {
  await assertItemsIntact(project);
  const appended = await project.query(`SELECT COUNT(*) AS n FROM "items" WHERE "name" LIKE '%X'`);
  assert.equal(Number(appended[0].n), 0, "the rolled-back UPDATE left nothing");
}

/**
 * On SQLite: items, the slow scenario, and `signal` sent to `run <args>
 * --verbose` once SlowAppend's UPDATE is done and its slow statement sent
 * (printed), and, outside a transaction, seen running (waitForSqliteStatement).
 */
async function signalDuringSqliteSlowStatement(
  project: TestProject,
  args: string[],
  signal: NodeJS.Signals,
): Promise<{ names: string[]; result: CliResult; stoppedAfterMs: number }> {
  await createItems(project);
  const names = writeSlowScenario(project, SLOW.sqlite);
  const running = project.spawn([...args, "--verbose"]);
  await waitForSqliteStatement(project, running, /WITH RECURSIVE/, args.includes("none"));
  const signalled = Date.now();
  running.child.kill(signal);
  const result = await running.result;
  return { names, result, stoppedAfterMs: Date.now() - signalled };
}

/** A statement that blocks better-sqlite3's process for a few seconds (it cannot be interrupted). */
const BLOCKING = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25000000) SELECT COUNT(*) AS n FROM c`;

/** A TypeORM 1.x project on better-sqlite3, one transaction per migration, with items; cleaned up after. */
async function onBetterSqlite3(body: (project: TestProject) => Promise<void>): Promise<void> {
  const project = await TestProject.create("sqlite", {}, typeorm1Project({ env: { ATHANOR_COMMIT_GROUP_MS: "0" } }));
  try {
    await createItems(project);
    await body(project);
  } finally {
    await project.cleanup();
  }
}

/** SIGINT to `athanor <args>` once SlowAppend's blocking statement runs (its UPDATE holds the database meanwhile). */
async function signalDuringBlockingStatement(project: TestProject, args: string[]): Promise<{ result: CliResult; stoppedAfterMs: number }> {
  const running = project.spawn(args);
  await waitForSqliteLongTransaction(project);
  const signalled = Date.now();
  running.child.kill("SIGINT");
  const result = await running.result;
  return { result, stoppedAfterMs: Date.now() - signalled };
}

/**
 * A PostgreSQL project with items and the slow scenario written (its names
 * given to `body`), and an admin session on its database holding the gate
 * the slow statement waits at (closed for good: ending the session opens
 * it); both closed after.
 */
async function onPostgres(body: (project: TestProject, admin: Client, names: string[]) => Promise<void>): Promise<void> {
  const project = await TestProject.create("postgres");
  const admin = new Client({ connectionString: project.env.DATABASE_URL });
  await admin.connect();
  try {
    await closeGate(admin);
    await createItems(project);
    await body(project, admin, writeSlowScenario(project, SLOW.postgres));
  } finally {
    await admin.end();
    await project.cleanup();
  }
}

/** The next run, with the slow statement made quick, applies the rest. */
async function assertNextRunCompletes(project: TestProject, names: string[]): Promise<void> {
  writeSlowScenario(project, "SELECT 1");
  const next = await project.cli(["run"]);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  assert.match(next.stdout, /Applied 2 migrations/);
  assert.deepEqual(await appliedNames(project), names);
  const appended = await project.query(`SELECT COUNT(*) AS n FROM "items" WHERE "name" LIKE '%X'`);
  assert.equal(Number(appended[0].n), ITEM_ROWS);
}

describe("a signal during run", () => {
  for (const [signal, exitCode] of SIGNALS) {
    test(`postgres: ${signal} during a statement that waits: cancelled on the server, rolled back, lock released, exit ${exitCode}; the next run completes`, async () => {
      await onPostgres(async (project, admin, names) => {
        const running = project.spawn(["run"]);
        // The slow statement waits at the closed gate: it would never end unless cancelled.
        await waitForStatement(admin, AT_GATE);
        const signalled = Date.now();
        running.child.kill(signal);
        const result = await running.result;
        assertStoppedCleanly(result, exitCode, signal, names, Date.now() - signalled);

        // Nothing runs on for it, and nothing holds the table: an update of
        // its rows (which the cancelled UPDATE had locked) returns at once.
        await assertNoOtherSessions(admin);
        await admin.query(`SET lock_timeout = '2s'`);
        const started = Date.now();
        await admin.query(`UPDATE "items" SET "note" = "note" WHERE "id" = 1`);
        assert.ok(Date.now() - started < 2000, "the table is not locked");
        await admin.query(`RESET lock_timeout`);
        assert.deepEqual(await migrationLockHolders(admin), []);
        assert.deepEqual(await appliedNames(project), [names[0]]);
        await assertRowsUnchanged(project);
        await assertNextRunCompletes(project, names);
      });
    });

    test(`sqlite: ${signal} during a long statement: interrupted, rolled back, exit ${exitCode}; the next run completes`, async () => {
      // One commit per migration, so the first is committed (and shown) before
      // the slow one starts; commit-groups.test.ts stops a run inside a group.
      const project = await TestProject.create("sqlite", {}, { env: { ATHANOR_COMMIT_GROUP_MS: "0" } });
      try {
        const { names, result, stoppedAfterMs } = await signalDuringSqliteSlowStatement(project, ["run"], signal);
        assertStoppedCleanly(result, exitCode, signal, names, stoppedAfterMs);

        // No write lock is left: a write on the table returns at once.
        const ds = await project.connect();
        try {
          await ds.query(`PRAGMA busy_timeout = 0`);
          await ds.query(`UPDATE "items" SET "note" = "note" WHERE "id" = 1`);
        } finally {
          await ds.destroy();
        }
        assert.deepEqual(await appliedNames(project), [names[0]]);
        await assertRowsUnchanged(project);
        await assertNextRunCompletes(project, names);
      } finally {
        await project.cleanup();
      }
    });
  }

  test("sqlite: SIGINT while the long statement waits for node sqlite3's worker thread: interrupted once it starts, rolled back, exit 130", async () => {
    // The statement is sent, but SQLite has not started it: an interrupt then
    // does nothing, so the runner asks again until the statement is answered.
    const project = await TestProject.create(
      "sqlite",
      {},
      {
        env: {
          ATHANOR_COMMIT_GROUP_MS: "0",
          NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "sqlite-held-worker.cjs")}`,
          UV_THREADPOOL_SIZE: "1",
          ATHANOR_TEST_HOLD_WORKER_FOR: "WITH RECURSIVE",
          ATHANOR_TEST_HOLD_WORKER_MS: "1500",
        },
      },
    );
    try {
      await createItems(project);
      const names = writeSlowScenario(project, SLOW.sqlite);
      const running = project.spawn(["run"]);
      // Left alone, the statement runs for minutes.
      const watchdog = setTimeout(() => running.child.kill("SIGKILL"), 30_000);
      try {
        await waitForStderr(running, /worker held/);
        const signalled = Date.now();
        running.child.kill("SIGINT");
        const result = await running.result;
        assertStoppedCleanly(result, 130, "SIGINT", names, Date.now() - signalled);
      } finally {
        clearTimeout(watchdog);
      }
      assert.deepEqual(await appliedNames(project), [names[0]]);
      await assertRowsUnchanged(project);
      await assertNextRunCompletes(project, names);
    } finally {
      await project.cleanup();
    }
  });

  test("better-sqlite3 (TypeORM 1.x): SIGINT during a statement that blocks the process: heard before the next statement, the migration rolled back, exit 130", async () => {
    // better-sqlite3 runs each statement on the main thread: the signal can
    // only be heard between statements, and is, though they follow one
    // another without waiting on anything.
    await onBetterSqlite3(async (project) => {
      const names = writeSlowScenario(project, BLOCKING, { after: `UPDATE "items" SET "note" = "note"` });
      const { result, stoppedAfterMs } = await signalDuringBlockingStatement(project, ["run", "--verbose"]);
      assertStoppedCleanly(result, 130, "SIGINT", names, stoppedAfterMs);
      assert.doesNotMatch(result.stdout, /UPDATE "items" SET "note"/, "nothing after the blocking statement was sent");
      assert.deepEqual(await appliedNames(project), [names[0]]);
      await assertRowsUnchanged(project);
    });
  });

  test("better-sqlite3 (TypeORM 1.x): SIGINT during the last statement of the last migration: it runs to its end, applied, exit 0, and the output says nothing was left to stop", async () => {
    await onBetterSqlite3(async (project) => {
      const names = writeSlowScenario(project, BLOCKING, { last: false });
      const { result } = await signalDuringBlockingStatement(project, ["run"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /Applied 2 migrations/);
      assert.match(
        result.stderr,
        /^Stopping \(SIGINT\): cancelling the statement in flight \(better-sqlite3 finishes it and sends no other\) and rolling back; send it again to exit at once\.\nSIGINT came once nothing was left to stop: the command ran to its end\.\n$/,
      );
      assert.deepEqual(await appliedNames(project), names);
    });
  });

  test("sqlite: SIGINT during a long statement outside a transaction: what already ran is listed and recorded as partially applied, exit 130; the next run finishes it, the UPDATE not run twice", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const { names, result } = await signalDuringSqliteSlowStatement(project, ["run", "--transaction", "none"], "SIGINT");
      assert.equal(result.code, 130, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `\\nerror: Stopped by SIGINT: applied ${names[0]}; stopped ${names[1]} part-way outside a transaction ` +
            `\\(1 of its 1 writing statement took effect and stay applied \\(listed below as already applied\\), the statement in flight was cancelled and did not take effect \\(listed below as cancelled\\) ` +
            `and nothing else of it was left to run; it is recorded as partially applied\\); not started: ${names[2]}; the migration lock was released: ` +
            `run again to continue\\.\\n  already applied: UPDATE "items" SET "name" = "name" \\|\\| 'X'\\n  cancelled: WITH RECURSIVE [^\\n]*\\n$`,
        ),
      );
      assert.deepEqual(await appliedNames(project), [names[0], names[1]]);
      assert.match(
        (await project.cli(["status"])).stdout,
        new RegExp(`${names[1]}  pending, partially applied: 1 of 1 writing statement$`, "m"),
      );
      const appended = await project.query(`SELECT COUNT(*) AS n FROM "items" WHERE "name" LIKE '%X'`);
      assert.equal(Number(appended[0].n), ITEM_ROWS, "the UPDATE that ran before the signal remains, as the error says");
      await assertNextRunCompletes(project, names);
      const twice = await project.query(`SELECT COUNT(*) AS n FROM "items" WHERE "name" LIKE '%XX'`);
      assert.equal(Number(twice[0].n), 0, "the UPDATE recorded as applied is not sent again");
    } finally {
      await project.cleanup();
    }
  });

  test("sqlite: SIGTERM during revert: the down is rolled back, both migrations still recorded, exit 143; the next revert completes", async () => {
    const project = await TestProject.create("sqlite");
    try {
      await createItems(project);
      const first = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "CreateFirst",
        up: q(`CREATE TABLE "first" ("id" integer PRIMARY KEY)`),
        down: q(`DROP TABLE "first"`),
      });
      const slowDown = (slow: string) =>
        writeMigrationBody(project, {
          timestamp: 1700000000002,
          name: "SlowDown",
          up: q(`SELECT 1`),
          down: [q(`UPDATE "items" SET "name" = "name" || 'X'`), q(slow)].join("\n"),
        });
      const second = slowDown(SLOW.sqlite);
      await project.ok(["run"]);
      const running = project.spawn(["revert", "--to", "base"]);
      // The revert's UPDATE takes SQLite's write lock: wait until it holds it.
      const ds = await project.connect();
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const free = await ds
            .query(`BEGIN IMMEDIATE`)
            .then(() => ds.query(`ROLLBACK`))
            .then(
              () => true,
              () => false,
            );
          if (!free) break;
          assert.ok(Date.now() < deadline, "the revert never took the write lock");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await ds.destroy();
      }
      running.child.kill("SIGTERM");
      const result = await running.result;
      assert.equal(result.code, 143, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `\\nerror: Stopped by SIGTERM: reverted nothing; rolled back ${second} \\(nothing of it remains\\); not started: ${first}; the migration lock was released: run again to continue\\.\\n$`,
        ),
      );
      assert.deepEqual(await appliedNames(project), [first, second]);
      await assertRowsUnchanged(project);
      // A fast down() for the next revert: an edit of an applied migration, said as such.
      slowDown("SELECT 1");
      await project.ok(["revert", "--to", "base", "--allow-edited"]);
      assert.deepEqual(await appliedNames(project), []);
    } finally {
      await project.cleanup();
    }
  });

  test("postgres: SIGINT while waiting for the migration lock: exit 130, nothing applied; a second signal exits at once", async () => {
    await onPostgres(async (project, admin, names) => {
      await admin.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      const waiting = project.spawn(["run", "--lock-timeout", "60"]);
      await waitForStatement(admin, "%pg_try_advisory_lock%", false);
      waiting.child.kill("SIGINT");
      const stopped = await waiting.result;
      assert.equal(stopped.code, 130, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, /\nerror: Stopped by SIGINT while waiting for the migration lock: nothing was applied or reverted\.\n$/);
      await admin.query(`SELECT pg_advisory_unlock(hashtext('athanor:migrations'))`);
      assert.deepEqual(await appliedNames(project), []);

      // Twice, while the migration's own code waits between two statements
      // (there is nothing to cancel, so the first signal waits for it): the
      // second exits at once, and the server discards the open transaction.
      // The code waits until the process ends, so no window is to be outrun.
      writeMigrationBody(project, {
        timestamp: 1700000000002,
        name: "SlowAppend",
        up: [q(`UPDATE "items" SET "name" = "name" || 'X'`), `    await new Promise(() => setInterval(() => undefined, 1000));`].join("\n"),
      });
      const running = project.spawn(["run"]);
      let forced: CliResult;
      try {
        await waitForStatement(admin, `UPDATE "items"%`, false);
        running.child.kill("SIGINT");
        await waitForStderr(running, /Stopping \(SIGINT\)/);
        running.child.kill("SIGINT");
        forced = await running.result;
      } finally {
        // A failure above must not leave the runner waiting for ever.
        if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL");
      }
      assert.equal(forced.code, 130, forced.stdout + forced.stderr);
      assert.match(forced.stderr, /error: Exited at once on a second SIGINT, without waiting for the rollback/);
      await assertNoOtherSessions(admin);
      assert.deepEqual(await appliedNames(project), [names[0]]);
      await assertRowsUnchanged(project);
      await assertNextRunCompletes(project, names);
    });
  });
});
