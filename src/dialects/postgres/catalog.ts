/**
 * The catalog queries behind introspection. There are exactly three,
 * whatever the size of the schema: columns (with enum labels and the table's
 * comment), constraints
 * (with column names resolved in SQL) and indexes. Each reads the tables of
 * `current_schema()` and of the schemas listed in its one parameter, `$1`
 * (a text array, the schemas the entities name) — ordinary and partitioned
 * tables, not partitions. A fourth, SCHEMAS_QUERY, says which of those
 * schemas exist.
 *
 * A table outside `current_schema()` comes with its schema's name
 * (`table_schema`, null in the default schema), so is a referenced table.
 *
 * Lists are returned as JSON so that any driver hands them back intact.
 *
 * Written to stay cheap at a thousand tables (introspect.ts's measurements):
 * - rows come unsorted and introspect.ts sorts them: PostgreSQL sorting the
 *   wide column rows spilled to disk (work_mem) and cost more than the query;
 * - comments are joined from pg_description, not read with col_description()
 *   and obj_description(), SQL functions called once per row;
 * - set-returning functions are `unnest(array)`, which the planner estimates
 *   at the array's few rows: `generate_series` is estimated at 1000 rows, and
 *   the inflated cost crossed `jit_above_cost`, so PostgreSQL spent half a
 *   second JIT-compiling the index query before running it;
 * - the constraint definition is deparsed only for checks and exclusions, which use it;
 * - they run with PostgreSQL's JIT compiler off (JIT_OFF_QUERY): past a few
 *   hundred tables the columns query is estimated above `jit_above_cost`
 *   however it is written, and on a server built with JIT (Debian's and most
 *   packages are) compiling it took 290 ms of its 340 ms at 1000 tables.
 */

/**
 * Turns JIT off until the end of the current transaction and returns the
 * setting it had (`previous`; null on a server without the setting, where
 * nothing is changed). The subquery with OFFSET 0 is evaluated first, so
 * `previous` is read before it is changed.
 */
export const JIT_OFF_QUERY = `
SELECT previous, CASE WHEN previous IS NULL THEN NULL ELSE set_config('jit', 'off', true) END AS now
FROM (SELECT current_setting('jit', true) AS previous OFFSET 0) AS setting`;

/** Puts JIT back for the rest of the transaction (`$1`: what JIT_OFF_QUERY returned). */
export const JIT_RESTORE_QUERY = `SELECT set_config('jit', $1, true) AS now`;

/** Joined to `pg_class c` as `n`; the condition on both. */
const TABLES_IN_READ_SCHEMAS = `
  (n.nspname = current_schema() OR n.nspname = ANY($1::text[]))
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition`;

/** The name of schema `n` when it is not the default one, else null. */
const schemaUnlessDefault = (n: string) => `NULLIF(${n}.nspname, current_schema())`;

/** Which of the schemas in `$1` exist (the default schema left out). */
export const SCHEMAS_QUERY = `
SELECT nspname AS name FROM pg_namespace
WHERE nspname = ANY($1::text[]) AND nspname IS DISTINCT FROM current_schema()
ORDER BY nspname`;

export interface SchemaRow {
  name: string;
}

export interface ColumnRow {
  table_schema: string | null;
  table_name: string;
  /** null for a table without columns. */
  column_name: string | null;
  /** attnum: the column's place in its table; null for a table without columns. */
  position: number | null;
  type_text: string | null;
  /** Of the element type for an array column. */
  type_kind: string | null;
  is_array: boolean | null;
  type_name: string | null;
  enum_labels: unknown;
  not_null: boolean | null;
  identity: string | null;
  generated_kind: string | null;
  default_expression: string | null;
  comment: string | null;
  /** Only when it is not the type's default collation. */
  collation: string | null;
  /** The table's comment, repeated on each of its rows. */
  table_comment: string | null;
}

