/**
 * Several statements in one call to the driver (Dialect.sendList). node
 * sqlite3 runs each `query` as two trips to its worker thread (prepare,
 * then step) and its `exec` runs a whole list in one; better-sqlite3 runs
 * on the calling thread, where `exec` spares only the prepared statements.
 * TypeORM's `query` logs each statement and tells the DataSource's
 * subscribers (beforeQuery, afterQuery) before and after it: done here too,
 * so a user's `logging` and subscribers see what they saw one query at a
 * time. Where the connection has no `exec` (another driver), one `query`
 * per statement.
 */
import type { Queryable } from "../dialect";
import { sendAsTypeOrmWould, type TypeOrmQueryRunner } from "../typeorm-query-runner";
import { sqliteDriverType } from "./driver-type";

interface ExecConnection {
  exec(sql: string, callback?: (error: Error | null) => void): unknown;
}

export async function sendSqliteList(db: Queryable, statements: readonly string[]): Promise<void> {
  const runner = db as TypeOrmQueryRunner;
  const connection = runner.isReleased ? undefined : ((await runner.connect?.()) as Partial<ExecConnection> | undefined);
  const type = sqliteDriverType(db);
  if (typeof connection?.exec !== "function" || (type !== "sqlite" && type !== "better-sqlite3")) {
    for (const sql of statements) await db.query(sql);
    return;
  }
  const exec = connection as ExecConnection;
  const sql = statements.join(";\n");
  await sendAsTypeOrmWould(runner, statements, sql, async () => {
    if (type === "better-sqlite3") exec.exec(sql);
    else await new Promise<void>((resolve, reject) => exec.exec(sql, (error) => (error ? reject(error) : resolve())));
  });
}
