/**
 * A migration that fails half-way, in each transaction mode. With `each`
 * and `all` nothing of it remains and nothing is recorded; with `none` (or
 * `transaction = false` on the class) the error names the failing statement
 * and lists what was already applied, the bookkeeping records it as
 * partially applied (pending), and the next run continues from the failed
 * statement. Rows of an existing table survive every case.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS, TestProject } from "../support/project";
import { appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";
import { explainPostgresMigrationError } from "../../src/dialects/postgres/migration-errors";

/** Two statements that change something, then a throw. */
const THROWS_HALF_WAY = [
  q(`CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`),
  q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'added by the failing migration')`),
  `    throw new Error("boom after two statements");`,
].join("\n");

/**
 * Two statements, then an operation that fails inside its own transaction
 * (on SQLite a rebuild whose row copy breaks the new CHECK: its CREATE of
 * the temporary table is rolled back and must not be listed as applied).
 * A CHECK, not NOT NULL: Athanor's data checks stop a NOT NULL on NULL rows
 * before any statement is sent.
 */
const OPERATION_FAILS_HALF_WAY = [
  q(`CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`),
  q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'added by the failing migration')`),
  `    await op(queryRunner).addCheck("items", { name: "CHK_items_negative_id", expression: '"id" < 0' });`,
].join("\n");

/** Two statements, then one that fails. */
const STATEMENT_FAILS_HALF_WAY = [
  q(`CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`),
  q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'added by the failing migration')`),
  q(`INSERT INTO "no_such_table" ("id") VALUES (1)`),
].join("\n");

async function tables(project: TestProject): Promise<string[]> {
  return Object.keys((await project.introspect()).tables).sort();
}

async function undoByHand(project: TestProject, partialRow: string): Promise<void> {
  await project.query(`DROP TABLE "half_a"`);
  await project.query(`DELETE FROM "items" WHERE "id" = 1001`);
  await project.query(`DELETE FROM "migrations" WHERE "name" = '${partialRow}'`);
  await project.query(`DELETE FROM "migrations_progress" WHERE "name" = '${partialRow}'`);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: a migration that fails half-way`, () => {
    test("each and all leave nothing of it; none and transaction = false name the failing statement and what remains", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const ok = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "CreateOk",
          up: q(`CREATE TABLE "ok_t" ("id" integer PRIMARY KEY)`),
        });
        const halfWay = writeMigrationBody(project, { timestamp: 1700000000002, name: "HalfWay", up: THROWS_HALF_WAY });

        // each (the default): CreateOk commits on its own, HalfWay leaves nothing.
        let result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(`^error: Migration ${halfWay} failed \\(it was rolled back and nothing was recorded\\): boom after two statements\\n`),
        );
        assert.deepEqual(await appliedNames(project), [ok]);
        assert.deepEqual(await tables(project), ["items", "ok_t"]);
        assert.equal((await project.query(`SELECT * FROM "items" WHERE "id" = 1001`)).length, 0);
        await assertItemsIntact(project);

        // all: the batch of both is rolled back together.
        await project.query(`DROP TABLE "ok_t"`);
        await project.query(`DELETE FROM "migrations"`);
        result = await project.cli(["run", "--transaction", "all"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${halfWay} failed \\(the whole transaction of 2 migrations was rolled back and nothing was recorded\\): boom after two statements\\n`,
          ),
        );
        assert.deepEqual(await appliedNames(project), []);
        assert.deepEqual(await tables(project), ["items"]);
        assert.equal((await project.query(`SELECT * FROM "items" WHERE "id" = 1001`)).length, 0);
        await assertItemsIntact(project);

        // none: CreateOk is final; HalfWay's two statements remain, listed,
        // and the operation that failed inside its own transaction left nothing.
        writeMigrationBody(project, { timestamp: 1700000000002, name: "HalfWay", up: OPERATION_FAILS_HALF_WAY });
        result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${halfWay} failed \\(it ran outside a transaction: the 2 statements listed below as already applied remain, and it is recorded as partially applied \\(2 (of \\d+ )?writing statements\\); .*?; fix the cause and run again to continue from the failed statement\\): `,
          ),
        );
        const applied = result.stderr.split("\n").filter((l) => l.startsWith("  already applied: "));
        assert.deepEqual(applied, [
          `  already applied: CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`,
          `  already applied: INSERT INTO "items" ("id", "name") VALUES (1001, 'added by the failing migration')`,
        ]);
        assert.match(result.stderr, /\n {2}failing statement: /);
        assert.deepEqual(await appliedNames(project), [ok, halfWay], "a partial row for HalfWay");
        assert.deepEqual(await tables(project), ["half_a", "items", "ok_t"], "no temporary table of a rebuild is left");
        assert.equal((await project.query(`SELECT * FROM "items" WHERE "id" = 1001`)).length, 1);
        await assertItemsIntact(project);
        await undoByHand(project, halfWay);

        // transaction = false on the class, in the default mode: the failing statement is named.
        writeMigrationBody(project, { timestamp: 1700000000002, name: "HalfWay", up: STATEMENT_FAILS_HALF_WAY, transaction: false });
        result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(`^error: Migration ${halfWay} failed \\(it ran outside a transaction: the 2 statements listed below`),
        );
        assert.match(
          result.stderr,
          /\n {2}failing statement: INSERT INTO "no_such_table" \("id"\) VALUES \(1\)\n {2}already applied: CREATE TABLE "half_a"[^\n]*\n {2}already applied: INSERT INTO "items"/,
        );
        assert.match(
          result.stderr,
          /it is recorded as partially applied \(2 of 3 writing statements\); the failing statement did not take effect, and nothing else of it was left to run; fix the cause/,
        );
        assert.deepEqual(await appliedNames(project), [ok, halfWay]);
        assert.deepEqual(await tables(project), ["half_a", "items", "ok_t"]);
        await assertItemsIntact(project);

        // status says how far it got; once the cause is fixed, run continues from the failed statement.
        const status = await project.cli(["status"]);
        assert.match(
          status.stdout,
          new RegExp(`^  \\[ \\] ${halfWay}  pending, partially applied: 2 of 3 writing statements$`, "m"),
          status.stdout,
        );
        assert.match(status.stdout, /^1 applied, 1 pending\.$/m);
        const json = JSON.parse((await project.cli(["status", "--json"])).stdout);
        assert.deepEqual(json.migrations.find((m: any) => m.name === halfWay).partial, { applied: 2, total: 3 });
        await project.query(`CREATE TABLE "no_such_table" ("id" integer)`);
        result = await project.cli(["run"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, new RegExp(`✓ ${halfWay}`));
        assert.deepEqual(await appliedNames(project), [ok, halfWay]);
        assert.equal(
          (await project.query(`SELECT * FROM "items" WHERE "id" = 1001`)).length,
          1,
          "the INSERT already applied is not sent again",
        );
        assert.equal((await project.query(`SELECT * FROM "no_such_table"`)).length, 1, "the failed statement ran");
        const after = await project.cli(["status", "--json"]);
        assert.equal(JSON.parse(after.stdout).pending, 0, after.stdout);
        assert.doesNotMatch((await project.cli(["status"])).stdout, /partially applied/);
      } finally {
        await project.cleanup();
      }
    });
  });
}

