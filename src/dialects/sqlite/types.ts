/**
 * Column types: SQLite's declared type text ↔ the canonical model's types.
 *
 * SQLite keeps the declared type verbatim and gives it only an affinity, so
 * we can write the names TypeORM's sqlite driver writes (varchar(255),
 * datetime, boolean, ...) and read them back exactly. The one rule to keep:
 * a type holding strings must never get NUMERIC affinity (a "uuid" or
 * "json" declared type would have it, and '0123' would become 123), so such
 * types render as varchar/text.
 */
import type { Column } from "../../schema/model";

/** The canonical type fields of a column. */
export interface CanonicalType {
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
}

/** Declared base names (lower case, arguments removed) → canonical type. */
const NATIVE_TO_CANONICAL: Record<string, string> = {
  integer: "integer",
  int: "integer",
  mediumint: "integer",
  int2: "smallint",
  smallint: "smallint",
  tinyint: "smallint",
  int8: "bigint",
  bigint: "bigint",
  "unsigned big int": "bigint",
  varchar: "varchar",
  "character varying": "varchar",
  "varying character": "varchar",
  nvarchar: "varchar",
  "native character": "char",
  nchar: "char",
  char: "char",
  character: "char",
  text: "text",
  clob: "text",
  boolean: "boolean",
  bool: "boolean",
  datetime: "timestamp",
  timestamp: "timestamp",
  date: "date",
  time: "time",
  real: "real",
  float: "real",
  double: "double",
  "double precision": "double",
  decimal: "decimal",
  numeric: "decimal",
  blob: "blob",
};

/** Types whose first argument is a length. */
const LENGTH_TYPES = new Set(["varchar", "char"]);
/**
 * Types whose arguments are precision and scale: SQLite ignores them, but
 * TypeORM writes them (`datetime(6)`) and compares them, so they are kept.
 */
export const PRECISION_TYPES = new Set(["decimal", "timestamp", "time", "date"]);

/** `VARCHAR(255)` → { type: "varchar", length: 255 }; unknown names are kept lower-cased. */
export function parseNativeType(declared: string): CanonicalType {
  const text = declared.trim().toLowerCase().replace(/\s+/g, " ");
  const match = /^([^(]*?)\s*(?:\(\s*([^)]*)\))?$/.exec(text);
  const base = match ? match[1].trim() : text;
  const args = match?.[2]
    ? match[2]
        .split(",")
        .map((a) => Number(a.trim()))
        .filter((n) => Number.isFinite(n))
    : [];
  const type = NATIVE_TO_CANONICAL[base];
  if (type === undefined) return { type: text };
  const result: CanonicalType = { type };
  if (LENGTH_TYPES.has(type) && args.length > 0) result.length = args[0];
  if (PRECISION_TYPES.has(type)) {
    if (args.length > 0) result.precision = args[0];
    if (args.length > 1) result.scale = args[1];
  }
  return result;
}

/** REAL, FLOAT and DOUBLE all store SQLite's one 8-byte float. */
const storage = (type: string) => (type === "double" ? "real" : type);

/**
 * The entity's own name for the type (`float`, `character`, `numeric`,
 * `tinyint`) when SQLite stores it exactly as the canonical type (same
 * canonical type, hence same affinity): TypeORM compares the declared text
 * with the entity's spelling. `int` is left out: TypeORM itself writes it
 * `integer`.
 */
function declaredSpelling(column: CanonicalType & Pick<Column, "declaredType">): string | undefined {
  const declared = column.declaredType;
  if (declared === undefined || declared === "int") return undefined;
  const canonical = NATIVE_TO_CANONICAL[declared];
  if (canonical === undefined || storage(canonical) !== storage(column.type)) return undefined;
  return declared;
}

/** Canonical type → the declared type SQLite gets (TypeORM's spelling, the entity's where it has one). */
export function renderNativeType(column: CanonicalType & Pick<Column, "generated" | "declaredType">): string {
  // Only a column declared exactly INTEGER can alias the rowid and auto-increment.
  if (column.generated === "increment" || column.generated === "identity") return "integer";
  const declared = declaredSpelling(column);
  return declared !== undefined ? withArguments(declared, column) : canonicalSpelling(column);
}

/** The declared name with the length or precision and scale its canonical type takes. */
function withArguments(declared: string, column: CanonicalType): string {
  switch (NATIVE_TO_CANONICAL[declared]) {
    case "varchar":
    case "char":
      return column.length !== undefined ? `${declared}(${column.length})` : declared;
    case "decimal":
      if (column.precision === undefined) return declared;
      return column.scale !== undefined ? `${declared}(${column.precision},${column.scale})` : `${declared}(${column.precision})`;
    // Fractional-second precision, as TypeORM writes and compares it (datetime(3)).
    case "timestamp":
    case "time":
    case "date":
      return column.precision !== undefined ? `${declared}(${column.precision})` : declared;
    default:
      return declared;
  }
}

function canonicalSpelling(column: CanonicalType): string {
  switch (column.type) {
    case "varchar":
    case "char":
      return column.length !== undefined ? `${column.type}(${column.length})` : column.type;
    case "decimal":
      if (column.precision === undefined) return "decimal";
      return column.scale !== undefined ? `decimal(${column.precision},${column.scale})` : `decimal(${column.precision})`;
    // "double" is an entity's own spelling (other spellings carry declaredType).
    case "double":
      return "double";
    case "timestamp":
    case "timestamptz":
      return column.precision !== undefined ? `datetime(${column.precision})` : "datetime";
    case "time":
    case "date":
      return column.precision !== undefined ? `${column.type}(${column.precision})` : column.type;
    // Strings must keep TEXT affinity.
    case "uuid":
    case "enum":
      return "varchar";
    case "json":
    case "jsonb":
      return "text";
    default:
      return column.type;
  }
}
