/**
 * TypeORM's `typeorm_metadata` table on SQLite: where TypeORM keeps what it
 * cannot read back from the schema (generated-column expressions, view
 * definitions). Athanor writes the same rows TypeORM would, so TypeORM's own
 * schema builder agrees with a database Athanor migrated. The table is
 * created the way TypeORM's RdbmsSchemaBuilder creates it (same columns and
 * types), by the statements that need it.
 */

/** TypeORM's default `metadataTableName`. */
export const TYPEORM_METADATA_TABLE = "typeorm_metadata";

/** Idempotent: every statement list that writes a row starts with it. */
export function createTypeormMetadataTable(): string {
  return (
    `CREATE TABLE IF NOT EXISTS "${TYPEORM_METADATA_TABLE}" (` +
    `"type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`
  );
}
