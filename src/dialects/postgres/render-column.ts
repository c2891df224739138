/** ADD / DROP / RENAME COLUMN. ALTER COLUMN lives in alter-column.ts. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Column } from "../../schema/model";
import { columnDefinition, commentOnColumn } from "./definitions";
import {
  conventionalEnumName,
  createEnumType,
  dropEnumType,
  isEnumColumn,
  renameColumnEnumType,
  renameEnumType,
} from "./enums";
import { quoteIdentifier, quoteTable } from "./quote";

export function renderAddColumn(table: string, column: Column): RenderedOperation {
  const statements = isEnumColumn(column) ? [createEnumType(table, column)] : [];
  statements.push(`ALTER TABLE ${quoteTable(table)} ADD COLUMN ${columnDefinition(table, column)}`);
  if (column.comment) statements.push(commentOnColumn(table, column));
  const notes: string[] = [];
  if (column.generated) {
    notes.push(`rewrites table ${table} (fills the new column ${column.name} row by row)`);
  } else if (!column.nullable && column.default === undefined) {
    notes.push(`fails if table ${table} has rows: new column ${column.name} is NOT NULL without a default`);
  }
  return { statements, notes };
}

export function renderDropColumn(table: string, column: Column): RenderedOperation {
  const statements = [`ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdentifier(column.name)}`];
  if (isEnumColumn(column)) statements.push(dropEnumType(table, column));
  return { statements, notes: [`drops column ${table}.${column.name} and its data`] };
}

/** The column's conventionally named enum type is renamed with it. */
export function renderRenameColumn(
  table: string,
  from: string,
  to: string,
  context: RenderContext = {},
): RenderedOperation {
  const statements = [
    `ALTER TABLE ${quoteTable(table)} RENAME COLUMN ${quoteIdentifier(from)} TO ${quoteIdentifier(to)}`,
  ];
  const known = context.schema?.tables[table];
  if (known) {
    const column = known.columns.find((c) => c.name === from);
    if (column && isEnumColumn(column) && column.enumName === undefined) {
      statements.push(renameEnumType(table, conventionalEnumName(table, from), conventionalEnumName(table, to)));
    }
  } else {
    statements.push(renameColumnEnumType(table, from, to));
  }
  return { statements, notes: [] };
}
