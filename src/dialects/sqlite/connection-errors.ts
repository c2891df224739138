/** Driver errors → one sentence a user can act on. */

export function explainConnectionError(error: unknown, target: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_CANTOPEN" || /SQLITE_CANTOPEN|unable to open database/i.test(message)) {
    return `Cannot open the SQLite database (${target}): make sure its directory exists and is writable.`;
  }
  // TypeORM creates the database file's directory; a file in the way of that path stops it.
  if ((code === "EEXIST" || code === "ENOTDIR") && /mkdir/.test(message)) {
    return `Cannot create the directory of ${target}: a file is in the way of its path; fix the "database" path in your DataSource.`;
  }
  // A write refused although the file and its directory are writable (see
  // writable.ts): the connection itself was opened read-only.
  if (code === "SQLITE_READONLY" || /SQLITE_READONLY|readonly database/i.test(message)) {
    return `${target} refused a write (SQLITE_READONLY): open it read-write (no OPEN_READONLY in the DataSource's flags option) and make its file and directory writable, then run again.`;
  }
  if (code === "SQLITE_NOTADB" || /SQLITE_NOTADB|not a database/i.test(message)) {
    return `The file of ${target} is not an SQLite database: check the "database" path in your DataSource.`;
  }
  if (code === "SQLITE_BUSY" || /SQLITE_BUSY|database is locked/i.test(message)) {
    return `${target} is locked by another process: wait for it to finish, or wait longer with --lock-timeout <seconds>.`;
  }
  return undefined;
}

/**
 * A migration's transaction that could not get the write lock within the
 * busy timeout (another process is writing): say so, with the fix. Both
 * drivers report it: sqlite3 as code SQLITE_BUSY, better-sqlite3 as a
 * SqliteError with that code.
 */
export function explainMigrationError(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_BUSY" || /SQLITE_BUSY|database is locked/i.test(message)) {
    return "the database is locked by another process: wait for it to finish, or wait longer with --lock-timeout <seconds>";
  }
  return undefined;
}
