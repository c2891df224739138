/**
 * Read the live schema from PostgreSQL's catalogs into the canonical model,
 * with the three queries of `catalog.ts` whatever the number of tables (and
 * two more, for TypeORM's records of their expressions, when any table has
 * a generated column).
 */
import type { Queryable, TransactionControl } from "../dialect";
import type { Column, ForeignKeyAction, Index, Schema, Table } from "../../schema/model";
import { emptyTable } from "../../schema/model";
import { qualifiedTableName } from "../../schema/table-name";
import {
  COLUMNS_QUERY,
  JIT_OFF_QUERY,
  JIT_RESTORE_QUERY,
  CONSTRAINTS_QUERY,
  INDEXES_QUERY,
  SCHEMAS_QUERY,
  type SchemaRow,
  type ColumnRow,
  type ConstraintRow,
  type IndexRow,
} from "./catalog";
import { isSequenceDefault, isUuidDefault, normalizeDefault } from "./defaults";
import { conventionalEnumName } from "./enums";
import { canonicalExpression, readExpression, stripCheck, stripOuterParentheses } from "./expressions";
import { GENERATED_EXPRESSIONS_QUERY, type GeneratedExpressionRow } from "./generated-columns";
import { truncateIdentifier } from "./quote";
import { TYPEORM_METADATA_EXISTS_QUERY } from "./typeorm-metadata";
import { isIntegerType, parseType } from "./types";
import { METADATA_COLUMNS_QUERY, VIEWS_QUERY, hasMetadataColumns, viewsFromRows, type ViewRow } from "./views";

/** TypeORM's own bookkeeping of views and generated columns. */
const INTERNAL_TABLES = ["typeorm_metadata"];

const FOREIGN_KEY_ACTIONS: Record<string, ForeignKeyAction> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

/** Some drivers return rows as an array, TypeORM's QueryRunner too. */
function rowsOf<T>(result: any): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && Array.isArray(result.rows)) return result.rows as T[];
  return [];
}

/** A JSON list column: parsed by pg, or still text with other drivers. */
function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(list) ? list.map(String) : [];
}

/** Generated-column expressions as TypeORM recorded them, by `schema\0table\0column`. */
type RecordedExpressions = Map<string, string>;

function expressionKey(schema: string | null, table: string, column: string): string {
  return `${schema ?? ""}\u0000${table}\u0000${column}`;
}

/**
 * Read TypeORM's records of generated-column expressions, only when a
 * generated column exists (two more queries then; none otherwise).
 */
async function recordedExpressions(db: Queryable, columnRows: readonly ColumnRow[]): Promise<RecordedExpressions> {
  const recorded: RecordedExpressions = new Map();
  if (!columnRows.some((row) => row.generated_kind === "s")) return recorded;
  const exists = rowsOf<{ exists: boolean }>(await db.query(TYPEORM_METADATA_EXISTS_QUERY))[0]?.exists;
  if (!exists) return recorded;
  for (const row of rowsOf<GeneratedExpressionRow>(await db.query(GENERATED_EXPRESSIONS_QUERY))) {
    if (row.value !== null) recorded.set(expressionKey(row.schema, row.table, row.name), row.value);
  }
  return recorded;
}

function columnFromRow(row: ColumnRow, recorded: RecordedExpressions): Column {
  const isEnum = row.type_kind === "e";
  const parsed = isEnum ? { type: row.is_array ? "enum[]" : "enum" } : parseType(row.type_text ?? "");
  const column: Column = { name: row.column_name!, ...parsed, nullable: !row.not_null };
  const expression = row.default_expression ?? undefined;

  if (row.identity === "a" || row.identity === "d") {
    column.generated = "identity";
    if (row.identity === "a") column.generatedAlways = true;
  } else if (expression !== undefined && isIntegerType(column.type) && isSequenceDefault(expression)) {
    column.generated = "increment";
  } else if (expression !== undefined && column.type === "uuid" && isUuidDefault(expression)) {
    column.generated = "uuid";
  } else if (expression !== undefined && !row.generated_kind) {
    // A stored generated column keeps its expression in pg_attrdef too; the
    // model has no place for it, so it is not reported as a default.
    const normalized = normalizeDefault(expression, column.type);
    if (normalized !== undefined) column.default = normalized;
  }

  if (isEnum) {
    column.enum = stringList(row.enum_labels);
    if (row.type_name !== truncateIdentifier(conventionalEnumName(row.table_name, column.name))) {
      column.enumName = row.type_name!;
    }
  }
  if (row.comment !== null && row.comment !== undefined) column.comment = row.comment;
  if (row.collation) column.collation = row.collation;
  if (row.generated_kind === "s") {
    // The entity's spelling, as TypeORM recorded it; else the catalog's deparsed one.
    column.asExpression =
      recorded.get(expressionKey(row.table_schema, row.table_name, column.name)) ?? stripOuterParentheses(expression ?? "");
    column.generatedType = "STORED";
  }
  return dropUndefined(column);
}

