/**
 * TypeORM `default` values → the model's canonical default SQL text.
 *
 * TypeORM accepts a function returning raw SQL, or a JS value it quotes
 * itself. We produce the portable spelling described on `Column.default`, so
 * that an introspected default (normalized by the dialect) compares equal.
 */

/**
 * The different ways databases and TypeORM spell "now"; all mean the current
 * time, spelled portably as CURRENT_TIMESTAMP. (SQLite's `datetime('now')` is
 * what TypeORM's SQLite driver uses for CreateDateColumn.)
 */
const CURRENT_TIME_SPELLINGS = new Set([
  "now()",
  "current_timestamp",
  "current_timestamp()",
  "datetime('now')",
  "localtimestamp",
]);

/** Normalize a raw SQL default expression. */
export function normalizeSqlDefault(sql: string): string {
  const text = sql.trim();
  const compact = text.replace(/\s+/g, "").toLowerCase();
  if (CURRENT_TIME_SPELLINGS.has(compact)) return "CURRENT_TIMESTAMP";
  return text;
}

/** A string as a SQL literal: single quotes, embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The default for a TypeORM column default, or undefined when the column has
 * none (`null` means "no default": TypeORM treats it as nullable).
 *
 * Raw SQL keeps the entity's spelling (`now()` stays `now()`): TypeORM
 * compares default text, so the database must hold what the entity says for
 * `schema:log` and `synchronize` to agree; Athanor's own comparison
 * normalizes both sides (the dialects' `comparable`). A number stays a bare
 * number and a numeric string a quoted one, as TypeORM keeps them apart.
 */
export function canonicalDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "function") return String(value()).trim();
  if (typeof value === "string") return quoteLiteral(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  // Objects and arrays (json defaults): TypeORM stores their JSON text.
  return quoteLiteral(JSON.stringify(value));
}
