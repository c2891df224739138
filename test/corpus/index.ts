/**
 * The corpus of entity definitions behind test/e2e/corpus.test.ts: the whole
 * TypeORM model, one definition per feature or variant, each in its own file
 * under definitions/. A definition's tables (and enum types) all start with
 * its id, so a spurious diff names the definition that caused it.
 *
 * `dialects` says where a definition applies: TypeORM itself refuses some
 * types on a driver (jsonb, arrays, enum, bytea on SQLite; blob, tinyint on
 * PostgreSQL), and some features exist on one database only.
 *
 * README.md in this folder lists the definitions; `CORPUS` below is the
 * source of truth (the test checks that every file is listed).
 */
import { join } from "node:path";
import type { DialectName } from "../support/project";

/** Where the definition files are. */
export const DEFINITIONS_DIR = join(__dirname, "definitions");

/**
 * Where the corpus's checks of TypeORM run: the suite's dialects, and the
 * MariaDB server through TypeORM's "mariadb" driver type (what `athanor init`
 * writes for a mariadb:// URL) or its "mysql" type (a mysql:// URL).
 */
export type CorpusTarget = DialectName | "mariadb" | "mysql";

export interface CorpusDefinition {
  /** File name under definitions/ without ".ts"; its prefix up to "-" is the table prefix. */
  file: string;
  dialects: readonly DialectName[];
  /** The PostgreSQL schemas besides the default one that the definition's tables live in. */
  schemas?: readonly string[];
  covers: string;
  /**
   * Dialects on which TypeORM's own `synchronize` cannot create this
   * definition (a TypeORM bug or limitation), with the reason; the
   * synchronize test leaves it out there.
   */
  synchronizeFails?: { dialects: readonly CorpusTarget[]; reason: string };
  /** SQL the database needs before the definition can be created (an extension). */
  prepare?: string;
}

const BOTH: readonly DialectName[] = ["sqlite", "postgres"];
const PG: readonly DialectName[] = ["postgres"];
const SQLITE: readonly DialectName[] = ["sqlite"];

