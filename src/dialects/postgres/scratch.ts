/**
 * A scratch PostgreSQL database for `verify`: created on the configured
 * server under a unique name, reached with the configured credentials, and
 * dropped afterwards. The configured database itself is only used to send
 * CREATE DATABASE / DROP DATABASE, which do not change it.
 */
import { randomBytes } from "node:crypto";
import type { ConnectionOptions, Queryable, ScratchDatabase } from "../dialect";
import { connectionToDatabase, scratchDatabaseName } from "../scratch-connection";
import { quoteIdentifier } from "./quote";

export async function createPostgresScratchDatabase(db: Queryable, options: ConnectionOptions): Promise<ScratchDatabase> {
  const name = scratchDatabaseName(randomBytes(4).toString("hex"));
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
    connection: connectionToDatabase(options, name),
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
