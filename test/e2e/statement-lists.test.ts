/**
 * PostgreSQL: outside the runner's transaction, an op() call of several
 * statements runs in a transaction of its own, sent as one query (one round
 * trip: runner/statement-journal.ts, MigrationQueryRunner's
 * athanorStatementList). When one of them fails, that transaction is rolled
 * back and its statements go again one by one, so what users see of a
 * failure is what it always was: the failing statement named, the calls
 * before it listed as applied and recorded as partially applied, nothing
 * of the failing call left, and the next run continuing after them.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "../support/project";
import { appliedNames, writeMigrationBody } from "../support/faults";

/** An op() call creating `table` with one column and an index named `index` (three statements: table, index; in a transaction of its own). */
function createWithIndex(table: string, index: string): string {
  return `    await op(queryRunner).createTable({
      name: "${table}",
      columns: [{ name: "id", type: "integer", nullable: false }, { name: "label", type: "varchar", length: 20, nullable: true }],
      primaryKey: { name: "PK_${table}", columns: ["id"] },
      uniques: [],
      indexes: [{ name: "${index}", columns: ["label"], unique: false }],
      foreignKeys: [],
      checks: [],
    });`;
}

async function tables(project: TestProject): Promise<string[]> {
  const rows = await project.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'migrations%' ORDER BY tablename`,
  );
  return rows.map((r: any) => String(r.tablename));
}

describe("postgres: an op() call's own transaction in one round trip, outside the runner's transaction", () => {
  test("--transaction none: all applied, each statement shown by --verbose as before", async () => {
    const project = await TestProject.create("postgres");
    try {
      const name = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "Two",
        up: [createWithIndex("a", "IDX_a_label"), createWithIndex("b", "IDX_b_label")].join("\n"),
      });
      const result = await project.cli(["run", "--transaction", "none", "--verbose"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /START TRANSACTION;\nCREATE TABLE "a" [^\n]*\nCREATE INDEX "IDX_a_label" ON "a" \("label"\);\nCOMMIT;\n/);
      assert.match(result.stdout, /START TRANSACTION;\nCREATE TABLE "b" [^\n]*\nCREATE INDEX "IDX_b_label" ON "b" \("label"\);\nCOMMIT;\n/);
      assert.deepEqual(await tables(project), ["a", "b"]);
      assert.deepEqual(await appliedNames(project), [name]);
    } finally {
      await project.cleanup();
    }
  });

  test("--transaction none: a statement that fails inside the list is named, the calls before it are listed and recorded as applied, nothing of its call remains; the fixed migration then continues", async () => {
    const project = await TestProject.create("postgres");
    try {
      // The second call's index takes the name of the first's: its CREATE INDEX fails after its CREATE TABLE.
      const body = (second: string) => ({
        timestamp: 1700000000001,
        name: "Two",
        up: [createWithIndex("a", "IDX_label"), createWithIndex("b", second)].join("\n"),
      });
      writeMigrationBody(project, body("IDX_label"));
      const failed = await project.cli(["run", "--transaction", "none"]);
      assert.equal(failed.code, 3, failed.stdout + failed.stderr);
      assert.match(failed.stderr, /^ {2}failing statement: CREATE INDEX "IDX_label" ON "b" \("label"\)$/m);
      assert.match(failed.stderr, /^ {2}already applied: CREATE TABLE "a" /m);
      assert.match(failed.stderr, /^ {2}already applied: CREATE INDEX "IDX_label" ON "a" \("label"\)$/m);
      assert.doesNotMatch(failed.stderr, /already applied: CREATE TABLE "b"/);
      assert.deepEqual(await tables(project), ["a"]);
      // Recorded as partially applied: the next run passes over the first call's statements.
      const status = await project.cli(["status"]);
      assert.match(status.stdout, /partially applied/i, status.stdout);
      const name = writeMigrationBody(project, body("IDX_b_label"));
      const fixed = await project.cli(["run", "--transaction", "none", "--allow-edited"]);
      assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
      assert.deepEqual(await tables(project), ["a", "b"]);
      assert.deepEqual(await appliedNames(project), [name]);
    } finally {
      await project.cleanup();
    }
  });
});
