/**
 * The parts of a TypeORM query runner (0.3 and 1.x, every driver) that a
 * dialect reads when it sends statements past TypeORM's own `query` (the
 * dialects' sendList): the connection underneath, the DataSource's logger,
 * and the broadcaster that tells its subscribers (beforeQuery, afterQuery).
 */
import type { Queryable } from "./dialect";

export interface TypeOrmQueryRunner extends Queryable {
  connect?(): Promise<unknown>;
  isReleased?: boolean;
  /** 0.3's name for the DataSource; 1.x has both. */
  connection?: TypeOrmDataSource;
  dataSource?: TypeOrmDataSource;
  broadcaster?: { broadcast?(event: string, ...args: unknown[]): Promise<void> };
}

export interface TypeOrmDataSource {
  options?: { type?: string };
  logger?: {
    logQuery?(query: string, parameters: unknown[] | undefined, queryRunner: unknown): unknown;
    logQueryError?(error: unknown, query: string, parameters: unknown[] | undefined, queryRunner: unknown): unknown;
  };
}

/**
 * Send `sql`, a list of `statements` joined, past TypeORM's `query`, doing
 * for each statement what that `query` does around one: the DataSource's
 * logger and its query subscribers (beforeQuery, afterQuery) hear of every
 * statement, as they did one query at a time. A failure carries the list as
 * its `query`, as TypeORM's QueryFailedError does (what a failure report
 * names as the failing statement). `resultOf` gives a statement's result
 * for afterQuery, where the driver answers one per statement.
 */
export async function sendAsTypeOrmWould<T>(
  runner: TypeOrmQueryRunner,
  statements: readonly string[],
  sql: string,
  send: () => Promise<T>,
  resultOf: (answer: T, index: number) => unknown = () => undefined,
): Promise<T> {
  const dataSource = runner.dataSource ?? runner.connection;
  for (const statement of statements) {
    dataSource?.logger?.logQuery?.(statement, undefined, runner);
    await runner.broadcaster?.broadcast?.("BeforeQuery", statement, undefined);
  }
  const started = Date.now();
  let answer: T;
  try {
    answer = await send();
  } catch (error) {
    dataSource?.logger?.logQueryError?.(error, sql, undefined, runner);
    for (const statement of statements) {
      await runner.broadcaster?.broadcast?.("AfterQuery", statement, undefined, false, undefined, undefined, error);
    }
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { query: sql });
  }
  const ms = Date.now() - started;
  for (const [i, statement] of statements.entries()) {
    await runner.broadcaster?.broadcast?.("AfterQuery", statement, undefined, true, ms, resultOf(answer, i), undefined);
  }
  return answer;
}
