/**
 * Quoting for MySQL/MariaDB SQL text: identifiers in backticks, strings in
 * single quotes with the backslash escaped too (it is an escape character
 * unless the server runs with NO_BACKSLASH_ESCAPES, and doubling it is read
 * the same either way... except under that mode, which Athanor does not set).
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
