/**
 * CREATE TABLE and CREATE INDEX text for a canonical table, in the shape
 * TypeORM's sqlite driver writes (so users see familiar DDL): every
 * constraint inside the CREATE TABLE, indexes as separate statements.
 */
import type { Column, ForeignKey, Index, Table } from "../../schema/model";
import { renderColumnDefault } from "./defaults";
import { enumCheckExpression } from "./enum-check";
import { quoteIdentifier as q, quoteList } from "./quote";
import { renderNativeType } from "./types";

/**
 * Whether `column` is written `integer PRIMARY KEY AUTOINCREMENT`: SQLite
 * auto-increments only the single INTEGER column of a primary key.
 */
export function isInlineAutoincrement(table: Table, column: Column): boolean {
  const generated = column.generated === "increment" || column.generated === "identity";
  const pk = table.primaryKey?.columns ?? [];
  return generated && pk.length === 1 && pk[0] === column.name;
}

/** Columns that ask to auto-increment but cannot in SQLite (not a lone PK column). */
export function columnsThatCannotIncrement(table: Table): string[] {
  return table.columns
    .filter((c) => (c.generated === "increment" || c.generated === "identity") && !isInlineAutoincrement(table, c))
    .map((c) => c.name);
}

/**
 * `"name" type [CHECK (enum)] [PRIMARY KEY AUTOINCREMENT] [COLLATE ...] [NOT NULL] [DEFAULT (...) | AS (...) STORED|VIRTUAL]`,
 * in the order and shape TypeORM's SQLite driver writes, because TypeORM reads
 * tables back by matching that text (AbstractSqliteQueryRunner.loadTables):
 * - the auto-increment key is `"id" integer PRIMARY KEY AUTOINCREMENT`, with
 *   no CONSTRAINT name: TypeORM takes the quoted word just before
 *   AUTOINCREMENT as the generated column, so a name there hides it and
 *   TypeORM would rebuild the table to make the key generated again. SQLite
 *   keeps no primary key name anyway (Athanor compares keys by columns).
 * - the enum CHECK is unnamed and follows the type directly
 *   (`"s" varchar CHECK ("s" IN (...))`), the only form TypeORM recognizes as
 *   an enum; a named one it reads as a check the entities lack. A column
 *   constraint, not a table one, so that SQLite's DROP COLUMN still works on it.
 */
export function columnDefinition(column: Column, inlinePrimaryKey = false): string {
  const parts = [q(column.name), renderNativeType(column)];
  if (column.type === "enum" && column.enum && column.enum.length > 0) {
    parts.push(`CHECK (${enumCheckExpression(column.name, column.enum)})`);
  }
  if (inlinePrimaryKey) parts.push("PRIMARY KEY AUTOINCREMENT");
  if (column.collation) parts.push(`COLLATE ${q(column.collation)}`);
  if (!column.nullable) parts.push("NOT NULL");
  if (column.asExpression !== undefined) {
    // TypeORM's order, after NOT NULL; a generated column has no default.
    parts.push(`AS (${column.asExpression}) ${column.generatedType ?? "VIRTUAL"}`);
  } else if (column.default !== undefined) {
    const clause = renderColumnDefault(column);
    if (clause) parts.push(clause);
  }
  return parts.join(" ");
}

function foreignKeyClause(fk: ForeignKey): string {
  return (
    `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${quoteList(fk.columns)}) ` +
    `REFERENCES ${q(fk.referencedTable)} (${quoteList(fk.referencedColumns)}) ` +
    `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}` +
    (fk.deferrable ? ` DEFERRABLE ${fk.deferrable}` : "")
  );
}

/**
 * Refuse a table whose keys, constraints or indexes name a missing column:
 * SQLite would read the double-quoted name as a string literal and silently
 * build an index or key on a constant.
 */
export function assertKeysNameColumns(table: Table): void {
  const columns = new Set(table.columns.map((c) => c.name.toLowerCase()));
  const keyed: Array<[string, readonly string[]]> = [
    ["primary key", table.primaryKey?.columns ?? []],
    ...table.uniques.map((u): [string, string[]] => [`unique constraint "${u.name}"`, u.columns]),
    ...table.indexes.map((i): [string, string[]] => [`index "${i.name}"`, i.columns]),
    ...table.foreignKeys.map((f): [string, string[]] => [`foreign key "${f.name}"`, f.columns]),
  ];
  for (const [what, names] of keyed) {
    const missing = names.find((n) => !columns.has(n.toLowerCase()));
    if (missing !== undefined) {
      throw new Error(`The ${what} of table "${table.name}" names column "${missing}", which the table does not have`);
    }
  }
}

/** `CREATE TABLE "name" (...)`; `createAs` overrides the name (for a rebuild's new table). */
export function createTableStatement(table: Table, createAs: string = table.name): string {
  assertKeysNameColumns(table);
  const definitions: string[] = [];
  const inlinePk = table.columns.find((c) => isInlineAutoincrement(table, c));
  for (const column of table.columns) {
    definitions.push(columnDefinition(column, column === inlinePk));
  }
  if (table.primaryKey && !inlinePk) {
    const name = table.primaryKey.name ? `CONSTRAINT ${q(table.primaryKey.name)} ` : "";
    definitions.push(`${name}PRIMARY KEY (${quoteList(table.primaryKey.columns)})`);
  }
  for (const unique of table.uniques) {
    definitions.push(`CONSTRAINT ${q(unique.name)} UNIQUE (${quoteList(unique.columns)})`);
  }
  for (const check of table.checks) {
    definitions.push(`CONSTRAINT ${q(check.name)} CHECK (${check.expression})`);
  }
  for (const fk of table.foreignKeys) definitions.push(foreignKeyClause(fk));
  return `CREATE TABLE ${q(createAs)} (${definitions.join(", ")})`;
}

/** `CREATE [UNIQUE] INDEX "name" ON "table" (...) [WHERE ...]` */
export function createIndexStatement(tableName: string, index: Index): string {
  const unique = index.unique ? "UNIQUE " : "";
  const where = index.where ? ` WHERE ${index.where}` : "";
  return `CREATE ${unique}INDEX ${q(index.name)} ON ${q(tableName)} (${quoteList(index.columns)})${where}`;
}

export function dropIndexStatement(index: Index): string {
  return `DROP INDEX ${q(index.name)}`;
}
