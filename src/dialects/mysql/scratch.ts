/**
 * A scratch MySQL/MariaDB database for `verify`: created on the configured
 * server under a unique name, with the configured database's character set
 * and collation (what the migrations' tables inherit there), reached with the
 * configured credentials, and dropped afterwards. The configured database
 * itself only answers SELECTs and carries CREATE/DROP DATABASE, which do not
 * change it.
 */
import { randomBytes } from "node:crypto";
import type { ConnectionOptions, Queryable, ScratchDatabase } from "../dialect";
import { DatabaseError, redact } from "../../errors";
import { connectionToDatabase, scratchDatabaseName } from "../scratch-connection";
import { quoteIdentifier, quoteString } from "./quote";

/** What the server answers a user lacking the privilege (ER_DBACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR). */
const ACCESS_DENIED = new Set([1044, 1227, 1045]);

export async function createMysqlScratchDatabase(db: Queryable, options: ConnectionOptions): Promise<ScratchDatabase> {
  const name = scratchDatabaseName(randomBytes(4).toString("hex"));
  const [defaults] = await db.query(
    "SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS `collation` FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
  );
  const like = defaults ? ` CHARACTER SET ${quoteString(defaults.charset)} COLLATE ${quoteString(defaults.collation)}` : "";
  try {
    await db.query(`CREATE DATABASE ${quoteIdentifier(name)}${like}`);
  } catch (error) {
    if (!ACCESS_DENIED.has(errnoOf(error))) throw error;
    throw new DatabaseError(await missingPrivilege(db, name, error));
  }
  return {
    connection: connectionToDatabase(options, name),
    description: `temporary ${options.type === "mariadb" ? "MariaDB" : "MySQL"} database ${name} (dropped afterwards)`,
    async drop() {
      await db.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    },
  };
}

/** The sentence for a user the server does not let create the scratch database: the GRANT that lets it, or the other way. */
async function missingPrivilege(db: Queryable, name: string, error: unknown): Promise<string> {
  const grantee = await currentUser(db);
  return (
    `Could not create the scratch database ${name} for verify: the server refused (${redact(messageOf(error))}). ` +
    `Verify runs the migrations on a database of its own, created and dropped on the same server: ` +
    `let the user create such databases (as an administrator: GRANT ALL PRIVILEGES ON \`athanor\\_verify\\_%\`.* TO ${grantee}), ` +
    `or run verify with a DataSource (--dataSource, or DATABASE_URL) whose user may create databases.`
  );
}

/** 'app'@'%' as GRANT names the connected account, or the placeholder when the server does not say. */
async function currentUser(db: Queryable): Promise<string> {
  try {
    const [row] = await db.query("SELECT CURRENT_USER() AS account");
    const account = String(row?.account ?? "");
    const at = account.lastIndexOf("@");
    if (at > 0) return `${quoteString(account.slice(0, at))}@${quoteString(account.slice(at + 1))}`;
  } catch {
    // The sentence is still right with a placeholder.
  }
  return "'user'@'host'";
}

/** mysql2's errno, on the error itself or on the driver error TypeORM wraps. */
function errnoOf(error: unknown): number {
  const e = error as { errno?: number; driverError?: { errno?: number } } | undefined;
  return Number(e?.errno ?? e?.driverError?.errno ?? 0);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
