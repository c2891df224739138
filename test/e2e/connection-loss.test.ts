/**
 * PostgreSQL goes away in the middle of a run. The suite cannot restart the
 * shared server, so it does what a restart does to the runner: every session
 * of the runner is terminated (pg_terminate_backend) while a migration is in
 * progress — held at a gate the test holds (an advisory lock,
 * test/support/sessions.ts) until its sessions are cut, so no time window
 * has to be outrun on a slow machine — or while the runner waits for the
 * migration lock. Expected: exit 3 with one sentence saying the connection
 * was lost; in a transaction nothing of the migration remains or is
 * recorded, outside one (`--transaction none`) what took effect is recorded
 * as partially applied, as it ran; the next run completes (and continues the
 * partly applied one: nothing runs twice).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { TestProject, type CliResult } from "../support/project";
import { appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";
import { AT_GATE, GATE_STATEMENT, closeGate, openGate, waitForStatement } from "../support/sessions";

/** What a server restart does to the runner: end all of its sessions. */
async function terminateOtherSessions(admin: Client): Promise<number> {
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows.length;
}

function assertOneClearSentence(result: CliResult): void {
  assert.equal(result.code, 3, result.stdout + result.stderr);
  assert.doesNotMatch(result.stderr, /This is a bug|\n\s+at .+:\d+:\d+/, result.stderr);
}

describe("postgres: the connection is cut in the middle of a run", () => {
  test("during a migration (each, then none): exit 3, the lost connection named; each: nothing recorded, none: recorded as partially applied; the next run completes it", async () => {
    const project = await TestProject.create("postgres");
    const admin = new Client({ connectionString: project.env.DATABASE_URL });
    await admin.connect();
    try {
      await createItems(project);
      const slowBody = [
        q(`CREATE TABLE "slow_a" ("id" integer PRIMARY KEY)`),
        q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'added before the cut')`),
        // Waits at the gate until the test opens it (the file stays the same: a partly applied one is continued as it is).
        q(GATE_STATEMENT),
      ].join("\n");
      const slow = writeMigrationBody(project, { timestamp: 1700000000001, name: "Slow", up: slowBody });
      await closeGate(admin);

      // each: the server discards the uncommitted transaction.
      let running = project.cli(["run"]);
      await waitForStatement(admin, AT_GATE);
      assert.ok((await terminateOtherSessions(admin)) >= 2, "the migration's and the lock's sessions were ended");
      let result = await running;
      assertOneClearSentence(result);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: Migration ${slow} failed \\(it was rolled back and nothing was recorded\\): the connection to PostgreSQL was lost while it ran \\(the server restarted, or the session was terminated\\)`,
        ),
      );
      assert.ok(result.stderr.includes(`failing statement: ${GATE_STATEMENT}`), result.stderr);
      assert.deepEqual(await appliedNames(project), []);
      assert.equal((await admin.query(`SELECT to_regclass('slow_a') AS t`)).rows[0].t, null);
      await assertItemsIntact(project);
      assert.equal((await admin.query(`SELECT * FROM "items" WHERE "id" = 1001`)).rows.length, 0);

      // none: what ran before the cut remains, the error lists it, and the progress row written as it ran records it.
      running = project.cli(["run", "--transaction", "none"]);
      await waitForStatement(admin, AT_GATE);
      await terminateOtherSessions(admin);
      result = await running;
      assertOneClearSentence(result);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: Migration ${slow} failed \\(it ran outside a transaction: the 2 statements listed below as already applied remain, and it is recorded as partially applied \\(2 of 2 writing statements\\);`,
        ),
      );
      assert.match(result.stderr, /already applied: CREATE TABLE "slow_a"/);
      assert.deepEqual(await appliedNames(project), [slow]);
      assert.match(
        (await project.cli(["status"])).stdout,
        new RegExp(`${slow}  pending, partially applied: 2 of 2 writing statements$`, "m"),
      );

      // The server is back (it never left): the next run continues it, sending neither statement again.
      await openGate(admin);
      result = await project.cli(["run"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(await appliedNames(project), [slow]);
      assert.equal((await admin.query(`SELECT * FROM "items" WHERE "id" = 1001`)).rows.length, 1);
      assert.equal(JSON.parse((await project.cli(["status", "--json"])).stdout).pending, 0);
      await assertItemsIntact(project);
    } finally {
      await admin.end();
      await project.cleanup();
    }
  });

  test("while waiting for the migration lock: exit 3, the lost connection named; the next run completes", async () => {
    const project = await TestProject.create("postgres");
    const admin = new Client({ connectionString: project.env.DATABASE_URL });
    await admin.connect();
    try {
      const created = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "CreateT",
        up: q(`CREATE TABLE "t" ("id" integer PRIMARY KEY)`),
      });
      // Hold the lock another runner would hold, so this one is seen waiting for it.
      await admin.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      const running = project.cli(["run", "--lock-timeout", "60"]);
      await waitForStatement(admin, "%pg_try_advisory_lock%", false);
      await terminateOtherSessions(admin);
      const result = await running;
      assertOneClearSentence(result);
      assert.match(
        result.stderr,
        /^error: The connection to postgres at [^ ]+ was lost \(the server restarted, or the session was terminated\): run again once the server accepts connections\.\n/,
      );
      await admin.query(`SELECT pg_advisory_unlock(hashtext('athanor:migrations'))`);
      await project.ok(["run"]);
      assert.deepEqual(await appliedNames(project), [created]);
    } finally {
      await admin.end();
      await project.cleanup();
    }
  });
});
