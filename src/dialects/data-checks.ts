/**
 * Data checks before a change that existing rows may not survive: a column
 * becoming NOT NULL without a default, a type or length narrowing, enum
 * values going away,
 * a unique constraint or index over values that repeat. Each check is a
 * condition on the rows that would break the change and a message naming
 * the table, the column(s) and how many rows (or values); a dialect turns it
 * into SQL that stops the migration with that message (PostgreSQL: a DO
 * block that raises; SQLite: a SELECT that fails, sqlite/data-check.ts),
 * before anything is changed.
 *
 * Shared by the dialects because the conditions are portable SQL; only the
 * way a migration is stopped differs. The decimal overflow check is the one
 * a dialect opts into (`decimalNarrowingCheck`): only a database that
 * enforces precision can fail on it.
 */
import type { Check, Column, ForeignKey } from "../schema/model";
import { formatColumnType } from "../schema/equal";

/** Replaced by the number of offending rows in `DataCheck.message`. */
export const ROW_COUNT = "{rows}";

/** What a check is about: a dialect may know how its database refuses each kind. */
export type DataCheckKind = "notNull" | "length" | "range" | "enumValues" | "unique" | "precision" | "foreignKey" | "check";

export interface DataCheck {
  kind: DataCheckKind;
  /** A condition true for each row that the change cannot keep. */
  condition: string;
  /** One sentence with ROW_COUNT where the number of rows goes. */
  message: string;
  /**
   * What the rows are counted from when it is not the table itself: a
   * subquery with an alias (the duplicated values of a unique's columns).
   */
  from?: string;
}

/** Integer ranges of the types a bigger integer can narrow to. */
const INTEGER_RANGES: Record<string, [string, string]> = {
  smallint: ["-32768", "32767"],
  integer: ["-2147483648", "2147483647"],
};
const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };
const TEXTUAL = new Set(["varchar", "char", "text", "uuid", "enum"]);

/**
 * The checks for changing `from` into `to` in `table`. `quote` quotes an
 * identifier; the column is read under its old name (the change renames last).
 */
export function dataChecksForAlter(table: string, from: Column, to: Column, quote: (identifier: string) => string): DataCheck[] {
  const column = quote(from.name);
  const where = `${table}.${from.name}`;
  const checks: DataCheck[] = [];

  if (from.nullable && !to.nullable && to.default === undefined && !to.generated) {
    checks.push({
      kind: "notNull",
      condition: `${column} IS NULL`,
      message:
        `Cannot make ${where} NOT NULL: it is NULL in ${ROW_COUNT} row(s) of ${table}. ` +
        `Fill those rows first (in an earlier migration or by hand), or give the column a default.`,
    });
  }

  if (to.length !== undefined && TEXTUAL.has(to.type)) {
    const fromLength = from.type === "uuid" ? 36 : TEXTUAL.has(from.type) ? from.length : undefined;
    if (fromLength === undefined || to.length < fromLength) {
      checks.push({
        kind: "length",
        condition: `length(CAST(${column} AS TEXT)) > ${to.length}`,
        message:
          `Cannot change ${where} to ${formatColumnType(to)}: ${ROW_COUNT} row(s) of ${table} hold longer values. ` +
          `Shorten them first, or keep the length.`,
      });
    }
  }

  const range = INTEGER_RANGES[to.type];
  if (range && INTEGER_WIDTH[from.type] !== undefined && INTEGER_WIDTH[from.type] > INTEGER_WIDTH[to.type]) {
    checks.push({
      kind: "range",
      condition: `${column} NOT BETWEEN ${range[0]} AND ${range[1]}`,
      message:
        `Cannot change ${where} to ${to.type}: ${ROW_COUNT} row(s) of ${table} hold values outside its range. ` +
        `Change those values first, or keep ${from.type}.`,
    });
  }

  if (from.type === "enum" && to.type === "enum") {
    const removed = (from.enum ?? []).filter((value) => !(to.enum ?? []).includes(value));
    if (removed.length > 0) {
      const list = removed.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
      checks.push({
        kind: "enumValues",
        condition: `CAST(${column} AS TEXT) IN (${list})`,
        message:
          `Cannot remove ${removed.map((v) => `"${v}"`).join(", ")} from ${where}: ${ROW_COUNT} row(s) of ${table} hold it. ` +
          `Update those rows first (in an earlier migration or by hand).`,
      });
    }
  }
  return checks;
}

/**
 * The check for a unique constraint or unique index `name` on `columns` of
 * `table` (with `where`, a partial index): values that appear in more than
 * one row. Rows with a NULL in any of the columns never clash (both
 * databases treat NULLs as distinct), so they are not counted.
 */
