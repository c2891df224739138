/**
 * Errors raised by a migration's statements that deserve a sentence of
 * their own. A tripped lock_timeout (SQLSTATE 55P03) is not a broken
 * migration: another session held a lock the statement needed. A lost
 * connection is not one either: the server restarted or ended the session.
 * Running out of lock slots is not one: the migration is large for one
 * transaction on this server's settings.
 */
import { isConnectionLost } from "./connection-errors";

/** SQLSTATE lock_not_available: lock_timeout tripped, or a NOWAIT lock was busy. */
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * SQLSTATE out_of_memory; with "shared memory" in the message it is the lock
 * table that is full (PostgreSQL's own hint names max_locks_per_transaction).
 */
const OUT_OF_MEMORY = "53200";

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
  if (code === OUT_OF_MEMORY && /shared memory/i.test(String((error as Error)?.message))) {
    // A transaction keeps a lock on every table, index, sequence and type it
    // creates or alters until it commits; the server's lock table holds about
    // max_locks_per_transaction × max_connections of them (64 × 100 by default),
    // so an initial migration of a thousand tables does not fit.
    return (
      "the transaction needed more locks than PostgreSQL's lock table holds " +
      "(it keeps one on every table, index, sequence and type it creates or alters until it commits, " +
      "and the server holds about max_locks_per_transaction × max_connections of them): " +
      "raise max_locks_per_transaction in postgresql.conf and restart the server, split the migration into smaller ones, " +
      "or, on a database nothing else uses yet, run it with --transaction none (a failure part-way then leaves what ran)"
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