function dropUndefined<T extends object>(record: T): T {
  // A loop, not Object.entries/fromEntries: this runs for every column of the database.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as T;
}

function addConstraint(table: Table, row: ConstraintRow): void {
  const columns = stringList(row.columns);
  switch (row.kind) {
    case "p":
      table.primaryKey = { name: row.name, columns };
      return;
    case "u":
      table.uniques.push({ name: row.name, columns });
      return;
    case "f":
      table.foreignKeys.push({
        name: row.name,
        columns,
        referencedTable: qualifiedTableName(row.referenced_schema ?? undefined, row.referenced_table ?? ""),
        referencedColumns: stringList(row.referenced_columns),
        onDelete: FOREIGN_KEY_ACTIONS[row.on_delete ?? "a"] ?? "NO ACTION",
        onUpdate: FOREIGN_KEY_ACTIONS[row.on_update ?? "a"] ?? "NO ACTION",
        ...(row.deferrable ? { deferrable: row.deferred ? "INITIALLY DEFERRED" : "INITIALLY IMMEDIATE" } : {}),
      });
      return;
    case "c":
      table.checks.push({ name: row.name, expression: stripCheck(row.definition ?? "") });
      return;
    case "x":
      (table.exclusions ??= []).push({
        name: row.name,
        expression: canonicalExpression((row.definition ?? "").replace(/^\s*EXCLUDE\s+/i, "")),
      });
      return;
  }
}

type TableRow = { table_schema: string | null; table_name: string };

/**
 * PostgreSQL's order for `name` values: byte order of their UTF-8. JavaScript's
 * `<` compares UTF-16 units, the same order except where a character beyond
 * U+FFFF meets one from U+E000 to U+FFFF: when any name has such characters,
 * every comparison takes the exact (slower) path.
 */
