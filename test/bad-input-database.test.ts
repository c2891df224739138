/**
 * The catalogue of bad inputs (docs/errors.md), part 2: what goes wrong
 * against a database or the file system — credentials, permissions, a held
 * lock, an applied history that was tampered with, a disk that cannot take
 * the new migration file. Real PostgreSQL and SQLite, the real CLI.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { repoRoot, TestProject, type CliResult } from "./support/project";
import { serverUrl } from "./support/postgres";
import { assertUserError, dataSourceFile, ITEM, migration } from "./support/bad-input";

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
      assertUserError(runResult, 3, /^error: Cannot connect to postgres at .+: the server rejected the user name or password: fix the credentials in the connection settings \(DATABASE_URL\)\.$/m);
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
      assertUserError(result, 3, /^error: Cannot connect to postgres at .+\/athanor_no_such_database: the database does not exist: create it \(createdb\), or fix the database name in the connection settings \(DATABASE_URL\)\.$/m);
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

describe("bad input: an applied history (SQLite)", () => {
  // One project whose migrations A and B are applied; each test disturbs it
  // and puts it back, so the rows cost one CLI run each.
  const A = "migrations/1700000000000-CreateItems.ts";
  const B = "migrations/1700000000002-AddB.ts";
  const CREATE_ITEMS = migration("CreateItems", 1700000000000).replace(
    `'CREATE TABLE "t1700000000000" ("id" integer)'`,
    `'CREATE TABLE "items" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar(20) NOT NULL)'`,
  ).replace(`'DROP TABLE "t1700000000000"'`, `'DROP TABLE "items"'`);
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
    assertUserError(result, 2, /^error: Cannot apply renaming column items\.headline to title: table items in the database has no column headline; name a column it has\.$/m);
  });

  test("D06 an applied migration edited since: exit 2", async () => {
    write(A, CREATE_ITEMS + "// a late edit\n");
    try {
      const result = await project.cli(["run", "--allow-sum-mismatch"]);
      assertUserError(result, 2, /^error: Migration migrations\/1700000000000-CreateItems\.ts was edited after it was applied on \S+: restore the applied version, or pass --allow-edited if the change is deliberate\.$/m);
    } finally {
      write(A, CREATE_ITEMS);
    }
  });

  test("D07 a migration added without updating athanor.sum: exit 2", async () => {
    const C = "migrations/1700000000003-AddC.ts";
    write(C, migration("AddC", 1700000000003));
    try {
      const result = await project.cli(["run"]);
      assertUserError(result, 2, /^error: migrations\/athanor\.sum does not match the migrations directory \(added: 1700000000003-AddC\.ts\): run `athanor sum` to re-write it after reviewing that file/m);
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
      assertUserError(result, 2, /^error: Pending migration Between1700000000001 is older than the newest applied one, so it would run out of order: give it a newer timestamp, or pass --allow-out-of-order\.$/m);
    } finally {
      rmSync(join(project.dir, OLD));
    }
  });
});

describe("bad input: the disk", () => {
  test("D09 the disk fills while generate writes the migration: exit 3, nothing half-written, athanor.sum unchanged", async () => {
    const columns = Array.from({ length: 40 }, (_, i) => `  @Column({ type: "varchar", length: 40, nullable: true })\n  column_number_${i}: string;\n`).join("");
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
  return new Promise((resolve, reject) => {
    const script = `trap "" XFSZ; ulimit -f ${kib}; exec "$@"`;
    const child = spawn("bash", ["-c", script, "bash", process.execPath, join(repoRoot, "bin", "athanor"), ...args], {
      cwd: project.dir,
      env: project.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
