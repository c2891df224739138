/**
 * TypeORM's `typeorm_metadata` table on MySQL/MariaDB: where TypeORM keeps
 * what the catalogs cannot give back verbatim (view definitions,
 * generated-column expressions). Athanor writes the same rows TypeORM's
 * MysqlQueryRunner would (schema: the current database), so TypeORM's own
 * schema builder agrees with a database Athanor migrated. The table is
 * created the way TypeORM's RdbmsSchemaBuilder creates it (same columns and
 * types), by the statements that need it.
 */
import { quoteIdentifier as q } from "./quote";

/** TypeORM's default `metadataTableName`. */
export const METADATA_TABLE = "typeorm_metadata";

/** Idempotent: every statement list that writes or reads a row starts with it. */
export const CREATE_METADATA_TABLE =
  `CREATE TABLE IF NOT EXISTS ${q(METADATA_TABLE)} (` +
  "`type` varchar(255) NOT NULL, `database` varchar(255) NULL, `schema` varchar(255) NULL, " +
  "`table` varchar(255) NULL, `name` varchar(255) NULL, `value` text NULL) ENGINE=InnoDB";

/** Whether typeorm_metadata has the columns TypeORM gives it (a table of that name may be someone else's). */
export function hasMetadataColumns(columns: readonly string[]): boolean {
  return ["type", "schema", "table", "name", "value"].every((name) => columns.includes(name));
}
