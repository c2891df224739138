/**
 * SQLite's migration lock.
 *
 * SQLite serializes writers itself: each migration transaction starts by
 * writing to the bookkeeping table (Bookkeeping.claim), which takes the
 * database's write lock, and then re-reads what is applied. That covers
 * migrations that run in a transaction, but not those that run outside one
 * (`transaction = false`, `--transaction none`): each of their statements
 * commits on its own, so two runners could both run them. The run-level lock
 * is therefore a file lock held for the whole run: an exclusive transaction
 * on a small lock database beside the database file (`<file>-athanor-lock`),
 * opened with the project's own driver. SQLite's file locks die with the
 * process, so a killed runner never leaves it stuck; the lock file stays
 * (removing it while another runner waits on it would let two hold it).
 *
 * The busy timeout of the migration connection is still set: it is how long
 * a migration waits for another process (the application) that writes.
 */
import type { HeldLock, LockOptions, Queryable } from "../dialect";
import { pollForLock } from "../lock-wait";
import { sqliteCannotWrite } from "./writable";
import { sqliteDriverType } from "./driver-type";

export async function acquireSqliteLock(db: Queryable, options: LockOptions): Promise<HeldLock> {
  await db.query(`PRAGMA busy_timeout = ${Math.max(0, Math.round(options.timeoutMs))}`);
  // The path SQLite itself opened; an in-memory database has none, and only
  // this connection can reach it.
  const rows: Array<{ file?: string }> = await db.query(`SELECT file FROM pragma_database_list WHERE name = 'main'`);
  const file = rows[0]?.file;
  if (!file) return { release: async () => undefined };
  // A database this process cannot write leaves nothing to serialize (and
  // no room for a lock file beside it): a dry run or `status` goes on, and
  // the first write says what is read-only (Bookkeeping.ensure).
  if (await sqliteCannotWrite(db)) return { release: async () => undefined };
  const lockFile = await openLockDatabase(db, `${file}-athanor-lock`);
  try {
    await pollForLock(() => lockFile.tryExclusive(), options);
  } catch (error) {
    await lockFile.close();
    throw error;
  }
  return { release: () => lockFile.close() };
}

interface LockDatabase {
  /** BEGIN EXCLUSIVE without waiting: false when another process holds it. */
  tryExclusive(): Promise<boolean>;
  /** End the transaction (if any) and close: the lock is released. */
  close(): Promise<void>;
}

function isBusy(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === "SQLITE_BUSY" || /SQLITE_BUSY|database is locked/i.test(String(e?.message));
}

/**
 * A second connection, to the lock database, with the driver module TypeORM
 * loaded for the project (node sqlite3, or better-sqlite3), whichever it is.
 */
async function openLockDatabase(db: Queryable, path: string): Promise<LockDatabase> {
  const driver = (db as { connection?: { driver?: { sqlite?: any } } }).connection?.driver;
  const sqlite = driver?.sqlite;
  if (!sqlite) throw new Error("the SQLite driver module is not available to take the migration lock");
  if (sqliteDriverType(db) === "better-sqlite3") {
    // Synchronous, so never let it wait itself (it would block the process).
    const connection = new sqlite(path, { timeout: 0 });
    return {
      async tryExclusive() {
        try {
          connection.exec("BEGIN EXCLUSIVE");
          return true;
        } catch (error) {
          if (isBusy(error)) return false;
          throw error;
        }
      },
      async close() {
        connection.close();
      },
    };
  }
  const connection: any = await new Promise((resolve, reject) => {
    const opened = new sqlite.Database(path, (error: unknown) => (error ? reject(error) : resolve(opened)));
  });
  connection.configure("busyTimeout", 0);
  return {
    tryExclusive: () =>
      new Promise((resolve, reject) =>
        connection.exec("BEGIN EXCLUSIVE", (error: unknown) => (!error ? resolve(true) : isBusy(error) ? resolve(false) : reject(error))),
      ),
    close: () => new Promise((resolve) => connection.close(() => resolve())),
  };
}
