/**
 * `@ViewEntity` metadata → the model's views. The expression is what
 * TypeORM's schema builder compares and stores in typeorm_metadata: the
 * string trimmed, or the query builder's SQL (`getQuery()`) for an
 * expression given as a function of the DataSource.
 */
import type { DataSource, EntityMetadata } from "typeorm";
import { UsageError } from "../errors";
import type { View } from "../schema/model";

export function isView(metadata: EntityMetadata): boolean {
  return metadata.tableType === "view";
}

export function viewFromEntity(metadata: EntityMetadata, name: string, dataSource: DataSource, materializedViews: boolean): View {
  const sql = expressionOf(metadata, dataSource);
  const view: View = { name, expression: sql };
  // TypeORM makes a plain view where the database has no materialized ones (SQLite).
  if (materializedViews && metadata.tableMetadataArgs.materialized) view.materialized = true;
  return view;
}

/** The SQL TypeORM would store for the view; a missing or failing expression is the user's to fix. */
function expressionOf(metadata: EntityMetadata, dataSource: DataSource): string {
  const expression = metadata.expression;
  const entity = metadata.targetName || metadata.name;
  if (typeof expression === "function") {
    let sql: unknown;
    try {
      sql = expression(dataSource).getQuery();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UsageError(
        `The expression of view entity ${entity} failed: ${message}: fix the function given as expression in its @ViewEntity and run again.`,
      );
    }
    if (typeof sql === "string" && sql.trim() !== "") return sql;
  } else if (typeof expression === "string" && expression.trim() !== "") {
    return expression.trim();
  }
  throw new UsageError(
    `View entity ${entity} has no expression: give its @ViewEntity an expression, SQL text or a function of the DataSource returning a query builder.`,
  );
}
