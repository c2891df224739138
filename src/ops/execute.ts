/**
 * Executing one Operation on a live connection: pick the dialect from the
 * connection's type, give it the current schema when it needs one (SQLite
 * rebuilds), render, run each statement on the same query runner so it joins
 * the runner's transaction.
 */
import { findDialect, supportedDatabaseTypes } from "../dialects";
import type { Queryable } from "../dialects/dialect";
import type { Operation } from "./operations";

/** The part of TypeORM's QueryRunner that migrations need. */
export interface MigrationQueryRunner extends Queryable {
  connection: { options: { type: string; migrationsTableName?: string } };
}

export async function executeOperation(queryRunner: MigrationQueryRunner, operation: Operation): Promise<void> {
  const type = queryRunner.connection.options.type;
  const dialect = findDialect(type);
  if (!dialect) {
    throw new Error(
      `Athanor cannot run operations on a "${type}" database; supported: ${supportedDatabaseTypes().join(", ")}.`,
    );
  }
  const migrationsTable = queryRunner.connection.options.migrationsTableName ?? "migrations";
  const schema = dialect.needsSchema(operation)
    ? await dialect.introspect(queryRunner, { exclude: [migrationsTable] })
    : undefined;
  const { statements } = dialect.render(operation, { schema });
  for (const sql of statements) await queryRunner.query(sql);
}