function nameOrder(rows: Array<TableRow & { name?: string }>): (a: string, b: string) => number {
  const unusual = /[\uD800-\uFFFF]/;
  const exact = rows.some(
    (row) =>
      unusual.test(row.table_name) ||
      (row.table_schema !== null && unusual.test(row.table_schema)) ||
      (row.name !== undefined && unusual.test(row.name)),
  );
  if (exact) return (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return (a, b) => (a === b ? 0 : a < b ? -1 : 1);
}

/**
 * Run the catalog queries with JIT off (catalog.ts says why), as a setting
 * local to a transaction, so that it never outlives them, nor reaches
 * another client through a pooler that hands server connections out per
 * transaction (PgBouncer's transaction mode): outside a transaction they run
 * in a short one of their own (the runner's transaction control, as
 * migration-api/run-rendered.ts uses it); inside one (a migration's) the setting is put
 * back after them. Only on one connection (a TypeORM QueryRunner): through
 * a pool, consecutive statements may use different connections, so the
 * queries run as they are.
 */
async function withoutJit<T>(db: Queryable, body: () => Promise<T>): Promise<T> {
  const runner = db as Queryable & TransactionControl;
  if (typeof runner.isTransactionActive !== "boolean" || typeof runner.startTransaction !== "function") return body();
  if (!runner.isTransactionActive) {
    await runner.startTransaction();
    try {
      await db.query(JIT_OFF_QUERY);
      const result = await body();
      await runner.commitTransaction!();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction!().catch(() => undefined);
      throw error;
    }
  }
  const previous = rowsOf<{ previous: string | null }>(await db.query(JIT_OFF_QUERY))[0]?.previous ?? null;
  const result = await body();
  if (previous !== null) await db.query(JIT_RESTORE_QUERY, [previous]);
  return result;
}

/**
 * `options.schemas`: schemas to read besides `current_schema()` (those the
 * entities name); their tables get qualified names (schema/table-name.ts).
 * `exclude` names tables of the default schema.
 */
export async function introspect(db: Queryable, options: { exclude?: string[]; schemas?: string[] } = {}): Promise<Schema> {
  const excluded = new Set([...INTERNAL_TABLES, ...(options.exclude ?? [])]);
  const schemas = [...new Set(options.schemas ?? [])];
  // The queries return rows unsorted (catalog.ts says why); sorted here as
  // ORDER BY table_schema NULLS FIRST, table_name, then attnum or name would.
  const { columnRows, constraintRows, indexRows, viewRows } = await withoutJit(db, async () => ({
    columnRows: rowsOf<ColumnRow>(await db.query(COLUMNS_QUERY, [schemas])),
    constraintRows: rowsOf<ConstraintRow>(await db.query(CONSTRAINTS_QUERY, [schemas])),
    indexRows: rowsOf<IndexRow>(await db.query(INDEXES_QUERY, [schemas])),
    // Views: only those TypeORM's typeorm_metadata table records (views.ts).
    viewRows: hasMetadataColumns(rowsOf(await db.query(METADATA_COLUMNS_QUERY)))
      ? rowsOf<ViewRow>(await db.query(VIEWS_QUERY, [schemas]))
      : [],
  }));
  const compareNames = nameOrder([...columnRows, ...constraintRows, ...indexRows]);
  const compareTables = (a: TableRow, b: TableRow): number => {
    if (a.table_schema !== b.table_schema) {
      if (a.table_schema === null) return -1;
      if (b.table_schema === null) return 1;
      const bySchema = compareNames(a.table_schema, b.table_schema);
      if (bySchema !== 0) return bySchema;
    }
    return compareNames(a.table_name, b.table_name);
  };
  columnRows.sort((a, b) => compareTables(a, b) || (a.position ?? 0) - (b.position ?? 0));
  constraintRows.sort((a, b) => compareTables(a, b) || compareNames(a.name, b.name));
  indexRows.sort((a, b) => compareTables(a, b) || compareNames(a.name, b.name));
  const recorded = await recordedExpressions(db, columnRows);
  const schemaRows = schemas.length > 0 ? rowsOf<SchemaRow>(await db.query(SCHEMAS_QUERY, [schemas])) : [];

  const schema: Schema = { tables: {} };
  if (schemaRows.length > 0) schema.schemas = schemaRows.map((row) => row.name).sort();
  const tableOf = (row: { table_schema: string | null; table_name: string }): Table | undefined => {
    if (row.table_schema === null && excluded.has(row.table_name)) return undefined;
    const name = qualifiedTableName(row.table_schema ?? undefined, row.table_name);
    return (schema.tables[name] ??= emptyTable(name));
  };

  for (const row of columnRows) {
    const table = tableOf(row);
    if (!table) continue;
    if (row.table_comment) table.comment = row.table_comment;
    if (row.column_name !== null) table.columns.push(columnFromRow(row, recorded));
  }
  for (const row of constraintRows) {
    const table = tableOf(row);
    if (table) addConstraint(table, row);
  }
  const views = viewsFromRows(viewRows);
  if (Object.keys(views).length > 0) schema.views = views;
  for (const row of indexRows) {
    const table = tableOf(row);
    if (!table) continue;
    const index: Index = { name: row.name, columns: stringList(row.columns), unique: Boolean(row.is_unique) };
    if (row.method && row.method !== "btree") index.method = row.method;
    table.indexes.push(row.predicate ? { ...index, where: readExpression(row.predicate) } : index);
  }
  return schema;
}

/** `current_schema()`: where unqualified names (and the bookkeeping table) live. */
export async function defaultSchema(db: Queryable): Promise<string> {
  const rows = rowsOf<{ name: string | null }>(await db.query("SELECT current_schema() AS name"));
  return rows[0]?.name ?? "public";
}
