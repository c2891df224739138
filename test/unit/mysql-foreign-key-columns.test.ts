/**
 * Dialect.foreignKeyBlocksAlter on MySQL/MariaDB: the column changes the
 * server refuses while a foreign key uses the column (found on MariaDB
 * 10.11, src/dialects/mysql/foreign-key-columns.ts), judged on the columns
 * as the server stores them; PostgreSQL and SQLite have no such rule. The
 * server's side of it: test/e2e/mysql-foreign-key-columns.test.ts and the
 * property test's regression examples.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mariadbDialect, mysqlDialect } from "../../src/dialects/mysql";
import { postgresDialect } from "../../src/dialects/postgres";
import { sqliteDialect } from "../../src/dialects/sqlite";
import type { Column, ForeignKey, ForeignKeyAction } from "../../src/schema/model";

const key = (onDelete: ForeignKeyAction = "NO ACTION", onUpdate: ForeignKeyAction = "NO ACTION"): ForeignKey => ({
  name: "FK",
  columns: ["code"],
  referencedTable: "accounts",
  referencedColumns: ["code"],
  onDelete,
  onUpdate,
});

const column = (extra: Partial<Column>): Column => ({ name: "code", type: "integer", nullable: false, ...extra });

const CASES: Array<{ what: string; from: Partial<Column>; to: Partial<Column>; key?: ForeignKey; refused: boolean }> = [
  { what: "int to bigint", from: {}, to: { type: "bigint" }, refused: true },
  { what: "a sign", from: {}, to: { unsigned: true }, refused: true },
  { what: "a longer varchar", from: { type: "varchar", length: 20 }, to: { type: "varchar", length: 40 }, refused: true },
  {
    what: "another collation",
    from: { type: "varchar", length: 20 },
    to: { type: "varchar", length: 20, collation: "utf8mb4_bin" },
    refused: true,
  },
  { what: "date to datetime", from: { type: "date" }, to: { type: "timestamp" }, refused: true },
  {
    what: "a new decimal precision",
    from: { type: "decimal", precision: 10, scale: 2 },
    to: { type: "decimal", precision: 12, scale: 2 },
    refused: true,
  },
  { what: "a new default", from: {}, to: { default: "0" }, refused: false },
  { what: "a comment", from: {}, to: { comment: "the account" }, refused: false },
  { what: "auto-increment on", from: {}, to: { generated: "increment" }, refused: false },
  { what: "varchar without a length is varchar(255)", from: { type: "varchar" }, to: { type: "varchar", length: 255 }, refused: false },
  { what: "NOT NULL to nullable under NO ACTION", from: {}, to: { nullable: true }, refused: false },
  { what: "NOT NULL to nullable under ON DELETE CASCADE", from: {}, to: { nullable: true }, key: key("CASCADE"), refused: false },
  { what: "NOT NULL to nullable under ON UPDATE CASCADE", from: {}, to: { nullable: true }, key: key("CASCADE", "CASCADE"), refused: true },
  { what: "nullable to NOT NULL under ON DELETE SET NULL", from: { nullable: true }, to: {}, key: key("SET NULL"), refused: true },
];

for (const dialect of [mariadbDialect, mysqlDialect]) {
  for (const c of CASES) {
    test(`${dialect.name}: ${c.what} ${c.refused ? "is refused" : "is taken"} under a foreign key`, () => {
      const blocks = dialect.foreignKeyBlocksAlter;
      assert.ok(blocks, `${dialect.name} says which changes a foreign key blocks`);
      assert.equal(blocks(column(c.from), column(c.to), c.key ?? key()), c.refused);
      assert.equal(blocks(column(c.to), column(c.from), c.key ?? key()), c.refused, "and backwards, as down runs it");
    });
  }
}

test("PostgreSQL changes a column under its foreign keys and SQLite rebuilds the table: neither asks the diff to drop them", () => {
  assert.equal(postgresDialect.foreignKeyBlocksAlter, undefined);
  assert.equal(sqliteDialect.foreignKeyBlocksAlter, undefined);
});
