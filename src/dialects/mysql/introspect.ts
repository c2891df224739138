/**
 * MySQL/MariaDB catalogs → canonical Schema, with a constant number of
 * information_schema queries (catalog.ts). What the server adds on its own
 * is folded away here: display widths, the implicit index a foreign key gets,
 * MariaDB's json_valid check behind a JSON column, the collation every
 * column inherits from its table.
 */
import type { Queryable } from "../dialect";
import { emptyTable, type Column, type ForeignKeyAction, type Index, type Schema, type Table } from "../../schema/model";
import {
  COLUMNS_QUERY,
  FOREIGN_KEYS_QUERY,
  INDEXES_QUERY,
  MARIADB_CHECKS_QUERY,
  MYSQL_CHECKS_QUERY,
  SERVER_QUERY,
  TABLES_QUERY,
} from "./catalog";
import { readDefault } from "./defaults";
import { readCheckClause } from "./expressions";
import { quoteIdentifier } from "./quote";
import { parseColumnType } from "./types";
import { VIEWS_QUERY, viewsFromRows, type ViewRow } from "./views";
import { GENERATED_EXPRESSIONS_QUERY, recordedExpressions, type GeneratedExpressionRow } from "./generated-columns";
import { METADATA_TABLE, hasMetadataColumns } from "./typeorm-metadata";

/** TypeORM's own bookkeeping of views and generated columns: read for them, never a table of the model. */
const INTERNAL_TABLES = [METADATA_TABLE];

/** Whether VERSION() names a MariaDB server. */
export function isMariaDb(version: string): boolean {
  return /mariadb/i.test(version);
}

