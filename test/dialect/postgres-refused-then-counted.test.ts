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

  async function typeOf(column: string): Promise<string> {
    const rows = await client.query(
      `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = $1`,
      [column],
    );
    return rows.rows[0].t;
  }

  test("varchar(20) to varchar(3): no USING that would cut, no count before it; too-long values stop it with the row count, the type stays", async () => {
    const shorter: Column = { ...nullableNote, length: 3 };
    const rendered = postgresDialect.render({ kind: "alterColumn", table: "items", from: nullableNote, to: shorter });
    assert.equal(rendered.statements.length, 1, rendered.statements.join("\n"));
    assert.match(
      rendered.statements[0],
      /^DO \S+ DECLARE athanor_rows bigint; BEGIN ALTER TABLE "items" ALTER COLUMN "note" TYPE character varying\(3\); EXCEPTION WHEN string_data_right_truncation THEN SELECT count/,
    );
    assert.doesNotMatch(rendered.statements[0], /USING "note"/);

    await fresh([`('abcd', 1, 'x')`, `('ab', 2, 'y')`, `('abcdef', 3, 'z')`, `(NULL, 4, 'w')`]);
    assert.equal(
      await runStatements(rendered.statements),
      "Cannot change items.note to varchar(3): 2 row(s) of items hold longer values. Shorten them first, or keep the length.",
    );
    assert.equal(await typeOf("note"), "character varying(20)");
    assert.deepEqual(
      (await client.query(`SELECT note FROM items ORDER BY id`)).rows.map((r) => r.note),
      ["abcd", "ab", "abcdef", null],
    );

    await client.query(`UPDATE items SET note = left(note, 3)`);
    assert.equal(await runStatements(rendered.statements), undefined);
    assert.equal(await typeOf("note"), "character varying(3)");
    assert.deepEqual(
      (await client.query(`SELECT note FROM items ORDER BY id`)).rows.map((r) => r.note),
      ["abc", "ab", "abc", null],
    );
  });

  test("text to char(2) and varchar(20) to char(2): refused then counted; only spaces past the length are trimmed, as an INSERT would", async () => {
    const code: Column = { name: "code", type: "text", nullable: true };
    const toChar: Column = { ...code, type: "char", length: 2 };
    const rendered = postgresDialect.render({ kind: "alterColumn", table: "items", from: code, to: toChar });
    assert.equal(rendered.statements.length, 1, rendered.statements.join("\n"));
    await fresh([`('a', 1, 'xyz')`, `('b', 2, 'ab     ')`]);
    assert.equal(
      await runStatements(rendered.statements),
      "Cannot change items.code to char(2): 2 row(s) of items hold longer values. Shorten them first, or keep the length.",
    );
    assert.equal(await typeOf("code"), "text");
    await client.query(`UPDATE items SET code = 'xy' WHERE id = 1`);
    assert.equal(await runStatements(rendered.statements), undefined);
    assert.deepEqual((await client.query(`SELECT code || '|' AS c FROM items ORDER BY id`)).rows, [{ c: "xy|" }, { c: "ab|" }]);

    await fresh([`('abc', 1, 'x')`]);
    const noteToChar = postgresDialect.render({
      kind: "alterColumn",
      table: "items",
      from: nullableNote,
      to: { ...nullableNote, type: "char", length: 2 },
    });
    assert.equal(noteToChar.statements.length, 1, noteToChar.statements.join("\n"));
    assert.equal(
      await runStatements(noteToChar.statements),
      "Cannot change items.note to char(2): 1 row(s) of items hold longer values. Shorten them first, or keep the length.",
    );
  });

  test("uuid to varchar(10): its cast would cut, so the count runs first (nothing to refuse)", async () => {
    await client.query(`DROP TABLE IF EXISTS items`);
    await client.query(`CREATE TABLE items (id serial PRIMARY KEY, ref uuid)`);
    await client.query(`INSERT INTO items (ref) VALUES (gen_random_uuid()), (NULL)`);
    const ref: Column = { name: "ref", type: "uuid", nullable: true };
    const rendered = postgresDialect.render({
      kind: "alterColumn",
      table: "items",
      from: ref,
      to: { ...ref, type: "varchar", length: 10 },
    });
    assert.equal(rendered.statements.length, 2, rendered.statements.join("\n"));
    assert.match(rendered.statements[0], /^DO \S+ DECLARE athanor_rows bigint; BEGIN SELECT count/);
    assert.match(rendered.statements[1], /USING "ref"::character varying\(10\)$/);
    assert.equal(
      await runStatements(rendered.statements),
      "Cannot change items.ref to varchar(10): 1 row(s) of items hold longer values. Shorten them first, or keep the length.",
    );
    assert.equal(await typeOf("ref"), "uuid");
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
