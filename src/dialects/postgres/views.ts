/**
 * Views on PostgreSQL: the view itself, and the row of TypeORM's
 * `typeorm_metadata` table that records its expression, written as TypeORM's
 * PostgresQueryRunner writes it (schema: the view's, or `current_schema()`),
 * so that TypeORM's schema builder finds the view it expects. The table is
 * created if missing, with TypeORM's own definition.
 */
import type { RenderedOperation } from "../dialect";
import { createTypeormMetadataTable, TYPEORM_METADATA_TABLE } from "./typeorm-metadata";
import type { View } from "../../schema/model";
import { qualifiedTableName, splitTableName } from "../../schema/table-name";
import { quoteLiteral, quoteTable } from "./quote";

// One definition of TypeORM's table, shared with generated columns.
export const METADATA_TABLE = TYPEORM_METADATA_TABLE;

const CREATE_METADATA_TABLE = createTypeormMetadataTable();

function metadataType(view: View): string {
  return view.materialized ? "MATERIALIZED_VIEW" : "VIEW";
}

function metadataSchema(view: View): string {
  const { schema } = splitTableName(view.name);
  return schema === undefined ? "current_schema()" : quoteLiteral(schema);
}

function materialized(view: View): string {
  return view.materialized ? "MATERIALIZED " : "";
}

export function renderCreateView(view: View): RenderedOperation {
  const { name } = splitTableName(view.name);
  return {
    statements: [
      CREATE_METADATA_TABLE,
      `CREATE ${materialized(view)}VIEW ${quoteTable(view.name)} AS ${view.expression}`,
      `INSERT INTO "${METADATA_TABLE}"("database", "schema", "table", "type", "name", "value") VALUES (DEFAULT, ${metadataSchema(view)}, DEFAULT, ${quoteLiteral(metadataType(view))}, ${quoteLiteral(name)}, ${quoteLiteral(view.expression)})`,
    ],
    notes: [],
  };
}

export function renderDropView(view: View): RenderedOperation {
  const { name } = splitTableName(view.name);
  return {
    statements: [
      `DELETE FROM "${METADATA_TABLE}" WHERE "type" = ${quoteLiteral(metadataType(view))} AND "name" = ${quoteLiteral(name)} AND "schema" = ${metadataSchema(view)}`,
      `DROP ${materialized(view)}VIEW ${quoteTable(view.name)}`,
    ],
    notes: [],
  };
}

/**
 * The columns of TypeORM's typeorm_metadata table where TypeORM puts it (the
 * current schema): none when it does not exist. Views are read only from a
 * table that has the columns TypeORM gives it (hasMetadataColumns).
 */
export const METADATA_COLUMNS_QUERY = `SELECT column_name AS name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = '${METADATA_TABLE}'`;

export function hasMetadataColumns(rows: ReadonlyArray<{ name: string }>): boolean {
  const names = new Set(rows.map((row) => row.name));
  return ["type", "schema", "name", "value"].every((name) => names.has(name));
}

/**
 * The views TypeORM knows: its typeorm_metadata rows whose view exists, as
 * its PostgresQueryRunner reads them (loadViews), in the current schema and
 * those of `$1`. The stored expression is the comparable form
 * (schema/views.ts): PostgreSQL's own definition is deparsed, never what
 * the entity wrote. A view no row records is not Athanor's to change.
 */
export const VIEWS_QUERY = `SELECT CASE WHEN t."schema" = current_schema() THEN NULL ELSE t."schema" END AS view_schema,
  t."name" AS name, t."type" AS type, t."value" AS expression
FROM "${METADATA_TABLE}" t
JOIN pg_namespace n ON n.nspname = t."schema"
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t."name" AND c.relkind IN ('v', 'm')
WHERE t."type" IN ('VIEW', 'MATERIALIZED_VIEW') AND (t."schema" = current_schema() OR t."schema" = ANY($1::text[]))
ORDER BY t."schema", t."name"`;

export interface ViewRow {
  view_schema: string | null;
  name: string;
  type: string;
  expression: string | null;
}

export function viewsFromRows(rows: readonly ViewRow[]): Record<string, View> {
  const views: Record<string, View> = {};
  for (const row of rows) {
    const name = qualifiedTableName(row.view_schema ?? undefined, row.name);
    const view: View = { name, expression: row.expression ?? "" };
    if (row.type === "MATERIALIZED_VIEW") view.materialized = true;
    views[name] = view;
  }
  return views;
}
