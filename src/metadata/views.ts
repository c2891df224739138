/**
 * `@ViewEntity` metadata → the model's views. The expression is what
 * TypeORM's schema builder compares and stores in typeorm_metadata: the
 * string trimmed, or the query builder's SQL (`getQuery()`) for an
 * expression given as a function of the DataSource.
 */
import type { DataSource, EntityMetadata } from "typeorm";
import type { View } from "../schema/model";

export function isView(metadata: EntityMetadata): boolean {
  return metadata.tableType === "view";
}

export function viewFromEntity(
  metadata: EntityMetadata,
  name: string,
  dataSource: DataSource,
  materializedViews: boolean,
): View {
  const expression = metadata.expression;
  const sql = typeof expression === "function" ? expression(dataSource).getQuery() : (expression ?? "").trim();
  const view: View = { name, expression: sql };
  // TypeORM makes a plain view where the database has no materialized ones (SQLite).
  if (materializedViews && metadata.tableMetadataArgs.materialized) view.materialized = true;
  return view;
}
