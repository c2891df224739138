/**
 * Data checks (dialects/data-checks.ts) as MySQL/MariaDB statements. A
 * server without a strict sql_mode truncates a value that no longer fits
 * instead of failing, so these checks are what stands between a narrowing
 * change and silently lost data.
 *
 * The check is an anonymous compound statement (MariaDB's BEGIN NOT ATOMIC)
 * that counts the offending rows and SIGNALs the check's sentence, so the
 * error a user sees is the sentence itself. MySQL 8 has no anonymous blocks:
 * there the statement fails with a syntax error (see README, limits).
 */
import { ROW_COUNT, type DataCheck } from "../data-checks";
import { quoteIdentifier, quoteString } from "./quote";

/** The shared conditions are written in portable SQL; these are MySQL's words for the same. */
function mysqlCondition(condition: string): string {
  return condition
    .replace(/\blength\(CAST\(/g, "CHAR_LENGTH(CAST(")
    .replace(/ AS TEXT\)/g, " AS CHAR)")
    .replace(/ AS NUMERIC\)/g, " AS DECIMAL(65,30))");
}

export function dataCheckStatement(table: string, check: DataCheck): string {
  const from = check.from ?? quoteIdentifier(table);
  return (
    `BEGIN NOT ATOMIC DECLARE n BIGINT; DECLARE m VARCHAR(2000); ` +
    `SELECT count(*) INTO n FROM ${from} WHERE ${mysqlCondition(check.condition)}; ` +
    `IF n > 0 THEN SET m = REPLACE(${quoteString(check.message)}, ${quoteString(ROW_COUNT)}, n); ` +
    `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; END IF; END`
  );
}
