/**
 * The form of a column PostgreSQL can store and report back. Entity columns
 * and introspected columns both pass through `comparableColumn` before the
 * diff compares them, so spelling differences (type aliases, default casts,
 * the implicit precision of timestamps, the NOT NULL that serial implies)
 * never show up as changes.
 */
import type { Column } from "../../schema/model";
import { isSequenceDefault, isUuidDefault, normalizeDefault } from "./defaults";
import { isIntegerType, isNumericType, parseType } from "./types";
import { canonicalArrayLiteral, parseArrayLiteral } from "./array-literal";
import { comparableExpression } from "./expressions";

/** Which attributes PostgreSQL keeps for each canonical type. */
function typeModifiers(column: Column, type: string): Pick<Column, "length" | "precision" | "scale"> {
  const parsed = parseType(column.type);
  // An array's modifiers are its element's.
  switch (type.replace(/(\[\])+$/, "")) {
    case "varchar":
      return { length: column.length ?? parsed.length };
    case "char":
    case "bit":
      // `character` and `bit` without a length are character(1) and bit(1).
      return { length: column.length ?? parsed.length ?? 1 };
    case "varbit":
      return { length: column.length ?? parsed.length };
    case "decimal": {
      const precision = column.precision ?? parsed.precision;
      // numeric(p) is numeric(p,0); a scale alone cannot be declared.
      if (precision === undefined) return {};
      return { precision, scale: column.scale ?? parsed.scale ?? 0 };
    }
    case "timestamp":
    case "timestamptz":
    case "time":
    case "timetz": {
      const precision = column.precision ?? parsed.precision;
      return { precision: precision === 6 ? undefined : precision };
    }
    default:
      return {};
  }
}

/** A generation the default expression implies (nextval, gen_random_uuid). */
function impliedGeneration(column: Column, type: string): Column["generated"] {
  if (column.generated) return column.generated;
  if (column.default === undefined) return undefined;
  if (isIntegerType(type) && isSequenceDefault(column.default)) return "increment";
  if (type === "uuid" && isUuidDefault(column.default)) return "uuid";
  return undefined;
}

const STRING_LITERAL = /^'((?:[^']|'')*)'$/s;

/**
 * A normalized default in the form two spellings of one value compare
 * equal: json and jsonb as JSON values (jsonb re-orders and re-spaces what
 * it stores), arrays element by element (`{0.0, 0.0}` is stored `{0,0}`),
 * other expressions as `comparableExpression` spells them.
 */
function comparableDefault(normalized: string, type: string): string {
  const literal = STRING_LITERAL.exec(normalized);
  if (!literal) return comparableExpression(normalized);
  const text = literal[1].replace(/''/g, "'");
  if (type === "json" || type === "jsonb") {
    const value = parseJson(text);
    return value === undefined ? normalized : quote(JSON.stringify(sortedKeys(value.json)));
  }
  if (type.endsWith("[]")) {
    const elements = parseArrayLiteral(text);
    const element = type.replace(/(\[\])+$/, "");
    return elements === undefined ? normalized : quote(canonicalArrayLiteral(elements, isNumericType(element)));
  }
  return normalized;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Object keys in one order, at every depth (jsonb keeps its own order, not the one written). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortedKeys(inner)]));
}

// Built field by field, only with the attributes that have a value (deep
// equality then ignores the rest): this runs for every column of both schemas.
export function comparableColumn(column: Column): Column {
  const type = parseType(column.type).type;
  const generated = impliedGeneration(column, type);
  // serial and identity columns are NOT NULL whatever was asked for.
  const forcedNotNull = generated === "increment" || generated === "identity";
  const isEnum = type === "enum" || type === "enum[]";
  const result: Column = { name: column.name, type, nullable: forcedNotNull ? false : column.nullable };
  const modifiers = typeModifiers(column, type);
  if (modifiers.length !== undefined) result.length = modifiers.length;
  if (modifiers.precision !== undefined) result.precision = modifiers.precision;
  if (modifiers.scale !== undefined) result.scale = modifiers.scale;
  const normalized = generated ? undefined : normalizeDefault(column.default, type);
  const defaultValue = normalized === undefined ? undefined : comparableDefault(normalized, type);
  if (defaultValue !== undefined) result.default = defaultValue;
  if (generated !== undefined) result.generated = generated;
  if (generated === "identity" && column.generatedAlways) result.generatedAlways = true;
  if (isEnum) {
    result.enum = [...(column.enum ?? [])];
    if (column.enumName !== undefined) result.enumName = column.enumName;
  }
  if (column.comment !== undefined && column.comment !== "") result.comment = column.comment;
  if (column.collation !== undefined) result.collation = column.collation;
  if (column.asExpression !== undefined) {
    result.asExpression = column.asExpression;
    result.generatedType = column.generatedType ?? "VIRTUAL";
  }
  return result;
}
