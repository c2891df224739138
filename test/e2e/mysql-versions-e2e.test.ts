/**
 * Server versions through the CLI: `run --sql --dialect mysql@8.0` writes
 * MySQL's forms (the data check as one plain SELECT), `mariadb@10.4` its
 * (CHANGE COLUMN for a rename); both scripts run on this machine's MariaDB
 * as a user would run them, and MySQL's check stops its script when rows are
 * in the way. Online, `run` renders for the server it is connected to.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { cliEnv, createEmptyProject, runCli, type CliResult } from "../support/project";
import { createMysqlTestDatabase } from "../support/mysql";
import { assertUserError } from "../support/bad-input";

const ORMCONFIG = `import { DataSource } from "typeorm";
export default new DataSource({ type: "mysql", url: process.env.DATABASE_URL, entities: [], migrations: ["migrations/*.ts"] });
`;

const CREATE = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
const items = {
  name: "items",
  columns: [
    { name: "id", type: "integer", nullable: false },
    { name: "name", type: "varchar", length: 50, nullable: false },
    { name: "note", type: "varchar", length: 20, nullable: true, comment: "free text" },
  ],
  primaryKey: { columns: ["id"] },
  uniques: [],
  indexes: [],
  foreignKeys: [],
  checks: [],
};
export class CreateItems1700000000001 implements MigrationInterface {
  name = "CreateItems1700000000001";
  async up(q: QueryRunner) {
    await op(q).createTable(items as any);
  }
  async down(q: QueryRunner) {
    await op(q).dropTable(items as any);
  }
}
`;

const CHANGE = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class RenameAndNarrow1700000000002 implements MigrationInterface {
  name = "RenameAndNarrow1700000000002";
  async up(q: QueryRunner) {
    await op(q).renameColumn("items", "note", "remark");
    await op(q).alterColumn("items", { name: "name", type: "varchar", length: 50, nullable: false }, { name: "name", type: "varchar", length: 10, nullable: false });
  }
  async down(q: QueryRunner) {
    await op(q).alterColumn("items", { name: "name", type: "varchar", length: 10, nullable: false }, { name: "name", type: "varchar", length: 50, nullable: false });
    await op(q).renameColumn("items", "remark", "note");
  }
}
`;

function project(): string {
  const dir = createEmptyProject("mysql-versions");
  writeFileSync(join(dir, "ormconfig.ts"), ORMCONFIG);
  mkdirSync(join(dir, "migrations"));
  writeFileSync(join(dir, "migrations", "1700000000001-CreateItems.ts"), CREATE);
  writeFileSync(join(dir, "migrations", "1700000000002-RenameAndNarrow.ts"), CHANGE);
  return dir;
}

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Run a script as the mysql client would: statement after statement, stopping at the first error. */
async function executeScript(url: string, script: string, before?: string): Promise<void> {
  const connection = await createConnection({ uri: url, multipleStatements: true });
  try {
    if (before) await connection.query(before);
    await connection.query(script);
  } finally {
    await connection.end();
  }
}

async function query(url: string, sql: string): Promise<any[]> {
  const connection = await createConnection({ uri: url });
  try {
    return (await connection.query(sql))[0] as any[];
  } finally {
    await connection.end();
  }
}

test("run --sql --dialect mysql@8.0: the data check is one plain SELECT; the script runs, and stops where rows are in the way", async () => {
  const dir = project();
  const db = await createMysqlTestDatabase("athanor_versions");
  try {
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const first = ok(await runCli(dir, ["run", "--sql", ":1700000000001", "--dialect", "mysql@8.0"], env), "run --sql to the first");
    const second = ok(await runCli(dir, ["run", "--sql", "1700000000001:", "--dialect", "mysql@8.0"], env), "run --sql the second");
    assert.doesNotMatch(second.stdout, /BEGIN NOT ATOMIC/);
    assert.match(second.stdout, /^ALTER TABLE `items` RENAME COLUMN `note` TO `remark`;$/m);
    assert.match(
      second.stdout,
      /^SELECT \(SELECT 'athanor data check: no rows in the way' UNION ALL SELECT REPLACE\('Cannot change items\.name/m,
    );

    await executeScript(db.url, first.stdout);
    await query(db.url, "INSERT INTO items (id, name) VALUES (1, 'a name longer than ten')");
    await assert.rejects(executeScript(db.url, second.stdout), /Subquery returns more than 1 row/);
    assert.deepEqual(
      (
        await query(
          db.url,
          "SELECT COLUMN_NAME AS c, CHARACTER_MAXIMUM_LENGTH AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items' ORDER BY ORDINAL_POSITION",
        )
      ).map((r) => `${r.c}:${r.n ?? ""}`),
      ["id:", "name:50", "remark:20"],
      "the rename before the check ran, the narrowing did not",
    );

    // With the rows shortened, the rest of the script runs through.
    await query(db.url, "UPDATE items SET name = 'short'");
    await query(db.url, "ALTER TABLE items RENAME COLUMN remark TO note");
    await executeScript(db.url, second.stdout);
    const [row] = await query(db.url, "SELECT name, remark FROM items");
    assert.deepEqual({ ...row }, { name: "short", remark: null });
  } finally {
    await db.drop();
  }
});

test("run --sql --dialect mariadb@10.4: a rename is CHANGE COLUMN with the full definition, and the script applies; run renders for the live server", async () => {
  const dir = project();
  const db = await createMysqlTestDatabase("athanor_versions");
  try {
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const script = ok(await runCli(dir, ["run", "--sql", "--dialect", "mariadb@10.4"], env), "run --sql").stdout;
    assert.match(script, /^ALTER TABLE `items` CHANGE COLUMN `note` `remark` varchar\(20\) NULL COMMENT 'free text';$/m);
    assert.doesNotMatch(script, /RENAME COLUMN/);
    await executeScript(db.url, script);
    const status = ok(await runCli(dir, ["status", "--json"], env), "status");
    assert.equal(JSON.parse(status.stdout).pending, 0, status.stdout);
    assert.deepEqual(
      (
        await query(
          db.url,
          "SELECT COLUMN_NAME AS c, COLUMN_COMMENT AS m FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items' ORDER BY ORDINAL_POSITION",
        )
      ).map((r) => `${r.c}:${r.m}`),
      ["id:", "name:", "remark:free text"],
    );

    // Online, run reads the server it is connected to (MariaDB 10.11 here, which has RENAME COLUMN).
    const revert = ok(await runCli(dir, ["revert", "--verbose"], env), "revert");
    assert.match(revert.stdout + revert.stderr, /RENAME COLUMN `remark` TO `note`/);
  } finally {
    await db.drop();
  }
});

test("E208: a server version offline SQL cannot read; E209: --dialect without --sql", async () => {
  const dir = project();
  const env = cliEnv({ DATABASE_URL: "mysql://root@127.0.0.1:3306/athanor_never_connected" });
  assertUserError(
    await runCli(dir, ["run", "--sql", "--dialect", "mysql@latest"], env),
    2,
    /Athanor has no "mysql@latest" dialect: use one of .*mysql, mariadb; MySQL and MariaDB also take a server version, as in mysql@8\.0 or mariadb@10\.4\./,
  );
  assertUserError(
    await runCli(dir, ["run", "--dialect", "mysql@8.0"], env),
    2,
    /--dialect sets what an offline script is written for: use it together with --sql \(online, the server answers\)\./,
  );
});
