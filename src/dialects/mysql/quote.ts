/**
 * Quoting for MySQL/MariaDB SQL text: identifiers in backticks, strings in
 * single quotes with the quote doubled and the backslash doubled too (by
 * default the backslash is an escape character; a server running with
 * NO_BACKSLASH_ESCAPES would keep both backslashes, a known limit).
 */

/** `users` → `` `users` ``, a backtick doubled. */
export function quoteIdentifier(identifier: string): string {
  return "`" + identifier.replace(/`/g, "``") + "`";
}

/** A string literal: `it's` → `'it''s'`, `a\b` → `'a\\b'`. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The text of a canonical string literal (`'it''s'` → `it's`), or undefined when `sql` is not one. */
export function unquoteCanonical(sql: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/s.exec(sql);
  return match ? match[1].replace(/''/g, "'") : undefined;
}
