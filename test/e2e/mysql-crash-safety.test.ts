/**
 * kill -9 of `run` on MariaDB after each statement (the test-only fault
 * point `statement`, src/runner/fault-points.ts), where every DDL statement
 * commits: the migration is left part-way, its bookkeeping row says how far
 * (runner/partial.ts), and the next `run` finishes it — the table then
 * equals the one a clean run builds, and no row is inserted twice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { cliEnv, createExampleApp, runCli } from "../support/project";
import { createMysqlTestDatabase } from "../support/mysql";

const MIGRATION = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class Steps1900000000001 implements MigrationInterface {
  name = "Steps1900000000001";
  async up(q: QueryRunner) {
    await op(q).createTable({ name: "steps", columns: [{ name: "id", type: "integer", nullable: false }, { name: "name", type: "varchar", length: 40, nullable: false }], primaryKey: { columns: ["id"] }, uniques: [], indexes: [], foreignKeys: [], checks: [] });
    await q.query("INSERT INTO steps VALUES (1, 'one')");
    await op(q).alterColumn("steps", { name: "name", type: "varchar", length: 40, nullable: false }, { name: "label", type: "varchar", length: 60, nullable: true });
    await op(q).createIndex("steps", { name: "IDX_steps_label", columns: ["label"], unique: false });
    await q.query("INSERT INTO steps VALUES (2, 'two')");
  }
  async down(q: QueryRunner) {
    await q.query("DROP TABLE steps");
  }
}
`;

/** This repository's example app with no migration but 1900000000001-Steps.ts. */
function project(): string {
  const dir = createExampleApp("mysql-crash", { withMigrations: false });
  writeFileSync(join(dir, "migrations", "1900000000001-Steps.ts"), MIGRATION);
  return dir;
}

/** What a user would compare: the table's columns and indexes, its rows, and the bookkeeping. */
async function outcome(url: string): Promise<string> {
  const ds = new DataSource({ type: "mariadb", url });
  await ds.initialize();
  try {
    const columns = await ds.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'steps' ORDER BY ORDINAL_POSITION",
    );
    const indexes = await ds.query(
      "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'steps' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
    );
    const rows = await ds.query("SELECT id, label FROM steps ORDER BY id");
    const bookkeeping = await ds.query("SELECT name, applied_statements, statement_count FROM migrations");
    return JSON.stringify({ columns, indexes, rows, bookkeeping }, null, 1);
  } finally {
    await ds.destroy();
  }
}

test("MariaDB: killed after any statement of a migration, the next run finishes it and the result equals a clean run", async () => {
  const dir = project();
  const clean = await createMysqlTestDatabase("athanor_crash");
  let expected: string;
  try {
    const result = await runCli(dir, ["run", "--allow-sum-mismatch"], cliEnv({ DATABASE_URL: clean.url }));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    expected = await outcome(clean.url);
  } finally {
    await clean.drop();
  }
  let partialSeen = 0;
  for (let n = 1; ; n++) {
    const db = await createMysqlTestDatabase("athanor_crash");
    try {
      const env = cliEnv({ DATABASE_URL: db.url });
      const killed = await runCli(dir, ["run", "--allow-sum-mismatch"], { ...env, ATHANOR_FAULT_POINT: `statement:${n}` });
      if (killed.signal === null) {
        // The run has fewer than n statements: every one was killed after.
        assert.equal(killed.code, 0, killed.stdout + killed.stderr);
        assert.ok(n > 10, `only ${n - 1} statements in the run`);
        break;
      }
      assert.equal(killed.signal, "SIGKILL", `statement ${n}: ${killed.stdout}${killed.stderr}`);
      const status = await runCli(dir, ["status"], env);
      if (/partially applied: \d+ of 6 writing statements/.test(status.stdout)) partialSeen++;
      const again = await runCli(dir, ["run", "--allow-sum-mismatch"], env);
      assert.equal(again.code, 0, `after a kill at statement ${n}, run failed:\n${again.stdout}${again.stderr}`);
      assert.equal(await outcome(db.url), expected, `after a kill at statement ${n}`);
    } finally {
      await db.drop();
    }
  }
  assert.ok(partialSeen >= 5, `status showed a partial migration after ${partialSeen} kills`);
});
