/**
 * The example app on MariaDB with the real CLI in a temporary project: its
 * own migrations (generated on SQLite, portable op() calls) run, show in
 * status and revert to base; its entities generate a migration on an empty
 * database after which generate finds nothing; a failed migration reports
 * what it left applied (MySQL commits every DDL statement); a password in
 * DATABASE_URL is never printed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { cliEnv, createEmptyProject, repoRoot, runCli, type CliResult } from "../support/project";
import { createMysqlTestDatabase, mysqlServerUrl, type MysqlTestDatabase } from "../support/mysql";

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: "ES2022",
    module: "commonjs",
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strictPropertyInitialization: false,
    esModuleInterop: true,
    skipLibCheck: true,
  },
});

/** A copy of the example app (ormconfig.ts, entities/, and migrations/ unless `withMigrations` is false). */
function exampleApp(withMigrations: boolean): string {
  const dir = createEmptyProject("mysql-e2e");
  writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
  cpSync(join(repoRoot, "ormconfig.ts"), join(dir, "ormconfig.ts"));
  cpSync(join(repoRoot, "entities"), join(dir, "entities"), { recursive: true });
  if (withMigrations) cpSync(join(repoRoot, "migrations"), join(dir, "migrations"), { recursive: true });
  else
    cpSync(join(repoRoot, "migrations"), join(dir, "migrations"), {
      recursive: true,
      filter: (source) => !source.endsWith(".ts") && !source.endsWith(".sum"),
    });
  return dir;
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
        "refresh_tokens",
        "users",
      ]);
      const status = ok(await runCli(dir, ["status", "--json"], env), "status");
      const parsed = JSON.parse(status.stdout);
      assert.equal(JSON.stringify(parsed).includes("InitialSchema1795323385894"), true, status.stdout);
      const revert = ok(await runCli(dir, ["revert", "--to", "base"], env), "revert");
      assert.match(revert.stdout, /Reverted 1 migration/);
      assert.deepEqual(await tables(db.url), ["migrations"]);
    });
  });
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
    assert.deepEqual(await tables(db.url), ["migrations"]);
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
