/**
 * The row TypeORM keeps in `typeorm_metadata` for each generated column on
 * SQLite (type GENERATED_COLUMN, the table, the column, the expression as the
 * entity spells it): TypeORM's schema builder compares that text with the
 * entity, so Athanor writes it whenever it creates or drops such a column.
 */
import type { Column } from "../../schema/model";
import { quoteString } from "./quote";
import { createTypeormMetadataTable, TYPEORM_METADATA_TABLE } from "./typeorm-metadata";

function rowCondition(table: string, column: string): string {
  return `"type" = 'GENERATED_COLUMN' AND "table" = ${quoteString(table)} AND "name" = ${quoteString(column)}`;
}

/** Record the expression of generated `column` of `table` (nothing for another column). */
export function recordGeneratedColumn(table: string, column: Column): string[] {
  if (column.asExpression === undefined) return [];
  return [
    createTypeormMetadataTable(),
    `INSERT INTO "${TYPEORM_METADATA_TABLE}" ("type", "table", "name", "value") ` +
      `VALUES ('GENERATED_COLUMN', ${quoteString(table)}, ${quoteString(column.name)}, ${quoteString(column.asExpression)})`,
  ];
}

/** Remove that record (the table is created if missing, so this cannot fail). */
export function forgetGeneratedColumn(table: string, column: Column): string[] {
  if (column.asExpression === undefined) return [];
  return [createTypeormMetadataTable(), `DELETE FROM "${TYPEORM_METADATA_TABLE}" WHERE ${rowCondition(table, column.name)}`];
}

/** The records an operation changes: those of the columns it removes, then of those it adds. */
export function generatedColumnRecords(table: string, removed: readonly Column[], added: readonly Column[]): string[] {
  return [
    ...removed.flatMap((column) => forgetGeneratedColumn(table, column)),
    ...added.flatMap((column) => recordGeneratedColumn(table, column)),
  ];
}

/** Keep TypeORM's records in step with a rename of the table, or of its column `column` ([from, to]). */
export function renameGeneratedColumnRecords(table: { from: string; to: string }, column?: [string, string]): string[] {
  const set = column ? `"name" = ${quoteString(column[1])}` : `"table" = ${quoteString(table.to)}`;
  const where =
    `"type" = 'GENERATED_COLUMN' AND "table" = ${quoteString(table.from)}` + (column ? ` AND "name" = ${quoteString(column[0])}` : "");
  return [createTypeormMetadataTable(), `UPDATE "${TYPEORM_METADATA_TABLE}" SET ${set} WHERE ${where}`];
}
