/**
 * The DataSource options that reach another database on the configured
 * server with the configured credentials: what a scratch database for
 * `verify` is connected with (PostgreSQL, MySQL/MariaDB). TypeORM lets `url`
 * win over `database`, and `replication.master` over both, so each is
 * rewritten.
 */
import { withDatabaseName } from "./connection-url";
import type { ConnectionOptions } from "./dialect";

export function connectionToDatabase(options: ConnectionOptions, database: string): Record<string, unknown> {
  const replication = options.replication as { master?: Record<string, unknown> } | undefined;
  const base = replication?.master ?? options;
  const connection: Record<string, unknown> = { ...(replication ? serverOf(base) : {}), replication: undefined, database };
  // Also for a URL without a host (a Unix socket named by ?host=), which URL() refuses.
  if (typeof base.url === "string") connection.url = withDatabaseName(base.url, database);
  return connection;
}

/** Where the replication master is and who connects to it (MySQL may name a socket instead of a host). */
function serverOf(master: Record<string, unknown>): Record<string, unknown> {
  const { host, port, username, password, url, ssl, socketPath } = master as any;
  return { host, port, username, password, url, ssl, socketPath };
}

/** A database name no other verify on the server picks: time and random bytes. */
export function scratchDatabaseName(random: string): string {
  return `athanor_verify_${Date.now().toString(36)}_${random}`;
}
