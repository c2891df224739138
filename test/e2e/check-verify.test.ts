/**
 * `athanor check` (the CI gate) and `athanor verify` (the history proved on a
 * scratch database), with the real CLI on SQLite and PostgreSQL; verify also
 * on MariaDB.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { DIALECTS, TestProject, type CliResult, type DialectName } from "../support/project";
import { writeMigration } from "../support/migrations";
import { serverUrl } from "../support/postgres";
import { connectMysql } from "../support/mysql";
import { randomBytes } from "node:crypto";

/**
 * The users entity: v1 has id and name; v2 adds a nullable nickname with an
 * index. Hand-written migrations create a plain integer key, so their
 * entities use a plain primary column (`generated: false`).
 */
function userEntity(version: 1 | 2, generated = true): string {
  const key = generated ? "PrimaryGeneratedColumn()" : `PrimaryColumn({ type: "integer" })`;
  return `import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "users" })
${version === 2 ? `@Index("IDX_users_nickname", ["nickname"])\n` : ""}export class User {
  @${key}
  id: number;

  @Column({ type: "varchar", length: 40 })
  name: string;
${version === 2 ? `\n  @Column({ type: "varchar", length: 40, nullable: true })\n  nickname: string | null;\n` : ""}}
`;
}

const USER_V1 = userEntity(1);
const USER_V2 = userEntity(2);
const PLAIN_USER_V1 = userEntity(1, false);
const PLAIN_USER_V2 = userEntity(2, false);

/** PLAIN_USER_V1's table, hand-written the way both dialects accept. */
const CREATE_USERS = {
  timestamp: 1700000000001,
  name: "CreateUsers",
  up: [`CREATE TABLE "users" ("id" integer NOT NULL PRIMARY KEY, "name" varchar(40) NOT NULL)`],
  down: [`DROP TABLE "users"`],
};

/** Adds what PLAIN_USER_V2 adds; the down is given by each test. */
function addNickname(down: string[]) {
  return {
    timestamp: 1700000000002,
    name: "AddNickname",
    up: [`ALTER TABLE "users" ADD COLUMN "nickname" varchar(40)`, `CREATE INDEX "IDX_users_nickname" ON "users" ("nickname")`],
    down,
  };
}

/** The scratch database this verify named in its output. */
function scratchNamed(output: string, server: "PostgreSQL" | "MariaDB"): string {
  const scratch = new RegExp(`temporary ${server} database (athanor_verify_\\w+)`).exec(output)?.[1];
  assert.ok(scratch, `verify did not name its scratch database:\n${output}`);
  return scratch;
}

/**
 * The scratch database this verify named in its output is gone. Only its own:
 * other test files run verify on the same server at the same time.
 */
async function assertScratchDropped(output: string): Promise<void> {
  const scratch = scratchNamed(output, "PostgreSQL");
  assert.ok(!(await leftoverScratchDatabases()).includes(scratch), `${scratch} was left behind`);
}

