/**
 * PostgreSQL data checks that cost nothing when the change succeeds: the
 * change runs first and the rows are counted only when PostgreSQL refuses
 * it, to stop with the same sentence the up-front check gave. Run here with
 * no transaction around the statements (as `--transaction none` or a
 * `transaction = false` migration runs them), so "nothing changed" is the
 * statements' own guarantee, not a rollback's.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { postgresDialect } from "../../src/dialects/postgres";
import type { Column, Index, Unique } from "../../src/schema/model";
import { createTestDatabase, type TestDatabase } from "../support/postgres";

const nullableNote: Column = { name: "note", type: "varchar", length: 20, nullable: true };
const requiredNote: Column = { ...nullableNote, nullable: false };
const bigCount: Column = { name: "n", type: "bigint", nullable: true };
const intCount: Column = { ...bigCount, type: "integer" };

describe("postgres: a data check runs only once the database refuses the change", () => {
  let database: TestDatabase;
  let client: Client;
  before(async () => {
    database = await createTestDatabase("athanor_refused");
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  after(async () => {
    await client.end();
    await database.drop();
  });

  async function fresh(rows: string[]): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS items`);
    await client.query(`CREATE TABLE items (id serial PRIMARY KEY, note varchar(20), n bigint, code text)`);
    for (const row of rows) await client.query(`INSERT INTO items (note, n, code) VALUES ${row}`);
  }

  async function runStatements(statements: string[]): Promise<string | undefined> {
    try {
      for (const sql of statements) await client.query(sql);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async function noteIsNullable(): Promise<boolean> {
    const rows = await client.query(
      `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'`,
    );
    return rows.rows[0].is_nullable === "YES";
  }

  test("SET NOT NULL is one statement with no count before it; NULLs stop it with the row count and leave the column as it was", async () => {
    const rendered = postgresDialect.render({ kind: "alterColumn", table: "items", from: nullableNote, to: requiredNote });
    assert.equal(rendered.statements.length, 1, rendered.statements.join("\n"));
    assert.doesNotMatch(rendered.statements[0], /^DO .*count\(\*\).*; ALTER TABLE/s, "no count before the ALTER");

    await fresh([`('a', 1, 'x')`, `(NULL, 2, 'y')`, `(NULL, 3, 'z')`]);
    const message = await runStatements(rendered.statements);
    assert.equal(
      message,
      "Cannot make items.note NOT NULL: it is NULL in 2 row(s) of items. Fill those rows first (in an earlier migration or by hand), or give the column a default.",
    );
    assert.equal(await noteIsNullable(), true);

    await client.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    assert.equal(await runStatements(rendered.statements), undefined);
    assert.equal(await noteIsNullable(), false);
  });

  test("bigint to integer: values out of range stop it with the row count; the type stays", async () => {
    await fresh([`('a', 5000000000, 'x')`, `('b', 2, 'y')`]);
    const rendered = postgresDialect.render({ kind: "alterColumn", table: "items", from: bigCount, to: intCount });
    const message = await runStatements(rendered.statements);
    assert.equal(
      message,
      "Cannot change items.n to integer: 1 row(s) of items hold values outside its range. Change those values first, or keep bigint.",
    );
    const type = await client.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'n'`);
    assert.equal(type.rows[0].data_type, "bigint");
  });

  test("an error no check explains comes back as PostgreSQL raised it", async () => {
    await fresh([`('a', 1, 'not a number')`]);
    const from: Column = { name: "code", type: "text", nullable: true };
    const to: Column = { name: "code", type: "integer", nullable: false };
    const rendered = postgresDialect.render({ kind: "alterColumn", table: "items", from, to });
    const message = await runStatements(rendered.statements);
    assert.match(message ?? "", /invalid input syntax for type integer: "not a number"/);
  });

  test("a unique constraint and a unique index over repeated values stop with the count of repeated values", async () => {
    await fresh([`('a', 1, 'x')`, `('a', 2, 'y')`, `('b', 3, 'z')`, `('b', 4, 'z')`, `(NULL, 5, 'w')`, `(NULL, 6, 'w')`]);
    const unique: Unique = { name: "UQ_items_note", columns: ["note"] };
    const addUnique = postgresDialect.render({ kind: "addUnique", table: "items", unique });
    assert.equal(addUnique.statements.length, 1);
    assert.equal(
      await runStatements(addUnique.statements),
      "Cannot add unique UQ_items_note on items (note): 2 value(s) appear in more than one row. " +
        "Change or remove the duplicates first (SELECT note, count(*) FROM items GROUP BY note HAVING count(*) > 1 lists them).",
    );
    const index: Index = { name: "IDX_items_note", columns: ["note"], unique: true };
    const createIndex = postgresDialect.render({ kind: "createIndex", table: "items", index });
    assert.match(
      (await runStatements(createIndex.statements)) ?? "",
      /^Cannot add unique IDX_items_note on items \(note\): 2 value\(s\) appear in more than one row\./,
    );
    const constraints = await client.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype = 'u'`);
    const indexes = await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname <> 'items_pkey'`);
    assert.deepEqual([constraints.rows, indexes.rows], [[], []]);

    await client.query(`DELETE FROM items WHERE id IN (2, 4)`);
    assert.equal(await runStatements(addUnique.statements), undefined);
  });
});
