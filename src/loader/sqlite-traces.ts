/**
 * TypeORM 0.3's SqliteDriver switches node sqlite3 into verbose mode as the
 * DataSource is constructed (`sqlite.verbose()`): from then on every call
 * of a Database or Statement method captures a stack and `util.inspect`s its
 * arguments, so that an error's stack can name the call that queued it. The
 * CLI never prints a stack (unless ATHANOR_DEBUG is set), and in a `run` of
 * 2,000 small migrations those captures cost about 0.35 s of CPU
 * (bench/RESULTS.md, session 9).
 *
 * So while the DataSource file loads, sqlite3's `verbose` answers TypeORM's
 * driver with the module as it is, without switching verbose mode on; a call
 * from anywhere else (the project's own code) switches it on as usual. The
 * function is put back as soon as the file has loaded. Nothing is touched
 * where the project's typeorm has no sqlite3 beside it, or ATHANOR_DEBUG is
 * set (its stacks keep their long form).
 */
import { dirname } from "node:path";

const nothingToUndo = () => undefined;

/** Returns the function that puts sqlite3's `verbose` back. */
export function quietTypeOrmSqliteDriver(cwd: string): () => void {
  if (process.env.ATHANOR_DEBUG) return nothingToUndo;
  let sqlite3: { verbose?: unknown };
  try {
    // The module TypeORM's PlatformTools.load("sqlite3") requires: the one its own folder resolves.
    const typeorm = dirname(require.resolve("typeorm", { paths: [cwd] }));
    sqlite3 = require(require.resolve("sqlite3", { paths: [typeorm] }));
  } catch {
    // Not installed (or not loadable: TypeORM says so when it needs it).
    return nothingToUndo;
  }
  const verbose = sqlite3.verbose;
  if (typeof verbose !== "function") return nothingToUndo;
  sqlite3.verbose = function (this: unknown, ...args: unknown[]) {
    return calledByTypeOrmSqliteDriver() ? sqlite3 : verbose.apply(this, args);
  };
  return () => {
    sqlite3.verbose = verbose;
  };
}

/** Whether the caller of the caller is TypeORM's SqliteDriver (its loadDependencies). */
function calledByTypeOrmSqliteDriver(): boolean {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, calledByTypeOrmSqliteDriver);
  const frames = (holder.stack ?? "").split("\n").slice(1, 3);
  // By its method's name, or its file (a source map may name TypeORM's own .ts).
  return frames.some(
    (frame) =>
      /\bSqliteDriver\.loadDependencies\b/.test(frame) ||
      /[\\/]typeorm[\\/](src[\\/])?driver[\\/]sqlite[\\/]SqliteDriver\.[jt]s:/.test(frame),
  );
}
