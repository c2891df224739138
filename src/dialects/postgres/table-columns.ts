/**
 * The column names of one table in `current_schema()`, for the bookkeeping
 * check that runs on every command. One query on pg_class/pg_attribute: it
 * takes no lock on any user table, so a `run` is not held up by an
 * unrelated session's ACCESS EXCLUSIVE lock, and its cost does not grow with
 * the number of tables the way a full introspection does.
 */
import type { Queryable } from "../dialect";

const TABLE_COLUMNS_QUERY = `
SELECT a.attname AS column_name
FROM pg_class c
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
  AND c.relkind IN ('r', 'p')
  AND c.relname = $1
ORDER BY a.attnum`;

export async function tableColumns(db: Queryable, table: string): Promise<string[] | undefined> {
  const rows: Array<{ column_name: string | null }> = await db.query(TABLE_COLUMNS_QUERY, [table]);
  if (rows.length === 0) return undefined;
  return rows.map((row) => row.column_name).filter((name): name is string => name !== null);
}

/**
 * Whether a valid, non-partial index of the table starts with the column
 * (an expression index has 0 there and matches no column). Same schema,
 * same catalogs and no lock, as above.
 */
const HAS_INDEX_ON_QUERY = `
SELECT EXISTS (
  SELECT 1
  FROM pg_class c
  JOIN pg_index i ON i.indrelid = c.oid AND i.indisvalid AND i.indpred IS NULL
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
  WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
    AND c.relkind IN ('r', 'p')
    AND c.relname = $1
    AND a.attname = $2
) AS indexed`;

export async function hasIndexOn(db: Queryable, table: string, column: string): Promise<boolean> {
  const rows: Array<{ indexed: boolean }> = await db.query(HAS_INDEX_ON_QUERY, [table, column]);
  return rows[0]?.indexed === true;
}
