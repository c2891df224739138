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
import type { TransactionControl } from "../dialects/dialect";
import type { MigrationQueryRunner } from "../dialects/migration-query-runner";
import type { Operation } from "../ops/operations";
import { resolveOnline, type OnlineOptions } from "../ops/online";
import { needsOwnTransaction, runRendered } from "./run-rendered";

export async function executeOperation(queryRunner: MigrationQueryRunner, operation: Operation, options?: OnlineOptions): Promise<void> {
  const steps = queryRunner.athanorSteps;
  if (steps && !steps.starting(operation, options)) return;
  await renderAndRun(queryRunner, operation, options);
  await steps?.finished(operation);
}

async function renderAndRun(queryRunner: MigrationQueryRunner, operation: Operation, options?: OnlineOptions): Promise<void> {
  const online = resolveOnline(options);
  const { options: dataSourceOptions } = (queryRunner.dataSource ?? queryRunner.connection)!;
  const type = dataSourceOptions.type;
  const registered = findDialect(type);
  if (!registered) {
    throw new Error(`Athanor cannot run operations on a "${type}" database; supported: ${supportedDatabaseTypes().join(", ")}.`);
  }
  const migrationsTable = dataSourceOptions.migrationsTableName ?? "migrations";
  const offline = queryRunner.athanorOffline;
  // Offline renders for the script's dialect; live, for the server behind the connection (read once per connection).
  const dialect = offline ? (offline.dialect ?? registered) : ((await registered.forServer?.(queryRunner)) ?? registered);
  const schema = !dialect.needsSchema(operation)
    ? undefined
    : offline
      ? offline.schemaBefore(operation)
      : await dialect.introspect(queryRunner, { exclude: [migrationsTable] });
  // Online forms that commit as they go cannot run in the runner's transaction (offline: the script's).
  const inTransaction = (queryRunner as MigrationQueryRunner & TransactionControl).isTransactionActive === true;
  const asRendered = dialect.render(operation, { schema, online, inTransaction });
  // Where every DDL statement commits (MySQL) a transaction of its own would
  // promise a rollback it cannot give: the statements run one by one.
  const rendered = dialect.transactionalDDL ? asRendered : { ...asRendered, outsideTransaction: true };
  if (offline) {
    const statements = needsOwnTransaction(queryRunner, rendered) ? ["BEGIN", ...rendered.statements, "COMMIT"] : rendered.statements;
    return offline.record(operation, statements);
  }
  await runRendered(queryRunner, rendered);
}
