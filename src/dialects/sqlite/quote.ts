/** Quoting of identifiers and string literals in SQLite's SQL. */

/** `users` → `"users"`; an embedded `"` is doubled. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `it's` → `'it''s'`. */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A comma-separated list of quoted identifiers: `"a", "b"`. */
export function quoteList(identifiers: readonly string[]): string {
  return identifiers.map(quoteIdentifier).join(", ");
}
