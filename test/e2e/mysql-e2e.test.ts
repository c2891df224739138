/**
 * The example app on MariaDB with the real CLI in a temporary project: its
 * own migrations (generated on SQLite, portable op() calls) run, show in
 * status and revert to base, and pass verify on a scratch database; its entities generate a migration on an empty
 * database after which generate finds nothing; a failed migration reports
 * what it left applied (MySQL commits every DDL statement); a password in
 * DATABASE_URL is never printed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { createConnection } from "mysql2/promise";
import { cliEnv, createExampleApp, repoRoot, runCli, spawnCli, spawnProgram, type CliResult } from "../support/project";
import { createMysqlTestDatabase, mysqlServerUrl, type MysqlTestDatabase } from "../support/mysql";

const cliBin = join(repoRoot, "bin", "athanor");

/** A copy of the example app (ormconfig.ts, entities/, and migrations/ unless `withMigrations` is false). */
function exampleApp(withMigrations: boolean): string {
  return createExampleApp("mysql-e2e", { withMigrations });
}

async function tables(url: string): Promise<string[]> {
  const ds = new DataSource({ type: "mariadb", url });
  await ds.initialize();
  try {
    const rows = await ds.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    );
    return rows.map((r: any) => String(r.name)).sort();
  } finally {
    await ds.destroy();
  }
}

async function columnTypes(url: string, table: string, column: string): Promise<Array<{ type: string; extra: string }>> {
  const ds = new DataSource({ type: "mariadb", url });
  await ds.initialize();
  try {
    const rows = await ds.query(
      "SELECT COLUMN_TYPE AS type, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
      [table, column],
    );
    return rows.map((r: any) => ({ type: String(r.type), extra: String(r.extra).toLowerCase() }));
  } finally {
    await ds.destroy();
  }
}

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