export const CORPUS: readonly CorpusDefinition[] = [
  // Column types
  { file: "c01-integers", dialects: BOTH, covers: "smallint, int, integer, bigint, number design type" },
  { file: "c02-strings", dialects: BOTH, covers: "varchar with/without length, length as string, character(n), text" },
  { file: "c03-decimals", dialects: BOTH, covers: "decimal/numeric precision and scale, numeric(p), unbounded numeric" },
  { file: "c04-floats", dialects: BOTH, covers: "real, float, double precision" },
  { file: "c05-boolean", dialects: BOTH, covers: "boolean design type, nullable boolean" },
  { file: "c06-date-time", dialects: BOTH, covers: "date, time, Date design type" },
  { file: "c07-timestamptz", dialects: PG, covers: "timestamp, timestamptz, time with time zone, fractional-second precision" },
  { file: "c08-uuid-column", dialects: BOTH, covers: "uuid column (not generated), nullable uuid" },
  { file: "c09-json", dialects: BOTH, covers: "json (PostgreSQL json; SQLite text)" },
  { file: "c10-jsonb", dialects: PG, covers: "jsonb" },
  { file: "c11-simple-json", dialects: BOTH, covers: "simple-json (text)" },
  { file: "c12-simple-array", dialects: BOTH, covers: "simple-array (text)" },
  { file: "c13-bytea", dialects: PG, covers: "bytea" },
  { file: "c14-blob", dialects: SQLITE, covers: "blob, Buffer design type" },
  { file: "c15-int-array", dialects: PG, covers: "int[] and bigint[] arrays" },
  { file: "c16-text-array", dialects: PG, covers: "text[], varchar(n)[], array default '{}'" },
  { file: "c17-network-types", dialects: PG, covers: "inet, cidr, macaddr (native types carried through)" },
  { file: "c18-pg-misc-types", dialects: PG, covers: "interval, money, tsvector, xml, point" },
  {
    file: "c19-sqlite-type-names",
    dialects: SQLITE,
    covers: "tinyint, mediumint, int2, int8, unsigned big int, nvarchar, nchar, clob, datetime, double",
  },
  { file: "c20-nullable", dialects: BOTH, covers: "nullable true/false" },
  {
    file: "c21-pg-type-spellings",
    dialects: PG,
    covers: "character varying, int2/int4/int8, float4/float8, bool, timestamp without time zone, char",
  },
  {
    file: "c22-pg-time-bit-types",
    dialects: PG,
    covers: "timetz and time with time zone (with precision), bit, bit(n), varbit, bit varying(n)",
  },
  {
    file: "c23-pg-array-defaults",
    dialects: PG,
    covers: "array defaults: JavaScript arrays (enum, integer, text, empty), literals the server re-spells ('{0.0, 0.0}')",
  },
  {
    file: "c24-pg-extension-types",
    dialects: PG,
    covers: "citext (with a default), hstore: types an extension defines, created by the migration",
  },
  { file: "c90-timetz-precision", dialects: PG, covers: "time with time zone / timetz with fractional-second precision" },
  { file: "c91-datetime-precision", dialects: SQLITE, covers: "datetime(6), time(3): precision in the declared type" },
  // Defaults
  { file: "d21-default-string", dialects: BOTH, covers: "string literal defaults, empty string" },
  {
    file: "d22-default-quotes",
    dialects: BOTH,
    covers: "string defaults with single and double quotes",
    synchronizeFails: { dialects: [...BOTH, "mariadb", "mysql"], reason: "TypeORM writes DEFAULT 'it's' without doubling the quote" },
  },
  { file: "d23-default-integer", dialects: BOTH, covers: "integer defaults: positive, negative, zero, beyond 2^53, given as a string" },
  { file: "d24-default-decimal", dialects: BOTH, covers: "decimal/real/double defaults, number and string" },
  { file: "d25-default-boolean", dialects: BOTH, covers: "boolean defaults true/false, raw SQL false" },
  { file: "d26-default-now", dialects: PG, covers: "now() default (equals CURRENT_TIMESTAMP)" },
  { file: "d27-default-current-timestamp", dialects: BOTH, covers: "CURRENT_TIMESTAMP default" },
  { file: "d28-default-gen-random-uuid", dialects: PG, covers: "gen_random_uuid() default on a non-primary uuid" },
  { file: "d29-default-casts", dialects: PG, covers: "cast defaults: 'x'::character varying, '{}'::jsonb, '-5'::integer; CURRENT_DATE" },
  { file: "d30-default-json", dialects: BOTH, covers: "simple-json and simple-array defaults" },
  { file: "d31-default-date-literal", dialects: BOTH, covers: "date and time literal defaults" },
  { file: "d32-default-expression", dialects: BOTH, covers: "arbitrary expression defaults: (1 + 2), lower('ABC')" },
  {
    file: "d33-default-null-and-zero",
    dialects: BOTH,
    covers: "default: null (no default), zero on unbounded numeric, negative decimal string",
  },
  {
    file: "d34-default-uuid-generate-v4",
    dialects: PG,
    covers: "uuid_generate_v4() default (uuid-ossp)",
    prepare: `CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`,
  },
  {
    file: "d35-default-json-values",
    dialects: PG,
    covers: "jsonb/json object and array defaults that the server stores re-ordered and re-spaced",
  },
  {
    file: "d36-default-expression-spelling",
    dialects: BOTH,
    covers: "current_time and CURRENT_TIME, default expressions with extra spaces, a negative number inside an expression",
    synchronizeFails: {
      dialects: ["mariadb", "mysql"],
      reason: "TypeORM writes DEFAULT abs(-4)*2 without the parentheses MariaDB needs around an expression",
    },
  },
  // Generation strategies and keys
  { file: "g33-increment", dialects: BOTH, covers: "PrimaryGeneratedColumn increment (serial / AUTOINCREMENT)" },
  {
    file: "g34-increment-bigint",
    dialects: BOTH,
    covers: "bigint increment (bigserial)",
    synchronizeFails: { dialects: SQLITE, reason: "TypeORM declares the column bigint, and SQLite allows AUTOINCREMENT on INTEGER only" },
  },
  { file: "g35-identity-always", dialects: PG, covers: "GENERATED ALWAYS AS IDENTITY" },
  { file: "g36-identity-by-default", dialects: PG, covers: "GENERATED BY DEFAULT AS IDENTITY" },
  { file: "g37-uuid-primary", dialects: BOTH, covers: "PrimaryGeneratedColumn uuid" },
  { file: "g38-rowid", dialects: SQLITE, covers: "PrimaryGeneratedColumn rowid (INTEGER PRIMARY KEY, no AUTOINCREMENT)" },
  { file: "g39-generated-non-primary", dialects: PG, covers: "@Generated increment and uuid on non-primary columns" },
  { file: "g40-primary-column", dialects: BOTH, covers: "PrimaryColumn varchar(32)" },
  {
    file: "g90-generated-stored",
    dialects: BOTH,
    covers: "STORED generated columns (asExpression), NOT NULL and nullable",
    synchronizeFails: {
      dialects: ["mysql"],
      reason: "TypeORM's mysql driver type writes NOT NULL on a generated column, which MariaDB refuses",
    },
  },
  {
    file: "g91-generated-virtual",
    dialects: SQLITE,
    covers: "VIRTUAL generated columns, explicit and by default",
    synchronizeFails: {
      dialects: ["mysql"],
      reason: "TypeORM's mysql driver type writes NOT NULL on a generated column, which MariaDB refuses",
    },
  },
  { file: "g41-composite-primary", dialects: BOTH, covers: "composite primary key" },
  { file: "g42-uuid-primary-column", dialects: BOTH, covers: "PrimaryColumn uuid assigned by the application" },
  {
    file: "g81-generated-uuid-non-primary",
    dialects: BOTH,
    covers: "@Generated uuid on a non-primary column (PostgreSQL default; SQLite: made by TypeORM)",
  },
  // Special columns
  { file: "s42-create-date", dialects: BOTH, covers: "CreateDateColumn" },
  { file: "s43-update-date", dialects: BOTH, covers: "UpdateDateColumn" },
  { file: "s44-delete-date", dialects: BOTH, covers: "DeleteDateColumn" },
  { file: "s45-version", dialects: BOTH, covers: "VersionColumn" },
  { file: "s46-timestamptz-dates", dialects: PG, covers: "Create/UpdateDateColumn timestamptz, precision 3" },
  { file: "s47-comments", dialects: PG, covers: "column comments, with a quote; a table comment" },
  { file: "s48-collation", dialects: PG, covers: 'column collation "C"' },
  { file: "s49-collation-nocase", dialects: SQLITE, covers: "column collation NOCASE" },
  {
    file: "s82-version-delete-date-names",
    dialects: BOTH,
    covers: "VersionColumn with a name and a default, DeleteDateColumn with a name",
  },
  // Enums
  { file: "e50-enum", dialects: PG, covers: "native enum from a TypeScript string enum" },
  { file: "e51-enum-named-default", dialects: PG, covers: "enumName, default value, value with a quote, nullable enum" },
  { file: "e52-simple-enum", dialects: BOTH, covers: "simple-enum with default (SQLite CHECK, PostgreSQL native enum)" },
  { file: "e53-simple-enum-numeric", dialects: BOTH, covers: "simple-enum of a numeric TypeScript enum, array of values" },
  { file: "e54-enum-array", dialects: PG, covers: "enum array" },
  {
    file: "e83-simple-enum-numeric-default",
    dialects: BOTH,
    covers: "simple-enum with a numeric default (numeric TypeScript enum, digit labels)",
  },
  {
    file: "e84-enum-numeric-default",
    dialects: PG,
    covers: "native enum of digit labels with a numeric default (DEFAULT '1'), named enum",
  },
  {
    file: "e91-enum-mixed-case-column",
    dialects: BOTH,
    covers: "simple-enum on mixed-case column names (PostgreSQL type named after the lower-cased column, as TypeORM does)",
  },
  { file: "e55-enum-shared-by-name", dialects: PG, covers: "an enum type used by name only (enumName without values) by other columns" },
  // Constraints and indexes
  { file: "k55-unique-column", dialects: BOTH, covers: "@Column unique" },
  { file: "k56-unique-named-composite", dialects: BOTH, covers: "named composite @Unique" },
  { file: "k57-unique-unnamed-composite", dialects: BOTH, covers: "unnamed composite @Unique" },
  { file: "k58-index-column-order", dialects: BOTH, covers: "composite indexes (a,b) and (b,a)" },
  { file: "k59-index-unnamed-unique", dialects: BOTH, covers: "unnamed unique index, property-level @Index" },
  { file: "k60-partial-index", dialects: BOTH, covers: "partial (WHERE) indexes, unique and not" },
  { file: "k61-index-gist", dialects: PG, covers: "index method: spatial index USING GiST" },
  { file: "k62-check", dialects: BOTH, covers: "named check" },
  { file: "k90-exclusion", dialects: PG, covers: "@Exclusion constraints (gist, range and box expressions, implicit casts)" },
  { file: "k63-checks-expressions", dialects: BOTH, covers: "unnamed and named checks: IN list, AND, quoted strings" },
  {
    file: "k85-index-synchronize-false",
    dialects: BOTH,
    covers: "@Index synchronize: false (class and property level): neither created nor dropped",
  },
  {
    file: "k64-check-not-equal",
    dialects: BOTH,
    covers: "checks written with <>, with != (PostgreSQL stores <>) and with NOT IN (stored as <> ALL (ARRAY[...]))",
  },
  // Relations
  { file: "f64-many-to-one-actions", dialects: BOTH, covers: "ManyToOne with ON DELETE/UPDATE CASCADE, SET NULL, RESTRICT, NO ACTION" },
  { file: "f65-deferrable", dialects: BOTH, covers: "deferrable foreign keys (INITIALLY DEFERRED / IMMEDIATE)" },
  { file: "f66-composite-foreign-key", dialects: BOTH, covers: "composite foreign key to a composite primary key" },
  { file: "f67-self-reference", dialects: BOTH, covers: "self-referencing foreign key" },
  { file: "f68-one-to-one", dialects: BOTH, covers: "OneToOne join column (unique + foreign key)" },
  { file: "f69-many-to-many", dialects: BOTH, covers: "many-to-many join tables, default and custom names" },
  { file: "f70-closure-tree", dialects: BOTH, covers: "closure-table tree (closure junction table)" },
  { file: "f71-nested-set-tree", dialects: BOTH, covers: "nested-set tree (nsleft/nsright)" },
  { file: "f72-materialized-path-tree", dialects: BOTH, covers: "materialized-path tree (mpath)" },
  {
    file: "f73-no-constraint-relation",
    dialects: BOTH,
    covers: "ManyToOne with createForeignKeyConstraints: false (column, no foreign key)",
  },
  {
    file: "f80-closure-names",
    dialects: BOTH,
    covers: "closure-table tree with its own closure table and column names, parent ON DELETE CASCADE",
  },
  // Other mappings
  { file: "x74-single-table-inheritance", dialects: BOTH, covers: "single-table inheritance (discriminator column, child columns)" },
  { file: "x75-embedded", dialects: BOTH, covers: "embedded columns" },
  { file: "x76-column-names", dialects: BOTH, covers: "explicit, mixed-case and reserved-word column names" },
  {
    file: "x78-sti-children",
    dialects: BOTH,
    covers:
      "single-table inheritance, two children with discriminator values, NOT NULL child columns (nullable in the shared table), child defaults",
  },
  {
    file: "x79-embedded-prefix",
    dialects: BOTH,
    covers: "embedded columns: default prefix, custom prefix, prefix: false, nested embedded",
  },
  {
    file: "s77-table-comment",
    dialects: BOTH,
    covers: "table comment with a quote (PostgreSQL COMMENT ON TABLE; SQLite keeps none, so no diff there)",
    synchronizeFails: { dialects: PG, reason: "TypeORM writes COMMENT ON TABLE ... IS 'what's' without doubling the quote" },
  },
  // PostgreSQL schemas
  {
    file: "h77-schemas",
    dialects: PG,
    schemas: ["h77_billing", "h77_sales"],
    covers:
      "entities in two non-default schemas: enum type in its table's schema, unique, index, foreign keys across schemas (and from the default one), a many-to-many join table in a schema",
  },
  // Views
  {
    file: "v80-views",
    dialects: BOTH,
    covers: "@ViewEntity: SQL text (trimmed), a query builder (getQuery()), a view reading a view (dependsOn)",
    synchronizeFails: {
      dialects: ["mariadb", "mysql"],
      reason: 'the view\'s SQL quotes names with double quotes ("v80_order"), which MariaDB reads as strings; TypeORM sends it as written',
    },
  },
  {
    file: "v81-materialized-view",
    dialects: PG,
    schemas: ["v81_reports"],
    covers: "materialized view; a view in another schema reading it",
  },
];

