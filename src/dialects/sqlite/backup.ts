/**
 * `run --backup` on SQLite: a consistent copy of the database file, next to
 * it, made with `VACUUM INTO` (a read transaction, so the copy is a snapshot
 * even while another connection writes; unlike a file copy it never catches
 * a half-written page or forgets a WAL file).
 */
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { BackupOptions, BackupResult, Queryable } from "../dialect";
import { quoteString } from "./quote";

export async function backupSqlite(db: Queryable, options: BackupOptions): Promise<BackupResult> {
  // The path SQLite itself opened (absolute), whatever the DataSource said.
  const rows: Array<{ file?: string }> = await db.query(`SELECT file FROM pragma_database_list WHERE name = 'main'`);
  const file = rows[0]?.file;
  if (!file) {
    return {
      taken: false,
      advice: "The SQLite database is in memory, so there is no file to back up: run without --backup.",
    };
  }
  const name = `${basename(file)}.backup-${compactTimestamp(options.at)}`;
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const location = options.directory ? join(options.directory, name) : `${file}.backup-${compactTimestamp(options.at)}`;
  await db.query(`VACUUM INTO ${quoteString(location)}`);
  return { taken: true, location };
}

/** 2025-01-02T03:04:05.678Z → 20250102T030405.678Z: sortable, no colons (Windows). */
export function compactTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "");
}
