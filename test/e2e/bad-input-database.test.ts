/**
 * The catalogue of bad inputs (docs/errors.md), part 2: what goes wrong
 * against a database or the file system — credentials, permissions, a held
 * lock, an applied history that was tampered with, a disk that cannot take
 * the new migration file. Real PostgreSQL and SQLite, the real CLI.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { DIALECTS, repoRoot, spawnProgram, TestProject, type CliResult } from "../support/project";
import { serverUrl } from "../support/postgres";
import { assertUserError, dataSourceFile, ITEM, migration } from "../support/bad-input";

const PASSWORD = "s3cr3t-Pa55";

function withCredentials(url: string, user: string, password: string, database?: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  if (database) parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A login role whose password is PASSWORD, created on the test server and
 * dropped by `drop()`: it can connect under trust and password authentication
 * alike, and owns nothing.
 */
async function createRole(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `athanor_role_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${PASSWORD}'`);
  } finally {
    await admin.end();
  }
  return {
    name,
    async drop() {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`DROP ROLE IF EXISTS ${name}`);
      } finally {
        await client.end();
      }
    },
  };
}

describe("bad input: connecting (PostgreSQL)", () => {
  test("D01 a wrong password: exit 3, never echoed in any output, --json or debug log", async () => {
    // Trust auth lets any password in for a real role, so the server's answer
    // to bad credentials is asked for with a role that does not exist; the
    // password sits in the DataSource's options, not in a URL redact() knows.
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      const server = new URL(serverUrl());
      writeFileSync(
        join(project.dir, "password.ts"),
        dataSourceFile(
          `export default new DataSource({ type: "postgres", host: "${server.hostname}", port: ${server.port || 5432}, username: "athanor_no_such_role", password: "${PASSWORD}", database: "postgres", migrations: ["migrations/*.ts"] });`,
        ),
      );
      const env = { ATHANOR_DEBUG: "1" };
      const runResult = await project.cli(["run", "-d", "password.ts", "--json", "--verbose"], { env });
      assertUserError(
        runResult,
        3,
        /^error: Cannot connect to postgres at .+: the server rejected the user name or password: fix the credentials in the connection settings \(DATABASE_URL\)\.$/m,
      );
      assert.equal(JSON.parse(runResult.stdout).error.exitCode, 3);
      const generateResult = await project.cli(["generate", "-d", "password.ts"], { env });
      assertUserError(generateResult, 3, /rejected the user name or password/);
      for (const result of [runResult, generateResult]) {
        assert.ok(!(result.stdout + result.stderr).includes(PASSWORD), `the password was printed:\n${result.stdout}${result.stderr}`);
      }
    } finally {
      await project.cleanup();
    }
  });

  test("D02 a database that does not exist: exit 3", async () => {
    // A role of the test's own with a password, so the URL carries a password
    // whether the server trusts local users (CI's) or checks passwords (the
    // embedded server `npm test` starts): the server gets as far as the
    // database name either way, and the password must not be printed.
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    const role = await createRole();
    try {
      const url = withCredentials(serverUrl(), role.name, PASSWORD, "athanor_no_such_database");
      const result = await project.cli(["status"], { env: { DATABASE_URL: url } });
      assertUserError(
        result,
        3,
        /^error: Cannot connect to postgres at .+\/athanor_no_such_database: the database does not exist: create it \(createdb\), or fix the database name in the connection settings \(DATABASE_URL\)\.$/m,
      );
      assert.ok(!(result.stdout + result.stderr).includes(PASSWORD));
    } finally {
      await project.cleanup();
      await role.drop();
    }
  });

  test("D03 no permission to create the bookkeeping table: exit 3", async () => {
    const project = await TestProject.create("postgres", { "Item.ts": ITEM });
    // A login role with a password (see D02) and no CREATE on the schema.
    const role = await createRole();
    try {
      // The default since PostgreSQL 15; said explicitly for older servers.
      const owner = new Client({ connectionString: project.env.DATABASE_URL });
      await owner.connect();
      await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
      await owner.end();
      const url = withCredentials(project.env.DATABASE_URL!, role.name, PASSWORD);
      const result = await project.cli(["run"], { env: { DATABASE_URL: url } });
      assertUserError(
        result,
        3,
        /^error: Could not create the bookkeeping table migrations: permission denied for schema public: let the database user create and alter tables there \(or run once as a user who can\), then run again\.$/m,
      );
      assert.ok(!(result.stdout + result.stderr).includes(PASSWORD));
    } finally {
      await project.cleanup();
      await role.drop();
    }
  });

  test("D04 a migration lock held by another runner past --lock-timeout: exit 3", async () => {
    const project = await TestProject.create("postgres", { "Item.ts": ITEM });
    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      const result = await project.cli(["run", "--lock-timeout", "1"]);
      assertUserError(
        result,
        3,
        /^error: Could not take the migration lock on postgres at .+: another migration runner held the lock for more than 1 s; wait for it to finish, or raise --lock-timeout\.$/m,
      );
    } finally {
      await holder.end();
      await project.cleanup();
    }
  });
});

