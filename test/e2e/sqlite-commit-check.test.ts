/**
 * SQLite's commit-time foreign-key check covers what the migration
 * touched: a dangling reference the migration did not cause (in a table it
 * never wrote) no longer blocks it, one it causes still does and nothing
 * commits; a statement the check cannot read makes it check everything.
 * And the time a migration shows and records covers that check.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { q, writeMigrationBody } from "../support/faults";
import {
  tablesCreatedWithoutForeignKeys,
  tableNamesWrittenBy as tablesWrittenBy,
  tablesWrittenBy as written,
  tablesWrittenByAll,
} from "../../src/dialects/sqlite/touched-tables";

// better-sqlite3 ships no types; the tests use exec, prepare().all() and close().
const Database: any = require("better-sqlite3");

/** A direct connection with foreign keys off (better-sqlite3 turns them on), so old orphans can be made. */
function openDatabase(project: TestProject): any {
  mkdirSync(join(project.dir, "data"), { recursive: true });
  const db = new Database(join(project.dir, "data", "app.sqlite"));
  db.exec("PRAGMA foreign_keys = OFF");
  return db;
}

const VIOLATIONS = /The migration leaves (\d+) foreign key violation\(s\): row \d+ of "(\w+)" points at a missing row of "(\w+)"/;

describe("sqlite: the foreign-key check before commit covers the tables the migration touched", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
    const db = openDatabase(project);
    db.exec(`CREATE TABLE parents (id integer PRIMARY KEY, name text)`);
    db.exec(`CREATE TABLE children (id integer PRIMARY KEY, parent_id integer REFERENCES parents(id))`);
    db.exec(`CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES parents(id))`);
    db.exec(`CREATE TABLE unrelated (id integer PRIMARY KEY)`);
    db.exec(`CREATE TABLE authors (id integer PRIMARY KEY)`);
    db.exec(`CREATE TABLE notes (id integer PRIMARY KEY, author_id integer REFERENCES authors(id))`);
    db.exec(`INSERT INTO parents VALUES (1, 'one'), (2, 'two')`);
    db.exec(`INSERT INTO children VALUES (1, 1)`);
    db.exec(`INSERT INTO pets VALUES (1, 2)`);
    db.exec(`INSERT INTO notes VALUES (1, 99)`); // an orphan from before, in tables no migration here touches
    db.close();
  });
  after(async () => project.cleanup());

  test("a migration on an unrelated table runs despite an old dangling reference elsewhere", async () => {
    writeMigrationBody(project, { timestamp: 1700000000001, name: "Unrelated", up: q(`INSERT INTO "unrelated" ("id") VALUES (1)`) });
    const result = await project.ok(["run"]);
    assert.match(result.stdout, /✓ Unrelated1700000000001 \(\d+ ms\)/);
  });

  test("a dangling reference the migration causes (a parent deleted) stops it; nothing commits", async () => {
    writeMigrationBody(project, {
      timestamp: 1700000000002,
      name: "DeletesParent",
      up: [q(`INSERT INTO "unrelated" ("id") VALUES (2)`), q(`DELETE FROM "parents" WHERE "id" = 2`)].join("\n"),
    });
    const result = await project.cli(["run"]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    const match = VIOLATIONS.exec(result.stderr);
    assert.ok(match, result.stderr);
    // pets references the deleted parent; the old orphan in notes is not this migration's.
    assert.deepEqual(match.slice(1), ["1", "pets", "parents"]);
    assert.deepEqual(await project.query(`SELECT id FROM parents ORDER BY id`), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(await project.query(`SELECT id FROM unrelated ORDER BY id`), [{ id: 1 }]);
  });

  test("a statement the check cannot read makes it check the whole database", async () => {
    const db = openDatabase(project);
    db.exec(`DELETE FROM pets`);
    db.close();
    writeMigrationBody(project, {
      timestamp: 1700000000002,
      name: "DeletesParent",
      up: q(`WITH x(id) AS (SELECT 3) INSERT INTO "unrelated" ("id") SELECT id FROM x`),
    });
    const result = await project.cli(["run"]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.deepEqual(VIOLATIONS.exec(result.stderr)?.slice(1), ["1", "notes", "authors"]);
  });

  test("the statements read for the check", () => {
    assert.deepEqual(tablesWrittenBy(`INSERT OR REPLACE INTO "main"."a" VALUES (1)`), ["a"]);
    assert.deepEqual(tablesWrittenBy(`ALTER TABLE "new_a" RENAME TO "a"`), ["new_a", "a"]);
    assert.deepEqual(tablesWrittenBy(`DROP TABLE IF EXISTS "a";`), ["a"]);
    assert.deepEqual(tablesWrittenBy(`CREATE UNIQUE INDEX "i" ON "a" ("x")`), []);
    assert.deepEqual(tablesWrittenBy(`SELECT json_extract('{}', 'x') FROM "a" WHERE 1 = 0`), []);
    assert.equal(tablesWrittenBy(`INSERT INTO a VALUES (1); DELETE FROM b`), undefined);
    assert.equal(tablesWrittenBy(`PRAGMA writable_schema = 1`), undefined);
    assert.equal(tablesWrittenBy(`CREATE TRIGGER "t" AFTER INSERT ON "a" BEGIN DELETE FROM "b"; END`), undefined);
    // Only what may remove rows makes the check look at the tables pointing here.
    assert.deepEqual(written(`CREATE TABLE "a" ("id" integer)`), [{ table: "a", removes: false }]);
    // An INSERT may replace a row (OR REPLACE, an upsert, a constraint declared ON CONFLICT REPLACE).
    assert.deepEqual(written(`INSERT INTO "a" VALUES (1)`), [{ table: "a", removes: true }]);
    assert.deepEqual(written(`UPDATE "a" SET "x" = 1`), [{ table: "a", removes: true }]);
    // ...unless the table is new: nothing pointed at it before.
    assert.deepEqual([...tablesWrittenByAll([`CREATE TABLE "A" ("id" integer)`, `INSERT INTO "a" VALUES (1)`])!], [["a", false]]);
    assert.deepEqual([...tablesWrittenByAll([`CREATE TABLE "a" ("id" integer)`, `DELETE FROM "a"`])!], [["a", true]]);
    assert.deepEqual([...tablesWrittenByAll([`INSERT INTO "b" VALUES (1) ON CONFLICT DO NOTHING`])!], [["b", true]]);
    // SQLite folds ASCII letters only: "Ünïcödé" stays itself (found by the property test).
    assert.deepEqual([...tablesWrittenByAll([`CREATE TABLE "Ünïcödé" ("id" integer)`])!], [["Ünïcödé", false]]);
    // A new table has foreign keys only where a REFERENCES says so; IF NOT EXISTS may have found an old one, keys and all.
    const keyless = (...statements: string[]) => [...tablesCreatedWithoutForeignKeys(statements)].sort();
    assert.deepEqual(keyless(`CREATE TABLE "A" ("id" integer)`, `CREATE TEMP TABLE main.b AS SELECT 1 AS x`), ["a", "b"]);
    assert.deepEqual(keyless(`CREATE TABLE "c" ("id" integer, "p" integer REFERENCES "a" ("id"))`), []);
    assert.deepEqual(keyless(`CREATE TABLE "c" ("id" integer, FOREIGN KEY ("id") references "a")`), []);
    assert.deepEqual(keyless(`CREATE TABLE IF NOT EXISTS "c" ("id" integer)`), []);
    assert.deepEqual(keyless(`CREATE TABLE "c" ("note" text DEFAULT 'REFERENCES')`), ["c"]);
    assert.deepEqual(keyless(`CREATE TABLE "c" ("id" integer)`, `CREATE TABLE IF NOT EXISTS "C" ("id" integer)`), []);
  });

  test("CREATE TABLE IF NOT EXISTS of a table that was there, with keys: the rows the migration adds to it are checked", async () => {
    // The pending migration of the test before, rewritten.
    writeMigrationBody(project, {
      timestamp: 1700000000002,
      name: "DeletesParent",
      up: [
        q(`CREATE TABLE IF NOT EXISTS "children" ("id" integer PRIMARY KEY, "parent_id" integer)`),
        q(`INSERT INTO "children" ("id", "parent_id") VALUES (7, 77)`),
      ].join("\n"),
    });
    const result = await project.cli(["run"]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.deepEqual(VIOLATIONS.exec(result.stderr)?.slice(1), ["1", "children", "parents"]);
    assert.deepEqual(await project.query(`SELECT id FROM children WHERE id = 7`), []);
  });
});

describe("sqlite: the commit-time check finds a table by the name SQLite knows it by", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
  });
  after(async () => project.cleanup());

  test("a new table named outside ASCII, referencing itself, is checked under its own name", async () => {
    writeMigrationBody(project, {
      timestamp: 1700000000003,
      name: "CreatesUnicode",
      up: [
        q(`CREATE TABLE "Ünïcödé" ("id" integer PRIMARY KEY, "parent" integer REFERENCES "Ünïcödé" ("id"))`),
        q(`INSERT INTO "Ünïcödé" VALUES (1, NULL), (2, 1)`),
      ].join("\n"),
    });
    const result = await project.ok(["run"]);
    assert.match(result.stdout, /✓ CreatesUnicode1700000000003 \(\d+ ms\)/);
  });
});

