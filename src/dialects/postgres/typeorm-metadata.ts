/**
 * TypeORM's `typeorm_metadata` table on PostgreSQL: where TypeORM keeps what
 * the catalogs cannot give back verbatim (generated-column expressions, view
 * definitions). Athanor writes the same rows TypeORM would, so TypeORM's own
 * schema builder agrees with a database Athanor migrated. The table is
 * created the way TypeORM's RdbmsSchemaBuilder creates it (same columns and
 * types), by the statements that need it.
 */
import { quoteLiteral } from "./quote";

/** TypeORM's default `metadataTableName`. */
export const TYPEORM_METADATA_TABLE = "typeorm_metadata";

/** Idempotent: every statement list that writes a row starts with it. */
export function createTypeormMetadataTable(): string {
  return (
    `CREATE TABLE IF NOT EXISTS "${TYPEORM_METADATA_TABLE}" (` +
    `"type" character varying NOT NULL, "database" character varying, "schema" character varying, ` +
    `"table" character varying, "name" character varying, "value" text)`
  );
}

/** Whether the table exists where unqualified names resolve (`exists`: boolean). */
export const TYPEORM_METADATA_EXISTS_QUERY = `SELECT to_regclass(${quoteLiteral(`"${TYPEORM_METADATA_TABLE}"`)}) IS NOT NULL AS "exists"`;