describe("bad input: a Unix-socket connection URL (PostgreSQL)", () => {
  /**
   * The test server's socket: the directory it names first in
   * unix_socket_directories (the machine's server: /var/run/postgresql;
   * embedded PostgreSQL: its own) and its port, which is part of the
   * socket's file name (.s.PGSQL.5432).
   */
  async function socketOfServer(): Promise<{ dir: string; port: string }> {
    const client = new Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      const dirs = (await client.query("SHOW unix_socket_directories")).rows[0].unix_socket_directories as string;
      const port = (await client.query("SHOW port")).rows[0].port as string;
      return { dir: dirs.split(",")[0].trim(), port };
    } finally {
      await client.end();
    }
  }

  /** `postgres://user:password@/database?host=<socket dir>&port=…`, the form pg and TypeORM accept. */
  function socketUrl(socket: { dir: string; port: string }, user: string, password: string, database: string): string {
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@/${database}?host=${socket.dir}&port=${socket.port}`;
  }

  test("E18 a URL without a host whose ?host= names the socket directory is accepted: status, generate and run connect through the socket", async () => {
    const project = await TestProject.create("postgres", { "Item.ts": ITEM });
    try {
      const socket = await socketOfServer();
      const server = new URL(project.env.DATABASE_URL!);
      // The machine's server trusts local connections, so any password is
      // let in and it can be checked not to be printed; embedded PostgreSQL
      // checks it, so the suite's own is used there.
      const password = server.password ? decodeURIComponent(server.password) : PASSWORD;
      const url = socketUrl(socket, decodeURIComponent(server.username) || "postgres", password, server.pathname.slice(1));
      const env = { DATABASE_URL: url, ATHANOR_DEBUG: "1" };
      const status = await project.cli(["status"], { env });
      assert.equal(status.code, 0, status.stderr);
      assert.match(
        status.stdout,
        new RegExp(`^Database: postgres at ${socket.dir.replace(/[/.]/g, "\\$&")}:${socket.port}/${server.pathname.slice(1)}$`, "m"),
      );
      const generated = await project.cli(["generate", "CreateItems"], { env });
      assert.equal(generated.code, 0, generated.stderr);
      const run = await project.cli(["run", "--verbose", "--json"], { env });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        JSON.parse(run.stdout).applied.map((a: { name: string }) => a.name.replace(/\d{13}$/, "")),
        ["CreateItems"],
      );
      assert.deepEqual(await project.query(`SELECT count(*)::int AS n FROM "items"`), [{ n: 0 }]);
      if (password === PASSWORD) {
        for (const result of [status, generated, run]) {
          assert.ok(!(result.stdout + result.stderr).includes(PASSWORD), `the password was printed:\n${result.stdout}${result.stderr}`);
        }
      }
    } finally {
      await project.cleanup();
    }
  });

  test("E18 a socket URL's password never appears in any output: a role the server rejects, a database that does not exist (exit 3)", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      const socket = await socketOfServer();
      const env = { ATHANOR_DEBUG: "1" };
      const rejected = await project.cli(["run", "--json", "--verbose"], {
        env: { ...env, DATABASE_URL: socketUrl(socket, "athanor_no_such_role", PASSWORD, "postgres") },
      });
      assertUserError(
        rejected,
        3,
        new RegExp(
          `^error: Cannot connect to postgres at ${socket.dir.replace(/[/.]/g, "\\$&")}:${socket.port}/postgres: the server rejected the user name or password`,
          "m",
        ),
      );
      // A trusting server (the machine's) lets any password in, so the
      // missing database is what it reports; embedded PostgreSQL checks the
      // password first, so the suite's own is needed to get that far there.
      const server = new URL(serverUrl());
      const password = server.password ? decodeURIComponent(server.password) : PASSWORD;
      const missing = await project.cli(["status"], {
        env: {
          ...env,
          DATABASE_URL: socketUrl(socket, decodeURIComponent(server.username) || "postgres", password, "athanor_no_such_database"),
        },
      });
      // Embedded PostgreSQL's password is "postgres", so the word is masked (***) wherever it appears.
      assertUserError(
        missing,
        3,
        /^error: Cannot connect to (postgres|\*\*\*) at .+\/athanor_no_such_database: the database does not exist/m,
      );
      for (const result of password === PASSWORD ? [rejected, missing] : [rejected]) {
        assert.ok(!(result.stdout + result.stderr).includes(PASSWORD), `the password was printed:\n${result.stdout}${result.stderr}`);
      }
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`bad input: the bookkeeping table and migration code (${dialect})`, () => {
    test("E85 an entity mapped to the bookkeeping table's name: generate refuses, exit 2", async () => {
      const project = await TestProject.create(dialect, {
        "Item.ts": ITEM,
        "Log.ts": ITEM.replace(/Item/g, "Log").replace('"items"', '"migrations"'),
      });
      try {
        const result = await project.cli(["generate"]);
        assertUserError(
          result,
          2,
          /^error: An entity maps the table "migrations", which is where the DataSource's migrationsTableName records applied migrations/m,
        );
        assert.deepEqual(project.migrationFiles(), []);
      } finally {
        await project.cleanup();
      }
    });

    test("E88 a bookkeeping table whose name column was renamed by hand: status and run refuse, exit 3", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        await project.ok(["generate", "CreateItems"]);
        await project.ok(["run"]);
        await project.query(`ALTER TABLE "migrations" RENAME COLUMN "name" TO "title"`);
        const message =
          /^error: The bookkeeping table migrations lacks TypeORM's column name \(it has id, timestamp, title, checksum, applied_at, execution_ms\): restore it as TypeORM creates it, or set migrationsTableName to another table, then run again\.$/m;
        assertUserError(await project.cli(["status"]), 3, message);
        assertUserError(await project.cli(["run"]), 3, message);
        assertUserError(await project.cli(["history"]), 3, message);
      } finally {
        await project.cleanup();
      }
    });

    test("E89 a migration that forgets an await on a failing query: that migration failed, exit 3, nothing of it committed", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        const forgetful = migration("Forgot", 1700000000000).replace(
          `async up(queryRunner: QueryRunner) { await queryRunner.query('CREATE TABLE "t1700000000000" ("id" integer)'); }`,
          `async up(queryRunner: QueryRunner) { await queryRunner.query('CREATE TABLE "t1700000000000" ("id" integer)'); queryRunner.query('SELECT * FROM "nope"'); }`,
        );
        assert.notEqual(forgetful, migration("Forgot", 1700000000000));
        writeFileSync(join(project.dir, "migrations", "1700000000000-Forgot.ts"), forgetful);
        await project.ok(["sum"]);
        const result = await project.cli(["run"]);
        assertUserError(
          result,
          3,
          /^error: Migration Forgot1700000000000 failed: a query its up\(\) did not await failed after up\(\) returned \((relation "nope" does not exist|SQLITE_ERROR: no such table: nope)\), and the run stopped without committing it: add the missing await before that query, then run again\.$/m,
        );
        assert.match(result.stderr, /^ {2}failing statement: SELECT \* FROM "nope"$/m);
        const status = await project.cli(["status", "--json"]);
        assert.equal(status.code, 0, status.stderr);
        assert.equal(JSON.parse(status.stdout).applied, 0);
        const tables = await project.introspect();
        assert.ok(!tables.tables["t1700000000000"], "the forgetful migration's table was committed");
      } finally {
        await project.cleanup();
      }
    });
  });
}

/**
 * Make `path` unwritable, even for root (the suite runs as root in CI):
 * the immutable attribute for root, the permission bits otherwise.
 */
function makeReadOnly(path: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync("chattr", ["+i", path]);
    return () => execFileSync("chattr", ["-i", path]);
  }
  execFileSync("chmod", ["a-w", path]);
  return () => execFileSync("chmod", ["u+w", path]);
}

describe("bad input: a read-only SQLite database", () => {
  test("E86 a SQLite database opened read-only (the DataSource's flags): stamp says so, exit 3", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      await project.ok(["generate", "CreateItems"]);
      await project.ok(["stamp", "base"]); // creates the bookkeeping table
      writeFileSync(
        join(project.dir, "read-only.ts"),
        dataSourceFile(
          `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", flags: 1 /* OPEN_READONLY */, migrations: ["migrations/*.ts"] } as any);`,
        ),
      );
      assertUserError(
        await project.cli(["stamp", "head", "-d", "read-only.ts"]),
        3,
        /^error: sqlite database data\/app\.sqlite refused a write \(SQLITE_READONLY\): open it read-write \(no OPEN_READONLY in the DataSource's flags option\) and make its file and directory writable, then run again\.$/m,
      );
    } finally {
      await project.cleanup();
    }
  });

  for (const what of ["file", "directory"] as const) {
    test(`${what === "file" ? "E86" : "E87"} a read-only database ${what}: run and stamp say so, exit 3, and read-only commands still work`, async () => {
      const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
      let restore: (() => void) | undefined;
      try {
        await project.ok(["generate", "CreateItems"]);
        await project.ok(["status"]); // creates data/app.sqlite
        restore = makeReadOnly(join(project.dir, "data", what === "file" ? "app.sqlite" : ""));
        const message =
          what === "file"
            ? /^error: The SQLite database data\/app\.sqlite is read-only for this user \((EPERM|EACCES)\): make the file writable \(and its directory, where SQLite keeps its journal\), then run again\.$/m
            : /^error: The directory of the SQLite database data\/app\.sqlite is read-only for this user \((EPERM|EACCES)\), and SQLite writes its journal there: make data writable, then run again\.$/m;
        assertUserError(await project.cli(["run"]), 3, message);
        assertUserError(await project.cli(["stamp", "head"]), 3, message);
        const status = await project.cli(["status"]);
        assert.equal(status.code, 0, status.stderr);
        assert.match(status.stdout, /0 applied, 1 pending/);
        assert.equal((await project.cli(["run", "--dry-run"])).code, 0);
      } finally {
        restore?.();
        await project.cleanup();
      }
    });
  }
});

describe("bad input: an applied history (SQLite)", () => {
  // One project whose migrations A and B are applied; each test disturbs it
  // and puts it back, so the rows cost one CLI run each.
  const A = "migrations/1700000000000-CreateItems.ts";
  const B = "migrations/1700000000002-AddB.ts";
  const CREATE_ITEMS = migration("CreateItems", 1700000000000)
    .replace(
      `'CREATE TABLE "t1700000000000" ("id" integer)'`,
      `'CREATE TABLE "items" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar(20) NOT NULL)'`,
    )
    .replace(`'DROP TABLE "t1700000000000"'`, `'DROP TABLE "items"'`);
  let project: TestProject;
  const write = (file: string, source: string) => writeFileSync(join(project.dir, file), source);

  before(async () => {
    project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    write(A, CREATE_ITEMS);
    write(B, migration("AddB", 1700000000002));
    await project.ok(["sum"]);
    await project.ok(["run"]);
  });
  after(() => project.cleanup());

  test("D05 --rename naming a column that does not exist: exit 2", async () => {
    const result = await project.cli(["generate", "--rename", "items.headline=title", "--no-interactive"]);
    assertUserError(
      result,
      2,
      /^error: Cannot apply renaming column items\.headline to title: table items in the database has no column headline; name a column it has\.$/m,
    );
  });

  test("D06 an applied migration edited since: exit 2", async () => {
    write(A, CREATE_ITEMS + "// a late edit\n");
    try {
      const result = await project.cli(["run", "--allow-sum-mismatch"]);
      assertUserError(
        result,
        2,
        /^error: Migration migrations\/1700000000000-CreateItems\.ts was edited after it was applied on \S+: restore the applied version, or pass --allow-edited if the change is deliberate\.$/m,
      );
    } finally {
      write(A, CREATE_ITEMS);
    }
  });

  test("D07 a migration added without updating athanor.sum: exit 2", async () => {
    const C = "migrations/1700000000003-AddC.ts";
    write(C, migration("AddC", 1700000000003));
    try {
      const result = await project.cli(["run"]);
      assertUserError(
        result,
        2,
        /^error: migrations\/athanor\.sum does not match the migrations directory \(added: 1700000000003-AddC\.ts\): run `athanor sum` to re-write it after reviewing that file/m,
      );
      assert.match(result.stderr, /To go ahead anyway, pass --allow-sum-mismatch\./);
    } finally {
      rmSync(join(project.dir, C));
    }
  });

  test("D08 a pending migration older than the newest applied one: exit 2", async () => {
    const OLD = "migrations/1700000000001-Between.ts";
    write(OLD, migration("Between", 1700000000001));
    try {
      const result = await project.cli(["run", "--allow-sum-mismatch"]);
      assertUserError(
        result,
        2,
        /^error: Pending migration Between1700000000001 is older than the newest applied one, so it would run out of order: give it a newer timestamp, or pass --allow-out-of-order\.$/m,
      );
    } finally {
      rmSync(join(project.dir, OLD));
    }
  });
});

describe("bad input: the disk", () => {
  test("D09 the disk fills while generate writes the migration: exit 3, nothing half-written, athanor.sum unchanged", async () => {
    const columns = Array.from(
      { length: 40 },
      (_, i) => `  @Column({ type: "varchar", length: 40, nullable: true })\n  column_number_${i}: string;\n`,
    ).join("");
    const project = await TestProject.create("sqlite", {
      "Wide.ts": `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n@Entity({ name: "wide" })\nexport class Wide {\n  @PrimaryGeneratedColumn()\n  id: number;\n${columns}}\n`,
    });
    try {
      await project.ok(["sum"]);
      const sumBefore = readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8");
      // Also fills the transpile cache, so the limited run writes nothing but the migration.
      const preview = await project.ok(["generate", "--dry-run", "Wide"]);
      assert.ok(preview.stdout.length > 4096, "the migration must be larger than the limit below");

      const result = await cliWithFileSizeLimit(project, ["generate", "Wide"], 4);
      assertUserError(
        result,
        3,
        /^error: Could not write migrations\/\d{13}-Wide\.ts \(the file would be larger than the system allows, EFBIG\), so nothing was written: free space or fix the directory's permissions, then run again\.$/m,
      );
      assert.deepEqual(readdirSync(join(project.dir, "migrations")), ["athanor.sum"], "a partial or temporary file was left behind");
      assert.equal(readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8"), sumBefore);
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * The CLI with a limit on the size of files it may write (RLIMIT_FSIZE,
 * `ulimit -f`, in KiB): past it the kernel fails write() with EFBIG — for
 * the writer the same as a full disk, and it works for root, to whom
 * read-only directories are no obstacle. SIGXFSZ is ignored so the write
 * fails instead of the process being killed.
 */
function cliWithFileSizeLimit(project: TestProject, args: string[], kib: number): Promise<CliResult> {
  const script = `trap "" XFSZ; ulimit -f ${kib}; exec "$@"`;
  return spawnProgram("bash", ["-c", script, "bash", process.execPath, join(repoRoot, "bin", "athanor"), ...args], {
    cwd: project.dir,
    env: project.env,
  }).result;
}
