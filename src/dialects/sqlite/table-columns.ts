/**
 * The column names of one table, for the bookkeeping check that runs on
 * every command: one `PRAGMA table_info`, instead of a full introspection
 * whose cost grows with the number of tables.
 */
import type { Queryable } from "../dialect";
import { quoteIdentifier } from "./quote";

export async function tableColumns(db: Queryable, table: string): Promise<string[] | undefined> {
  // table_info returns no rows for a table that does not exist (and a
  // table always has at least one column).
  const rows: Array<{ name: string }> = await db.query(`PRAGMA table_info(${quoteIdentifier(table)})`);
  return rows.length === 0 ? undefined : rows.map((row) => row.name);
}
