/** The column names of one table: one information_schema query, no table lock (the bookkeeping check). */
import type { Queryable } from "../dialect";

export async function tableColumns(db: Queryable, table: string): Promise<string[] | undefined> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  return rows.length === 0 ? undefined : rows.map((row) => row.name);
}