/** The table prefix of a definition ("c01" for "c01-integers"). */
export function prefixOf(definition: CorpusDefinition): string {
  return definition.file.slice(0, definition.file.indexOf("-"));
}

export function definitionsFor(dialect: DialectName): CorpusDefinition[] {
  return CORPUS.filter((definition) => definition.dialects.includes(dialect));
}

/**
 * The definitions the MariaDB checks start from (test/e2e/mysql-corpus.test.ts):
 * the portable ones, those that apply to both SQLite and PostgreSQL and
 * need no extra schemas.
 */
export function portableDefinitions(): CorpusDefinition[] {
  return CORPUS.filter((d) => d.dialects.includes("sqlite") && d.dialects.includes("postgres") && !d.schemas?.length);
}

/** Portable definitions MySQL/MariaDB cannot hold as written, and why (the MariaDB round trip proves the list). */
export const NOT_ON_MYSQL: Readonly<Record<string, string>> = {
  "c02-strings": 'TypeORM refuses the type "character" on MySQL/MariaDB',
  "d21-default-string": 'TypeORM refuses the type "character" on MySQL/MariaDB',
  "k60-partial-index":
    "MySQL has no partial indexes: the index is created over every row, and the WHERE the entity declares is a difference",
};

/**
 * The definitions that apply on MariaDB: the portable ones but NOT_ON_MYSQL,
 * and g91's VIRTUAL generated columns (SQLite's and MariaDB's, not PostgreSQL's).
 */
export function definitionsForMariadb(): CorpusDefinition[] {
  return [...portableDefinitions().filter((d) => !(d.file in NOT_ON_MYSQL)), ...CORPUS.filter((d) => d.file === "g91-generated-virtual")];
}

/** The non-default schemas that `definitions` put tables in. */
export function schemasOf(definitions: readonly CorpusDefinition[]): string[] {
  return [...new Set(definitions.flatMap((definition) => definition.schemas ?? []))].sort();
}

/** The entity classes `definitions` export (the files are loaded once, by require). */
export function entitiesOf(definitions: readonly CorpusDefinition[]): Function[] {
  return definitions.flatMap((definition) =>
    Object.values(require(join(DEFINITIONS_DIR, definition.file))).filter((value): value is Function => typeof value === "function"),
  );
}
