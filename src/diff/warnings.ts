/**
 * Data-loss warnings. They end up in the migration's header and on the
 * terminal, so each says what happens to which data and, where there is one,
 * what to do instead.
 */
import type { Column } from "../schema/model";
import { formatColumnType } from "../schema/equal";
import type { ColumnChange } from "./compare-table";

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

/**
 * The warning for an altered column, or none when no existing value can be
 * lost or rejected. `change` holds both sides as the dialect compares them.
 */
export function alterWarnings(table: string, change: ColumnChange): string[] {
  const { from, to } = change;
  const where = `${table}.${to.name}`;
  const warnings: string[] = [];
  const fromType = formatColumnType(from);
  const toType = formatColumnType(to);

  if (from.type === "enum" && to.type === "enum") {
    const removed = (from.enum ?? []).filter((value) => !(to.enum ?? []).includes(value));
    if (removed.length > 0) {
      warnings.push(
        `${where} no longer allows ${removed.map((v) => `'${v}'`).join(", ")}: if a row holds one the migration stops, naming how many, and changes nothing.`,
      );
    }
  } else if (typeRelation(from.type, to.type) === "other") {
    warnings.push(
      `${where} changes type from ${fromType} to ${toType}: values that do not convert will make the migration fail or be lost.`,
    );
  } else if (from.type === "decimal" && to.type === "decimal") {
    warnings.push(...decimalWarnings(where, from, to));
  } else if (typeRelation(from.type, to.type) === "narrower" || (fromType !== toType && narrowsSize(from, to))) {
    warnings.push(`${where} narrows from ${fromType} to ${toType}: if a value does not fit the migration stops, naming how many rows, and changes nothing.`);
  }

  if (from.nullable && !to.nullable) {
    warnings.push(
      to.default === undefined
        ? `${where} becomes NOT NULL without a default: if any row holds NULL the migration stops, naming how many, and changes nothing.`
        : `${where} becomes NOT NULL: rows holding NULL are set to the default ${to.default} first.`,
    );
  }
  return warnings;
}

/**
 * decimal(p,s) → decimal(p',s'): fewer digits before the point may not hold
 * a value (the migration stops first, where the database enforces
 * precision); fewer after it round every value, which is no error but loses
 * the cut digits for good — `down` widens the column, it cannot restore them.
 */
function decimalWarnings(where: string, from: Column, to: Column): string[] {
  const warnings: string[] = [];
  const fromType = formatColumnType(from);
  const toType = formatColumnType(to);
  if (to.precision === undefined) return warnings;
  const scale = (c: Column) => c.scale ?? 0;
  const integerDigits = (c: Column) => (c.precision === undefined ? Infinity : c.precision - scale(c));
  if (integerDigits(to) < integerDigits(from)) {
    warnings.push(`${where} narrows from ${fromType} to ${toType}: if a value does not fit the migration stops, naming how many rows, and changes nothing.`);
  }
  if (from.precision === undefined || scale(to) < scale(from)) {
    warnings.push(
      `${where} keeps ${scale(to)} decimal place(s) (${fromType} → ${toType}): values with more are rounded, and down does not bring the cut digits back.`,
    );
  }
  return warnings;
}

export function addColumnWarning(table: string, column: Column): string | undefined {
  if (column.nullable || column.default !== undefined || column.generated) return undefined;
  return `${table}.${column.name} is added as NOT NULL without a default: this fails if ${table} has rows.`;
}

/**
 * Dropped columns lose their data. When columns appear in the same table the
 * pair may really be a rename, which keeps the data — say so loudly.
 */
export function dropColumnWarnings(table: string, dropped: Column[], added: Column[]): string[] {
  return dropped.map((column) => {
    const where = `${table}.${column.name}`;
    if (added.length === 0) return `${where} is dropped: the data in it is lost.`;
    const appearing = added.map((a) => `${table}.${a.name}`).join(", ");
    const first = added[0].name;
    return (
      `${where} is dropped and ${appearing} added: data in ${column.name} is lost. ` +
      `If this is a rename, replace the dropColumn/addColumn pair with ` +
      `op(queryRunner).renameColumn("${table}", "${column.name}", "${first}") to keep the data.`
    );
  });
}

export function dropTableWarning(table: string): string {
  return `table ${table} is dropped (no entity maps it any more): all its rows are lost.`;
}
