/** mysql2's connection errors → one sentence a user can act on. */
import { portableDataCheckFailure } from "./data-check";

export function explainMysqlConnectionError(error: unknown, target: string): string | undefined {
  const { code: given, errno } = (error ?? {}) as { code?: string; errno?: number };
  // MariaDB answers a wrong password with ER_ACCESS_DENIED_ERROR or one of its variants (errno 1045, 1698).
  const code = errno === 1045 || errno === 1698 || /^ER_ACCESS_DENIED/.test(given ?? "") ? "ER_ACCESS_DENIED_ERROR" : given;
  switch (code) {
    case "ECONNREFUSED":
      return `Cannot connect to ${target}: nothing answers there; start the MySQL/MariaDB server or fix the host and port.`;
    case "ER_ACCESS_DENIED_ERROR":
      return `Cannot connect to ${target}: the server refused the user name or password; check the credentials in the connection URL.`;
    case "ER_BAD_DB_ERROR":
      return `Cannot connect to ${target}: the database does not exist; create it (CREATE DATABASE) or fix the database name.`;
    case "ETIMEDOUT":
      return `Cannot connect to ${target}: the server did not answer in time; check the host and port, and that a firewall lets the connection through.`;
    default:
      return undefined;
  }
}

/**
 * A data check (data-check.ts) that stopped a migration: MariaDB's SIGNAL
 * carries its sentence as the message; MySQL's portable form fails with
 * "Subquery returns more than 1 row" and the sentence is read from its statement.
 */
export function mysqlDataCheckFailure(error: unknown): string | undefined {
  const e = error as { sqlState?: string; code?: string; sqlMessage?: string };
  if (e?.sqlState === "45000" && e.code === "ER_SIGNAL_EXCEPTION") return e.sqlMessage;
  return portableDataCheckFailure(error);
}
