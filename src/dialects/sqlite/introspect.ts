/**
 * Reads the live schema with four catalog queries, whatever the number of
 * tables: the table-valued pragma functions joined with sqlite_master return
 * the columns, indexes and foreign keys of every table at once. What the
 * pragmas do not report (constraint names, CHECKs, AUTOINCREMENT, partial
 * index predicates) is parsed from the CREATE statements.
 */
import type { Queryable } from "../dialect";
import type { Check, Column, ForeignKey, ForeignKeyAction, Index, Schema, Table, Unique } from "../../schema/model";
import { emptyTable } from "../../schema/model";
import { normalizeDefault, renderDefault } from "./defaults";
import { readEnumCheck } from "./enum-check";
import { parseCreateTable, parseIndexWhere, type ParsedCreateTable, type ParsedKey } from "./parse-create-table";
import { parseNativeType, renderNativeType, type CanonicalType } from "./types";
import { METADATA_TABLE, VIEWS_QUERY, hasMetadataColumns, viewsFromRows, type ViewRow } from "./views";
import { sqliteDriverType, sqliteSourceOf } from "./driver-type";

/** TypeORM's own bookkeeping of views and generated columns: never a user table. */
const ALWAYS_EXCLUDED = ["typeorm_metadata"];

/** Restricts a join over sqlite_master to the ordinary tables we may read. */
const USER_TABLES = `m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'`;

const CATALOG_QUERY = `SELECT m.type AS type, m.name AS name, m.tbl_name AS tableName, m.sql AS sql
FROM sqlite_master m WHERE m.type IN ('table', 'index', 'trigger')`;

// table_xinfo, not table_info: it also lists generated columns (hidden 2 VIRTUAL, 3 STORED).
const COLUMNS_QUERY = `SELECT m.name AS tableName, c.cid AS cid, c.name AS columnName, c.type AS declaredType,
  c."notnull" AS isNotNull, c.dflt_value AS defaultValue, c.pk AS pkPosition, c.hidden AS hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) c
WHERE ${USER_TABLES} AND c.hidden IN (0, 2, 3) ORDER BY m.name, c.cid`;

const INDEXES_QUERY = `SELECT m.name AS tableName, il.name AS indexName, il."unique" AS isUnique,
  il.origin AS origin, il.partial AS partial, ii.seqno AS position, ii.name AS columnName
FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
WHERE ${USER_TABLES} ORDER BY m.name, il.name, ii.seqno`;

const FOREIGN_KEYS_QUERY = `SELECT m.name AS tableName, f.id AS id, f.seq AS position, f."table" AS referencedTable,
  f."from" AS columnName, f."to" AS referencedColumn, f.on_update AS onUpdate, f.on_delete AS onDelete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
WHERE ${USER_TABLES} ORDER BY m.name, f.id, f.seq`;

interface CatalogRow {
  type: string;
  name: string;
  tableName: string;
  sql: string | null;
}
interface ColumnRow {
  tableName: string;
  columnName: string;
  declaredType: string | null;
  isNotNull: number;
  defaultValue: string | null;
  pkPosition: number;
  /** 0 an ordinary column, 2 a VIRTUAL generated one, 3 a STORED one. */
  hidden: number;
}
interface IndexRow {
  tableName: string;
  indexName: string;
  isUnique: number;
  origin: string;
  partial: number;
  position: number;
  columnName: string | null;
}
interface ForeignKeyRow {
  tableName: string;
  id: number;
  position: number;
  referencedTable: string;
  columnName: string;
  referencedColumn: string | null;
  onUpdate: string;
  onDelete: string;
}

/**
 * The number of statements `introspect` runs (constant, for tests and docs);
 * one more, for the views, where TypeORM's typeorm_metadata table exists.
 */
export const INTROSPECTION_QUERY_COUNT = 4;

/** What the four catalog queries return. */
interface CatalogRows {
  catalog: CatalogRow[];
  columnRows: ColumnRow[];
  indexRows: IndexRow[];
  foreignKeyRows: ForeignKeyRow[];
}