export function dataCheckForUnique(
  table: string,
  name: string,
  columns: string[],
  quote: (identifier: string) => string,
  where?: string,
  /** Quotes the table name (PostgreSQL: schema-qualified); `quote` when absent. */
  quoteTableName: (table: string) => string = quote,
): DataCheck {
  const list = columns.map(quote).join(", ");
  const filters = [...columns.map((c) => `${quote(c)} IS NOT NULL`), ...(where ? [`(${where})`] : [])];
  const shown = columns.join(", ");
  return {
    kind: "unique",
    from: `(SELECT 1 FROM ${quoteTableName(table)} WHERE ${filters.join(" AND ")} GROUP BY ${list} HAVING count(*) > 1) AS duplicates`,
    condition: "1 = 1",
    message:
      `Cannot add unique ${name} on ${table} (${shown}): ${ROW_COUNT} value(s) appear in more than one row. ` +
      `Change or remove the duplicates first (SELECT ${shown}, count(*) FROM ${table} GROUP BY ${shown} HAVING count(*) > 1 lists them).`,
  };
}

/** Digits before the decimal point each numeric type holds (Infinity: unbounded). */
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19, real: Infinity, double: Infinity };

function integerDigits(column: Column): number | undefined {
  if (column.type === "decimal") {
    return column.precision === undefined ? Infinity : column.precision - (column.scale ?? 0);
  }
  return INTEGER_DIGITS[column.type];
}

/**
 * A decimal(p,s) column holds values below 10^(p-s) in magnitude; PostgreSQL
 * raises "numeric field overflow" mid-migration for any other. The check
 * counts the rows that would overflow once rounded to the new scale (99.995
 * becomes 100.00, too big for decimal(4,2)), so a scale cut that only
 * rounds passes. Only for databases that enforce precision: SQLite stores
 * any number in a decimal column, so it has nothing to stop.
 */
export function decimalNarrowingCheck(
  table: string,
  from: Column,
  to: Column,
  quote: (identifier: string) => string,
): DataCheck | undefined {
  if (to.type !== "decimal" || to.precision === undefined) return undefined;
  const before = integerDigits(from);
  const scale = to.scale ?? 0;
  const after = to.precision - scale;
  const fromScale = from.type === "decimal" ? (from.scale ?? (from.precision === undefined ? Infinity : 0)) : 0;
  if (before === undefined || (after >= before && scale >= fromScale)) return undefined;
  const column = quote(from.name);
  const limit = after <= 0 ? "1" : `1${"0".repeat(after)}`;
  const where = `${table}.${from.name}`;
  return {
    kind: "precision",
    condition: `round(abs(CAST(${column} AS NUMERIC)), ${scale}) >= ${limit}`,
    message:
      `Cannot change ${where} to ${formatColumnType(to)}: ${ROW_COUNT} row(s) of ${table} hold values of ${limit} or more in magnitude, ` +
      `which it cannot hold. Change those values first, or keep ${formatColumnType(from)}.`,
  };
}

/**
 * The check for a foreign key `foreignKey` of `table`: rows whose columns
 * are all set (a NULL in any of them is never checked: MATCH SIMPLE) and
 * name no row of the referenced table. The table is read under an alias so
 * that a foreign key to the table itself still compares a row with others.
 */
export function dataCheckForForeignKey(
  table: string,
  foreignKey: ForeignKey,
  quote: (identifier: string) => string,
  quoteTableName: (table: string) => string = quote,
): DataCheck {
  const pairs = foreignKey.columns.map((column, i) => [column, foreignKey.referencedColumns[i]] as const);
  const set = pairs.map(([column]) => `athanor_child.${quote(column)} IS NOT NULL`);
  const match = pairs.map(([column, referenced]) => `athanor_parent.${quote(referenced)} = athanor_child.${quote(column)}`);
  const columns = foreignKey.columns.join(", ");
  const referenced = `${foreignKey.referencedTable} (${foreignKey.referencedColumns.join(", ")})`;
  const listing =
    `SELECT * FROM ${table} c WHERE ${pairs.map(([column]) => `c.${column} IS NOT NULL`).join(" AND ")} AND NOT EXISTS ` +
    `(SELECT 1 FROM ${foreignKey.referencedTable} p WHERE ${pairs.map(([column, ref]) => `p.${ref} = c.${column}`).join(" AND ")})`;
  return {
    kind: "foreignKey",
    from: `${quoteTableName(table)} AS athanor_child`,
    condition:
      `${set.join(" AND ")} AND NOT EXISTS ` +
      `(SELECT 1 FROM ${quoteTableName(foreignKey.referencedTable)} AS athanor_parent WHERE ${match.join(" AND ")})`,
    message:
      `Cannot add foreign key ${foreignKey.name} on ${table} (${columns}): ${ROW_COUNT} row(s) of ${table} reference no row of ${referenced}. ` +
      `Point them at existing rows, set them NULL or delete them first (${listing} lists them).`,
  };
}

/** The check for a CHECK constraint `check` of `table`: rows for which its expression is false (NULL passes, as in the constraint). */
export function dataCheckForCheck(table: string, check: Check): DataCheck {
  return {
    kind: "check",
    condition: `NOT (${check.expression})`,
    message:
      `Cannot add check ${check.name} on ${table}: ${ROW_COUNT} row(s) of ${table} violate it (${check.expression}). ` +
      `Change those rows first (SELECT * FROM ${table} WHERE NOT (${check.expression}) lists them).`,
  };
}
