/**
 * A signal stops `run`: interrupt the statement in flight where the driver
 * can. node sqlite3 runs statements on a worker thread, and its
 * `interrupt()` makes the running one fail with SQLITE_INTERRUPT; on one
 * the worker has not started yet it does nothing (SQLite clears it when a
 * statement starts with none running), so the runner asks again until the
 * statement is answered (Dialect.cancelLostBeforeStart).
 * better-sqlite3 runs them on the main thread, so the signal is only seen
 * once the statement returns and the event loop turns, which the runner
 * lets it do before the next statement (Dialect.answersOnThisThread); it
 * stops there.
 */
import type { Queryable, StatementCanceller } from "../dialect";
import { sqliteDriverType } from "./driver-type";

export async function sqliteStatementCanceller(db: Queryable): Promise<StatementCanceller> {
  const connection = (db as { connection?: { driver?: { databaseConnection?: { interrupt?(): void } } } }).connection?.driver
    ?.databaseConnection;
  return async () => {
    if (typeof connection?.interrupt === "function") connection.interrupt();
  };
}

/** better-sqlite3 (TypeORM's driver for it, and SQLite's only one under TypeORM 1.x) answers on the main thread. */
export function sqliteAnswersOnThisThread(db: Queryable): boolean {
  return sqliteDriverType(db) === "better-sqlite3";
}
