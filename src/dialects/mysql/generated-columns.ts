/**
 * The row TypeORM keeps in `typeorm_metadata` for each generated column on
 * MySQL/MariaDB (type GENERATED_COLUMN, schema: the current database, the
 * table, the column, the expression as the entity spells it). TypeORM's
 * MysqlQueryRunner reads the expression from there, never from
 * information_schema (the server prints it otherwise), and compares it with
 * the entity's: without the row it fails, or finds a change that is not
 * there. Athanor writes, removes and moves the row with every operation on
 * such a column or its table, and its introspection prefers the recorded
 * expression too.
 *
 * A rename asks for the live schema (render.ts `needsSchemaFor`, as SQLite
 * does): MySQL has no anonymous block to guard an UPDATE of a table that
 * may not exist (PostgreSQL's DO), so the records move only where the
 * schema shows a generated column to move, and a plain rename stays one
 * statement that creates no typeorm_metadata table.
 */
import type { RenderContext } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Column } from "../../schema/model";
import { generationChanges, isGeneratedColumn } from "../../schema/generated-columns";
import { quoteIdentifier as q, quoteString } from "./quote";
import { CREATE_METADATA_TABLE, METADATA_TABLE } from "./typeorm-metadata";

const TABLE = q(METADATA_TABLE);

function rowsOf(table: string, column?: string): string {
  return (
    `\`type\` = 'GENERATED_COLUMN' AND \`schema\` = DATABASE() AND \`table\` = ${quoteString(table)}` +
    (column === undefined ? "" : ` AND \`name\` = ${quoteString(column)}`)
  );
}

/** Record the expression of generated `column` of `table` (nothing for another column), as TypeORM inserts it. */
export function recordGeneratedColumn(table: string, column: Column): string[] {
  if (!isGeneratedColumn(column)) return [];
  return [
    CREATE_METADATA_TABLE,
    `INSERT INTO ${TABLE}(\`database\`, \`schema\`, \`table\`, \`type\`, \`name\`, \`value\`) ` +
      `VALUES (NULL, DATABASE(), ${quoteString(table)}, 'GENERATED_COLUMN', ${quoteString(column.name)}, ${quoteString(column.asExpression!)})`,
  ];
}

/** Remove the record of generated `column` (nothing for another column); cannot fail where the table was never made. */
export function forgetGeneratedColumn(table: string, column: Column): string[] {
  if (!isGeneratedColumn(column)) return [];
  return [CREATE_METADATA_TABLE, `DELETE FROM ${TABLE} WHERE ${rowsOf(table, column.name)}`];
}

/** Move the records with a rename of the table, or of its column `column` ([from, to]). */
export function renameGeneratedColumnRecords(table: { from: string; to: string }, column?: [string, string]): string[] {
  const set = column ? `\`name\` = ${quoteString(column[1])}` : `\`table\` = ${quoteString(table.to)}`;
  return [CREATE_METADATA_TABLE, `UPDATE ${TABLE} SET ${set} WHERE ${rowsOf(table.from, column?.[0])}`];
}

/** TypeORM's typeorm_metadata statements for what `op` does to generated columns, run after its own. */
export function generatedColumnRecords(op: Operation, context: RenderContext): string[] {
  switch (op.kind) {
    case "createTable":
      return op.table.columns.flatMap((c) => recordGeneratedColumn(op.table.name, c));
    case "dropTable":
      return op.table.columns.flatMap((c) => forgetGeneratedColumn(op.table.name, c));
    case "addColumn":
      return recordGeneratedColumn(op.table, op.column);
    case "dropColumn":
      return forgetGeneratedColumn(op.table, op.column);
    case "alterColumn": {
      const changed = generationChanges(op.from, op.to) || (isGeneratedColumn(op.from) && op.from.name !== op.to.name);
      return changed ? [...forgetGeneratedColumn(op.table, op.from), ...recordGeneratedColumn(op.table, op.to)] : [];
    }
    case "renameTable": {
      const table = context.schema?.tables[op.from];
      return table?.columns.some(isGeneratedColumn) ? renameGeneratedColumnRecords({ from: op.from, to: op.to }) : [];
    }
    case "renameColumn": {
      const column = context.schema?.tables[op.table]?.columns.find((c) => c.name === op.from);
      return column && isGeneratedColumn(column) ? renameGeneratedColumnRecords({ from: op.table, to: op.table }, [op.from, op.to]) : [];
    }
    default:
      return [];
  }
}

/** The recorded expressions of the current database. */
export const GENERATED_EXPRESSIONS_QUERY = `SELECT \`table\` AS tableName, \`name\` AS columnName, \`value\` AS expression FROM ${TABLE}
  WHERE \`type\` = 'GENERATED_COLUMN' AND \`schema\` = DATABASE()`;

export interface GeneratedExpressionRow {
  tableName: string;
  columnName: string;
  expression: string | null;
}

/** Recorded expressions by `table\0column`. */
export function recordedExpressions(rows: readonly GeneratedExpressionRow[]): Map<string, string> {
  const recorded = new Map<string, string>();
  for (const row of rows) {
    if (row.expression !== null && row.expression !== undefined) {
      recorded.set(`${row.tableName}\u0000${row.columnName}`, String(row.expression));
    }
  }
  return recorded;
}
