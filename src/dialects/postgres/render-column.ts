/** ADD / DROP / RENAME COLUMN. ALTER COLUMN lives in alter-column.ts. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Column } from "../../schema/model";
import { columnDefinition, commentOnColumn } from "./definitions";
import { conventionalEnumName, createEnumType, dropEnumType, isEnumColumn, renameColumnEnumType, renameEnumType } from "./enums";
import { isGeneratedColumn } from "../../schema/generated-columns";
import { renderAlterColumn } from "./alter-column";
import { forgetGeneratedColumn, recordGeneratedColumn, renameGeneratedColumnRecords } from "./generated-columns";
import { quoteIdentifier, quoteTable } from "./quote";

export function renderAddColumn(table: string, column: Column): RenderedOperation {
  const statements = isEnumColumn(column) ? [createEnumType(table, column)] : [];
  statements.push(`ALTER TABLE ${quoteTable(table)} ADD COLUMN ${columnDefinition(table, column)}`);
  if (column.comment) statements.push(commentOnColumn(table, column));
  statements.push(...recordGeneratedColumn(table, column));
  const notes: string[] = [];
  if (isGeneratedColumn(column)) {
    notes.push(`rewrites table ${table} (computes the new generated column ${column.name} for every row)`);
  } else if (column.generated) {
    notes.push(`rewrites table ${table} (fills the new column ${column.name} row by row)`);
  } else if (!column.nullable && column.default === undefined) {
    notes.push(`fails if table ${table} has rows: new column ${column.name} is NOT NULL without a default`);
  }
  return { statements, notes };
}

export function renderDropColumn(table: string, column: Column): RenderedOperation {
  const statements = [`ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdentifier(column.name)}`];
  if (isEnumColumn(column)) statements.push(dropEnumType(table, column));
  statements.push(...forgetGeneratedColumn(table, column));
  return { statements, notes: [`drops column ${table}.${column.name} and its data`] };
}

/**
 * An alter that changes how the column is generated. PostgreSQL 15 can
 * neither change a generation expression nor make a column generated in
 * place: the column is dropped and added again, as TypeORM does (the diff
 * re-creates what involves it, diff/recreated-columns.ts). A column that stops
 * being generated keeps its values: DROP EXPRESSION, then the rest of the
 * alter.
 */
export function renderGenerationChange(table: string, from: Column, to: Column): RenderedOperation {
  if (!isGeneratedColumn(to)) {
    const { asExpression: _expression, generatedType: _type, ...plain } = from;
    const rest = renderAlterColumn(table, plain, to);
    return {
      statements: [
        `ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${quoteIdentifier(from.name)} DROP EXPRESSION`,
        ...forgetGeneratedColumn(table, from),
        ...rest.statements,
      ],
      notes: [`column ${table}.${from.name} stops being generated and keeps its values`, ...rest.notes],
    };
  }
  const dropped = renderDropColumn(table, from);
  const added = renderAddColumn(table, to);
  const notes = isGeneratedColumn(from)
    ? [`re-creates column ${table}.${from.name}: its generation changes, and PostgreSQL cannot alter it in place`]
    : [`re-creates column ${table}.${from.name} as a generated column: its current values are replaced by the computed ones`];
  return { statements: [...dropped.statements, ...added.statements], notes: [...notes, ...added.notes] };
}
/** The column's conventionally named enum type is renamed with it. */
export function renderRenameColumn(table: string, from: string, to: string, context: RenderContext = {}): RenderedOperation {
  const statements = [`ALTER TABLE ${quoteTable(table)} RENAME COLUMN ${quoteIdentifier(from)} TO ${quoteIdentifier(to)}`];
  const known = context.schema?.tables[table];
  if (known) {
    const column = known.columns.find((c) => c.name === from);
    if (column && isEnumColumn(column) && column.enumName === undefined) {
      statements.push(renameEnumType(table, conventionalEnumName(table, from), conventionalEnumName(table, to)));
    }
  } else {
    statements.push(renameColumnEnumType(table, from, to));
  }
  const column = known?.columns.find((c) => c.name === from);
  if (!known || (column && isGeneratedColumn(column))) {
    statements.push(renameGeneratedColumnRecords({ from: table, to: table }, [from, to]));
  }
  return { statements, notes: [] };
}