for (const scheme of ["mariadb", "mysql"] as const) {
  describe(`${scheme}:// — the example app's migrations`, () => {
    let db: MysqlTestDatabase;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      db = await createMysqlTestDatabase("athanor_e2e");
      dir = exampleApp(true);
      env = cliEnv({ DATABASE_URL: db.url.replace(/^mysql:/, `${scheme}:`) });
    });
    after(async () => db.drop());

    test("run, status, revert to base", async () => {
      const run = ok(await runCli(dir, ["run"], env), "run");
      assert.match(run.stdout, /Applied 1 migration/);
      assert.deepEqual(await tables(db.url), [
        "game_sessions",
        "leaderboard_entries",
        "leaderboards",
        "migrations",
        // Where each statement commits, a migration's progress is followed in a table of its own (TypeORM's runner reads only migrations).
        "migrations_progress",
        "refresh_tokens",
        "users",
      ]);
      const status = ok(await runCli(dir, ["status", "--json"], env), "status");
      const parsed = JSON.parse(status.stdout);
      assert.equal(JSON.stringify(parsed).includes("InitialSchema1795323385894"), true, status.stdout);
      // The migration was generated on SQLite: its date columns must come out as TypeORM's
      // MySQL driver makes them (datetime(6), ON UPDATE), or generate would change them.
      const check = ok(await runCli(dir, ["generate", "--check"], env), "generate --check after the example's migrations");
      assert.match(check.stdout, /No changes/);
      const [updatedAt] = await columnTypes(db.url, "users", "updated_at");
      assert.deepEqual(updatedAt, { type: "datetime(6)", extra: "on update current_timestamp(6)" });
      const revert = ok(await runCli(dir, ["revert", "--to", "base"], env), "revert");
      assert.match(revert.stdout, /Reverted 1 migration/);
      assert.deepEqual(await tables(db.url), ["migrations", "migrations_progress"]);
    });

    test("verify: the migrations apply, revert without a trace and build the entities on a scratch database, which is dropped", async () => {
      const result = ok(await runCli(dir, ["verify"], env), "verify");
      const label = scheme === "mariadb" ? "MariaDB" : "MySQL";
      const scratch = new RegExp(`scratch database: temporary ${label} database (athanor_verify_\\w+) \\(dropped afterwards\\)`).exec(
        result.stdout,
      )?.[1];
      assert.ok(scratch, result.stdout);
      assert.match(result.stdout, /ok +up +InitialSchema1795323385894\n/);
      assert.match(result.stdout, /ok +down +InitialSchema1795323385894: schema restored/);
      assert.match(result.stdout, /ok +entities +head matches the entities/);
      assert.match(result.stdout, /Verified: /);
      // The pull-request report's --verify takes the same way.
      const report = await runCli(dir, ["check", "--format", "markdown", "--verify"], env);
      assert.match(
        report.stdout,
        /### Verify\n\n✅ 1 migration applies, reverts without a trace and applies again; head matches the entities\./,
        report.stderr,
      );
      const admin = await createConnection({ uri: mysqlServerUrl() });
      try {
        const [left] = await admin.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [scratch]);
        assert.deepEqual(left, [], `${scratch} was left behind`);
      } finally {
        await admin.end();
      }
    });

    // It once hung: the claim's GET_LOCK try, answered with no rows offline, was retried forever.
    test("run --sql prints the script at once and executes nothing; the script applies; revert --sql undoes it", async () => {
      const target = await createMysqlTestDatabase("athanor_e2e");
      try {
        const targetEnv = cliEnv({ DATABASE_URL: target.url.replace(/^mysql:/, `${scheme}:`) });
        const up = await spawnProgram(process.execPath, [cliBin, "run", "--sql"], { cwd: dir, env: targetEnv, killAfterMs: 30_000 }).result;
        assert.equal(up.signal, null, `run --sql still ran after 30 s\n${up.stdout}\n${up.stderr}`);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.match(
          up.stdout,
          new RegExp(`^-- Athanor offline SQL for ${scheme}, up from base to InitialSchema1795323385894: 1 migration\\.`, "m"),
        );
        assert.match(up.stdout, /^SELECT GET_LOCK\(CONCAT\('athanor:apply:', SHA1\(DATABASE\(\)\)\), 0\) AS locked;$/m);
        assert.match(up.stdout, /^CREATE TABLE `users` /m);
        assert.deepEqual(await tables(target.url), [], "run --sql executed nothing");

        await executeScript(target.url, up.stdout);
        const status = ok(await runCli(dir, ["status", "--json"], targetEnv), "status after the script");
        assert.equal(JSON.parse(status.stdout).pending, 0, status.stdout);

        const down = await spawnProgram(process.execPath, [cliBin, "revert", "--sql"], { cwd: dir, env: targetEnv, killAfterMs: 30_000 })
          .result;
        assert.equal(down.signal, null, `revert --sql still ran after 30 s\n${down.stdout}\n${down.stderr}`);
        assert.equal(down.code, 0, down.stdout + down.stderr);
        await executeScript(target.url, down.stdout);
        assert.deepEqual(await tables(target.url), ["migrations"]);
      } finally {
        await target.drop();
      }
    });
  });
}

/** Execute an offline SQL script as a user would (the mysql client runs it statement by statement). */
async function executeScript(url: string, script: string): Promise<void> {
  const connection = await createConnection({ uri: url, multipleStatements: true });
  try {
    await connection.query(script);
  } finally {
    await connection.end();
  }
}

