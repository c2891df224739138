/**
 * `run --backup`, then a failing migration, then `athanor restore`: the
 * database equals the one before the run, row for row (schema, rows and the
 * bookkeeping), on SQLite and PostgreSQL. Where the machine's pg_dump /
 * pg_restore is older than the server (the embedded PostgreSQL 17 of
 * `npm test`), both refuse with exit 2 before changing anything, and the
 * test asserts that instead. `restore` asks at a terminal, and without one
 * needs --yes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { repoRoot, TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";
import { serverUrl } from "../support/postgres";

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
// Succeeds: after it the database differs from the backup (a column, a table, rows).
const GROW = {
  timestamp: 1700000000002,
  name: "Grow",
  up: [
    `ALTER TABLE "users" ADD COLUMN "nickname" varchar(40)`,
    `UPDATE "users" SET "name" = 'changed'`,
    `CREATE TABLE "audit" ("id" integer)`,
    `INSERT INTO "audit" VALUES (1)`,
  ],
  down: [`DROP TABLE "audit"`, `ALTER TABLE "users" DROP COLUMN "nickname"`],
};
const BROKEN = { timestamp: 1700000000003, name: "Broken", up: [`ALTER TABLE "nope" ADD COLUMN "x" integer`], down: [] };

const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Every table's columns and rows, in a fixed order. */
async function snapshot(project: TestProject): Promise<unknown> {
  if (project.dialect === "sqlite") {
    const tables: Array<{ name: string; sql: string }> = await project.query(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    );
    const out: Record<string, unknown> = {};
    for (const t of tables) out[t.name] = { sql: t.sql, rows: sorted(await project.query(`SELECT * FROM "${t.name}"`)) };
    return out;
  }
  const columns: Array<{ table_name: string; column_name: string; data_type: string }> = await project.query(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const out: Record<string, unknown> = { columns };
  for (const table of [...new Set(columns.map((c) => c.table_name))]) {
    out[table] = sorted(await project.query(`SELECT * FROM "${table}"`));
  }
  return out;
}

function clientMajor(tool: string): number {
  return Number(/\)\s*(\d+)/.exec(execFileSync(tool, ["--version"], { encoding: "utf8" }))![1]);
}

describe("sqlite: run --backup, a failing migration, athanor restore", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite", { "User.ts": USER });
    writeMigration(project, CREATE_USERS);
    await project.ok(["run"]);
    await project.query(`INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')`);
  });
  after(() => project.cleanup());

  test("the database equals the one before the run, row for row", async () => {
    const before = await snapshot(project);
    writeMigration(project, GROW);
    writeMigration(project, BROKEN);
    const failed = await project.cli(["run", "--backup"]);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    const file = /The database as it was before this run is in (\S+)\./.exec(failed.stderr)![1];
    assert.notDeepEqual(await snapshot(project), before, "Grow was applied before Broken failed");

    // E227 not at a terminal and no --yes: nothing is touched.
    const refused = await project.cli(["restore", file]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^error: athanor restore replaces everything in the database and asks first, but there is no terminal to ask at: pass --yes to restore without asking\.$/m,
    );
    assert.notDeepEqual(await snapshot(project), before);

    const restored = await project.ok(["restore", "--yes", file]);
    assert.match(restored.stdout, new RegExp(`^Restored sqlite database data/app\\.sqlite from ${file.replace(/\./g, "\\.")}\\.$`, "m"));
    assert.deepEqual(await snapshot(project), before);
    // And it is a working database: status reads it, the fixed migrations run.
    writeMigration(project, { ...BROKEN, up: [`CREATE TABLE "fixed" ("id" integer)`], down: [`DROP TABLE "fixed"`] });
    await project.ok(["run"]);
  });

  test("at a terminal restore asks first: no keeps the database, yes restores it", async () => {
    const before = await snapshot(project);
    const backup = JSON.parse((await project.ok(["run", "--backup", "--json"])).stdout).backup as string | undefined;
    // Nothing pending: no copy. Take one by adding a migration that changes the rows.
    assert.equal(backup, undefined);
    writeMigration(project, { timestamp: 1700000000009, name: "Rename", up: [`UPDATE "users" SET "name" = 'renamed'`], down: [] });
    const taken = JSON.parse((await project.ok(["run", "--backup", "--json"])).stdout).backup as string;
    const after = await snapshot(project);
    assert.notDeepEqual(after, before);
    // `script` gives the CLI a terminal (stdin and stdout); the answer is typed into it.
    const atTerminal = (answer: string) =>
      spawnSync(
        "script",
        [
          "-qec",
          `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, "bin", "athanor"))} restore ${JSON.stringify(taken)}`,
          "/dev/null",
        ],
        {
          cwd: project.dir,
          env: project.env,
          input: answer,
          encoding: "utf8",
          timeout: 60_000,
        },
      );
    const no = atTerminal("n\n");
    assert.equal(no.status, 0, no.stdout + no.stderr);
    assert.match(
      no.stdout,
      new RegExp(
        `Replace everything in sqlite database data/app\\.sqlite with ${taken.replace(/\./g, "\\.")}\\? Stop the application first\\. \\[y/N\\]`,
      ),
    );
    assert.match(no.stdout, /Nothing restored\./);
    assert.deepEqual(await snapshot(project), after);
    const yes = atTerminal("y\n");
    assert.equal(yes.status, 0, yes.stdout + yes.stderr);
    assert.match(yes.stdout, /Restored sqlite database data\/app\.sqlite from /);
    assert.deepEqual(await snapshot(project), before);
  });

  test("E228 a file that is not a backup, or no file: exit 2, nothing touched", async () => {
    const before = await snapshot(project);
    writeFileSync(join(project.dir, "notes.txt"), "not a database");
    const wrong = await project.cli(["restore", "--yes", "notes.txt"]);
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.stderr,
      /^error: \S*notes\.txt is not a SQLite database, so nothing was restored: name a file that `run --backup` wrote\.$/m,
    );
    const missing = await project.cli(["restore", "--yes", "gone.backup"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: There is no backup file gone\.backup: name a file that `run --backup` wrote\.$/m);
    assert.deepEqual(await snapshot(project), before);
  });
});

