/**
 * Errors raised by a migration's statements that deserve a sentence of
 * their own. A tripped lock_timeout (SQLSTATE 55P03) is not a broken
 * migration: another session held a lock the statement needed. A lost
 * connection is not one either: the server restarted or ended the session.
 */
import { isConnectionLost } from "./connection-errors";


/** SQLSTATE lock_not_available: lock_timeout tripped, or a NOWAIT lock was busy. */
const LOCK_NOT_AVAILABLE = "55P03";

function firstLine(sql: string, max = 120): string {
  const line = sql.trim().split("\n")[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function explainPostgresMigrationError(error: unknown): string | undefined {
  const e = error as { code?: string; query?: string; driverError?: { code?: string } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  if (isConnectionLost(error)) {
    return (
      "the connection to PostgreSQL was lost while it ran (the server restarted, or the session was terminated), " +
      "and PostgreSQL discards what a lost session had not committed: run again once the server accepts connections"
    );
  }
  if (code !== LOCK_NOT_AVAILABLE) return undefined;
  const statement = e?.query ? `\`${firstLine(e.query)}\`` : "a statement";
  return (
    `${statement} waited longer than lock_timeout for a lock that another session holds on its table: ` +
    `find that session in pg_stat_activity (or wait for it to finish), then run again — ` +
    `the online form of each operation is safe to re-run — or raise lockTimeout in the migration's online options.`
  );
}