describe("mariadb: the example app's entities on an empty database", () => {
  let db: MysqlTestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    db = await createMysqlTestDatabase("athanor_e2e");
    dir = exampleApp(false);
    env = cliEnv({ DATABASE_URL: db.url.replace(/^mysql:/, "mariadb:") });
  });
  after(async () => db.drop());

  test("generate, run, generate again finds nothing; revert empties the database", async () => {
    ok(await runCli(dir, ["generate", "Init"], env), "generate");
    const files = readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts"));
    assert.equal(files.length, 1);
    const source = readFileSync(join(dir, "migrations", files[0]), "utf8");
    assert.match(source, /mariadb commits each DDL statement: this migration cannot be rolled back atomically/);
    ok(await runCli(dir, ["run"], env), "run");
    const again = ok(await runCli(dir, ["generate", "Again"], env), "second generate");
    assert.match(again.stdout, /No changes/);
    ok(await runCli(dir, ["revert"], env), "revert");
    assert.deepEqual(await tables(db.url), ["migrations", "migrations_progress"]);
  });

  test("a migration that fails half-way says which statements remain applied", async () => {
    writeFileSync(
      join(dir, "migrations", "1900000000000-HalfWay.ts"),
      `import { MigrationInterface, QueryRunner } from "typeorm";
export class HalfWay1900000000000 implements MigrationInterface {
  name = "HalfWay1900000000000";
  async up(q: QueryRunner) {
    await q.query("CREATE TABLE half_one (id int PRIMARY KEY)");
    await q.query("CREATE TABLE half_one (id int PRIMARY KEY)");
  }
  async down(q: QueryRunner) {
    await q.query("DROP TABLE half_one");
  }
}
`,
    );
    const failed = await runCli(dir, ["run", "--allow-sum-mismatch"], env);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(failed.stderr, /it ran outside a transaction/);
    assert.match(failed.stderr, /already applied: CREATE TABLE half_one/);
    assert.ok((await tables(db.url)).includes("half_one"));
  });
});

