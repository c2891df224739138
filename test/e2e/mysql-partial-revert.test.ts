/**
 * `revert` of a partly applied migration on MariaDB, where every DDL
 * statement commits: a migration of four operations whose third fails is
 * recorded as partially applied; `revert` undoes only the two that took
 * effect (their inverses, from the migration's own down()), and the schema
 * equals the one before it. A revert killed half-way is continued by the
 * next. A migration whose down() is not the inverse of its up() is refused
 * (E204); `run` of a half-reverted one is refused (E205). A full revert
 * that fails or is killed half-way is recorded the same way (partly
 * reverted, E238) and continued by the next revert. TypeORM's own runner,
 * which reads only the migrations table, never sees a partly applied (or
 * partly reverted) migration as applied.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { cliEnv, createExampleApp, runCli, type CliResult } from "../support/project";
import { createMysqlTestDatabase, type MysqlTestDatabase } from "../support/mysql";
import { assertUserError } from "../support/bad-input";

const PEOPLE_EMAIL = `{ name: "email", type: "varchar", length: 120, nullable: true }`;
const TAGS = `{ name: "rev_tags", columns: [{ name: "id", type: "integer", nullable: false }, { name: "owner_id", type: "integer", nullable: true }], primaryKey: { columns: ["id"] }, uniques: [], indexes: [], foreignKeys: [], checks: [] }`;
const OWNER_FK = `{ name: "FK_rev_tags_owner", columns: ["owner_id"], referencedTable: "owners", referencedColumns: ["id"], onDelete: "CASCADE", onUpdate: "NO ACTION" }`;
const EMAIL_INDEX = `{ name: "IDX_people_email", columns: ["email"], unique: false }`;

/**
 * Four operations, one statement each on MariaDB, written as `generate`
 * writes them (down: the inverses in reverse order). The third fails until
 * the table `owners` exists.
 */
const FOUR_STEPS = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class FourSteps1900000000001 implements MigrationInterface {
  name = "FourSteps1900000000001";
  async up(queryRunner: QueryRunner) {
    await op(queryRunner).addColumn("people", ${PEOPLE_EMAIL});
    await op(queryRunner).createTable(${TAGS});
    await op(queryRunner).addForeignKey("rev_tags", ${OWNER_FK});
    await op(queryRunner).createIndex("people", ${EMAIL_INDEX});
  }
  async down(queryRunner: QueryRunner) {
    await op(queryRunner).dropIndex("people", ${EMAIL_INDEX});
    await op(queryRunner).dropForeignKey("rev_tags", ${OWNER_FK});
    await op(queryRunner).dropTable(${TAGS});
    await op(queryRunner).dropColumn("people", ${PEOPLE_EMAIL});
  }
}
`;

/** The same up(), with a hand-written down() of raw SQL: no known mapping. */
const HAND_WRITTEN = FOUR_STEPS.replace(
  /async down\(queryRunner: QueryRunner\) \{[\s\S]*?\n {2}\}/,
  `async down(queryRunner: QueryRunner) {
    await queryRunner.query("DROP TABLE rev_tags");
    await queryRunner.query("ALTER TABLE people DROP COLUMN email");
  }`,
);

/** This repository's example app with no migration but 1900000000001-FourSteps.ts. */
function project(migration: string): string {
  const dir = createExampleApp("mysql-revert", { withMigrations: false });
  writeFileSync(join(dir, "migrations", "1900000000001-FourSteps.ts"), migration);
  return dir;
}

async function withDb<T>(url: string, body: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({ type: "mariadb", url });
  await ds.initialize();
  try {
    return await body(ds);
  } finally {
    await ds.destroy();
  }
}

/** The schema as a user compares it (every table but the bookkeeping's), and the rows of people. */
async function schema(url: string): Promise<string> {
  return withDb(url, async (ds) => {
    const outside = "TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT IN ('migrations', 'migrations_progress')";
    const columns = await ds.query(
      `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE ${outside} ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    );
    const indexes = await ds.query(
      `SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE ${outside} ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    );
    const constraints = await ds.query(
      `SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE ${outside} ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
    );
    const rows = await ds.query("SELECT * FROM people ORDER BY id");
    return JSON.stringify({ columns, indexes, constraints, rows: rows.map((r: object) => ({ ...r })) }, null, 1);
  });
}

