/**
 * `run --backup` on PostgreSQL: `pg_dump -Fc` of the database to a
 * timestamped file beside the project (or in `--backup-dir`), checked with
 * `pg_restore --list` before any migration runs. A missing pg_dump or
 * pg_restore, or one older than the server, refuses the run (exit 2) before
 * anything is dumped: a user who asked for a backup must not get a migration
 * without one. The connection goes through the environment, never the
 * command line.
 */
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseError } from "../../errors";
import type { BackupOptions, BackupResult, Queryable } from "../dialect";
import { requireClientTool, runTool, serverMajorVersion, toolConnection } from "./client-tools";

const REFUSED = "so nothing was migrated (or run without --backup)";

export async function backupPostgres(db: Queryable, options: BackupOptions): Promise<BackupResult> {
  const major = await serverMajorVersion(db);
  // Both tools first: a dump that cannot be checked (or restored) is not a backup.
  const pgDump = await requireClientTool("pg_dump", major, REFUSED);
  const pgRestore = await requireClientTool("pg_restore", major, REFUSED);
  const connection = toolConnection(options.connection);
  const directory = options.directory ?? options.projectDir;
  mkdirSync(directory, { recursive: true });
  const stamp = options.at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.(\d+)Z$/, ".$1Z");
  const location = join(directory, `${safeFileName(connection.database)}-${stamp}.dump`);
  if (existsSync(location)) throw new DatabaseError(`The backup file ${location} exists already, so nothing was migrated: run again.`);
  try {
    await runTool(pgDump.path, ["--format=custom", "--no-password", `--file=${location}`], connection.env, connection.secrets);
    const listed = await runTool(pgRestore.path, ["--list", location], connection.env, connection.secrets);
    if (!/^; Archive created at/m.test(listed.stdout) || statSync(location).size === 0) {
      throw new DatabaseError(`pg_restore --list cannot read the dump ${location}, so nothing was migrated: check the disk and run again.`);
    }
  } catch (error) {
    rmSync(location, { force: true });
    if (error instanceof DatabaseError) {
      throw new DatabaseError(`Could not back up the database, so nothing was migrated: ${error.message.replace(/[.\s]*$/, "")}.`);
    }
    throw error;
  }
  return { taken: true, location };
}

/** A database name as part of a file name: no path separators or shell-unfriendly characters. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_") || "database";
}
