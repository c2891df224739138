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
const CURRENT_TIME_SPELLINGS = new Set(["now()", "current_timestamp", "current_timestamp()", "datetime('now')", "localtimestamp"]);

/** Normalize a raw SQL default expression. */
export function normalizeSqlDefault(sql: string): string {
  const text = sql.trim();
  const compact = text.replace(/\s+/g, "").toLowerCase();
  if (CURRENT_TIME_SPELLINGS.has(compact)) return "CURRENT_TIMESTAMP";
  return text;
}

/**
 * The raw SQL of a function default as the entity writes it, when that
 * differs from its canonical spelling (`now()`, `datetime('now')`): kept as
 * `Column.defaultSql` so the DDL holds the text TypeORM compares with.
 */
export function defaultSpelling(value: unknown): string | undefined {
  if (typeof value !== "function") return undefined;
  const raw = String(value()).trim();
  // Raw `false` is not the JS boolean false, which TypeORM writes 0 on SQLite.
  const keyword = /^(true|false)$/i.test(raw);
  return keyword || raw !== normalizeSqlDefault(raw) ? raw : undefined;
}

/** A string as a SQL literal: single quotes, embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The canonical default for a TypeORM column default, or undefined when the
 * column has none (`null` means "no default": TypeORM treats it as nullable).
 */
export function canonicalDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "function") return normalizeSqlDefault(String(value()));
  if (typeof value === "string") return quoteLiteral(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  // Objects and arrays (json defaults): TypeORM stores their JSON text.
  return quoteLiteral(JSON.stringify(value));
}

/**
 * A JavaScript array as a PostgreSQL array literal, as TypeORM writes it
 * (`["a", "b"]` → `'{a,b}'`), with the quoting the server would print
 * where an element needs it (spaces, commas, quotes, braces, NULL).
 */
export function arrayLiteral(values: readonly unknown[]): string {
  const element = (value: unknown): string => {
    if (value === null || value === undefined) return "NULL";
    if (Array.isArray(value)) return arrayBody(value);
    const text = String(value);
    const plain = text !== "" && !/[\s{}",\\]/.test(text) && !/^null$/i.test(text);
    return plain ? text : `"${text.replace(/[\\"]/g, "\\$&")}"`;
  };
  const arrayBody = (items: readonly unknown[]): string => `{${items.map(element).join(",")}}`;
  return quoteLiteral(arrayBody(values));
}

/**
 * Whether a string default of an array column is array literal text
 * (`{a,b}`, `[0:1]={a,b}`), which is what the database takes. A JSON array
 * (`["a"]`) is not: PostgreSQL refuses it.
 */
export function isArrayLiteralText(text: string): boolean {
  return /^\s*(?:\[-?\d+:-?\d+\])*\s*=?\s*\{[\s\S]*\}\s*$/.test(text);
}