/** The rows of both bookkeeping tables (the progress table may not exist). */
async function bookkeeping(url: string): Promise<{ migrations: string[]; progress: string[] }> {
  return withDb(url, async (ds) => {
    const migrations = (await ds.query("SELECT name FROM migrations")).map((r: any) => String(r.name));
    const exists = await ds.query(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'migrations_progress'",
    );
    const progress = exists.length ? (await ds.query("SELECT name FROM migrations_progress")).map((r: any) => String(r.name)) : [];
    return { migrations, progress };
  });
}

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** A database with a table `people` of two rows (what the migration changes), and the project's sum written. */
async function prepared(dir: string): Promise<{ db: MysqlTestDatabase; env: NodeJS.ProcessEnv; before: string }> {
  const db = await createMysqlTestDatabase("athanor_revert");
  await withDb(db.url, async (ds) => {
    await ds.query("CREATE TABLE people (id int NOT NULL PRIMARY KEY, name varchar(40) NOT NULL)");
    await ds.query("INSERT INTO people VALUES (1, 'ada'), (2, 'grace')");
  });
  const env = cliEnv({ DATABASE_URL: db.url.replace(/^mysql:/, "mariadb:") });
  ok(await runCli(dir, ["sum"], env), "sum");
  return { db, env, before: await schema(db.url) };
}

/** `run` fails at the third operation: two of four statements stay applied. */
async function failHalfWay(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const failed = await runCli(dir, ["run"], env);
  assert.equal(failed.code, 3, failed.stdout + failed.stderr);
  assert.match(failed.stderr, /it is recorded as partially applied \(2 of 4 writing statements\)/);
  const status = ok(await runCli(dir, ["status"], env), "status");
  assert.match(status.stdout, /^ {2}\[ \] FourSteps1900000000001 {2}pending, partially applied: 2 of 4 writing statements$/m);
}

test("a migration of 4 statements whose 3rd fails: revert undoes the 2 applied, the schema equals the one before, the row is gone; run after the fix applies it", async () => {
  const dir = project(FOUR_STEPS);
  const { db, env, before } = await prepared(dir);
  try {
    await failHalfWay(dir, env);
    assert.notEqual(await schema(db.url), before, "the two statements stay applied");

    const reverted = ok(await runCli(dir, ["revert"], env), "revert");
    assert.match(reverted.stdout, /FourSteps1900000000001/);
    assert.equal(await schema(db.url), before);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(status.stdout, /^ {2}\[ \] FourSteps1900000000001 {2}pending$/m);

    // The cause fixed, the migration runs from its start.
    await withDb(db.url, (ds) => ds.query("CREATE TABLE owners (id int NOT NULL PRIMARY KEY)"));
    ok(await runCli(dir, ["run"], env), "run after the fix");
    assert.match(ok(await runCli(dir, ["status"], env), "status").stdout, /^1 applied, 0 pending\.$/m);
    assert.deepEqual(await bookkeeping(db.url), { migrations: ["FourSteps1900000000001"], progress: [] });
  } finally {
    await db.drop();
  }
});

test("a revert of the applied part killed half-way: status says so, run is refused (E205), the next revert finishes it", async () => {
  const dir = project(FOUR_STEPS);
  const { db, env, before } = await prepared(dir);
  try {
    await failHalfWay(dir, env);
    // Killed right after the first statement of the revert (DROP TABLE rev_tags) took effect and was recorded.
    const killed = await runCli(dir, ["revert"], { ...env, ATHANOR_FAULT_POINT: "statement:1:DROP TABLE" });
    assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(
      status.stdout,
      /^ {2}\[ \] FourSteps1900000000001 {2}pending, partially applied: 2 of 4 writing statements, 1 writing statement of its revert done$/m,
    );
    const json = JSON.parse(ok(await runCli(dir, ["status", "--json"], env), "status --json").stdout);
    assert.deepEqual(json.migrations[0].partial, { applied: 2, total: 4, reverted: 1 });

    const run = await runCli(dir, ["run"], env);
    assertUserError(
      run,
      2,
      /^error: Migration FourSteps1900000000001 is half-way through a revert \(2 of 4 writing statements, 1 writing statement of its revert done\), so run cannot continue it: run `athanor revert` again to finish undoing it \(after fixing what stopped it\), then `athanor run`\.$/m,
    );

    ok(await runCli(dir, ["revert"], env), "revert again");
    assert.equal(await schema(db.url), before);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
  } finally {
    await db.drop();
  }
});

