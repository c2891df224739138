/**
 * Data checks (dialects/data-checks.ts) as MySQL/MariaDB statements. A
 * server without a strict sql_mode truncates a value that no longer fits
 * instead of failing, so these checks are what stands between a narrowing
 * change and silently lost data.
 *
 * Two forms, by server (server.ts, `anonymousBlocks`):
 *
 * - MariaDB: an anonymous compound statement (`BEGIN NOT ATOMIC`) that
 *   counts the offending rows and SIGNALs the check's sentence with the
 *   count, so the error a user sees is the sentence itself.
 *
 * - MySQL, which has no anonymous blocks (SIGNAL runs only inside stored
 *   programs, and cannot be a prepared statement either): one plain SELECT
 *   whose scalar subquery returns a second row exactly when rows are in the
 *   way, so the server refuses it with "Subquery returns more than 1 row"
 *   (ER_SUBQUERY_NO_1_ROW). It reads only, leaves no session state behind,
 *   and stops a `--sql` script run by the mysql client as it stops `run`.
 *   Chosen over a temporary CHECK constraint (a table copy, and no subquery
 *   for the unique check) and over setting a session variable to the
 *   sentence (the error would cut it at the first comma). The sentence is
 *   in the statement, which the client prints with the error; the runner
 *   reads it back from there (`mysqlDataCheckFailure`). The error carries no
 *   count: the sentence says "some" rows.
 */
import { ROW_COUNT, type DataCheck } from "../data-checks";
import { quoteIdentifier, quoteString } from "./quote";
import { unescapeLiteral } from "./expressions";

/** The shared conditions are written in portable SQL; these are MySQL's words for the same. */
function mysqlCondition(condition: string): string {
  return condition
    .replace(/\blength\(CAST\(/g, "CHAR_LENGTH(CAST(")
    .replace(/ AS TEXT\)/g, " AS CHAR)")
    .replace(/ AS NUMERIC\)/g, " AS DECIMAL(65,30))");
}

/** `anonymousBlocks`: whether the server runs `BEGIN NOT ATOMIC` (MariaDB), else the portable form. */
export function dataCheckStatement(table: string, check: DataCheck, anonymousBlocks = true): string {
  const from = check.from ?? quoteIdentifier(table);
  const where = mysqlCondition(check.condition);
  if (!anonymousBlocks) return portableDataCheck(from, where, check.message);
  return (
    `BEGIN NOT ATOMIC DECLARE n BIGINT; DECLARE m VARCHAR(2000); ` +
    `SELECT count(*) INTO n FROM ${from} WHERE ${where}; ` +
    `IF n > 0 THEN SET m = REPLACE(${quoteString(check.message)}, ${quoteString(ROW_COUNT)}, n); ` +
    `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; END IF; END`
  );
}

/** Opens every portable check, so the runner knows the statement that failed for one. */
const PORTABLE_MARKER = "SELECT (SELECT 'athanor data check: no rows in the way' UNION ALL SELECT REPLACE(";

function portableDataCheck(from: string, where: string, message: string): string {
  return (
    `${PORTABLE_MARKER}${quoteString(message)}, ${quoteString(ROW_COUNT)}, count(*)) ` +
    `FROM ${from} WHERE ${where} HAVING count(*) > 0) AS \`athanor data check\``
  );
}

/** The sentence of a portable check that failed, from the statement the error carries; undefined for any other error. */
export function portableDataCheckFailure(error: unknown): string | undefined {
  const e = error as { code?: string; errno?: number; query?: unknown };
  if (!(e?.code === "ER_SUBQUERY_NO_1_ROW" || e?.errno === 1242) || typeof e.query !== "string") return undefined;
  if (!e.query.startsWith(PORTABLE_MARKER)) return undefined;
  const literal = /^'((?:[^'\\]|''|\\.)*)'/s.exec(e.query.slice(PORTABLE_MARKER.length));
  return literal ? unescapeLiteral(literal[1]).split(ROW_COUNT).join("some") : undefined;
}