/** A migration of op() calls and raw SQL whose third counted statement fails until `half_missing` exists. */
const RESUMABLE = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class Resumable1900000000001 implements MigrationInterface {
  name = "Resumable1900000000001";
  async up(q: QueryRunner) {
    await op(q).createTable({ name: "res_items", columns: [{ name: "id", type: "integer", nullable: false }, { name: "name", type: "varchar", length: 40, nullable: false }], primaryKey: { columns: ["id"] }, uniques: [], indexes: [], foreignKeys: [], checks: [] });
    await q.query("INSERT INTO res_items VALUES (1, 'one')");
    await q.query("INSERT INTO half_missing VALUES (1)");
    await op(q).alterColumn("res_items", { name: "name", type: "varchar", length: 40, nullable: false }, { name: "label", type: "varchar", length: 60, nullable: true });
    await op(q).createIndex("res_items", { name: "IDX_res_items_label", columns: ["label"], unique: false });
  }
  async down(q: QueryRunner) {
    await q.query("DROP TABLE res_items");
  }
}
`;

async function columnsOf(url: string, table: string): Promise<string> {
  const ds = new DataSource({ type: "mariadb", url });
  await ds.initialize();
  try {
    const columns = await ds.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
      [table],
    );
    const indexes = await ds.query(
      "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX",
      [table],
    );
    return JSON.stringify({ columns, indexes });
  } finally {
    await ds.destroy();
  }
}

test("a migration that fails part-way is recorded as partially applied; status says how far; run continues from the failed statement", async () => {
  const db = await createMysqlTestDatabase("athanor_e2e");
  const clean = await createMysqlTestDatabase("athanor_e2e");
  const dir = exampleApp(false);
  try {
    writeFileSync(join(dir, "migrations", "1900000000001-Resumable.ts"), RESUMABLE);
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const failed = await runCli(dir, ["run"], env);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(
      failed.stderr,
      /^error: Migration Resumable1900000000001 failed \(it ran outside a transaction: the 2 statements listed below as already applied remain, and it is recorded as partially applied \(2 of 6 writing statements\); .*?; fix the cause and run again to continue from the failed statement\): /,
    );
    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(status.stdout, /^ {2}\[ \] Resumable1900000000001 {2}pending, partially applied: 2 of 6 writing statements$/m);
    assert.match(status.stdout, /^0 applied, 1 pending\.$/m);
    const json = JSON.parse(ok(await runCli(dir, ["status", "--json"], env), "status --json").stdout);
    assert.deepEqual(json.migrations[0].partial, { applied: 2, total: 6 });

    // The user fixes the cause; the next run passes over the two applied statements.
    const admin = new DataSource({ type: "mariadb", url: db.url });
    await admin.initialize();
    await admin.query("CREATE TABLE half_missing (id int)");
    await admin.destroy();
    const resumed = ok(await runCli(dir, ["run"], env), "run after the fix");
    assert.match(resumed.stdout, /✓ Resumable1900000000001/);
    assert.match(ok(await runCli(dir, ["status"], env), "status").stdout, /^1 applied, 0 pending\.$/m);

    // The same migration on a clean database (with the cause absent from the start) builds the same table.
    const cleanAdmin = new DataSource({ type: "mariadb", url: clean.url });
    await cleanAdmin.initialize();
    await cleanAdmin.query("CREATE TABLE half_missing (id int)");
    await cleanAdmin.destroy();
    ok(await runCli(dir, ["run"], cliEnv({ DATABASE_URL: clean.url })), "clean run");
    assert.equal(await columnsOf(db.url, "res_items"), await columnsOf(clean.url, "res_items"));
    const check = new DataSource({ type: "mariadb", url: db.url });
    await check.initialize();
    try {
      assert.deepEqual(
        (await check.query("SELECT id, label FROM res_items")).map((r: any) => ({ ...r })),
        [{ id: 1, label: "one" }],
        "the INSERT is not sent twice",
      );
      const rows = await check.query("SELECT applied_statements, statement_count, execution_ms FROM migrations");
      assert.equal(rows.length, 1);
      assert.equal(rows[0].applied_statements, null);
      assert.equal(rows[0].statement_count, null);
      assert.notEqual(rows[0].execution_ms, null);
    } finally {
      await check.destroy();
    }
  } finally {
    await db.drop();
    await clean.drop();
  }
});

test("E200: a password in a mysql:// DATABASE_URL is never printed, and a server that does not answer is named", async () => {
  const dir = exampleApp(true);
  // A port nothing listens on: the connection fails and the error names the target.
  const result = await runCli(dir, ["status"], cliEnv({ DATABASE_URL: "mysql://app:s3cr3t-pw@127.0.0.1:1/app" }));
  assert.equal(result.code, 3, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /Cannot connect to mysql at 127\.0\.0\.1:1\/app: nothing answers there; start the MySQL\/MariaDB server or fix the host and port\./,
  );
  assert.doesNotMatch(result.stdout + result.stderr, /s3cr3t-pw/);
  assert.ok(mysqlServerUrl());
});

test("8 runners started at once on MariaDB, 20 pending migrations: each applied exactly once, every runner exits 0", async () => {
  const db = await createMysqlTestDatabase("athanor_e2e");
  const dir = exampleApp(false);
  try {
    for (let i = 1; i <= 20; i++) {
      const name = `CreateT${i}${1700000000000 + i}`;
      writeFileSync(
        join(dir, "migrations", `${1700000000000 + i}-CreateT${i}.ts`),
        `import { MigrationInterface, QueryRunner } from "typeorm";
