/**
 * SQL fragments shared by several operations: a column definition and the
 * constraint clauses usable both inside CREATE TABLE and in ALTER TABLE.
 */
import type { Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Unique } from "../../schema/model";
import { renderColumnDefault } from "./defaults";
import { generatedClause, isGeneratedColumn } from "./generated-columns";
import { enumTypeName } from "./enums";
import { plainTableName, quoteIdentifier, quoteInSchemaOf, quoteLiteral, quoteTable } from "./quote";
import { isIntegerType, nativeType, parseType, serialType } from "./types";

export function columnList(columns: readonly string[]): string {
  return columns.map(quoteIdentifier).join(", ");
}

/** The native type of `column` of `table` (enum columns name their type). */
export function columnType(table: string, column: Column): string {
  return nativeType(column, quoteInSchemaOf(table, enumTypeName(table, column)));
}

/** `"id" serial NOT NULL`, `"email" character varying(255) DEFAULT 'x'`, ... */
export function columnDefinition(table: string, column: Column): string {
  const type = parseType(column.type).type;
  const parts = [quoteIdentifier(column.name)];
  if (column.generated === "increment" && isIntegerType(type)) {
    parts.push(serialType(type));
  } else {
    parts.push(columnType(table, column));
  }
  if (column.collation) parts.push(`COLLATE ${quoteIdentifier(column.collation)}`);
  if (column.generated === "identity") parts.push(identityClause(column));
  if (isGeneratedColumn(column)) parts.push(generatedClause(column));
  if (!column.nullable) parts.push("NOT NULL");
  if (isGeneratedColumn(column)) {
    // A generated column has no default: its expression fills it.
  } else if (column.generated === "uuid") {
    parts.push("DEFAULT gen_random_uuid()");
  } else if (column.default !== undefined && column.generated === undefined) {
    parts.push(`DEFAULT ${renderColumnDefault(column)}`);
  }
  return parts.join(" ");
}

export function identityClause(column: Column): string {
  return `GENERATED ${column.generatedAlways ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
}

/** `COMMENT ON COLUMN ...`; a comment that is absent (or empty) is removed. */
export function commentOnColumn(table: string, column: Column): string {
  const text = column.comment ? quoteLiteral(column.comment) : "NULL";
  return `COMMENT ON COLUMN ${quoteTable(table)}.${quoteIdentifier(column.name)} IS ${text}`;
}

export function commentOnTable(table: string, comment: string | undefined): string {
  return `COMMENT ON TABLE ${quoteTable(table)} IS ${comment ? quoteLiteral(comment) : "NULL"}`;
}

export function primaryKeyName(table: string, primaryKey: PrimaryKey): string {
  return primaryKey.name ?? `PK_${plainTableName(table)}`;
}

export function primaryKeyClause(table: string, primaryKey: PrimaryKey): string {
  return `CONSTRAINT ${quoteIdentifier(primaryKeyName(table, primaryKey))} PRIMARY KEY (${columnList(primaryKey.columns)})`;
}

export function uniqueClause(unique: Unique): string {
  return `CONSTRAINT ${quoteIdentifier(unique.name)} UNIQUE (${columnList(unique.columns)})`;
}

export function checkClause(check: Check): string {
  return `CONSTRAINT ${quoteIdentifier(check.name)} CHECK (${check.expression})`;
}

export function exclusionClause(exclusion: Exclusion): string {
  return `CONSTRAINT ${quoteIdentifier(exclusion.name)} EXCLUDE ${exclusion.expression}`;
}

export function foreignKeyClause(foreignKey: ForeignKey): string {
  return (
    `CONSTRAINT ${quoteIdentifier(foreignKey.name)} FOREIGN KEY (${columnList(foreignKey.columns)}) ` +
    `REFERENCES ${quoteTable(foreignKey.referencedTable)} (${columnList(foreignKey.referencedColumns)}) ` +
    `ON DELETE ${foreignKey.onDelete} ON UPDATE ${foreignKey.onUpdate}` +
    (foreignKey.deferrable ? ` DEFERRABLE ${foreignKey.deferrable}` : "")
  );
}

/**
 * An index key: a column name, or an expression the introspection reported
 * wrapped in parentheses, which is emitted as it is.
 */
function indexKey(key: string): string {
  return key.startsWith("(") ? key : quoteIdentifier(key);
}

export function createIndexStatement(table: string, index: Index): string {
  const unique = index.unique ? "UNIQUE " : "";
  const where = index.where ? ` WHERE ${index.where}` : "";
  return `CREATE ${unique}INDEX ${quoteIdentifier(index.name)} ON ${quoteTable(table)}${index.method ? ` USING ${index.method}` : ""} (${index.columns.map(indexKey).join(", ")})${where}`;
}
