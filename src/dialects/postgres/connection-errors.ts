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
      return undefined;
  }
}