export async function introspect(db: Queryable, options: { exclude?: string[] } = {}): Promise<Schema> {
  const catalog: CatalogRow[] = await db.query(CATALOG_QUERY);
  const columnRows: ColumnRow[] = await db.query(COLUMNS_QUERY);
  const indexRows: IndexRow[] = await db.query(INDEXES_QUERY);
  const foreignKeyRows: ForeignKeyRow[] = await db.query(FOREIGN_KEYS_QUERY);
  return schemaOfRows(db, { catalog, columnRows, indexRows, foreignKeyRows }, options);
}

/** node sqlite3's Database and Statement, as much of them as `introspectAhead` uses. */
interface NodeSqlite3Database {
  prepare(sql: string, callback: (error: Error | null) => void): NodeSqlite3Statement;
}
interface NodeSqlite3Statement {
  all(callback: (error: Error | null, rows: unknown[]) => void): void;
  finalize(): void;
}

/**
 * `introspect`'s four catalog queries started now and read later: on node
 * sqlite3 (TypeORM's "sqlite" driver) a statement runs on libuv's thread
 * pool, but only once this thread has seen it prepared. So this resolves
 * when all four are prepared and queued, and they then run while this
 * thread builds the entities' schema (a cold run's TypeORM metadata, ≈ a
 * third of a second at 200 entities). The function it resolves to returns
 * the schema `introspect(db, options)` returns; where any of the four
 * failed, it is that call (TypeORM's errors and retries, as before).
 * Undefined on other drivers: better-sqlite3 and sql.js run statements on
 * this thread, where starting early gains nothing.
 */
export async function introspectAhead(db: Queryable, options: { exclude?: string[] } = {}): Promise<(() => Promise<Schema>) | undefined> {
  const database = sqliteSourceOf(db).driver?.databaseConnection as NodeSqlite3Database | undefined;
  if (sqliteDriverType(db) !== "sqlite" || typeof database?.prepare !== "function") return undefined;
  const statements = await Promise.all(
    [CATALOG_QUERY, COLUMNS_QUERY, INDEXES_QUERY, FOREIGN_KEYS_QUERY].map((sql) => prepared(database, sql)),
  );
  const rows = statements.map(
    (statement) =>
      new Promise<any[] | undefined>((resolve) => {
        if (!statement) return resolve(undefined);
        statement.all((error, result) => resolve(error ? undefined : result));
        // Queued after `all`, as node sqlite3's own `Database#all` does.
        statement.finalize();
      }),
  );
  // Read as soon as the rows are in: while this thread waits (for the
  // native compiler's entity files, on a busy machine) rather than after.
  const read = Promise.all(rows).then(([catalog, columnRows, indexRows, foreignKeyRows]) =>
    catalog && columnRows && indexRows && foreignKeyRows
      ? schemaOfRows(db, { catalog, columnRows, indexRows, foreignKeyRows }, options)
      : undefined,
  );
  // Whatever failed fails again where `introspect` reports it.
  const settled = read.catch(() => undefined);
  return async () => (await settled) ?? introspect(db, options);
}

/** `sql` prepared on node sqlite3, or undefined when it could not be (never rejects). */
function prepared(database: NodeSqlite3Database, sql: string): Promise<NodeSqlite3Statement | undefined> {
  return new Promise((resolve) => {
    try {
      // The callback comes on a later turn of the event loop, after `prepare` returned.
      let statement: NodeSqlite3Statement | undefined = undefined;
      statement = database.prepare(sql, (error) => {
        if (error) statement?.finalize();
        resolve(error ? undefined : statement);
      });
    } catch {
      resolve(undefined);
    }
  });
}

