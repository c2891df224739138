/**
 * The form of a column PostgreSQL can store and report back. Entity columns
 * and introspected columns both pass through `comparableColumn` before the
 * diff compares them, so spelling differences (type aliases, default casts,
 * the implicit precision of timestamps, the NOT NULL that serial implies)
 * never show up as changes.
 */
import type { Column } from "../../schema/model";
import { isSequenceDefault, isUuidDefault, normalizeDefault } from "./defaults";
import { isIntegerType, parseType } from "./types";

/** Which attributes PostgreSQL keeps for each canonical type. */
function typeModifiers(column: Column, type: string): Pick<Column, "length" | "precision" | "scale"> {
  const parsed = parseType(column.type);
  // An array's modifiers are its element's.
  switch (type.replace(/(\[\])+$/, "")) {
    case "varchar":
      return { length: column.length ?? parsed.length };
    case "char":
      // `character` without a length is character(1).
      return { length: column.length ?? parsed.length ?? 1 };
    case "decimal": {
      const precision = column.precision ?? parsed.precision;
      // numeric(p) is numeric(p,0); a scale alone cannot be declared.
      if (precision === undefined) return {};
      return { precision, scale: column.scale ?? parsed.scale ?? 0 };
    }
    case "timestamp":
    case "timestamptz":
    case "time":
    case "time with time zone": {
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
  const defaultValue = generated ? undefined : normalizeDefault(column.default, type);
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
