/**
 * Whether this process can write the SQLite database: the file itself, and
 * its directory, where SQLite creates the rollback journal (or the WAL) for
 * every write. Either one read-only makes the first write fail with an error
 * that names only the statement (SQLITE_READONLY, or SQLITE_CANTOPEN for the
 * journal), so it is checked, and said, first.
 */
import { accessSync, constants } from "node:fs";
import { dirname, relative } from "node:path";
import type { Queryable } from "../dialect";

export async function sqliteCannotWrite(db: Queryable): Promise<string | undefined> {
  const rows: Array<{ name: string; file: string }> = await db.query("PRAGMA database_list");
  const file = rows.find((row) => row.name === "main")?.file;
  // In memory, or a temporary database: nothing on disk to check.
  if (!file) return undefined;
  const shown = relative(process.cwd(), file) || file;
  const fileProblem = accessProblem(file);
  if (fileProblem) {
    return `The SQLite database ${shown} is read-only for this user (${fileProblem}): make the file writable (and its directory, where SQLite keeps its journal), then run again.`;
  }
  const directory = dirname(file);
  const directoryProblem = accessProblem(directory);
  if (directoryProblem) {
    return `The directory of the SQLite database ${shown} is read-only for this user (${directoryProblem}), and SQLite writes its journal there: make ${relative(process.cwd(), directory) || "."} writable, then run again.`;
  }
  return undefined;
}

/** EACCES, EPERM (an immutable file) or EROFS (a read-only mount) when `path` cannot be written; undefined when it can. */
function accessProblem(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A file that does not exist yet is created by SQLite in its directory.
    if (code === "ENOENT") return undefined;
    return code ?? "not writable";
  }
}
