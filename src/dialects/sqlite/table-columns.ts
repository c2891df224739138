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

/**
 * Whether a non-partial index of the table starts with the column (the
 * automatic index of a primary key or unique constraint included): the
 * index_list and index_info pragmas, read as tables in one query.
 */
export async function hasIndexOn(db: Queryable, table: string, column: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 AS found FROM pragma_index_list(?) AS l, pragma_index_info(l.name) AS i WHERE l.partial = 0 AND i.seqno = 0 AND i.name = ? LIMIT 1`,
    [table, column],
  );
  return rows.length > 0;
}