export const COLUMNS_QUERY = `
SELECT ${schemaUnlessDefault("n")} AS table_schema,
       c.relname AS table_name,
       a.attname AS column_name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type_text,
       COALESCE(et.typtype, t.typtype) AS type_kind,
       et.oid IS NOT NULL AS is_array,
       COALESCE(et.typname, t.typname) AS type_name,
       CASE WHEN COALESCE(et.typtype, t.typtype) = 'e' THEN (
         SELECT array_to_json(array_agg(e.enumlabel::text ORDER BY e.enumsortorder))
         FROM pg_enum e WHERE e.enumtypid = COALESCE(et.oid, t.oid)
       ) END AS enum_labels,
       a.attnotnull AS not_null,
       a.attidentity AS identity,
       a.attgenerated AS generated_kind,
       pg_get_expr(d.adbin, d.adrelid) AS default_expression,
       cd.description AS comment,
       CASE WHEN a.attcollation <> t.typcollation
            THEN (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation) END AS collation,
       td.description AS table_comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
-- For an array column, its element type (an array of an enum is an enum column).
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_description cd ON cd.objoid = c.oid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
LEFT JOIN pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_class'::regclass AND td.objsubid = 0
WHERE ${TABLES_IN_READ_SCHEMAS}`;

export interface ConstraintRow {
  table_schema: string | null;
  table_name: string;
  name: string;
  /** p primary key, u unique, f foreign key, c check, x exclusion. */
  kind: "p" | "u" | "f" | "c" | "x";
  /** Only for a check or an exclusion (kinds c, x). */
  definition: string | null;
  columns: unknown;
  referenced_schema: string | null;
  referenced_table: string | null;
  referenced_columns: unknown;
  on_delete: string | null;
  on_update: string | null;
  deferrable: boolean;
  deferred: boolean;
}

/**
 * Column names of an attnum array, in array order (one index lookup each: a
 * join here was planned as a hash of every column of the table).
 */
function attributeNames(numbers: string, relation: string): string {
  return `(SELECT array_to_json(array_agg(
             (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = ${relation} AND a.attnum = k.attnum)
             ORDER BY k.position))
           FROM unnest(${numbers}) WITH ORDINALITY AS k(attnum, position))`;
}

export const CONSTRAINTS_QUERY = `
SELECT ${schemaUnlessDefault("n")} AS table_schema,
       c.relname AS table_name,
       con.conname AS name,
       con.contype AS kind,
       CASE WHEN con.contype IN ('c', 'x') THEN pg_get_constraintdef(con.oid, true) END AS definition,
       ${attributeNames("con.conkey", "con.conrelid")} AS columns,
       ${schemaUnlessDefault("rn")} AS referenced_schema,
       rc.relname AS referenced_table,
       ${attributeNames("con.confkey", "con.confrelid")} AS referenced_columns,
       con.confdeltype AS on_delete,
       con.confupdtype AS on_update,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE ${TABLES_IN_READ_SCHEMAS}
  AND con.contype IN ('p', 'u', 'f', 'c', 'x')`;

export interface IndexRow {
  table_schema: string | null;
  table_name: string;
  name: string;
  is_unique: boolean;
  /** Column names; expressions come as "(expression)". */
  columns: unknown;
  predicate: string | null;
  /** Access method: btree, gist, gin, ... */
  method: string;
}

/**
 * Indexes that do not back a primary key, unique or exclusion constraint
 * (those are reported as the constraint). Key columns only, not INCLUDE ones.
 */
export const INDEXES_QUERY = `
SELECT ${schemaUnlessDefault("n")} AS table_schema,
       c.relname AS table_name,
       i.relname AS name,
       x.indisunique AS is_unique,
       (SELECT array_to_json(array_agg(
                 CASE WHEN k.attnum = 0
                      THEN '(' || pg_get_indexdef(x.indexrelid, k.position::int, true) || ')'
                      ELSE (SELECT a.attname::text FROM pg_attribute a
                            WHERE a.attrelid = x.indrelid AND a.attnum = k.attnum)
                 END ORDER BY k.position))
        FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
        WHERE k.position <= x.indnkeyatts) AS columns,
       pg_get_expr(x.indpred, x.indrelid, true) AS predicate,
       am.amname AS method
FROM pg_index x
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_am am ON am.oid = i.relam
WHERE ${TABLES_IN_READ_SCHEMAS}
  AND NOT EXISTS (
    SELECT 1 FROM pg_constraint con
    WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
  )`;
