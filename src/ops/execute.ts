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
import { needsOwnTransaction, runRendered } from "./run-rendered";

/** What a query runner's DataSource tells an operation. */
interface DataSourceFacts {
  options: { type: string; migrationsTableName?: string };
}

/**
 * The part of TypeORM's QueryRunner that migrations need. TypeORM 1.x names
 * the owning DataSource `dataSource` (and keeps `connection` as a deprecated
 * alias); 0.3 has only `connection`.
 */
export interface MigrationQueryRunner extends Queryable {
  dataSource?: DataSourceFacts;
  connection?: DataSourceFacts;
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
  const { options: dataSourceOptions } = (queryRunner.dataSource ?? queryRunner.connection)!;
  const type = dataSourceOptions.type;
  const dialect = findDialect(type);
  if (!dialect) {
    throw new Error(
      `Athanor cannot run operations on a "${type}" database; supported: ${supportedDatabaseTypes().join(", ")}.`,
    );
  }
  const migrationsTable = dataSourceOptions.migrationsTableName ?? "migrations";
  const offline = queryRunner.athanorOffline;
  const schema = !dialect.needsSchema(operation)
    ? undefined
    : offline
      ? offline.schemaBefore(operation)
      : await dialect.introspect(queryRunner, { exclude: [migrationsTable] });
  const rendered = dialect.render(operation, { schema, online });
  if (offline) {
    const statements = needsOwnTransaction(queryRunner, rendered) ? ["BEGIN", ...rendered.statements, "COMMIT"] : rendered.statements;
    return offline.record(operation, statements);
  }
  await runRendered(queryRunner, rendered);
}