export class ${name} implements MigrationInterface {
  name = "${name}";
  async up(q: QueryRunner) { await q.query("CREATE TABLE t${i} (id int PRIMARY KEY)"); }
  async down(q: QueryRunner) { await q.query("DROP TABLE t${i}"); }
}
`,
      );
    }
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const results = await Promise.all(Array.from({ length: 8 }, () => runCli(dir, ["run", "--lock-timeout", "120"], env)));
    for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    try {
      const rows = await ds.query("SELECT name FROM migrations");
      assert.equal(rows.length, 20);
      assert.equal(new Set(rows.map((r: any) => r.name)).size, 20);
    } finally {
      await ds.destroy();
    }
    const applied = results.flatMap((r) => r.stdout.split("\n").filter((line) => /^\s+✓ \w/.test(line)));
    assert.equal(applied.length, 20, "each migration reported applied by exactly one runner");
  } finally {
    await db.drop();
  }
});

test("E18: a mysql:// URL that is not a URL is refused with a hint in MySQL's port, and its password is not printed", async () => {
  const dir = exampleApp(true);
  const result = await runCli(dir, ["status"], cliEnv({ DATABASE_URL: "mysql://app:s3cr3t-pw@db.example.com:port/app" }));
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /^error: The connection URL of the DataSource in ormconfig\.ts \(its url option, often DATABASE_URL\) is not a valid URL: write it as mysql:\/\/user:password@host:3306\/database, percent-encoding special characters in the password\.$/m,
  );
  assert.doesNotMatch(result.stdout + result.stderr, /s3cr3t-pw/);
});

test("E232: two entity index names MariaDB takes for one (ix_total, IX_TOTAL): generate and check stop naming both, and no migration is written", async () => {
  const db = await createMysqlTestDatabase("athanor_e2e");
  try {
    const dir = createExampleApp("mysql-e2e", {
      withMigrations: false,
      extraEntities: {
        "Order.ts": `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "orders" })
@Index("ix_total", ["total"])
@Index("IX_TOTAL", ["placedAt"])
export class Order {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) total: number;
  @Column({ type: "datetime" }) placedAt: Date;
}
`,
      },
    });
    writeFileSync(
      join(dir, "ormconfig.ts"),
      `import "reflect-metadata";
import { DataSource } from "typeorm";
import { Order } from "./entities/Order";
export default new DataSource({ type: "mariadb", url: process.env.DATABASE_URL, entities: [Order], migrations: ["migrations/*.ts"] });
`,
    );
    const env = cliEnv({ DATABASE_URL: db.url.replace(/^mysql:/, "mariadb:") });
    for (const command of [["generate", "Orders"], ["check"]]) {
      const refused = await runCli(dir, command, env);
      assert.equal(refused.code, 2, `${command[0]}: ${refused.stdout}${refused.stderr}`);
      assert.match(
        refused.stderr,
        /Table orders declares index "IX_TOTAL" and index "ix_total": names that MySQL and MariaDB take for one \(they compare index and constraint names ignoring case\), and the server refuses a second one of that name in one table\. Give one of them another name in its decorator/,
      );
    }
    assert.deepEqual(readdirSync(join(dir, "migrations")), []);
  } finally {
    await db.drop();
  }
});

test("E201: a wrong password is refused in one sentence that does not echo it", async () => {
  const dir = exampleApp(true);
  const url = new URL(mysqlServerUrl());
  url.username = "athanor_nobody";
  url.password = "wr0ng-pw";
  const result = await runCli(dir, ["status"], cliEnv({ DATABASE_URL: url.toString() }));
  assert.equal(result.code, 3, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /Cannot connect to mysql at .*: the server refused the user name or password; check the credentials in the connection URL\./,
  );
  assert.doesNotMatch(result.stdout + result.stderr, /wr0ng-pw/);
});

test("E202: a database that does not exist", async () => {
  const dir = exampleApp(true);
  const url = new URL(mysqlServerUrl());
  url.pathname = "/athanor_no_such_database";
  const result = await runCli(dir, ["status"], cliEnv({ DATABASE_URL: url.toString() }));
  assert.equal(result.code, 3, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /Cannot connect to mysql at .*athanor_no_such_database: the database does not exist; create it \(CREATE DATABASE\) or fix the database name\./,
  );
});

test("E203: a narrowing migration stops at its data check and changes nothing", async () => {
  const db = await createMysqlTestDatabase("athanor_e2e");
  const dir = exampleApp(false);
  try {
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    await ds.query("CREATE TABLE items (id int PRIMARY KEY, name varchar(50) NOT NULL)");
    await ds.query("INSERT INTO items VALUES (1, 'a name longer than ten')");
    await ds.destroy();
    writeFileSync(
      join(dir, "migrations", "1700000000001-Narrow.ts"),
      `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class Narrow1700000000001 implements MigrationInterface {
  name = "Narrow1700000000001";
  async up(q: QueryRunner) {
    await op(q).alterColumn("items", { name: "name", type: "varchar", length: 50, nullable: false }, { name: "name", type: "varchar", length: 10, nullable: false });
  }
  async down(q: QueryRunner) {
    await op(q).alterColumn("items", { name: "name", type: "varchar", length: 10, nullable: false }, { name: "name", type: "varchar", length: 50, nullable: false });
  }
}
`,
    );
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const result = await runCli(dir, ["run"], env);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /Cannot change items\.name to varchar\(10\): 1 row\(s\) of items hold longer values\. Shorten them first, or keep the length\./,
    );
    assert.match(result.stderr, /none of its statements had changed anything/);
  } finally {
    await db.drop();
  }
});

const SLOW = `import { MigrationInterface, QueryRunner } from "typeorm";

