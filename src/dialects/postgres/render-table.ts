/** CREATE / DROP / RENAME TABLE, with the enum types the table's columns own. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Table } from "../../schema/model";
import {
  checkClause,
  columnDefinition,
  commentOnColumn,
  commentOnTable,
  createIndexStatement,
  exclusionClause,
  foreignKeyClause,
  primaryKeyClause,
  uniqueClause,
} from "./definitions";
import {
  conventionalEnumName,
  createEnumType,
  dropEnumType,
  enumColumnsByType,
  isEnumColumn,
  renameEnumType,
  renameTableEnumTypes,
} from "./enums";
import { forgetGeneratedColumn, isGeneratedColumn, recordGeneratedColumn, renameGeneratedColumnRecords } from "./generated-columns";
import { plainTableName, quoteIdentifier, quoteTable } from "./quote";
import { schemaOfTable } from "../../schema/table-name";

export function renderCreateTable(table: Table): RenderedOperation {
  const enumTypes = enumColumnsByType(table.name, table.columns).map((c) => createEnumType(table.name, c));
  const body = [
    ...table.columns.map((c) => columnDefinition(table.name, c)),
    ...(table.primaryKey ? [primaryKeyClause(table.name, table.primaryKey)] : []),
    ...table.uniques.map(uniqueClause),
    ...table.checks.map(checkClause),
    ...(table.exclusions ?? []).map(exclusionClause),
    ...table.foreignKeys.map(foreignKeyClause),
  ];
  const create = `CREATE TABLE ${quoteTable(table.name)} (${body.join(", ")})`;
  const indexes = table.indexes.map((index) => createIndexStatement(table.name, index));
  const comments = [
    ...(table.comment ? [commentOnTable(table.name, table.comment)] : []),
    ...table.columns.filter((c) => c.comment).map((c) => commentOnColumn(table.name, c)),
  ];
  const generated = table.columns.flatMap((c) => recordGeneratedColumn(table.name, c));
  return { statements: [...enumTypes, create, ...indexes, ...comments, ...generated], notes: [] };
}

export function renderSetTableComment(table: string, comment: string | undefined): RenderedOperation {
  return { statements: [commentOnTable(table, comment)], notes: [] };
}

export function renderDropTable(table: Table): RenderedOperation {
  const enumTypes = enumColumnsByType(table.name, table.columns).map((c) => dropEnumType(table.name, c));
  return {
    statements: [
      `DROP TABLE ${quoteTable(table.name)}`,
      ...enumTypes,
      ...table.columns.flatMap((c) => forgetGeneratedColumn(table.name, c)),
    ],
    notes: [`drops table ${table.name} and every row in it`],
  };
}

/**
 * Enum types named after the table follow it, as TypeORM's convention (and
 * so the model, which leaves such names implicit) expects. With the schema at
 * hand the renames are spelled out; without it a block finds them.
 */
export function renderRenameTable(from: string, to: string, context: RenderContext = {}): RenderedOperation {
  if (schemaOfTable(from) !== schemaOfTable(to)) {
    // Athanor treats a table that changes schema as dropped and created; a
    // hand-written renameTable across schemas gets a sentence, not bad SQL.
    throw new Error(
      `Cannot rename table ${from} to ${to}: they are in different schemas. Move it with op(queryRunner).sql("ALTER TABLE … SET SCHEMA …") instead.`,
    );
  }
  const statements = [`ALTER TABLE ${quoteTable(from)} RENAME TO ${quoteIdentifier(plainTableName(to))}`];
  const table = context.schema?.tables[from];
  if (table) {
    for (const column of table.columns) {
      if (isEnumColumn(column) && column.enumName === undefined) {
        statements.push(renameEnumType(to, conventionalEnumName(from, column.name), conventionalEnumName(to, column.name)));
      }
    }
  } else {
    statements.push(renameTableEnumTypes(from, to));
  }
  if (!table || table.columns.some(isGeneratedColumn)) statements.push(renameGeneratedColumnRecords({ from, to }));
  return { statements, notes: [] };
}
