/**
 * Executing one Operation on a live connection: pick the dialect from the
 * connection's type, give it the current schema when it needs one (SQLite
 * rebuilds), render, run each statement on the same query runner so it joins
 * the runner's transaction.
 *
 * Offline (`run --sql`, `show`), the query runner is a recorder carrying a
 * schema model: that model stands in for introspection, and the statements
 * are recorded instead of run.
 */
import { findDialect, supportedDatabaseTypes } from "../dialects";
import type { Queryable } from "../dialects/dialect";
import type { Schema } from "../schema/model";
import type { Operation } from "./operations";
import { resolveOnline, type OnlineOptions } from "./online";
import { runRendered } from "./run-rendered";

/** The part of TypeORM's QueryRunner that migrations need. */
export interface MigrationQueryRunner extends Queryable {
  connection: { options: { type: string; migrationsTableName?: string } };
  /**
   * Present only on the recording query runner of offline SQL
   * (runner/recording-query-runner.ts): operations then render against its
   * schema model instead of introspecting a database, and are recorded, not
   * executed.
   */
  athanorOffline?: OfflineRecorder;
}

/** What offline SQL gives an operation in place of a live database. */
export interface OfflineRecorder {
  /** The schema just before `operation` (throws when offline mode cannot know it). */
  schemaBefore(operation: Operation): Schema;
  /** Record `operation`, rendered as `statements`, and replay it on the model. */
  record(operation: Operation, statements: string[]): void;
}

export async function executeOperation(
  queryRunner: MigrationQueryRunner,
  operation: Operation,
  options?: OnlineOptions,
): Promise<void> {
  const online = resolveOnline(options);
  const type = queryRunner.connection.options.type;
  const dialect = findDialect(type);
  if (!dialect) {
    throw new Error(
      `Athanor cannot run operations on a "${type}" database; supported: ${supportedDatabaseTypes().join(", ")}.`,
    );
  }
  const migrationsTable = queryRunner.connection.options.migrationsTableName ?? "migrations";
  const offline = queryRunner.athanorOffline;
  const schema = !dialect.needsSchema(operation)
    ? undefined
    : offline
      ? offline.schemaBefore(operation)
      : await dialect.introspect(queryRunner, { exclude: [migrationsTable] });
  const rendered = dialect.render(operation, { schema, online });
  if (offline) return offline.record(operation, rendered.statements);
  await runRendered(queryRunner, rendered);
}