test("a revert of the applied part that fails half-way records what it undid; after the fix the next revert continues from the failed statement", async () => {
  const dir = project(FOUR_STEPS);
  const { db, env, before } = await prepared(dir);
  try {
    await failHalfWay(dir, env);
    // Something the user added holds on to people.email: the revert's DROP COLUMN fails after its DROP TABLE took effect.
    await withDb(db.url, async (ds) => {
      await ds.query("CREATE INDEX IDX_hold ON people (email)");
      await ds.query("CREATE TABLE holds (email varchar(120), CONSTRAINT FK_hold FOREIGN KEY (email) REFERENCES people (email))");
    });
    const failed = await runCli(dir, ["revert"], env);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(
      failed.stderr,
      /^error: Reverting migration FourSteps1900000000001 failed \(it ran outside a transaction: the statement of its revert listed below as already applied remains, and it is recorded as partially applied \(2 of 4 writing statements, 1 writing statement of its revert done\); fix the cause and run revert again to continue from the failed statement\): /m,
    );
    assert.match(failed.stderr, /already applied: DROP TABLE `rev_tags`/);

    await withDb(db.url, async (ds) => {
      await ds.query("DROP TABLE holds");
      await ds.query("DROP INDEX IDX_hold ON people");
    });
    ok(await runCli(dir, ["revert"], env), "revert after the fix");
    assert.equal(await schema(db.url), before);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
  } finally {
    await db.drop();
  }
});

test("E204: a partly applied migration whose down() is not the inverse of its up() is refused, nothing changes", async () => {
  const dir = project(HAND_WRITTEN);
  const { db, env } = await prepared(dir);
  try {
    await failHalfWay(dir, env);
    const partway = await schema(db.url);
    const refused = await runCli(dir, ["revert"], env);
    assertUserError(
      refused,
      2,
      /^error: Migration FourSteps1900000000001 is partially applied \(2 of 4 writing statements\), and Athanor cannot undo only that part: it runs SQL of its own \(DROP TABLE rev_tags\), which has no known inverse\. Fix the cause of the failure and finish it with `athanor run` \(then revert it\), or undo its applied statements by hand and run `athanor stamp base`\.$/m,
    );
    assert.equal(await schema(db.url), partway);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: ["FourSteps1900000000001"] });

    // Undone by hand, then stamped: the progress is forgotten.
    await withDb(db.url, async (ds) => {
      await ds.query("DROP TABLE rev_tags");
      await ds.query("ALTER TABLE people DROP COLUMN email");
    });
    ok(await runCli(dir, ["stamp", "base"], env), "stamp base");
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
  } finally {
    await db.drop();
  }
});

/** `run` with the cause of the third operation's failure gone: all four statements applied, the schema before the revert returned. */
async function applyInFull(dir: string, env: NodeJS.ProcessEnv, url: string): Promise<string> {
  await withDb(url, (ds) => ds.query("CREATE TABLE owners (id int NOT NULL PRIMARY KEY)"));
  const before = await schema(url);
  ok(await runCli(dir, ["run"], env), "run");
  assert.deepEqual(await bookkeeping(url), { migrations: ["FourSteps1900000000001"], progress: [] });
  return before;
}

/** Something the user added holds on to people.email: a revert's DROP COLUMN fails after the statements before it took effect. */
async function holdEmail(url: string): Promise<void> {
  await withDb(url, async (ds) => {
    await ds.query("CREATE INDEX IDX_hold ON people (email)");
    await ds.query("CREATE TABLE holds (email varchar(120), CONSTRAINT FK_hold FOREIGN KEY (email) REFERENCES people (email))");
  });
}

async function releaseEmail(url: string): Promise<void> {
  await withDb(url, async (ds) => {
    await ds.query("DROP TABLE holds");
    await ds.query("DROP INDEX IDX_hold ON people");
  });
}

