/**
 * A scratch PostgreSQL database for `verify`: created on the configured
 * server under a unique name, reached with the configured credentials, and
 * dropped afterwards. The configured database itself is only used to send
 * CREATE DATABASE / DROP DATABASE, which do not change it.
 */
import { withDatabaseName } from "../../config/connection-url";
import { randomBytes } from "node:crypto";
import type { ConnectionOptions, Queryable, ScratchDatabase } from "../dialect";
import { quoteIdentifier } from "./quote";

export async function createPostgresScratchDatabase(db: Queryable, options: ConnectionOptions): Promise<ScratchDatabase> {
  const name = `athanor_verify_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  try {
    await db.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `creating database ${name} failed (${message}); verify needs a user allowed to create databases (ALTER ROLE … CREATEDB)`,
      { cause: error },
    );
  }
  const schema = typeof options.schema === "string" ? options.schema : undefined;
  return {
    connection: connectionTo(options, name),
    description: `temporary PostgreSQL database ${name} (dropped afterwards)`,
    async prepare(scratch) {
      // Migrations expect the DataSource's schema to exist, as it did in the
      // configured database before the first migration.
      if (schema && schema !== "public") await scratch.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    },
    async drop() {
      try {
        await db.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
      } catch {
        // A connection the pool has not closed yet: PostgreSQL 13+ can end it.
        await db.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      }
    },
  };
}

/**
 * The DataSource options that reach `database` instead of the configured
 * one. TypeORM lets `url` win over `database`, and `replication.master`
 * over both, so each is rewritten.
 */
function connectionTo(options: ConnectionOptions, database: string): Record<string, unknown> {
  const replication = options.replication as { master?: Record<string, unknown> } | undefined;
  const base = replication?.master ?? options;
  const connection: Record<string, unknown> = { ...(replication ? pick(base) : {}), replication: undefined, database };
  if (typeof base.url === "string") connection.url = withDatabase(base.url, database);
  return connection;
}

function pick(master: Record<string, unknown>): Record<string, unknown> {
  const { host, port, username, password, url, ssl } = master as any;
  return { host, port, username, password, url, ssl };
}

function withDatabase(url: string, database: string): string {
  // Also for a URL without a host (a Unix socket named by ?host=), which URL() refuses.
  return withDatabaseName(url, database);
}