/** The case: the migration commits the runner's transaction itself, then fails. */
const COMMITS_THEN_FAILS = [
  q(`CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`),
  q(`COMMIT`),
  q(`CREATE TABLE "half_b" ("id" integer PRIMARY KEY)`),
  q(`INSERT INTO "no_such_table" ("id") VALUES (1)`),
].join("\n");

/** It rolls the runner's transaction back itself: what ran before is gone, what ran after (outside any transaction) remains. */
const ROLLS_BACK_THEN_FAILS = [
  q(`CREATE TABLE "half_a" ("id" integer PRIMARY KEY)`),
  q(`ROLLBACK`),
  q(`CREATE TABLE "half_b" ("id" integer PRIMARY KEY)`),
  q(`INSERT INTO "no_such_table" ("id") VALUES (1)`),
].join("\n");

for (const dialect of DIALECTS) {
  describe(`${dialect}: a migration that ends the runner's transaction itself, then fails`, () => {
    test("COMMIT: the error says it was not rolled back and lists what remains, which is what the database holds", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, { timestamp: 1700000000001, name: "CommitsItself", up: COMMITS_THEN_FAILS });
        const result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} failed \\(it ended the runner's transaction itself with COMMIT, so it could not be rolled back: ` +
              `the 2 statements listed below as already applied remain and it was not recorded as applied; undo them or finish the migration by hand, ` +
              `and take the COMMIT out of the migration, before running again\\): `,
          ),
        );
        assert.doesNotMatch(result.stderr, /rolled back and nothing was recorded/);
        assert.match(result.stderr, /^  already applied: CREATE TABLE "half_a"/m);
        assert.match(result.stderr, /^  already applied: CREATE TABLE "half_b"/m);
        assert.match(result.stderr, /^  failing statement: INSERT INTO "no_such_table"/m);
        // What the message says is what the database holds.
        assert.deepEqual(await tables(project), ["half_a", "half_b", "items"]);
        assert.deepEqual(await appliedNames(project), []);
        await assertItemsIntact(project);
      } finally {
        await project.cleanup();
      }
    });

    test("ROLLBACK: only what ran after it remains, and the error says so", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, { timestamp: 1700000000001, name: "RollsBackItself", up: ROLLS_BACK_THEN_FAILS });
        const result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} failed \\(it ended the runner's transaction itself with ROLLBACK, so it could not be rolled back: the statement listed below as already applied remains and it was not recorded as applied;`,
          ),
        );
        assert.match(result.stderr, /^  already applied: CREATE TABLE "half_b"/m);
        assert.doesNotMatch(result.stderr, /already applied: CREATE TABLE "half_a"/);
        assert.deepEqual(await tables(project), ["half_b", "items"]);
        assert.deepEqual(await appliedNames(project), []);
      } finally {
        await project.cleanup();
      }
    });

    test("--transaction all: the migrations committed with it are named as applied and recorded", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const first = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "CreateOk",
          up: q(`CREATE TABLE "ok_t" ("id" integer PRIMARY KEY)`),
        });
        const name = writeMigrationBody(project, { timestamp: 1700000000002, name: "CommitsItself", up: COMMITS_THEN_FAILS });
        const result = await project.cli(["run", "--transaction", "all"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} failed \\(it ended the runner's transaction itself with COMMIT, so it could not be rolled back: the 1 migration before it in that transaction \\(${first}\\) was committed and recorded, the 2 statements listed below`,
          ),
        );
        assert.deepEqual(await appliedNames(project), [first]);
        assert.deepEqual(await tables(project), ["half_a", "half_b", "items", "ok_t"]);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("postgres: what the server adds to a failing statement", () => {
  test("its DETAIL (the duplicated key) and HINT are listed under the error", async () => {
    const project = await TestProject.create("postgres");
    try {
      await createItems(project);
      await project.query(`UPDATE "items" SET "name" = 'item 1' WHERE "id" = 2`);
      const unique = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "UniqueNames",
        up: q(`CREATE UNIQUE INDEX "UQ_items_name" ON "items" ("name")`),
      });
      let result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: Migration ${unique} failed \\(it was rolled back and nothing was recorded\\): could not create unique index "UQ_items_name"\\n`,
        ),
      );
      assert.match(result.stderr, /\n {2}detail: Key \(name\)=\(item 1\) is duplicated\.\n/);

      await project.query(`UPDATE "items" SET "name" = 'item 2' WHERE "id" = 2`);
      const cast = writeMigrationBody(project, {
        timestamp: 1700000000002,
        name: "NoSuchFunction",
        up: q(`SELECT no_such_function(1)`),
      });
      result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`^error: Migration ${cast} failed`));
      assert.match(result.stderr, /\n {2}hint: No function matches the given name and argument types\./);
      assert.deepEqual(await appliedNames(project), [unique]);
    } finally {
      await project.cleanup();
    }
  });

  test("a full lock table (out of shared memory) is explained with what to change", () => {
    // Filling the shared lock table of a real server would fail whatever
    // else runs on it at the same moment, so the driver's error is built
    // here as pg reports it.
    const error = Object.assign(new Error("out of shared memory"), {
      code: "53200",
      hint: "You might need to increase max_locks_per_transaction.",
    });
    const sentence = explainPostgresMigrationError(error) ?? "";
    assert.match(sentence, /needed more locks than PostgreSQL's lock table holds/);
    assert.match(sentence, /raise max_locks_per_transaction in postgresql\.conf and restart the server/);
    assert.match(sentence, /--transaction none/);
    assert.equal(explainPostgresMigrationError(Object.assign(new Error("out of memory"), { code: "53200" })), undefined);
  });
});
