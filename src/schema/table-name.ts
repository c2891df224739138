/**
 * How the model names a table that lives outside the connection's default
 * schema (a PostgreSQL namespace such as `billing`): by its qualified name,
 * spelled as SQL spells it, `"billing"."invoices"`. A table in the default
 * schema keeps its plain name, so every model, operation and migration file
 * written before schemas were supported means what it meant.
 *
 * The qualified spelling is what `Schema.tables` is keyed by and what
 * operations, foreign keys and migration files use to refer to the table.
 * It is unambiguous: a plain name can hold dots (`a.b`) or quotes; only a
 * name that is exactly two double-quoted identifiers joined by a dot is read
 * as qualified (a default-schema table literally named `"x"."y"`, quotes
 * included, is the one name this cannot express).
 */

export interface TableName {
  /** Absent for the connection's default schema. */
  schema?: string;
  name: string;
}

const QUALIFIED = /^"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$/;

function quotePart(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The model's name for table `name` of `schema` (the plain name when `schema` is absent). */
export function qualifiedTableName(schema: string | undefined, name: string): string {
  return schema === undefined ? name : `${quotePart(schema)}.${quotePart(name)}`;
}

/** The schema and the plain name behind a model table name. */
export function splitTableName(table: string): TableName {
  const match = QUALIFIED.exec(table);
  if (!match) return { name: table };
  return { schema: match[1].replace(/""/g, '"'), name: match[2].replace(/""/g, '"') };
}

/** The schema of a model table name; undefined for the default schema. */
export function schemaOfTable(table: string): string | undefined {
  return splitTableName(table).schema;
}

/** The distinct non-default schemas that the tables of a model live in, sorted. */
export function schemasOfTables(tables: Iterable<string>): string[] {
  const schemas = new Set<string>();
  for (const table of tables) {
    const schema = schemaOfTable(table);
    if (schema !== undefined) schemas.add(schema);
  }
  return [...schemas].sort();
}
