/**
 * Which of TypeORM's SQLite drivers a QueryRunner (or DataSource) speaks
 * through: "sqlite" is node sqlite3 (statements on libuv's thread pool),
 * "better-sqlite3" runs them on this thread. Undefined when it cannot be told.
 */
import type { Queryable } from "../dialect";

/** A QueryRunner's DataSource, or a DataSource. */
type Source = { options?: { type?: unknown }; driver?: { databaseConnection?: unknown } };

export function sqliteSourceOf(db: Queryable): Source {
  return (db as { connection?: Source }).connection ?? (db as Source);
}

export function sqliteDriverType(db: Queryable): string | undefined {
  const type = sqliteSourceOf(db).options?.type;
  return typeof type === "string" ? type : undefined;
}
