/**
 * When SQLite's own ALTER TABLE can do a column change. Anything else is a
 * table rebuild, which copies every row, so we use the native form whenever
 * SQLite accepts it.
 */
import type { Column, Table } from "../../schema/model";
import { isConstantDefault } from "./defaults";
import { dependentsOfColumn, hasDependents } from "./column-dependents";

/**
 * ADD COLUMN fills existing rows with one constant: a NOT NULL column needs a
 * non-null constant default, and CURRENT_TIMESTAMP or a function call is
 * refused. An auto-increment column can only be a primary key, which ADD
 * COLUMN cannot add.
 */
export function canAddColumnNatively(column: Column): boolean {
  // ADD COLUMN takes a VIRTUAL generated column (computed on read), never a STORED one.
  if (column.asExpression !== undefined) return column.generatedType === "VIRTUAL";
  if (column.generated === "increment" || column.generated === "identity") return false;
  if (!isConstantDefault(column.default, column.type)) return false;
  if (!column.nullable && column.default === undefined) return false;
  return true;
}

/**
 * DROP COLUMN refuses a column that is part of the primary key, a UNIQUE, an
 * index (its keys or its WHERE), a foreign key or a table CHECK. The enum
 * CHECK is a column constraint of the dropped column itself, which SQLite
 * allows.
 */
export function canDropColumnNatively(table: Table, columnName: string): boolean {
  return !hasDependents(dependentsOfColumn(table, columnName));
}