async function schemaOfRows(db: Queryable, rows: CatalogRows, options: { exclude?: string[] }): Promise<Schema> {
  const { catalog, columnRows, indexRows, foreignKeyRows } = rows;
  const excluded = new Set([...ALWAYS_EXCLUDED, ...(options.exclude ?? [])]);
  const tableSql = new Map<string, string>();
  const indexSql = new Map<string, string>();
  const virtualTables: string[] = [];
  const triggerSql = new Map<string, string[]>();
  for (const row of catalog) {
    if (row.type === "index" && row.sql) indexSql.set(row.name, row.sql);
    if (row.type === "trigger" && row.sql) triggerSql.set(row.tableName, [...(triggerSql.get(row.tableName) ?? []), row.sql]);
    if (row.type !== "table") continue;
    if (row.sql && /^CREATE\s+VIRTUAL\s+TABLE/i.test(row.sql)) virtualTables.push(row.name);
    else tableSql.set(row.name, row.sql ?? "");
  }
  // Shadow tables (docs_content, docs_idx, ...) belong to their virtual table.
  const isShadow = (name: string) => virtualTables.some((v) => name.startsWith(`${v}_`));
  const wanted = (name: string) => tableSql.has(name) && !excluded.has(name) && !name.startsWith("sqlite_") && !isShadow(name);

  const tables = new Map<string, Table>();
  const parsed = new Map<string, ParsedCreateTable>();
  for (const name of [...tableSql.keys()].filter(wanted).sort()) {
    tables.set(name, emptyTable(name));
    parsed.set(name, parseCreateTable(tableSql.get(name)!));
  }

  readColumns(columnRows, tables, parsed);
  readIndexes(indexRows, tables, parsed, indexSql);
  readForeignKeys(foreignKeyRows, tables, parsed);
  for (const [name, table] of tables) readChecks(table, parsed.get(name)!);
  // Kept so a table rebuild can re-create them (dropping the table drops them).
  for (const [name, table] of tables) if (triggerSql.has(name)) table.triggers = triggerSql.get(name);

  const schema: Schema = { tables: {} };
  for (const [name, table] of tables) schema.tables[name] = table;
  if (hasMetadataColumns(columnRows.filter((row) => row.tableName === METADATA_TABLE).map((row) => row.columnName))) {
    const views = viewsFromRows((await db.query(VIEWS_QUERY)) as ViewRow[]);
    if (Object.keys(views).length > 0) schema.views = views;
  }
  return schema;
}

function readColumns(rows: ColumnRow[], tables: Map<string, Table>, parsed: Map<string, ParsedCreateTable>): void {
  const primaryKeys = new Map<string, Array<{ column: string; position: number }>>();
  // A schema spells few distinct types (and defaults) over many columns: each is read once.
  const types = new Map<string, { type: CanonicalType; declared: string | undefined }>();
  const defaults = new Map<string, { default?: string; defaultSql?: string }>();
  for (const row of rows) {
    const table = tables.get(row.tableName);
    if (!table) continue;
    const parsedTable = parsed.get(row.tableName)!;
    const declaredType = row.declaredType ?? "";
    let known = types.get(declaredType);
    if (known === undefined) {
      const canonical = parseNativeType(declaredType);
      known = { type: canonical, declared: declaredSpelling(declaredType, canonical) };
      types.set(declaredType, known);
    }
    const type = known.type;
    const column: Column = { name: row.columnName, ...type, nullable: !row.isNotNull };
    if (known.declared !== undefined) column.declaredType = known.declared;
    if (row.defaultValue !== null) {
      const key = `${type.type}\u0000${row.defaultValue}`;
      let read = defaults.get(key);
      if (read === undefined) {
        read = readDefault(row.defaultValue, type.type);
        defaults.set(key, read);
      }
      if (read.default !== undefined) column.default = read.default;
      if (read.defaultSql !== undefined) column.defaultSql = read.defaultSql;
    }
    if (parsedTable.autoincrement.includes(row.columnName)) column.generated = "increment";
    const collation = parsedTable.collations[row.columnName];
    if (collation !== undefined) column.collation = collation;
    if (row.hidden === 2 || row.hidden === 3) {
      // The expression as the CREATE statement spells it: the entity's text, where Athanor or TypeORM wrote it.
      const generated = parsedTable.generated[row.columnName];
      column.asExpression = generated?.expression ?? "";
      column.generatedType = row.hidden === 3 ? "STORED" : "VIRTUAL";
    }
    table.columns.push(column);
    if (row.pkPosition > 0) {
      const list = primaryKeys.get(row.tableName) ?? [];
      list.push({ column: row.columnName, position: row.pkPosition });
      primaryKeys.set(row.tableName, list);
    }
  }
  for (const [tableName, list] of primaryKeys) {
    const name = parsed.get(tableName)!.primaryKey?.name;
    const columns = list.sort((a, b) => a.position - b.position).map((p) => p.column);
    tables.get(tableName)!.primaryKey = name !== undefined ? { name, columns } : { columns };
  }
}

