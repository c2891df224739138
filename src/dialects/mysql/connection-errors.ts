/** mysql2's connection errors → one sentence a user can act on. */

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

/** A data check's SIGNAL (data-check.ts) carries its sentence as the message: shown as it is. */
export function mysqlDataCheckFailure(error: unknown): string | undefined {
  const e = error as { sqlState?: string; code?: string; sqlMessage?: string };
  return e?.sqlState === "45000" && e.code === "ER_SIGNAL_EXCEPTION" ? e.sqlMessage : undefined;
}