async function leftoverScratchDatabases(): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    const rows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'athanor_verify_%'`);
    return rows.rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

async function snapshot(project: TestProject) {
  return {
    schema: await project.introspect(),
    applied: await project.query(`SELECT name FROM migrations ORDER BY id`),
    users: await project.query(`SELECT * FROM users ORDER BY id`),
  };
}

/**
 * Two generated migrations (CreateUsers, then AddNickname for USER_V2), the
 * configured database one migration behind and holding a row; returns its
 * snapshot, which verify must leave as it is.
 */
async function generatedHistoryOneBehind(project: TestProject): Promise<Awaited<ReturnType<typeof snapshot>>> {
  await project.ok(["generate", "CreateUsers"]);
  await project.ok(["run"]);
  project.writeEntity("User.ts", USER_V2);
  await project.ok(["generate", "AddNickname"]);
  await project.query(`INSERT INTO users (name) VALUES ('ada')`);
  return snapshot(project);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: check`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "User.ts": USER_V1 });
    });
    after(async () => project.cleanup());

    test("entities ahead of an empty database: exit 1 listing the differences, nothing created", async () => {
      const result = await project.cli(["check"]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /The entities and .* differ \(1 operation\):\n  - create table users/);
      assert.match(result.stdout, /athanor generate/);
      // check changes nothing: not even the bookkeeping table.
      assert.deepEqual(Object.keys((await project.introspect()).tables), []);
      assert.deepEqual(
        await project.query(
          `SELECT 1 FROM ${dialect === "sqlite" ? "sqlite_master" : "pg_tables"} WHERE ${dialect === "sqlite" ? "name" : "tablename"} = 'migrations'`,
        ),
        [],
      );
    });

    test("a pending migration: exit 1 naming it; once applied: exit 0", async () => {
      await project.ok(["generate", "CreateUsers"]);
      const pending = await project.cli(["check"]);
      assert.equal(pending.code, 1, pending.stderr);
      assert.match(pending.stdout, /1 migration pending on .*:\n  - CreateUsers\d{13}/);
      assert.match(pending.stdout, /athanor run/);
      const json = JSON.parse((await project.cli(["check", "--json"])).stdout);
      assert.equal(json.inSync, false);
      assert.equal(json.pending.length, 1);
      assert.deepEqual(json.differences, ["create table users"]);

      await project.ok(["run"]);
      const clean = await project.cli(["check"]);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      assert.match(clean.stdout, /In sync: .* has every migration applied and matches the entities\./);
      const cleanJson = JSON.parse((await project.ok(["check", "--json"])).stdout);
      assert.deepEqual(
        { inSync: cleanJson.inSync, pending: cleanJson.pending, differences: cleanJson.differences },
        { inSync: true, pending: [], differences: [] },
      );
    });

    test("an entity changed without a migration: exit 1 listing each operation", async () => {
      project.writeEntity("User.ts", USER_V2);
      const drift = await project.cli(["check"]);
      assert.equal(drift.code, 1, drift.stderr);
      assert.match(drift.stdout, /differ \(2 operations\)/);
      assert.match(drift.stdout, /  - add column users\.nickname/);
      assert.match(drift.stdout, /  - create index .*nickname/);
      assert.doesNotMatch(drift.stdout, /pending/);
      project.writeEntity("User.ts", USER_V1);
      assert.equal((await project.cli(["check"])).code, 0);
    });

    test("what the differences risk is judged as generate judges it: codes on stdout and in --json", async () => {
      project.writeEntity("User.ts", USER_V1.replace(/@Column\(\{ type: "varchar", length: 40 \}\)\n  name: string;\n/, ""));
      const drift = await project.cli(["check"]);
      assert.equal(drift.code, 1, drift.stderr);
      assert.match(drift.stdout, /  - drop column users\.name/);
      assert.match(drift.stdout, /AT-D002 error: Column users\.name is dropped: its data is lost/);
      const json = JSON.parse((await project.cli(["check", "--json"])).stdout);
      assert.deepEqual(
        json.findings.map((f: { code: string; severity: string; fix: string; subject: string }) => [f.code, f.severity, f.fix, f.subject]),
        [["AT-D002", "error", "deploy code that no longer uses it first.", "drop column users.name"]],
      );
      project.writeEntity("User.ts", USER_V1);
      assert.deepEqual(JSON.parse((await project.ok(["check", "--json"])).stdout).findings, []);
    });
  });

  describe(`${dialect}: verify`, () => {
    test("a generated history passes, one line per step, and the configured database is untouched", async () => {
      const project = await TestProject.create(dialect, { "User.ts": USER_V1 });
      try {
        const before = await generatedHistoryOneBehind(project);

        const result = await project.cli(["verify"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /Verifying 2 migrations on a scratch database: temporary /);
        const lines = result.stdout.split("\n").filter((l) => /^  ok /.test(l));
        assert.equal(lines.length, 6, result.stdout); // 2 up, 2 down, up again, entities
        assert.match(lines[0], /up +CreateUsers\d{13}$/);
        assert.match(lines[2], /down +AddNickname\d{13}: schema restored/);
        assert.match(lines[5], /entities +head matches the entities/);
        assert.match(result.stdout, /Verified: /);

        assert.deepEqual(await snapshot(project), before);
        if (dialect === "postgres") await assertScratchDropped(result.stdout);

        const json = JSON.parse((await project.ok(["verify", "--json"])).stdout);
        assert.equal(json.ok, true);
        assert.equal(json.migrations, 2);
        assert.equal(json.steps.length, 6);
      } finally {
        await project.cleanup();
      }
    });

    test("a down that forgets to drop a column: exit 1 at that migration, the difference shown", async () => {
      const project = await TestProject.create(dialect, { "User.ts": PLAIN_USER_V2 });
      try {
        writeMigration(project, CREATE_USERS);
        writeMigration(project, addNickname([`DROP INDEX "IDX_users_nickname"`]));
        await project.ok(["run", "--step", "1"]);
        await project.query(`INSERT INTO users (id, name) VALUES (1, 'ada')`);
        const before = await snapshot(project);

        const result = await project.cli(["verify"]);
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /ok +up +AddNickname\d{13}/);
        assert.match(result.stdout, /FAIL +down +AddNickname\d{13}/);
        assert.match(result.stdout, /down does not restore the schema from before up/);
        assert.match(result.stdout, /- column users\.nickname is only in the schema after its down/);
        // It stops at the first failure.
        assert.doesNotMatch(result.stdout, /down +CreateUsers/);
        assert.doesNotMatch(result.stdout, /Verified/);

        const json = JSON.parse((await project.cli(["verify", "--json"])).stdout);
        assert.equal(json.ok, false);
        assert.equal(json.failure.phase, "down");
        assert.match(json.failure.name, /^AddNickname/);

        assert.deepEqual(await snapshot(project), before);
        if (dialect === "postgres") await assertScratchDropped(result.stdout);
      } finally {
        await project.cleanup();
      }
    });

    test("a down that forgets to drop an index: exit 1 naming the index", async () => {
      const project = await TestProject.create(dialect, { "User.ts": PLAIN_USER_V2 });
      try {
        writeMigration(project, CREATE_USERS);
        writeMigration(project, addNickname([`ALTER TABLE "users" DROP COLUMN "nickname"`]));
        // Dropping the column drops its index on both databases, so the
        // broken down forgets an index on another column instead.
        writeMigration(project, {
          timestamp: 1700000000003,
          name: "IndexName",
          up: [`CREATE INDEX "IDX_users_name" ON "users" ("name")`],
          down: [],
        });
        const result = await project.cli(["verify"]);
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /FAIL +down +IndexName\d{13}/);
        assert.match(result.stdout, /- users: index name is only in the schema after its down/);
      } finally {
        await project.cleanup();
      }
    });

    test("a correct history that does not build the entities: exit 1 with what generate would write", async () => {
      const project = await TestProject.create(dialect, { "User.ts": PLAIN_USER_V2 });
      try {
        writeMigration(project, CREATE_USERS);
        const result = await project.cli(["verify"]);
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /ok +down +CreateUsers\d{13}: schema restored/);
        assert.match(result.stdout, /ok +up again/);
        assert.match(result.stdout, /FAIL +entities +head/);
        assert.match(result.stdout, /- add column users\.nickname/);
      } finally {
        await project.cleanup();
      }
    });

    test("a migration that fails on the scratch database: exit 1 with the database's error", async () => {
      const project = await TestProject.create(dialect, { "User.ts": PLAIN_USER_V1 });
      try {
        writeMigration(project, CREATE_USERS);
        writeMigration(project, { timestamp: 1700000000002, name: "Broken", up: [`ALTER TABLE "nope" ADD COLUMN "x" integer`], down: [] });
        const result = await project.cli(["verify"]);
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /FAIL +up +Broken\d{13}/);
        assert.match(result.stdout, /Migration Broken\d{13} failed .*nope/);
        if (dialect === "postgres") await assertScratchDropped(result.stdout);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("postgres: verify stopped by Ctrl-C", () => {
  test("E213: the statement in flight is cancelled, the scratch database dropped, exit 130", async () => {
    const project = await TestProject.create("postgres", { "User.ts": PLAIN_USER_V1 });
    try {
      writeMigration(project, { ...CREATE_USERS, up: [...CREATE_USERS.up, "SELECT pg_sleep(60)"] });
      const result = await verifyInterrupted(project, sleepingOnPostgresScratch);
      assert.match(
        result.stderr,
        /error: Stopped by SIGINT: verify stopped part-way and dropped its scratch database \(temporary PostgreSQL database athanor_verify_\w+ \(dropped afterwards\)\)/,
      );
      await assertScratchDropped(result.stdout);
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * verify, stopped by Ctrl-C (SIGINT) once `sleeping` finds its slow migration
 * running on the scratch database: exit 130, within 30 s of the signal (the
 * statement in flight, a 60 s sleep that has just started, was cancelled, not
 * waited for). Timed from the signal, not from the start: how long verify
 * takes to reach the statement (a CLI start, a scratch database, the
 * migrations before it) depends on the machine's load, not on the product.
 */
async function verifyInterrupted(project: TestProject, sleeping: () => Promise<boolean>): Promise<CliResult> {
  const running = project.spawn(["verify"]);
  const started = Date.now();
  while (!(await sleeping())) {
    assert.ok(Date.now() - started < 60_000, `the slow migration never started:\n${running.output().stdout}${running.output().stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const signalled = Date.now();
  running.child.kill("SIGINT");
  const result = await running.result;
  assert.equal(result.code, 130, result.stdout + result.stderr);
  const stoppedAfterMs = Date.now() - signalled;
  assert.ok(stoppedAfterMs < 30_000, `the statement in flight was not cancelled (verify ended ${stoppedAfterMs} ms after the signal)`);
  return result;
}

/** A PostgreSQL scratch database's session is running the slow migration's pg_sleep. */
async function sleepingOnPostgresScratch(): Promise<boolean> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname LIKE 'athanor\\_verify\\_%' AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'`,
    );
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

describe("sqlite: verify never opens the configured database", () => {
  test("no database file is created", async () => {
    const project = await TestProject.create("sqlite" as DialectName, { "User.ts": PLAIN_USER_V1 });
    try {
      writeMigration(project, CREATE_USERS);
      const result = await project.cli(["verify"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(existsSync(join(project.dir, "data", "app.sqlite")), false);
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * MariaDB: verify creates its scratch database with CREATE DATABASE on the
 * configured server (every DDL statement commits there, so each migration
 * runs outside a transaction) and drops it afterwards, also after a failing
 * migration and on Ctrl-C. Hand-written SQL quotes names with backticks.
 */
describe("mariadb: verify", () => {
  const CREATE_USERS_MARIADB = {
    ...CREATE_USERS,
    up: ["CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY, `name` varchar(40) NOT NULL)"],
    down: ["DROP TABLE `users`"],
  };
  const addNicknameMariadb = (down: string[]) => ({
    ...addNickname(down),
    up: ["ALTER TABLE `users` ADD COLUMN `nickname` varchar(40)", "CREATE INDEX `IDX_users_nickname` ON `users` (`nickname`)"],
  });

  test("a generated history passes and the configured database is untouched; the scratch database is gone", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": USER_V1 });
    try {
      const before = await generatedHistoryOneBehind(project);

      const result = await project.cli(["verify"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /Verifying 2 migrations on a scratch database: temporary MariaDB database athanor_verify_\w+ \(dropped afterwards\)\./,
      );
      const lines = result.stdout.split("\n").filter((l) => /^  ok /.test(l));
      assert.equal(lines.length, 6, result.stdout);
      assert.match(lines[2], /down +AddNickname\d{13}: schema restored/);
      assert.match(lines[5], /entities +head matches the entities/);
      assert.match(result.stdout, /Verified: /);
      assert.deepEqual(await snapshot(project), before);
      await assertMysqlScratchDropped(result.stdout);
    } finally {
      await project.cleanup();
    }
  });

  test("a down that forgets to drop a column: exit 1 at that migration; the scratch database is gone", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": PLAIN_USER_V2 });
    try {
      writeMigration(project, CREATE_USERS_MARIADB);
      writeMigration(project, addNicknameMariadb(["DROP INDEX `IDX_users_nickname` ON `users`"]));
      const result = await project.cli(["verify"]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /FAIL +down +AddNickname\d{13}/);
      assert.match(result.stdout, /- column users\.nickname is only in the schema after its down/);
      assert.doesNotMatch(result.stdout, /Verified/);
      await assertMysqlScratchDropped(result.stdout);
    } finally {
      await project.cleanup();
    }
  });

  test("a correct history that does not build the entities: exit 1 with what generate would write", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": PLAIN_USER_V2 });
    try {
      writeMigration(project, CREATE_USERS_MARIADB);
      const result = await project.cli(["verify"]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /ok +down +CreateUsers\d{13}: schema restored/);
      assert.match(result.stdout, /FAIL +entities +head/);
      assert.match(result.stdout, /- add column users\.nickname/);
      const json = JSON.parse((await project.cli(["verify", "--json"])).stdout);
      assert.equal(json.failure.phase, "entities");
      await assertMysqlScratchDropped(result.stdout);
    } finally {
      await project.cleanup();
    }
  });

  test("a migration that fails half-way on the scratch database: exit 1 with the server's error; the scratch database is gone", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": PLAIN_USER_V1 });
    try {
      writeMigration(project, CREATE_USERS_MARIADB);
      writeMigration(project, {
        timestamp: 1700000000002,
        name: "Broken",
        up: ["CREATE TABLE `half` (`id` integer)", "ALTER TABLE `nope` ADD COLUMN `x` integer"],
        down: ["DROP TABLE `half`"],
      });
      const result = await project.cli(["verify"]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /FAIL +up +Broken\d{13}/);
      assert.match(result.stdout, /Migration Broken\d{13} failed .*nope/);
      await assertMysqlScratchDropped(result.stdout);
      assert.deepEqual(await project.query("SHOW TABLES"), [], "the configured database was not migrated");
    } finally {
      await project.cleanup();
    }
  });

  test("E213: Ctrl-C during a slow migration cancels it, drops the scratch database, exit 130", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": PLAIN_USER_V1 });
    try {
      writeMigration(project, { ...CREATE_USERS_MARIADB, up: [...CREATE_USERS_MARIADB.up, "SELECT SLEEP(60)"] });
      const result = await verifyInterrupted(project, sleepingOnMysqlScratch);
      assert.match(result.stderr, /Stopping \(SIGINT\): cancelling the statement in flight and dropping the scratch database/);
      assert.match(
        result.stderr,
        /error: Stopped by SIGINT: verify stopped part-way and dropped its scratch database \(temporary MariaDB database athanor_verify_\w+ \(dropped afterwards\)\); the configured database was not changed: run athanor verify again for the whole check\./,
      );
      await assertMysqlScratchDropped(result.stdout);
    } finally {
      await project.cleanup();
    }
  });

  test("E212: a user who may not create databases is told the GRANT; once granted, verify runs", async () => {
    const project = await TestProject.create("mariadb", { "User.ts": PLAIN_USER_V1 });
    const user = `athanor_nocreate_${randomBytes(3).toString("hex")}`;
    const admin = await connectMysql();
    try {
      writeMigration(project, CREATE_USERS_MARIADB);
      const configured = new URL(project.env.DATABASE_URL!);
      const database = configured.pathname.slice(1);
      await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'S3cret-pw'`);
      await admin.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`);
      configured.username = user;
      configured.password = "S3cret-pw";
      const env = { DATABASE_URL: configured.toString() };

      const refused = await project.cli(["verify"], { env });
      assert.equal(refused.code, 3, refused.stdout + refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(
          `^error: Could not create the scratch database athanor_verify_\\w+ for verify: the server refused \\(Access denied for user '${user}'@'%' to database 'athanor_verify_\\w+'\\)\\. ` +
            `Verify runs the migrations on a database of its own, created and dropped on the same server: let the user create such databases ` +
            `\\(as an administrator: GRANT ALL PRIVILEGES ON \`athanor\\\\_verify\\\\_%\`\\.\\* TO '${user}'@'%'\\), ` +
            `or run verify with a DataSource \\(--dataSource, or DATABASE_URL\\) whose user may create databases\\.$`,
          "m",
        ),
      );
      assert.doesNotMatch(refused.stdout + refused.stderr, /S3cret-pw/);

      // The GRANT the sentence names is enough.
      await admin.query(`GRANT ALL PRIVILEGES ON \`athanor\\_verify\\_%\`.* TO '${user}'@'%'`);
      const granted = await project.cli(["verify"], { env });
      assert.equal(granted.code, 0, granted.stdout + granted.stderr);
      await assertMysqlScratchDropped(granted.stdout);
    } finally {
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined);
      await admin.end();
      await project.cleanup();
    }
  });
});

/** The MariaDB scratch database this verify named in its output is gone (only its own: other tests verify at the same time). */
async function assertMysqlScratchDropped(output: string): Promise<void> {
  const scratch = scratchNamed(output, "MariaDB");
  const admin = await connectMysql();
  try {
    const [rows] = await admin.query(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [scratch]);
    assert.deepEqual(rows, [], `${scratch} was left behind`);
  } finally {
    await admin.end();
  }
}

/** A scratch database's session is running the slow migration's SLEEP. */
async function sleepingOnMysqlScratch(): Promise<boolean> {
  const admin = await connectMysql();
  try {
    const [rows] = await admin.query(
      `SELECT 1 FROM information_schema.PROCESSLIST WHERE DB LIKE 'athanor\\_verify\\_%' AND INFO LIKE 'SELECT SLEEP(60)%'`,
    );
    return (rows as unknown[]).length > 0;
  } finally {
    await admin.end();
  }
}
