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
    case "time": {
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

/** Drop keys whose value is undefined, so deep equality ignores them. */
function compact<T extends object>(record: T): T {
  // A loop, not Object.entries/fromEntries: this runs for every column of both schemas.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as T;
}

export function comparableColumn(column: Column): Column {
  const type = parseType(column.type).type;
  const generated = impliedGeneration(column, type);
  // serial and identity columns are NOT NULL whatever was asked for.
  const forcedNotNull = generated === "increment" || generated === "identity";
  const isEnum = type === "enum" || type === "enum[]";
  return compact<Column>({
    name: column.name,
    type,
    ...typeModifiers(column, type),
    nullable: forcedNotNull ? false : column.nullable,
    default: generated ? undefined : normalizeDefault(column.default, type),
    generated,
    generatedAlways: generated === "identity" && column.generatedAlways ? true : undefined,
    enum: isEnum ? [...(column.enum ?? [])] : undefined,
    enumName: isEnum ? column.enumName : undefined,
    comment: column.comment === "" ? undefined : column.comment,
    collation: column.collation,
  });
}
