/**
 * What changing a column from one definition to another does to the values
 * already in it: kept, narrowed (some may not fit), rounded, or converted
 * between unrelated types. Rename detection (diff/renames.ts) asks too: a
 * column that keeps its values under another type may be a renamed one.
 */
import { formatColumnType } from "../schema/equal";
import type { Column } from "../schema/model";

/** Types that convert to a later one in the same list without loss. */
const WIDENING_CHAINS: string[][] = [
  ["smallint", "integer", "bigint", "decimal"],
  ["real", "double"],
  ["char", "varchar", "text"],
  ["date", "timestamp"],
];

/** Conversions that keep every value although the types are unrelated. */
const SAFE_CONVERSIONS = new Set([
  "enum>varchar",
  "enum>text",
  "uuid>varchar",
  "uuid>text",
  "json>jsonb",
  "jsonb>json",
  "date>timestamptz",
  // Read in the session's time zone; the reverse drops the zone, so it warns.
  "timestamp>timestamptz",
]);

/**
 * How `from` relates to `to`: "same" type, a "wider" one, a "narrower" one in
 * the same family (bigint → integer, text → varchar), or "other".
 */
export function typeRelation(from: string, to: string): "same" | "wider" | "narrower" | "other" {
  if (from === to) return "same";
  if (SAFE_CONVERSIONS.has(`${from}>${to}`)) return "wider";
  for (const chain of WIDENING_CHAINS) {
    const a = chain.indexOf(from);
    const b = chain.indexOf(to);
    if (a >= 0 && b >= 0) return a < b ? "wider" : "narrower";
  }
  return "other";
}

/** Whether `to` can hold fewer characters/digits than `from`. */
export function narrowsSize(from: Column, to: Column): boolean {
  // No length means unbounded (or the type's maximum); a uuid needs 36.
  const fromLength = from.type === "uuid" ? 36 : from.length;
  if (to.length !== undefined && (fromLength === undefined || to.length < fromLength)) return true;
  if (to.precision !== undefined && (from.precision === undefined || to.precision < from.precision)) return true;
  if (to.scale !== undefined && from.scale !== undefined && to.scale < from.scale) return true;
  return false;
}

/** What a column's new type does to the values it holds; at most one of the first three. */
export interface TypeChange {
  /** Enum values `to` no longer allows. */
  removedEnumValues?: string[];
  /** The types are unrelated: values may not convert. */
  unrelated?: boolean;
  /** Fewer characters or digits (before the point, for decimals): a value may not fit. */
  narrows?: boolean;
  /** decimal with fewer digits after the point: every value is rounded to them. */
  roundsTo?: number;
}

export function typeChange(from: Column, to: Column): TypeChange {
  if (from.type === "enum" && to.type === "enum") {
    const removed = (from.enum ?? []).filter((value) => !(to.enum ?? []).includes(value));
    return removed.length > 0 ? { removedEnumValues: removed } : {};
  }
  const relation = typeRelation(from.type, to.type);
  if (relation === "other") return { unrelated: true };
  if (from.type === "decimal" && to.type === "decimal") return decimalChange(from, to);
  const narrows = relation === "narrower" || (formatColumnType(from) !== formatColumnType(to) && narrowsSize(from, to));
  return narrows ? { narrows } : {};
}

/**
 * decimal(p,s) → decimal(p',s'): fewer digits before the point may not hold
 * a value (the migration stops first, where the database enforces
 * precision); fewer after it round every value, which is no error but loses
 * the cut digits for good — `down` widens the column, it cannot restore them.
 */
function decimalChange(from: Column, to: Column): TypeChange {
  if (to.precision === undefined) return {};
  const scale = (c: Column) => c.scale ?? 0;
  const integerDigits = (c: Column) => (c.precision === undefined ? Infinity : c.precision - scale(c));
  const change: TypeChange = {};
  if (integerDigits(to) < integerDigits(from)) change.narrows = true;
  if (from.precision === undefined || scale(to) < scale(from)) change.roundsTo = scale(to);
  return change;
}
