import { isConnectTimeout } from "./connect-timeout";

/**
 * PostgreSQL connection failures as sentences a user can act on. The
 * messages never contain the password: they are built from the error code
 * and the credential-free target description.
 */
export function explainPostgresConnectionError(error: unknown, target: string): string | undefined {
  const e = error as { code?: string; message?: string; address?: string; port?: number } | undefined;
  switch (e?.code) {
    case "ECONNREFUSED":
      return `Cannot connect to ${target}: the connection was refused: start the PostgreSQL server, or fix the host and port in the connection settings (DATABASE_URL).`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot connect to ${target}: the host name does not resolve: fix the host in the connection settings (DATABASE_URL).`;
    case "ETIMEDOUT":
      return `Cannot connect to ${target}: the connection timed out: check the host, the port and any firewall in between.`;
    case "28P01":
    case "28000":
      return `Cannot connect to ${target}: the server rejected the user name or password: fix the credentials in the connection settings (DATABASE_URL).`;
    case "3D000":
      return `Cannot connect to ${target}: the database does not exist: create it (createdb), or fix the database name in the connection settings (DATABASE_URL).`;
    default:
      // Before isConnectionLost: node-postgres words it "Connection terminated due to connection timeout".
      if (isConnectTimeout(error)) {
        return `Cannot connect to ${target}: the server did not answer within the connect timeout: check that the host and port are a PostgreSQL server's and that it is up, or give it longer with --connect-timeout <seconds>.`;
      }
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
