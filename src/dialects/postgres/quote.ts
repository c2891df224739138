/**
 * Quoting for PostgreSQL SQL text. Every identifier Athanor emits goes
 * through `quoteIdentifier`, so mixed-case TypeORM names ("userId") keep
 * their case and odd names cannot break out of the statement.
 */

import { splitTableName } from "../../schema/table-name";

/** `users` → `"users"`, `a"b` → `"a""b"`. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** A string literal: `it's` → `'it''s'`. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * An anonymous PL/pgSQL block. Used where a statement needs a name only the
 * catalogs know (the sequence behind a serial column, a primary key created
 * under an unknown name), so rendering never has to query the database.
 */
export function doBlock(body: string, declarations?: string): string {
  const declare = declarations ? `DECLARE ${declarations} ` : "";
  const inner = `${declare}BEGIN ${body} END`;
  const tag = dollarQuoteTag(inner);
  return `DO ${tag} ${inner} ${tag}`;
}

/**
 * A dollar-quote tag that does not occur in `body`: the body ends at the
 * first occurrence of its tag, so a name or enum value holding `$athanor$`
 * would otherwise cut the block short and the statement could never run.
 */
export function dollarQuoteTag(body: string): string {
  for (let n = 0; ; n++) {
    const tag = n === 0 ? "$athanor$" : `$athanor${n}$`;
    if (!body.includes(tag)) return tag;
  }
}

/** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

/** The name PostgreSQL actually stores for `identifier`. */
export function truncateIdentifier(identifier: string): string {
  let bytes = 0;
  let kept = "";
  for (const char of identifier) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_IDENTIFIER_BYTES) break;
    kept += char;
  }
  return kept;
}

/**
 * A model table name as SQL: `"users"` in the connection's default schema,
 * `"billing"."invoices"` outside it (see schema/table-name.ts).
 */
export function quoteTable(table: string): string {
  const { schema, name } = splitTableName(table);
  return schema === undefined ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/**
 * An object PostgreSQL keeps in the schema of `table` — its enum types,
 * sequences and indexes — qualified the way the table is.
 */
export function quoteInSchemaOf(table: string, name: string): string {
  const { schema } = splitTableName(table);
  return schema === undefined ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/** The plain name of a model table, without its schema: what names derived from it (enum types) start with. */
export function plainTableName(table: string): string {
  return splitTableName(table).name;
}
