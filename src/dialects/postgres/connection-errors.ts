/**
 * PostgreSQL connection failures as sentences a user can act on. The
 * messages never contain the password: they are built from the error code
 * and the credential-free target description.
 */
export function explainPostgresConnectionError(error: unknown, target: string): string | undefined {
  const e = error as { code?: string; message?: string; address?: string; port?: number } | undefined;
  switch (e?.code) {
    case "ECONNREFUSED":
      return `Cannot connect to ${target}: the connection was refused. Is the PostgreSQL server running, and are the host and port in DATABASE_URL right?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot connect to ${target}: the host name does not resolve. Check the host in DATABASE_URL.`;
    case "ETIMEDOUT":
      return `Cannot connect to ${target}: the connection timed out. Check the host, port and any firewall.`;
    case "28P01":
    case "28000":
      return `Cannot connect to ${target}: the server rejected the user name or password. Check the credentials in DATABASE_URL.`;
    case "3D000":
      return `Cannot connect to ${target}: the database does not exist. Create it (createdb) or fix the database name in DATABASE_URL.`;
    default:
      if (isConnectionLost(error)) {
        return `The connection to ${target} was lost (the server restarted, or the session was terminated): run again once the server accepts connections.`;
      }
      return undefined;
  }
}

/**
 * SQLSTATEs of a session the server ended (admin_shutdown, crash_shutdown,
 * cannot_connect_now, connection_failure, connection_does_not_exist) and the
 * socket errors of a connection that broke.
 */
const CONNECTION_LOST_CODES = new Set(["57P01", "57P02", "57P03", "08006", "08003", "ECONNRESET", "EPIPE"]);

/** Whether `error` says the connection to the server is gone (a restart, pg_terminate_backend, a network cut). */
export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string; message?: string } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  if (code && CONNECTION_LOST_CODES.has(code)) return true;
  // TypeORM releases a query runner whose connection broke while idle (the
  // pool's error event); its next query then fails with this error.
  if ((error as { name?: string } | undefined)?.name === "QueryRunnerAlreadyReleasedError") return true;
  // node-postgres reports a socket closed under it without a code.
  const message = e?.message ?? e?.driverError?.message ?? "";
  return /Connection terminated|connection error and is not queryable|server closed the connection/i.test(message);
}
