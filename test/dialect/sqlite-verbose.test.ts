/**
 * While Athanor loads a DataSource file, TypeORM's SqliteDriver is kept from
 * switching node sqlite3 into verbose mode (a stack captured and the
 * arguments inspected on every call: loader/sqlite-traces.ts), and only
 * then: another caller, or a later one, gets the real `verbose`. Its own
 * file, so that nothing else in the process switched verbose mode on first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { quietTypeOrmSqliteDriver } from "../../src/loader/sqlite-traces";

const repoRoot = join(__dirname, "..", "..");

test("a DataSource constructed meanwhile runs queries without verbose mode; verbose is the module's own again after", async () => {
  const sqlite3 = require("sqlite3");
  const plain = { all: sqlite3.Database.prototype.all, exec: sqlite3.Database.prototype.exec, run: sqlite3.Statement.prototype.run };
  const verbose = sqlite3.verbose;
  const restore = quietTypeOrmSqliteDriver(repoRoot);
  assert.notEqual(sqlite3.verbose, verbose, "nothing was put in TypeORM's way");
  let dataSource: DataSource;
  try {
    dataSource = new DataSource({ type: "sqlite", database: ":memory:" });
  } finally {
    restore();
  }
  assert.equal(sqlite3.verbose, verbose);
  await dataSource.initialize();
  assert.deepEqual(await dataSource.query(`SELECT 1 AS one`), [{ one: 1 }]);
  await dataSource.destroy();
  assert.deepEqual(
    { all: sqlite3.Database.prototype.all, exec: sqlite3.Database.prototype.exec, run: sqlite3.Statement.prototype.run },
    plain,
    "TypeORM's driver switched verbose mode on",
  );
  // Any other caller gets the real thing.
  sqlite3.verbose();
  assert.notEqual(sqlite3.Database.prototype.all, plain.all, "verbose() no longer switches verbose mode on");
});