export class SlowPair1900000000002 implements MigrationInterface {
  name = "SlowPair1900000000002";
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE slow_first (id int)");
    await queryRunner.query("SELECT SLEEP(30)");
    await queryRunner.query("CREATE TABLE slow_second (id int)");
  }
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE slow_second");
    await queryRunner.query("DROP TABLE slow_first");
  }
}
`;

/** Whether a session of the database at `url` runs the slow migration's SLEEP. */
async function sleeping(url: string): Promise<boolean> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query(
      `SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO = 'SELECT SLEEP(30)'`,
    );
    return (rows as unknown[]).length > 0;
  } finally {
    await connection.end();
  }
}

// It once said "it is not recorded" while status showed the partial row, and told the user to undo by hand.
test("Ctrl-C part-way through a MariaDB migration: the message says it is recorded as partially applied, and run continues it", async () => {
  const db = await createMysqlTestDatabase("athanor_e2e");
  const dir = exampleApp(false);
  try {
    writeFileSync(join(dir, "migrations", "1900000000002-SlowPair.ts"), SLOW);
    const env = cliEnv({ DATABASE_URL: db.url });
    ok(await runCli(dir, ["sum"], env), "sum");
    const run = spawnCli(dir, ["run"], env);
    // Signalled once the server runs the SLEEP (so the CREATE TABLE before it is done), not after a pause that a
    // slow machine can outrun: a signal before it starts would find no statement in flight.
    const deadline = Date.now() + 60_000;
    while (!(await sleeping(db.url))) {
      assert.ok(Date.now() < deadline, "the SLEEP never ran");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    run.child.kill("SIGINT");
    const stopped = await run.result;
    assert.equal(stopped.code, 130, stopped.stdout + stopped.stderr);
    assert.match(
      stopped.stderr,
      /stopped SlowPair1900000000002 part-way outside a transaction \(1 of its 2 writing statements took effect and stay applied \(listed below as already applied\), the statement in flight was cancelled and did not take effect \(listed below as cancelled\) and the 1 statement listed below as still to run did not take effect; it is recorded as partially applied\)/,
    );
    assert.match(stopped.stderr, /run again to continue\./);
    assert.match(stopped.stderr, /already applied: CREATE TABLE slow_first/);
    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(status.stdout, /SlowPair1900000000002 {2}pending, partially applied: 1 of 2 writing statements/);
    writeFileSync(join(dir, "migrations", "1900000000002-SlowPair.ts"), SLOW.replace("SELECT SLEEP(30)", "SELECT SLEEP(0)"));
    ok(await runCli(dir, ["sum"], env), "sum after the edit");
    const resumed = ok(await runCli(dir, ["run"], env), "run again");
    assert.match(resumed.stdout, /✓ SlowPair1900000000002/);
    assert.deepEqual(
      (await tables(db.url)).filter((t) => t.startsWith("slow_")),
      ["slow_first", "slow_second"],
    );
  } finally {
    await db.drop();
  }
});
