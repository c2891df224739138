/**
 * The form of a column SQLite can store and report back. Both sides of a
 * diff pass through it, so what SQLite cannot represent never shows up as a
 * change (and is never "fixed" by a migration that would change nothing).
 */
import type { Column } from "../../schema/model";
import { isUuidGenerator, normalizeDefault } from "./defaults";
import { PRECISION_TYPES } from "./types";

/** The one type SQLite keeps for each portable type it has no own word for. */
const STORED_AS: Record<string, string> = {
  uuid: "varchar",
  timestamptz: "timestamp",
  json: "text",
  jsonb: "text",
  // REAL, FLOAT and DOUBLE all store SQLite's one 8-byte float.
  double: "real",
};

// Built field by field rather than copied and trimmed with `delete`: this runs
// for every column of both schemas, and deleting keys sends V8's objects
// into slow dictionary mode.
export function comparableColumn(input: Column): Column {
  // SQLite has no named enum types, comments or identity columns (see below).
  let type = STORED_AS[input.type] ?? input.type;
  let generated = input.generated === "identity" ? "increment" : input.generated;
  // SQLite auto-increments only a column declared exactly INTEGER.
  if (generated === "increment") type = "integer";
  let defaultValue = input.default;
  if (generated === "uuid") {
    // TypeORM fills uuids in JS on SQLite; the table only stores the text.
    generated = undefined;
    if (isUuidGenerator(defaultValue)) defaultValue = undefined;
  }

  const column: Column = { name: input.name, type, nullable: input.nullable };
  // A uuid's length is not the varchar's it is stored as.
  if ((type === "varchar" || type === "char") && input.type !== "uuid" && input.length !== undefined) column.length = input.length;
  if (type === "decimal") {
    if (input.precision !== undefined) column.precision = input.precision;
    if (input.scale !== undefined) column.scale = input.scale;
  } else if (PRECISION_TYPES.has(type) && input.precision !== undefined) {
    // datetime(6), time(3): kept in the declared type, as TypeORM writes and compares it.
    column.precision = input.precision;
  }
  if (type === "enum" && input.enum !== undefined) column.enum = input.enum;
  if (generated !== undefined) column.generated = generated;
  if (input.collation !== undefined) column.collation = input.collation;
  const normalizedDefault = defaultValue === undefined ? undefined : normalizedDefaultOf(defaultValue, type);
  // A generated column has no default: its expression fills it.
  if (normalizedDefault !== undefined && input.asExpression === undefined) column.default = normalizedDefault;
  if (input.asExpression !== undefined) {
    column.asExpression = input.asExpression;
    column.generatedType = input.generatedType ?? "VIRTUAL";
  }
  return column;
}

/**
 * normalizeDefault, remembered: a diff asks it for every column of both
 * schemas, which spell few distinct defaults. Bounded, for a long-lived
 * process that compares many schemas.
 */
const normalizedDefaults = new Map<string, string | undefined>();

function normalizedDefaultOf(text: string, type: string): string | undefined {
  const key = `${type}\u0000${text}`;
  if (normalizedDefaults.has(key)) return normalizedDefaults.get(key);
  if (normalizedDefaults.size >= 10_000) normalizedDefaults.clear();
  const normalized = normalizeDefault(text, type);
  normalizedDefaults.set(key, normalized);
  return normalized;
}