test("E238: a full revert whose 2nd statement fails is recorded as partly reverted: status and run say so, TypeORM's migration:show lists it pending, the next revert continues from the failed statement", async () => {
  // Its down() is raw SQL: a full revert runs all of it, no inverse needed.
  const dir = project(HAND_WRITTEN);
  const { db, env } = await prepared(dir);
  try {
    const before = await applyInFull(dir, env, db.url);
    await holdEmail(db.url);
    const failed = await runCli(dir, ["revert"], env);
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(
      failed.stderr,
      /^error: Reverting migration FourSteps1900000000001 failed \(it ran outside a transaction: the statement of its revert listed below as already applied remains, and it is recorded as partly reverted \(1 writing statement of its revert done\); the failing statement did not take effect, and nothing else of it was left to run; fix the cause and run revert again to continue from the failed statement\): /m,
    );
    assert.match(failed.stderr, /^ {2}already applied: DROP TABLE rev_tags$/m);
    assert.match(failed.stderr, /^ {2}failing statement: ALTER TABLE people DROP COLUMN email$/m);
    // No longer applied (TypeORM's table has no row), its progress kept.
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: ["FourSteps1900000000001"] });

    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(status.stdout, /^ {2}\[ \] FourSteps1900000000001 {2}pending, partly reverted: 1 writing statement of its revert done$/m);
    assert.match(status.stdout, /^0 applied, 1 pending\.$/m);
    const json = JSON.parse(ok(await runCli(dir, ["status", "--json"], env), "status --json").stdout);
    assert.deepEqual(json.migrations[0].partial, { applied: 4, total: 4, reverted: 1, wholeRevert: true });
    const run = await runCli(dir, ["run"], env);
    assertUserError(
      run,
      2,
      /^error: Migration FourSteps1900000000001 is half-way through a revert \(1 writing statement of its revert done\), so run cannot continue it: run `athanor revert` again to finish undoing it \(after fixing what stopped it\), then `athanor run`\.$/m,
    );
    const show = typeormCli(dir, env, ["migration:show"]);
    assert.equal(show.status, 0, show.stdout + show.stderr);
    assert.match(show.stdout, /\[ \] FourSteps1900000000001/);

    // The cause gone, the next revert does not send the DROP TABLE again: it continues from the DROP COLUMN.
    await releaseEmail(db.url);
    const reverted = ok(await runCli(dir, ["revert", "--verbose"], env), "revert after the fix");
    assert.doesNotMatch(reverted.stdout, /DROP TABLE rev_tags/);
    assert.match(reverted.stdout, /ALTER TABLE people DROP COLUMN email/);
    assert.equal(await schema(db.url), before);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
    assert.match(ok(await runCli(dir, ["status"], env), "status").stdout, /^ {2}\[ \] FourSteps1900000000001 {2}pending$/m);
  } finally {
    await db.drop();
  }
});

test("a full revert killed after its DROP TABLE (its 4th statement: dropForeignKey sends two): status says partly reverted, the next revert finishes it, and run then applies it again", async () => {
  const dir = project(FOUR_STEPS);
  const { db, env } = await prepared(dir);
  try {
    const before = await applyInFull(dir, env, db.url);
    const killed = await runCli(dir, ["revert"], { ...env, ATHANOR_FAULT_POINT: "statement:1:DROP TABLE" });
    assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
    const status = ok(await runCli(dir, ["status"], env), "status");
    assert.match(status.stdout, /^ {2}\[ \] FourSteps1900000000001 {2}pending, partly reverted: 4 writing statements of its revert done$/m);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: ["FourSteps1900000000001"] });

    ok(await runCli(dir, ["revert"], env), "revert again");
    assert.equal(await schema(db.url), before);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: [] });
    ok(await runCli(dir, ["run"], env), "run");
    assert.deepEqual(await bookkeeping(db.url), { migrations: ["FourSteps1900000000001"], progress: [] });
  } finally {
    await db.drop();
  }
});

/** TypeORM's own CLI in the project, as `typeorm-ts-node-commonjs` runs it. */
function typeormCli(dir: string, env: NodeJS.ProcessEnv, args: string[]) {
  const cli = join(dir, "node_modules", "typeorm", "cli.js");
  return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", cli, ...args, "-d", "ormconfig.ts"], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
}

test("TypeORM's own runner never takes a partly applied migration for applied: migration:show lists it pending", async () => {
  const dir = project(FOUR_STEPS);
  const { db, env } = await prepared(dir);
  try {
    await failHalfWay(dir, env);
    assert.deepEqual((await bookkeeping(db.url)).migrations, [], "no row in TypeORM's table while it is partial");
    const show = typeormCli(dir, env, ["migration:show"]);
    assert.equal(show.status, 0, show.stdout + show.stderr);
    assert.match(show.stdout, /\[ \] FourSteps1900000000001/);
    // Its migration:run starts it over and stops at its first statement, recording nothing.
    const typeormRun = typeormCli(dir, env, ["migration:run"]);
    assert.notEqual(typeormRun.status, 0, typeormRun.stdout + typeormRun.stderr);
    assert.match(typeormRun.stdout + typeormRun.stderr, /Duplicate column name 'email'/);
    assert.deepEqual(await bookkeeping(db.url), { migrations: [], progress: ["FourSteps1900000000001"] });

    // Finished by Athanor, TypeORM sees it applied.
    await withDb(db.url, (ds) => ds.query("CREATE TABLE owners (id int NOT NULL PRIMARY KEY)"));
    ok(await runCli(dir, ["run"], env), "run after the fix");
    const after = typeormCli(dir, env, ["migration:show"]);
    assert.equal(after.status, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /\[X\] (\d+ )?FourSteps1900000000001/);
  } finally {
    await db.drop();
  }
});