export async function introspect(db: Queryable, options: { exclude?: string[] } = {}): Promise<Schema> {
  const exclude = new Set([...(options.exclude ?? []), ...INTERNAL_TABLES]);
  const [server] = await db.query(SERVER_QUERY);
  const mariadb = isMariaDb(String(server.version));
  const tableRows: any[] = await db.query(TABLES_QUERY);
  const columnRows: any[] = await db.query(COLUMNS_QUERY);
  const indexRows: any[] = await db.query(INDEXES_QUERY);
  const fkRows: any[] = await db.query(FOREIGN_KEYS_QUERY);
  const checkRows: any[] = await db.query(mariadb ? MARIADB_CHECKS_QUERY : MYSQL_CHECKS_QUERY);

  const schema: Schema = { tables: {} };
  const collations = new Map<string, string>();
  for (const row of tableRows) {
    const name = String(row.tableName);
    if (exclude.has(name)) continue;
    const table = emptyTable(name);
    if (row.tableComment) table.comment = String(row.tableComment);
    if (row.engine) table.engine = String(row.engine);
    schema.tables[name] = table;
    collations.set(name, String(row.tableCollation ?? ""));
  }

  // MariaDB's JSON is longtext with a column-level json_valid() check named after the column; the
  // check keeps that name when the column is renamed, so its level says what it is, not its name.
  const jsonChecks = new Set<string>();
  for (const row of checkRows) {
    const clause = String(row.checkClause).trim();
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(clause);
    if (match && (row.level === "Column" || String(row.constraintName) === match[1].replace(/``/g, "`"))) {
      jsonChecks.add(`${row.tableName}\u0000${match[1].replace(/``/g, "`")}`);
      continue;
    }
    schema.tables[row.tableName]?.checks.push({ name: String(row.constraintName), expression: checkExpression(clause) });
  }

  // TypeORM's records: one more query where typeorm_metadata exists, one more again where a generated column does.
  const metadataColumns = columnRows.filter((row) => row.tableName === METADATA_TABLE).map((row) => String(row.columnName));
  const hasMetadata = tableRows.some((row) => row.tableName === METADATA_TABLE) && hasMetadataColumns(metadataColumns);
  const recorded =
    hasMetadata && columnRows.some((row) => isGenerated(row) && !exclude.has(String(row.tableName)))
      ? recordedExpressions((await db.query(GENERATED_EXPRESSIONS_QUERY)) as GeneratedExpressionRow[])
      : new Map<string, string>();

  for (const row of columnRows) {
    const table = schema.tables[row.tableName];
    if (!table) continue;
    const column = readColumn(row, mariadb, collations.get(table.name), jsonChecks.has(`${table.name}\u0000${row.columnName}`));
    // The entity's spelling, as TypeORM recorded it; else the server's.
    const expression = column.asExpression === undefined ? undefined : recorded.get(`${table.name}\u0000${column.name}`);
    if (expression !== undefined) column.asExpression = expression;
    table.columns.push(column);
  }

  const foreignKeyNames = new Map<string, Map<string, string[]>>();
  const fks = new Map<string, Table["foreignKeys"][number]>();
  for (const row of fkRows) {
    const table = schema.tables[row.tableName];
    if (!table) continue;
    const key = `${row.tableName}\u0000${row.constraintName}`;
    let fk = fks.get(key);
    if (!fk) {
      fk = {
        name: String(row.constraintName),
        columns: [],
        referencedTable: String(row.referencedTable),
        referencedColumns: [],
        onDelete: action(row.deleteRule),
        onUpdate: action(row.updateRule),
      };
      fks.set(key, fk);
      table.foreignKeys.push(fk);
    }
    fk.columns.push(String(row.columnName));
    fk.referencedColumns.push(String(row.referencedColumn));
    const names = foreignKeyNames.get(table.name) ?? new Map<string, string[]>();
    names.set(fk.name, fk.columns);
    foreignKeyNames.set(table.name, names);
  }

  const indexes = new Map<
    string,
    { table: string; name: string; unique: boolean; type: string; columns: string[]; prefixes: (number | null)[] }
  >();
  for (const row of indexRows) {
    if (!schema.tables[row.tableName]) continue;
    const key = `${row.tableName}\u0000${row.indexName}`;
    let index = indexes.get(key);
    if (!index) {
      index = {
        table: row.tableName,
        name: String(row.indexName),
        unique: Number(row.nonUnique) === 0,
        type: String(row.indexType),
        columns: [],
        prefixes: [],
      };
      indexes.set(key, index);
    }
    index.columns.push(String(row.columnName));
    index.prefixes.push(row.subPart === null || row.subPart === undefined ? null : Number(row.subPart));
  }
  for (const index of indexes.values()) {
    const table = schema.tables[index.table];
    if (index.name === "PRIMARY") {
      table.primaryKey = { columns: index.columns };
      continue;
    }
    const fkColumns = foreignKeyNames.get(table.name)?.get(index.name);
    if (!index.unique && fkColumns && sameList(fkColumns, index.columns)) {
      // The index MySQL made for the foreign key of the same name: not the
      // entities' business, but remembered so dropping the key drops it too.
      (table.nativeIndexes ??= []).push(createIndexText(table.name, index.name, index.columns, []));
      continue;
    }
    if (index.prefixes.some((p) => p !== null) || index.columns.some((c) => c === "null")) {
      // A prefix length: TypeORM cannot declare one, the model cannot hold it.
      (table.nativeIndexes ??= []).push(createIndexText(table.name, index.name, index.columns, index.prefixes, index.unique));
      continue;
    }
    const model: Index = { name: index.name, columns: index.columns, unique: index.unique };
    if (index.type === "FULLTEXT") model.method = "fulltext";
    else if (index.type === "SPATIAL") model.method = "gist";
    table.indexes.push(model);
  }

  // Views: only those TypeORM's typeorm_metadata table records (views.ts).
  if (hasMetadata) {
    const views = viewsFromRows((await db.query(VIEWS_QUERY)) as ViewRow[]);
    if (Object.keys(views).length > 0) schema.views = views;
  }
  return schema;
}

const GENERATION = /\b(VIRTUAL|STORED|PERSISTENT)\s+GENERATED\b/i;

function isGenerated(row: any): boolean {
  return GENERATION.test(String(row.extra ?? "")) && Boolean(row.generationExpression);
}

function readColumn(row: any, mariadb: boolean, tableCollation: string | undefined, json: boolean): Column {
  const native = parseColumnType(String(row.columnType));
  const extra = String(row.extra ?? "");
  const column: Column = { name: String(row.columnName), type: json ? "json" : native.type } as Column;
  if (!json && native.declaredType !== undefined) column.declaredType = native.declaredType;
  if (!json) {
    if (native.length !== undefined) column.length = native.length;
    if (native.precision !== undefined) column.precision = native.precision;
    if (native.scale !== undefined) column.scale = native.scale;
  }
  column.nullable = row.isNullable === "YES";
  const generation = GENERATION.exec(extra);
  if (!generation) {
    const value = readDefault(row.columnDefault === undefined ? null : row.columnDefault, extra, mariadb);
    if (value !== undefined) column.default = value;
  }
  if (/auto_increment/i.test(extra)) column.generated = "increment";
  const onUpdate = /on update (\S+)/i.exec(extra);
  if (onUpdate) column.onUpdate = "CURRENT_TIMESTAMP";
  if (native.unsigned) column.unsigned = true;
  if (native.enum) column.enum = native.enum;
  if (row.columnComment) column.comment = String(row.columnComment);
  if (row.collation && !json && row.collation !== tableCollation) column.collation = String(row.collation);
  if (generation && row.generationExpression) {
    column.asExpression = String(row.generationExpression);
    column.generatedType = generation[1].toUpperCase() === "VIRTUAL" ? "VIRTUAL" : "STORED";
  }
  return column;
}

function action(rule: unknown): ForeignKeyAction {
  const text = String(rule ?? "").toUpperCase();
  return (["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"].includes(text) ? text : "NO ACTION") as ForeignKeyAction;
}

/** A check clause as the entity would write it: identifiers without backticks, no outer parentheses. */
function checkExpression(clause: string): string {
  return readCheckClause(clause);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export function createIndexText(table: string, name: string, columns: string[], prefixes: (number | null)[], unique = false): string {
  const keys = columns.map((c, i) => quoteIdentifier(c) + (prefixes[i] ? `(${prefixes[i]})` : "")).join(", ");
  return `CREATE ${unique ? "UNIQUE " : ""}INDEX ${quoteIdentifier(name)} ON ${quoteIdentifier(table)} (${keys})`;
}

/** The implicit foreign-key index's name in `table.nativeIndexes`, if the table has one for `name`. */
export function hasImplicitForeignKeyIndex(table: Table | undefined, name: string): boolean {
  const prefix = `CREATE INDEX ${quoteIdentifier(name)} ON `;
  return (table?.nativeIndexes ?? []).some((text) => text.startsWith(prefix));
}
