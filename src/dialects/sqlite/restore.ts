/**
 * `athanor restore <file>` on SQLite: the backup (a database file that
 * `run --backup` wrote with VACUUM INTO) replaces the database file. Copied
 * beside it first and renamed over it, so the database is the old one or
 * the restored one, never half of each. The old file's journal and WAL are
 * removed before the rename: SQLite would replay them into the restored
 * file. Every connection of Athanor's is closed by then; the confirmation
 * asks the user to stop the others.
 */
import { closeSync, copyFileSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import { UsageError } from "../../errors";
import type { Queryable, RestoreOptions } from "../dialect";

const HEADER = "SQLite format 3\u0000";

/** A usage error unless `file` is a SQLite database. */
export function checkSqliteBackup(file: string): void {
  const buffer = Buffer.alloc(HEADER.length);
  let read: number;
  try {
    const fd = openSync(file, "r");
    try {
      read = readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new UsageError(
      `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}), so nothing was restored: name a file that \`run --backup\` wrote.`,
    );
  }
  if (read < HEADER.length || buffer.toString("latin1") !== HEADER) {
    throw new UsageError(`${file} is not a SQLite database, so nothing was restored: name a file that \`run --backup\` wrote.`);
  }
}

/** The file SQLite opened for the main database, or undefined in memory. */
export async function sqliteDatabaseFile(db: Queryable): Promise<string | undefined> {
  const rows: Array<{ file?: string }> = await db.query(`SELECT file FROM pragma_database_list WHERE name = 'main'`);
  return rows[0]?.file || undefined;
}

export async function restoreSqlite(_db: Queryable | undefined, options: RestoreOptions): Promise<void> {
  const target = options.databaseFile;
  if (!target) throw new UsageError("The SQLite database is in memory, so there is nothing to restore into.");
  checkSqliteBackup(options.file);
  const temporary = `${target}.restore-${process.pid}.tmp`;
  copyFileSync(options.file, temporary);
  for (const suffix of ["-journal", "-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(temporary, target);
}