/** A column's default as the model holds it, from SQLite's DEFAULT text. */
function readDefault(text: string, type: string): { default?: string; defaultSql?: string } {
  const defaultValue = normalizeDefault(text, type);
  if (defaultValue === undefined) return {};
  // A rebuild writes the default back as the table had it (datetime('now') stays).
  const raw = text.trim();
  if (raw !== defaultValue && renderDefault(defaultValue, type) !== `DEFAULT (${raw})`) return { default: defaultValue, defaultSql: raw };
  return { default: defaultValue };
}

/**
 * The declared type name where the table spells its type otherwise than
 * Athanor would (`double precision`, `float`, `numeric`): kept so that a
 * rebuild writes the column back as it was.
 */
function declaredSpelling(declared: string, type: CanonicalType): string | undefined {
  const base = declared
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*\(.*$/, "");
  if (base === "" || base === type.type) return undefined;
  const plain = renderNativeType(type).replace(/\(.*$/, "");
  return base !== plain ? base : undefined;
}

function readIndexes(
  rows: IndexRow[],
  tables: Map<string, Table>,
  parsed: Map<string, ParsedCreateTable>,
  indexSql: Map<string, string>,
): void {
  const groups = groupBy(rows, (r) => `${r.tableName}\u0000${r.indexName}`);
  const claimed = new Map<string, Set<ParsedKey>>();
  for (const group of groups.values()) {
    const { tableName, indexName, origin } = group[0];
    const table = tables.get(tableName);
    if (!table || origin === "pk") continue;
    // An expression key has no column name; the model cannot hold such an index, so it is left alone
    // (its text is kept so that a rebuild of the table, which drops it, makes it again).
    if (group.some((r) => r.columnName === null)) {
      const sql = indexSql.get(indexName);
      if (sql) (table.nativeIndexes ??= []).push(sql);
      continue;
    }
    const columns = group.sort((a, b) => a.position - b.position).map((r) => r.columnName!);
    if (origin === "u") {
      const declared = parsed.get(tableName)!.uniques;
      const used = claimed.get(tableName) ?? new Set<ParsedKey>();
      claimed.set(tableName, used);
      const match = declared.find((u) => !used.has(u) && sameList(u.columns, columns));
      if (match) used.add(match);
      const unique: Unique = { name: match?.name ?? synthesizedName("UQ", tableName, columns), columns };
      table.uniques.push(unique);
    } else {
      const index: Index = { name: indexName, columns, unique: !!group[0].isUnique };
      const where = group[0].partial ? parseIndexWhere(indexSql.get(indexName) ?? "") : undefined;
      if (where !== undefined) index.where = where;
      table.indexes.push(index);
    }
  }
  for (const [name, table] of tables) {
    const declared = parsed.get(name)!.uniques;
    // A UNIQUE on exactly the primary key's columns shares the key's index, so
    // no index reports it: it is read from the CREATE text.
    const primaryKey = table.primaryKey?.columns ?? [];
    for (const unique of declared) {
      if (claimed.get(name)?.has(unique) || primaryKey.length === 0) continue;
      if (!sameList([...unique.columns].sort(), [...primaryKey].sort())) continue;
      table.uniques.push({ name: unique.name ?? synthesizedName("UQ", name, unique.columns), columns: unique.columns });
    }
    table.uniques.sort((a, b) => declaredPosition(declared, a) - declaredPosition(declared, b));
    if (table.indexes.length > 1) table.indexes.sort((a, b) => byLocale.compare(a.name, b.name));
  }
}

/** The order of String#localeCompare, without building a collator for every comparison. */
const byLocale = new Intl.Collator();

function readForeignKeys(rows: ForeignKeyRow[], tables: Map<string, Table>, parsed: Map<string, ParsedCreateTable>): void {
  const groups = groupBy(rows, (r) => `${r.tableName}\u0000${r.id}`);
  for (const group of groups.values()) {
    const { tableName, referencedTable, onDelete, onUpdate } = group[0];
    const table = tables.get(tableName);
    if (!table) continue;
    group.sort((a, b) => a.position - b.position);
    const columns = group.map((r) => r.columnName);
    // `REFERENCES parent` without columns means the parent's primary key.
    const referencedColumns = group.every((r) => r.referencedColumn !== null)
      ? group.map((r) => r.referencedColumn!)
      : (tables.get(referencedTable)?.primaryKey?.columns ?? []);
    const declared = parsed
      .get(tableName)!
      .foreignKeys.find(
        (f) =>
          sameList(f.columns, columns) &&
          f.referencedTable.toLowerCase() === referencedTable.toLowerCase() &&
          (f.referencedColumns.length === 0 || sameList(f.referencedColumns, referencedColumns)),
      );
    const foreignKey: ForeignKey = {
      name: declared?.name ?? synthesizedName("FK", tableName, columns),
      columns,
      referencedTable,
      referencedColumns,
      onDelete: foreignKeyAction(onDelete),
      onUpdate: foreignKeyAction(onUpdate),
    };
    if (declared?.deferrable) foreignKey.deferrable = declared.deferrable;
    table.foreignKeys.push(foreignKey);
  }
  for (const [name, table] of tables) {
    // pragma_foreign_key_list numbers keys from the last declared; keep declaration order.
    const declared = parsed.get(name)!.foreignKeys;
    table.foreignKeys.sort((a, b) => declaredPosition(declared, a) - declaredPosition(declared, b));
  }
}

/**
 * CHECKs come only from the CREATE text. A check `"col" IN ('a', ...)` on a
 * string column is how an enum is stored, so it turns the column back into
 * an enum instead of being reported as a check.
 */
function readChecks(table: Table, parsed: ParsedCreateTable): void {
  const enumColumns = new Set<string>();
  let position = 0;
  for (const check of parsed.checks) {
    position++;
    const candidate = enumCandidate(table, check, enumColumns);
    if (candidate) {
      const { column, values } = candidate;
      column.type = "enum";
      column.enum = values;
      delete column.length;
      enumColumns.add(column.name);
      continue;
    }
    const result: Check = { name: check.name ?? `CHK_${table.name}_${position}`, expression: check.expression };
    table.checks.push(result);
  }
}

/**
 * Whether a CHECK of that name can be an enum's: unnamed (TypeORM's column
 * CHECK, which Athanor writes too) or named as older Athanor versions named
 * enum checks (`CHK_<table>_<column>_enum`: such tables stay equal),
 * after this or an earlier name of the table or column: a native RENAME
 * keeps constraint names. A user's named `@Check("kind" IN (...))` stays a
 * check.
 */
function isEnumCheckName(name: string | undefined): boolean {
  return name === undefined || (name.startsWith("CHK_") && name.endsWith("_enum"));
}

/** The string column whose enum CHECK `check` is, with its values, if it is one. */
function enumCandidate(
  table: Table,
  check: ParsedCreateTable["checks"][number],
  taken: Set<string>,
): { column: Column; values: string[] } | undefined {
  if (!isEnumCheckName(check.name)) return undefined;
  const enumCheck = readEnumCheck(check.expression);
  if (enumCheck === undefined) return undefined;
  const column = table.columns.find(
    (c) => c.name === enumCheck.column && !taken.has(c.name) && (c.type === "varchar" || c.type === "text" || c.type === "char"),
  );
  return column && { column, values: enumCheck.values };
}

function foreignKeyAction(text: string): ForeignKeyAction {
  const action = (text ?? "").toUpperCase();
  switch (action) {
    case "CASCADE":
    case "SET NULL":
    case "SET DEFAULT":
    case "RESTRICT":
      return action;
    default:
      return "NO ACTION";
  }
}

/** A deterministic name for a constraint SQLite stores without one: `UQ_users_a_b`. */
function synthesizedName(prefix: string, table: string, columns: string[]): string {
  return `${prefix}_${table}_${columns.join("_")}`;
}

function declaredPosition(declared: Array<{ name?: string }>, item: { name: string }): number {
  const index = declared.findIndex((d) => d.name === item.name);
  return index < 0 ? declared.length : index;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i].toLowerCase());
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
