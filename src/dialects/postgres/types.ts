/**
 * Column types: PostgreSQL's spelling (as printed by `format_type`) ↔ the
 * portable names of the canonical model.
 */
import type { Column } from "../../schema/model";

/** The type part of a Column, as parsed from a type name. */
export interface ParsedType {
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
}

/** PostgreSQL's default fractional-second precision; reported as none. */
const DEFAULT_TIME_PRECISION = 6;

/** Native spellings (and common aliases) that map to one portable name. */
const SIMPLE_TYPES: Record<string, string> = {
  smallint: "smallint",
  int2: "smallint",
  integer: "integer",
  int: "integer",
  int4: "integer",
  bigint: "bigint",
  int8: "bigint",
  real: "real",
  float4: "real",
  "double precision": "double",
  float8: "double",
  double: "double",
  boolean: "boolean",
  bool: "boolean",
  text: "text",
  uuid: "uuid",
  date: "date",
  json: "json",
  jsonb: "jsonb",
  bytea: "blob",
  blob: "blob",
  enum: "enum",
};

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function timePrecision(text: string | undefined): number | undefined {
  const precision = optionalNumber(text);
  return precision === DEFAULT_TIME_PRECISION ? undefined : precision;
}

/**
 * Parse a type name — `format_type` output such as "character varying(20)"
 * or a portable name such as "varchar" — into its canonical form. Unknown
 * types come back lower-cased, unchanged otherwise (e.g. "integer[]").
 */
/** Every column of both schemas is parsed, from a few distinct spellings: the answer is remembered. */
const parsedTypes = new Map<string, ParsedType>();

export function parseType(text: string): ParsedType {
  let parsed = parsedTypes.get(text);
  if (!parsed) {
    parsed = parseTypeText(text);
    if (parsedTypes.size >= 10_000) parsedTypes.clear();
    parsedTypes.set(text, parsed);
  }
  // A copy: callers may spread or extend what they get.
  return { ...parsed };
}

function parseTypeText(text: string): ParsedType {
  const native = text.trim().toLowerCase().replace(/\s+/g, " ");
  // An array keeps its element's modifiers: "character varying(20)[]" is
  // { type: "varchar[]", length: 20 }, as the entity side states it.
  const array = /^(.*?)((?:\[\d*\])+)$/.exec(native);
  if (array) {
    const element = parseTypeText(array[1]);
    return { ...element, type: `${element.type}${array[2].replace(/\d+/g, "")}` };
  }
  const simple = SIMPLE_TYPES[native];
  if (simple) return { type: simple };

  let m = /^(?:character varying|varchar)(?:\((\d+)\))?$/.exec(native);
  if (m) return { type: "varchar", length: optionalNumber(m[1]) };

  m = /^(?:character|char|bpchar)(?:\((\d+)\))?$/.exec(native);
  if (m) return { type: "char", length: optionalNumber(m[1]) };

  m = /^(?:numeric|decimal)(?:\((\d+)(?:,\s*(\d+))?\))?$/.exec(native);
  if (m) return { type: "decimal", precision: optionalNumber(m[1]), scale: optionalNumber(m[2]) };

  m = /^timestamp(?:\((\d+)\))?(?: without time zone)?$/.exec(native);
  if (m) return { type: "timestamp", precision: timePrecision(m[1]) };

  m = /^(?:timestamp(?:\((\d+)\))? with time zone|timestamptz(?:\((\d+)\))?)$/.exec(native);
  if (m) return { type: "timestamptz", precision: timePrecision(m[1] ?? m[2]) };

  m = /^time(?:\((\d+)\))?(?: without time zone)?$/.exec(native);
  if (m) return { type: "time", precision: timePrecision(m[1]) };

  m = /^(?:time(?:\((\d+)\))? with time zone|timetz(?:\((\d+)\))?)$/.exec(native);
  if (m) return { type: "timetz", precision: timePrecision(m[1] ?? m[2]) };

  // `bit` alone is bit(1); `bit varying` alone has no limit.
  m = /^bit(?:\((\d+)\))?$/.exec(native);
  if (m) return { type: "bit", length: optionalNumber(m[1]) };

  m = /^(?:bit varying|varbit)(?:\((\d+)\))?$/.exec(native);
  if (m) return { type: "varbit", length: optionalNumber(m[1]) };

  return { type: native };
}

/** The integer types that serial / identity columns can have. */
export function isIntegerType(type: string): boolean {
  return type === "smallint" || type === "integer" || type === "bigint";
}

/** Types whose default literals are numbers, not strings. */
export function isNumericType(type: string): boolean {
  return isIntegerType(type) || ["decimal", "real", "double"].includes(type);
}

/** serial / bigserial / smallserial for an auto-increment column. */
export function serialType(type: string): string {
  if (type === "bigint") return "bigserial";
  if (type === "smallint") return "smallserial";
  return "serial";
}

function withModifier(name: string, ...modifiers: (number | undefined)[]): string {
  const given = modifiers.filter((m): m is number => m !== undefined);
  return given.length ? `${name}(${given.join(",")})` : name;
}

/**
 * The native type of a column, without generation (serial is decided by the
 * caller). `enumTypeName` is the already quoted name of the enum type.
 */
export function nativeType(column: Column, quotedEnumTypeName: string): string {
  const parsed = parseType(column.type);
  const dimensions = /(\[\])+$/.exec(parsed.type);
  if (dimensions) {
    const element = { ...column, type: parsed.type.slice(0, -dimensions[0].length) };
    return nativeType(element, quotedEnumTypeName) + dimensions[0];
  }
  const length = column.length ?? parsed.length;
  const precision = column.precision ?? parsed.precision;
  const scale = column.scale ?? parsed.scale;
  switch (parsed.type) {
    case "varchar":
      return withModifier("character varying", length);
    case "char":
      return withModifier("character", length);
    case "decimal":
      // A scale without a precision is not expressible; numeric(p) means scale 0.
      return precision === undefined ? "numeric" : withModifier("numeric", precision, scale);
    case "double":
      return "double precision";
    case "blob":
      return "bytea";
    case "timestamp":
      return withModifier("timestamp", precision);
    case "timestamptz":
      return precision === undefined ? "timestamp with time zone" : `timestamp(${precision}) with time zone`;
    case "time":
      return withModifier("time", precision);
    case "timetz":
      return precision === undefined ? "time with time zone" : `time(${precision}) with time zone`;
    case "bit":
      return withModifier("bit", length);
    case "varbit":
      return withModifier("bit varying", length);
    case "enum":
      return quotedEnumTypeName;
    default:
      // Portable names that are also native (integer, text, uuid, ...) and
      // native types the model does not know (tsvector, integer[]).
      return parsed.type;
  }
}