describe("sqlite: the time a migration shows and records includes the commit-time check", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
    const db = openDatabase(project);
    db.exec(`CREATE TABLE parents (id integer PRIMARY KEY, name text)`);
    db.exec(`CREATE TABLE children (id integer PRIMARY KEY, parent_id integer REFERENCES parents(id))`);
    db.exec(`INSERT INTO parents VALUES (1, 'one')`);
    db.exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000000) INSERT INTO children SELECT i, 1 FROM c`);
    db.close();
  });
  after(async () => project.cleanup());

  test("a one-row change to a parent of a big child table shows and records the check's time", async () => {
    writeMigrationBody(project, {
      timestamp: 1700000000001,
      name: "RenamesParent",
      up: q(`UPDATE "parents" SET "name" = 'uno' WHERE "id" = 1`),
    });
    const result = await project.ok(["run"]);
    const shown = Number(/✓ RenamesParent1700000000001 \((\d+) ms\)/.exec(result.stdout)?.[1]);
    const [{ execution_ms: recorded }] = await project.query(`SELECT execution_ms FROM migrations`);

    // The check alone, on the same rows, right after: the migration's own statement takes about a millisecond.
    const db = openDatabase(project);
    const started = performance.now();
    db.prepare(`PRAGMA foreign_key_check("children")`).all();
    const check = performance.now() - started;
    db.close();
    assert.ok(check >= 30, `the check took ${check} ms: too fast to tell apart`);
    assert.ok(shown >= check / 4, `shown ${shown} ms, the check alone ${check} ms`);
    assert.ok(Number(recorded) >= check / 4, `recorded ${recorded} ms, the check alone ${check} ms`);
  });
});
