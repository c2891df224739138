/**
 * Views in the model, pure: which relations a view reads, what the diff
 * drops and creates and in which order, and the algebra
 * apply(a, diff(a, b)) = b, apply(b, invert(diff(a, b))) = a with views.
 * The dialects' SQL for them, without a database (the databases are in
 * changes-views.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { diff } from "../../src/diff";
import { applyAll } from "../../src/schema/apply";
import { invert, invertAll, type Operation } from "../../src/ops/operations";
import { describeDifferences } from "../../src/schema/equal";
import type { Schema, Table, View } from "../../src/schema/model";
import { col, table } from "../support/model-builders";
import { viewReads } from "../../src/schema/views";
import { findDialect } from "../../src/dialects";

const items = (titleLength = 20): Table =>
  table("items", [col("id", "integer", { generated: "increment" }), col("title", "varchar", { length: titleLength })]);
const other = table("other", [col("id", "integer")]);

const titles: View = { name: "item_titles", expression: `SELECT "id", "title" FROM "items"` };
const lengths: View = { name: "item_lengths", expression: `SELECT id, length(title) AS size FROM item_titles` };
const onOther: View = { name: "other_ids", expression: `SELECT "id" FROM "other"` };

function schema(tables: Table[], views: View[]): Schema {
  const result: Schema = { tables: Object.fromEntries(tables.map((t) => [t.name, t])) };
  if (views.length > 0) result.views = Object.fromEntries(views.map((v) => [v.name, v]));
  return result;
}

/** The kinds and names of the operations, in order: "dropView item_titles", "alterColumn items". */
function summary(ops: readonly Operation[]): string[] {
  return ops.map((op) => {
    if (op.kind === "createView" || op.kind === "dropView") return `${op.kind} ${op.view.name}`;
    if (op.kind === "createTable" || op.kind === "dropTable") return `${op.kind} ${op.table.name}`;
    return `${op.kind} ${"table" in op ? op.table : ""}`;
  });
}

/** diff, plus the algebra every case must satisfy. */
function checkedDiff(current: Schema, target: Schema): Operation[] {
  const { operations } = diff(current, target, { dropTables: Object.keys(current.tables) });
  assert.deepEqual(describeDifferences(applyAll(current, operations), target), [], "apply(a, diff(a, b)) = b");
  assert.deepEqual(describeDifferences(applyAll(target, invertAll(operations)), current), [], "apply(b, invert) = a");
  return operations;
}

test("viewReads: quoted and bare names, not inside string literals, not as part of a longer name", () => {
  assert.equal(viewReads(titles, "items"), true);
  assert.equal(viewReads(lengths, "item_titles"), true);
  assert.equal(viewReads({ name: "v", expression: `SELECT * FROM items_archive` }, "items"), false);
  assert.equal(viewReads({ name: "v", expression: `SELECT * FROM "items_archive"` }, "items"), false);
  assert.equal(viewReads({ name: "v", expression: `SELECT 'items' AS label FROM other` }, "items"), false);
  assert.equal(viewReads({ name: "v", expression: `SELECT * FROM "billing"."invoices"` }, `"billing"."invoices"`), true);
  assert.equal(viewReads({ name: "v", expression: `select * from ITEMS` }, "items"), true);
});

test("a new view is created after the tables it reads; a removed one dropped before everything; down undoes both", () => {
  const ops = checkedDiff(schema([], []), schema([items()], [titles]));
  assert.deepEqual(summary(ops), ["createTable items", "createView item_titles"]);
  assert.deepEqual(summary(invertAll(ops)), ["dropView item_titles", "dropTable items"]);
});