describe("postgres: run --backup, a failing migration, athanor restore", () => {
  const password = `pw-${randomBytes(6).toString("hex")}`;
  const role = `athanor_restore_${randomBytes(3).toString("hex")}`;
  let project: TestProject;
  let url: string;
  let serverMajor: number;

  before(async () => {
    project = await TestProject.create("postgres", { "User.ts": USER });
    const admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    const database = new URL(project.env.DATABASE_URL!).pathname.slice(1);
    try {
      await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
      await admin.query(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
      serverMajor = Math.floor(Number((await admin.query(`SHOW server_version_num`)).rows[0].server_version_num) / 10000);
    } finally {
      await admin.end();
    }
    const parsed = new URL(project.env.DATABASE_URL!);
    parsed.username = role;
    parsed.password = password;
    url = parsed.toString();
    writeMigration(project, CREATE_USERS);
    assert.equal((await project.cli(["run"], { env: { DATABASE_URL: url } })).code, 0);
    await project.query(`INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger')`);
  });
  after(async () => {
    await project.cleanup();
    const admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${role}"`).finally(() => admin.end());
  });

  test("the database equals the one before the run, row for row (or, with client tools older than the server, both refuse)", async () => {
    const env = { DATABASE_URL: url };
    const before = await snapshot(project);
    writeMigration(project, GROW);
    writeMigration(project, BROKEN);
    const run = await project.cli(["run", "--backup"], { env });
    assert.ok(!(run.stdout + run.stderr).includes(password), "the password was printed");

    if (clientMajor("pg_dump") < serverMajor) {
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /older than the server \(PostgreSQL \d+\), which it cannot handle, so nothing was migrated/);
      assert.deepEqual(await snapshot(project), before, "nothing ran");
      writeFileSync(join(project.dir, "some.dump"), "x");
      const restore = await project.cli(["restore", "--yes", "some.dump"], { env });
      assert.equal(restore.code, 2, restore.stdout + restore.stderr);
      assert.match(
        restore.stderr,
        /pg_restore is version \d+\.\d+, older than the server \(PostgreSQL \d+\), which it cannot handle, so nothing was restored/,
      );
      assert.deepEqual(await snapshot(project), before);
      return;
    }

    assert.equal(run.code, 3, run.stdout + run.stderr);
    const file = /The database as it was before this run is in (\S+)\./.exec(run.stderr)![1];
    assert.match(file, /\.dump$/);
    assert.notDeepEqual(await snapshot(project), before, "Grow was applied before Broken failed");

    const restored = await project.cli(["restore", "--yes", file], { env });
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.ok(!(restored.stdout + restored.stderr).includes(password), "the password was printed");
    assert.match(restored.stdout, new RegExp(`^Restored postgres at \\S+ from ${file.replace(/\./g, "\\.")}\\.$`, "m"));
    assert.deepEqual(await snapshot(project), before);
    // Owned as before: the project's role can go on migrating.
    writeMigration(project, { ...BROKEN, up: [`CREATE TABLE "fixed" ("id" integer)`], down: [`DROP TABLE "fixed"`] });
    assert.equal((await project.cli(["run"], { env })).code, 0);

    // E228 a file pg_restore cannot read: exit 2, nothing touched.
    writeFileSync(join(project.dir, "notes.dump"), "not an archive");
    const now = await snapshot(project);
    const wrong = await project.cli(["restore", "--yes", "notes.dump"], { env });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /notes\.dump is not a pg_dump archive pg_restore can read, so nothing was restored/);
    assert.deepEqual(await snapshot(project), now);
    assert.ok(readdirSync(project.dir).some((f) => f.endsWith(".dump")));
  });
});
