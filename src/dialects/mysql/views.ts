/**
 * Views on MySQL/MariaDB: the view itself, and the row of TypeORM's
 * `typeorm_metadata` table that records its expression, written as TypeORM's
 * MysqlQueryRunner writes it (schema: the current database), so that
 * TypeORM's schema builder finds the view it expects. The table is created
 * if missing (typeorm-metadata.ts).
 *
 * The server rewrites a view's SQL (information_schema.VIEWS holds it with
 * every name qualified by the database, aliases added, `length` turned into
 * `octet_length`), so that text is never compared: as on PostgreSQL and
 * SQLite, the expression TypeORM stored is the comparable form
 * (schema/views.ts), and the join with information_schema.VIEWS only keeps
 * rows whose view still exists.
 */
import type { RenderedOperation } from "../dialect";
import type { View } from "../../schema/model";
import { mysqlExpression } from "./expressions";
import { quoteIdentifier as q, quoteString } from "./quote";
import { CREATE_METADATA_TABLE, METADATA_TABLE } from "./typeorm-metadata";

export function renderCreateView(view: View): RenderedOperation {
  return {
    statements: [
      CREATE_METADATA_TABLE,
      // Identifiers written in double quotes (the entities' portable spelling) become backticked ones.
      `CREATE VIEW ${q(view.name)} AS ${mysqlExpression(view.expression)}`,
      `INSERT INTO ${q(METADATA_TABLE)}(\`database\`, \`schema\`, \`table\`, \`type\`, \`name\`, \`value\`) VALUES (NULL, DATABASE(), NULL, 'VIEW', ${quoteString(view.name)}, ${quoteString(view.expression)})`,
    ],
    notes: [],
  };
}

export function renderDropView(view: View): RenderedOperation {
  return {
    statements: [
      `DELETE FROM ${q(METADATA_TABLE)} WHERE \`type\` = 'VIEW' AND \`name\` = ${quoteString(view.name)} AND \`schema\` = DATABASE()`,
      `DROP VIEW ${q(view.name)}`,
    ],
    notes: [],
  };
}

/**
 * The views TypeORM knows: its typeorm_metadata rows for the current
 * database whose view exists, as its MysqlQueryRunner reads them
 * (loadViews). A view no row records is not Athanor's to change.
 */
export const VIEWS_QUERY = `SELECT t.\`name\` AS name, t.\`value\` AS expression FROM ${q(METADATA_TABLE)} t
  JOIN information_schema.VIEWS v ON v.TABLE_SCHEMA = t.\`schema\` AND v.TABLE_NAME = t.\`name\`
  WHERE t.\`type\` = 'VIEW' AND t.\`schema\` = DATABASE() ORDER BY t.\`name\``;

export interface ViewRow {
  name: string;
  expression: string | null;
}

export function viewsFromRows(rows: readonly ViewRow[]): Record<string, View> {
  const views: Record<string, View> = {};
  for (const row of rows)
    views[String(row.name)] = { name: String(row.name), expression: row.expression === null ? "" : String(row.expression) };
  return views;
}
