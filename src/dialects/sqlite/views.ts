/**
 * Views on SQLite: the view itself, and the row of TypeORM's
 * `typeorm_metadata` table that records its expression, written as TypeORM's
 * SQLite query runner writes it, so that TypeORM's schema builder finds the
 * view it expects. The table is created if missing, with TypeORM's own
 * definition. SQLite has no materialized views (TypeORM makes plain ones).
 */
import type { RenderedOperation } from "../dialect";
import { createTypeormMetadataTable, TYPEORM_METADATA_TABLE } from "./typeorm-metadata";
import type { View } from "../../schema/model";
import { quoteIdentifier as q, quoteString } from "./quote";

// One definition of TypeORM's table, shared with generated columns.
export const METADATA_TABLE = TYPEORM_METADATA_TABLE;

const CREATE_METADATA_TABLE = createTypeormMetadataTable();

export function renderCreateView(view: View): RenderedOperation {
  return {
    statements: [
      CREATE_METADATA_TABLE,
      `CREATE VIEW ${q(view.name)} AS ${view.expression}`,
      `INSERT INTO "${METADATA_TABLE}"("database", "schema", "table", "type", "name", "value") VALUES (NULL, NULL, NULL, 'VIEW', ${quoteString(view.name)}, ${quoteString(view.expression)})`,
    ],
    notes: [],
  };
}

export function renderDropView(view: View): RenderedOperation {
  return {
    statements: [
      `DELETE FROM "${METADATA_TABLE}" WHERE "type" = 'VIEW' AND "name" = ${quoteString(view.name)}`,
      `DROP VIEW ${q(view.name)}`,
    ],
    notes: [],
  };
}

/**
 * The views TypeORM knows: its typeorm_metadata rows whose view exists, as
 * its SQLite query runner reads them (loadViews). The stored expression is
 * the comparable form (schema/views.ts); a view no row records is not
 * Athanor's to change.
 */
export const VIEWS_QUERY = `SELECT t.name AS name, t.value AS expression FROM "${METADATA_TABLE}" t
JOIN sqlite_master s ON s.name = t.name AND s.type = 'view' WHERE t.type = 'VIEW' ORDER BY t.name`;

/** Whether typeorm_metadata has the columns TypeORM gives it (a table of that name may be someone else's). */
export function hasMetadataColumns(columns: readonly string[]): boolean {
  return ["type", "name", "value"].every((name) => columns.includes(name));
}

export interface ViewRow {
  name: string;
  expression: string | null;
}

export function viewsFromRows(rows: readonly ViewRow[]): Record<string, View> {
  const views: Record<string, View> = {};
  for (const row of rows) views[row.name] = { name: row.name, expression: row.expression ?? "" };
  return views;
}
