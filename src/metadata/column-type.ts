/**
 * Declared TypeORM column types → portable canonical types.
 *
 * We read the type the user DECLARED (or the design type TypeScript emitted),
 * not `driver.normalizeType`, because drivers fold types they cannot store
 * (SQLite turns uuid into varchar): the model must say what the code wants on
 * every dialect, and each dialect's `comparable` decides what it can keep.
 */
import type { EntityMetadata } from "typeorm";

type ColumnMetadata = EntityMetadata["columns"][number];

/** Constructor design types (`@Column() name: string`) → portable type. */
const DESIGN_TYPES = new Map<unknown, string>([
  [String, "varchar"],
  [Number, "integer"],
  [Boolean, "boolean"],
  [Date, "timestamp"],
  [Buffer, "blob"],
]);

/** Type names TypeORM accepts (any dialect's spelling) → portable type. */
const TYPE_NAMES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  integer: "integer",
  int2: "smallint",
  smallint: "smallint",
  int8: "bigint",
  bigint: "bigint",
  // SQLite's spellings, as its introspection reads them back.
  tinyint: "smallint",
  mediumint: "integer",
  "unsigned big int": "bigint",
  nchar: "char",
  "native character": "char",
  "varying character": "varchar",
  clob: "text",
  varchar: "varchar",
  "character varying": "varchar",
  nvarchar: "varchar",
  char: "char",
  character: "char",
  text: "text",
  uuid: "uuid",
  bool: "boolean",
  boolean: "boolean",
  datetime: "timestamp",
  timestamp: "timestamp",
  "timestamp without time zone": "timestamp",
  timestamptz: "timestamptz",
  "timestamp with time zone": "timestamptz",
  date: "date",
  time: "time",
  "time without time zone": "time",
  // PostgreSQL's zoned time has no portable type: one spelling for both names.
  timetz: "time with time zone",
  // TypeORM creates "float" as double precision on PostgreSQL; SQLite's REAL is 8 bytes too.
  float: "double",
  real: "real",
  float4: "real",
  double: "double",
  "double precision": "double",
  float8: "double",
  decimal: "decimal",
  numeric: "decimal",
  json: "json",
  jsonb: "jsonb",
  // TypeORM serializes these itself and stores the text.
  "simple-json": "text",
  "simple-array": "text",
  bytea: "blob",
  blob: "blob",
  enum: "enum",
  "simple-enum": "enum",
};

/**
 * The portable type of a declared TypeORM type: a design-type constructor or
 * a type name. Unknown names are carried through lower-cased (the model's rule
 * for native types such as "tsvector").
 */
export function portableType(declared: ColumnMetadata["type"]): string {
  if (typeof declared === "function") {
    const mapped = DESIGN_TYPES.get(declared);
    if (mapped) return mapped;
    return (declared.name || "unknown").toLowerCase();
  }
  const name = String(declared).trim().toLowerCase();
  return TYPE_NAMES[name] ?? name;
}