test("a view whose expression or kind changes is dropped and created again; an unchanged one is left alone", () => {
  const changed = { ...titles, expression: `SELECT "id" FROM "items"` };
  assert.deepEqual(summary(checkedDiff(schema([items()], [titles]), schema([items()], [changed]))), [
    "dropView item_titles",
    "createView item_titles",
  ]);
  const materialized = { ...titles, materialized: true };
  assert.deepEqual(summary(checkedDiff(schema([items()], [titles]), schema([items()], [materialized]))), [
    "dropView item_titles",
    "createView item_titles",
  ]);
  // Surrounding spaces are trimmed, as TypeORM trims them.
  const spaced = { ...titles, expression: `\n  ${titles.expression}  \n` };
  assert.deepEqual(diff(schema([items()], [titles]), schema([items()], [spaced])).operations, []);
});

test("a column change under a view: the view and the views reading it are dropped first and created last", () => {
  const current = schema([items(), other], [lengths, titles, onOther]);
  const target = schema([items(200), other], [lengths, titles, onOther]);
  assert.deepEqual(summary(checkedDiff(current, target)), [
    "dropView item_lengths",
    "dropView item_titles",
    "alterColumn items",
    "createView item_titles",
    "createView item_lengths",
  ]);
});

test("an index change leaves the views reading the table in place", () => {
  const current = schema([items()], [titles]);
  const indexed = { ...items(), indexes: [{ name: "IDX_title", columns: ["title"], unique: false }] };
  assert.deepEqual(summary(checkedDiff(current, schema([indexed], [titles]))), ["createIndex items"]);
});

test("views removed with the table they read are dropped before it; down creates the table first", () => {
  const ops = checkedDiff(schema([items()], [titles, lengths]), schema([], []));
  assert.deepEqual(summary(ops), ["dropView item_lengths", "dropView item_titles", "dropTable items"]);
});

test("createView and dropView invert each other and keep the whole definition", () => {
  const materialized: View = { ...titles, materialized: true };
  assert.deepEqual(invert({ kind: "createView", view: materialized }), { kind: "dropView", view: materialized });
  assert.deepEqual(invert(invert({ kind: "dropView", view: materialized })), { kind: "dropView", view: materialized });
  assert.throws(() => applyAll(schema([], []), [{ kind: "dropView", view: titles }]), /view "item_titles" does not exist/);
});

test("SQL: the view and TypeORM's typeorm_metadata row, on each dialect", () => {
  const sqlite = findDialect("sqlite")!.render({ kind: "createView", view: { name: "it's", expression: `SELECT 'a' AS x` } }).statements;
  assert.deepEqual(sqlite, [
    `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`,
    `CREATE VIEW "it's" AS SELECT 'a' AS x`,
    `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (NULL, NULL, NULL, 'VIEW', 'it''s', 'SELECT ''a'' AS x')`,
  ]);
  const postgres = findDialect("postgres")!.render({
    kind: "dropView",
    view: { name: `"reports"."totals"`, expression: "SELECT 1", materialized: true },
  }).statements;
  assert.deepEqual(postgres, [
    `DELETE FROM "typeorm_metadata" WHERE "type" = 'MATERIALIZED_VIEW' AND "name" = 'totals' AND "schema" = 'reports'`,
    `DROP MATERIALIZED VIEW "reports"."totals"`,
  ]);
});

test("an enum value renamed in a shared type re-creates the views over every table using the type", () => {
  const status = (values: string[]) => col("status", "enum", { enum: values, enumName: "status_enum" });
  const a = (values: string[]) => table("a", [col("id", "integer"), status(values)]);
  const b = (values: string[]) => table("b", [col("id", "integer"), status(values)]);
  const onB: View = { name: "b_status", expression: `SELECT "status" FROM "b"` };
  const current = schema([a(["x", "y"]), b(["x", "y"])], [onB]);
  const target = schema([a(["x", "z"]), b(["x", "z"])], [onB]);
  const ops = diff(current, target, { renames: { values: [{ table: "a", column: "status", from: "y", to: "z" }] } }).operations;
  assert.deepEqual(
    summary(ops).filter((line) => !line.includes("View")),
    ["renameEnumValue a"],
  );
  assert.deepEqual(
    summary(ops).filter((line) => line.includes("View")),
    ["dropView b_status", "createView b_status"],
  );
});
