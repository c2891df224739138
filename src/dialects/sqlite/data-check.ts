/**
 * SQLite data checks as plain SQL, so they stop a migration wherever its
 * statements run: in `op()` migrations, in `--sql` migration files, in the
 * output of `run --sql`, and under TypeORM's own runner.
 *
 * SQLite has no RAISE outside a trigger, and before 3.47 a trigger's RAISE
 * takes only a literal, so no message could carry the row count; a CHECK
 * constraint's name is fixed text too. What does fail a statement with a
 * message computed from the rows is a JSON path that is not one:
 * `json_extract('{}', 'athanor: …2 row(s)…')` fails with that text in the
 * error (sqlite3: "JSON path error near '…'", better-sqlite3's newer SQLite:
 * "bad JSON path: '…'"). The check is a SELECT that returns no row, and so
 * evaluates no path, when the data is fine; it leaves nothing behind.
 */
import { ROW_COUNT, type DataCheck } from "../data-checks";
import { quoteIdentifier as q, quoteString } from "./quote";

/** Marks the failing path as a data check's message, so the runner can tell it from any JSON error. */
const MARKER = "athanor: ";

/** The statement that stops the migration when `check` finds rows in `table`. */
export function dataCheckStatement(table: string, check: DataCheck): string {
  return (
    `SELECT json_extract('{}', replace(${quoteString(MARKER + check.message)}, ${quoteString(ROW_COUNT)}, count(*))) ` +
    `AS "athanor data check" FROM ${check.from ?? q(table)} WHERE ${check.condition} HAVING count(*) > 0`
  );
}

const FAILED_CHECK = /(?:JSON path error near|bad JSON path:) '(athanor: [\s\S]*)'\s*$/;

/** The sentence of a data check that stopped a migration, or undefined for any other error. */
export function dataCheckFailure(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const match = FAILED_CHECK.exec(message);
  // SQLite quotes the path as a string literal in the message: quotes come doubled.
  return match ? match[1].slice(MARKER.length).replace(/''/g, "'") : undefined;
}
