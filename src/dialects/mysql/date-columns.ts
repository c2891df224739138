/**
 * TypeORM's @CreateDateColumn, @UpdateDateColumn and @DeleteDateColumn on
 * MySQL/MariaDB: its driver makes them `datetime(6)` unless they state a
 * precision, and an update date `ON UPDATE CURRENT_TIMESTAMP(6)`. The model
 * keeps only the role (Column.dateColumn), so that a migration generated on
 * SQLite or PostgreSQL creates here the column TypeORM would; rendering and
 * comparison both spell the role out through this function.
 */
import type { Column } from "../../schema/model";

/** The fractional-second digits TypeORM's MySQL driver gives a date column. */
export const DATE_COLUMN_PRECISION = 6;

/** `column` with its role's details stated (unchanged for any other column). */
export function withDateColumnDetails(column: Column): Column {
  if (!column.dateColumn) return column;
  const precision = column.precision ?? DATE_COLUMN_PRECISION;
  const onUpdate = column.onUpdate ?? (column.dateColumn === "update" ? "CURRENT_TIMESTAMP" : undefined);
  return { ...column, precision, ...(onUpdate !== undefined ? { onUpdate } : {}) };
}
