/** The column names of one table: one information_schema query, no table lock (the bookkeeping check). */
import type { Queryable } from "../dialect";

export async function tableColumns(db: Queryable, table: string): Promise<string[] | undefined> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  return rows.length === 0 ? undefined : rows.map((row) => row.name);
}

/** Whether an index of the table starts with the column (a prefix index serves equality too): information_schema, no table lock. */
export async function hasIndexOn(db: Queryable, table: string, column: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 AS found FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1`,
    [table, column],
  );
  return rows.length > 0;
}
