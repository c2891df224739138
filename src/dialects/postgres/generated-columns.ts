/**
 * Generated (computed) columns on PostgreSQL: `GENERATED ALWAYS AS (...)
 * STORED` (PostgreSQL 15 has no VIRTUAL ones), and the row TypeORM keeps for
 * each in `typeorm_metadata` (type GENERATED_COLUMN, the expression as the
 * entity spells it): TypeORM compares that text, not the catalog's deparsed
 * expression, with the entity, and so does Athanor's introspection.
 */
import type { Column } from "../../schema/model";
import { splitTableName } from "../../schema/table-name";
import { isGeneratedColumn } from "../../schema/generated-columns";
import { doBlock, quoteLiteral } from "./quote";
import { createTypeormMetadataTable, TYPEORM_METADATA_TABLE } from "./typeorm-metadata";

export { isGeneratedColumn } from "../../schema/generated-columns";

/** `GENERATED ALWAYS AS (price * 2) STORED` */
export function generatedClause(column: Column): string {
  return `GENERATED ALWAYS AS (${column.asExpression}) STORED`;
}

/** The schema as TypeORM records it: the table's own, or `current_schema()` (TypeORM asks the database too). */
function schemaOf(table: string): string {
  const { schema } = splitTableName(table);
  return schema === undefined ? "current_schema()" : quoteLiteral(schema);
}

function rowCondition(table: string, column: string): string {
  return (
    `"type" = 'GENERATED_COLUMN' AND "database" = current_database() AND "schema" = ${schemaOf(table)} ` +
    `AND "table" = ${quoteLiteral(splitTableName(table).name)} AND "name" = ${quoteLiteral(column)}`
  );
}

/** Record the expression of generated `column` of `table` (nothing for another column). */
export function recordGeneratedColumn(table: string, column: Column): string[] {
  if (!isGeneratedColumn(column)) return [];
  return [
    createTypeormMetadataTable(),
    `INSERT INTO "${TYPEORM_METADATA_TABLE}" ("type", "database", "schema", "table", "name", "value") ` +
      `VALUES ('GENERATED_COLUMN', current_database(), ${schemaOf(table)}, ${quoteLiteral(splitTableName(table).name)}, ` +
      `${quoteLiteral(column.name)}, ${quoteLiteral(column.asExpression!)})`,
  ];
}

/**
 * Remove the record of generated `column` (nothing for another column). The
 * table is created if missing, so this cannot fail on a database whose
 * generated columns were made without TypeORM.
 */
export function forgetGeneratedColumn(table: string, column: Column): string[] {
  if (!isGeneratedColumn(column)) return [];
  return [createTypeormMetadataTable(), `DELETE FROM "${TYPEORM_METADATA_TABLE}" WHERE ${rowCondition(table, column.name)}`];
}

/** The recorded expressions (`schema` null in the default schema). */
export const GENERATED_EXPRESSIONS_QUERY =
  `SELECT NULLIF("schema", current_schema()) AS "schema", "table", "name", "value" FROM "${TYPEORM_METADATA_TABLE}" ` +
  `WHERE "type" = 'GENERATED_COLUMN' AND "database" = current_database()`;

export interface GeneratedExpressionRow {
  schema: string | null;
  table: string;
  name: string;
  value: string | null;
}

/**
 * Keep TypeORM's records in step with a rename of the table or of one of
 * its columns (`column`: [from, to]). Guarded: a database without the table
 * has no records to move.
 */
export function renameGeneratedColumnRecords(table: { from: string; to: string }, column?: [string, string]): string {
  const set = column ? `"name" = ${quoteLiteral(column[1])}` : `"table" = ${quoteLiteral(splitTableName(table.to).name)}`;
  const where =
    `"type" = 'GENERATED_COLUMN' AND "database" = current_database() AND "schema" = ${schemaOf(table.from)} ` +
    `AND "table" = ${quoteLiteral(splitTableName(table.from).name)}` +
    (column ? ` AND "name" = ${quoteLiteral(column[0])}` : "");
  return doBlock(
    `IF to_regclass(${quoteLiteral(`"${TYPEORM_METADATA_TABLE}"`)}) IS NOT NULL THEN ` +
      `UPDATE "${TYPEORM_METADATA_TABLE}" SET ${set} WHERE ${where}; END IF;`,
  );
}
