/**
 * `run --backup`: on SQLite a consistent copy of the database file, taken
 * just before migrating, holding the rows and schema from before the run;
 * on PostgreSQL a refusal (exit 2) with the pg_dump command — never the
 * password.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { DataSource } from "typeorm";
import { TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";
import { serverUrl } from "../support/postgres";
import { postgresDialect } from "../../src/dialects/postgres";

const USER = `import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "users" })
export class User {
  @PrimaryColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 40 })
  name: string;
}
`;

const CREATE_USERS = {
  timestamp: 1700000000001,
  name: "CreateUsers",
  up: [`CREATE TABLE "users" ("id" integer NOT NULL PRIMARY KEY, "name" varchar(40) NOT NULL)`],
  down: [`DROP TABLE "users"`],
};

const ADD_NICKNAME = {
  timestamp: 1700000000002,
  name: "AddNickname",
  up: [`ALTER TABLE "users" ADD COLUMN "nickname" varchar(40)`],
  down: [`ALTER TABLE "users" DROP COLUMN "nickname"`],
};

function backupFiles(project: TestProject): string[] {
  return readdirSync(join(project.dir, "data")).filter((f) => f.startsWith("app.sqlite.backup-"));
}

async function openSqlite(file: string): Promise<DataSource> {
  const ds = new DataSource({ type: "sqlite", database: file });
  await ds.initialize();
  return ds;
}

describe("sqlite: run --backup", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite", { "User.ts": USER });
    writeMigration(project, CREATE_USERS);
    await project.ok(["run"]);
    await project.query(`INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')`);
    writeMigration(project, ADD_NICKNAME);
  });
  after(async () => project.cleanup());

  test("copies the database next to it before migrating and says where", async () => {
    const result = await project.ok(["run", "--backup"]);
    const [file] = backupFiles(project);
    assert.ok(file, "no backup file was written");
    assert.match(file, /^app\.sqlite\.backup-\d{8}T\d{6}\.\d{3}Z$/);
    const shown = `data/${file}`;
    // Said before the first migration starts, so a failure still shows it.
    const said = result.stdout.indexOf(`Backed up the database to ${shown} before migrating.`);
    assert.ok(said >= 0 && said < result.stdout.indexOf("✓ AddNickname"), result.stdout);

    const backup = await openSqlite(join(project.dir, shown));
    try {
      assert.deepEqual(await backup.query(`PRAGMA integrity_check`), [{ integrity_check: "ok" }]);
      assert.deepEqual(await backup.query(`SELECT id, name FROM users ORDER BY id`), [
        { id: 1, name: "ada" },
        { id: 2, name: "grace" },
      ]);
      const columns = (await backup.query(`PRAGMA table_info(users)`)).map((c: any) => c.name);
      assert.deepEqual(columns, ["id", "name"], "the backup has the schema from before the run");
      const applied = (await backup.query(`SELECT name FROM migrations ORDER BY id`)).map((r: any) => r.name);
      assert.deepEqual(applied, ["CreateUsers1700000000001"]);
    } finally {
      await backup.destroy();
    }
    // The database itself was migrated, rows kept.
    const live = (await project.query(`PRAGMA table_info(users)`)).map((c: any) => c.name);
    assert.deepEqual(live, ["id", "name", "nickname"]);
    assert.equal((await project.query(`SELECT count(*) AS n FROM users`))[0].n, 2);
  });

  test("with nothing to apply, no copy is made", async () => {
    const before = backupFiles(project);
    const result = await project.ok(["run", "--backup"]);
    assert.match(result.stdout, /Nothing to run/);
    assert.doesNotMatch(result.stdout, /Backed up/);
    assert.deepEqual(backupFiles(project), before);
  });

  test("--json reports the copy; a failing migration's error says where the copy is", async () => {
    writeMigration(project, { timestamp: 1700000000003, name: "Broken", up: [`ALTER TABLE "nope" ADD COLUMN "x" integer`], down: [] });
    const failed = await project.cli(["run", "--backup"]);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(failed.stderr, /Migration Broken\d{13} failed/);
    assert.match(failed.stderr, /The database as it was before this run is in data\/app\.sqlite\.backup-\S+\./);

    writeMigration(project, {
      timestamp: 1700000000003,
      name: "Broken",
      up: [`CREATE TABLE "fixed" ("id" integer)`],
      down: [`DROP TABLE "fixed"`],
    });
    const json = JSON.parse((await project.ok(["run", "--backup", "--json"])).stdout);
    assert.match(json.backup, /^data\/app\.sqlite\.backup-/);
    assert.ok(backupFiles(project).includes(json.backup.slice("data/".length)));
  });
});

describe("postgres: run --backup", () => {
  const password = `pw-${randomBytes(6).toString("hex")}`;
  const role = `athanor_backup_${randomBytes(3).toString("hex")}`;
  let project: TestProject;
  let url: string;

  before(async () => {
    project = await TestProject.create("postgres", { "User.ts": USER });
    // A role of our own with a password nothing else contains, owning the
    // project's database, so the test can look for the password in output.
    const admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    const database = new URL(project.env.DATABASE_URL!).pathname.slice(1);
    try {
      await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
      await admin.query(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
    } finally {
      await admin.end();
    }
    const parsed = new URL(project.env.DATABASE_URL!);
    parsed.username = role;
    parsed.password = password;
    url = parsed.toString();
    writeMigration(project, CREATE_USERS);
  });
  after(async () => {
    await project.cleanup();
    const admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${role}"`).finally(() => admin.end());
  });

  test("refuses with exit 2 and the pg_dump command, never the password, migrating nothing", async () => {
    const result = await project.cli(["run", "--backup"], { env: { DATABASE_URL: url } });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const { hostname, port, pathname } = new URL(url);
    assert.match(result.stderr, /--backup cannot copy a PostgreSQL database from here, so nothing was migrated/);
    assert.ok(
      result.stderr.includes(`pg_dump -Fc -h ${hostname} -p ${port} -U ${role} -d ${pathname.slice(1)} -f ${pathname.slice(1)}-`),
      result.stderr,
    );
    assert.ok(!(result.stdout + result.stderr).includes(password), "the password was printed");
    assert.deepEqual(await project.query(`SELECT tablename FROM pg_tables WHERE tablename = 'users'`), []);

    const json = await project.cli(["run", "--backup", "--json"], { env: { DATABASE_URL: url } });
    assert.equal(json.code, 2);
    assert.ok(!(json.stdout + json.stderr).includes(password), "the password was printed");
  });

  test("with nothing to apply there is nothing to protect: exit 0", async () => {
    assert.equal((await project.cli(["run"], { env: { DATABASE_URL: url } })).code, 0);
    const result = await project.cli(["run", "--backup"], { env: { DATABASE_URL: url } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Nothing to run/);
  });

  test("the advice names host, port, user and database from separate options too, not the password", async () => {
    const result = await postgresDialect.backup!(undefined as any, {
      connection: { type: "postgres", host: "db.internal", port: 6543, username: "app", password: "hunter2-secret", database: "prod" },
      at: new Date("2025-01-02T03:04:05.678Z"),
    });
    assert.equal(result.taken, false);
    assert.ok(!result.taken && result.advice.includes("`pg_dump -Fc -h db.internal -p 6543 -U app -d prod -f prod-20250102T030405Z.dump`"));
    assert.ok(!result.taken && !result.advice.includes("hunter2"));
  });
});
