/**
 * The form of a column SQLite can store and report back. Both sides of a
 * diff pass through it, so what SQLite cannot represent never shows up as a
 * change (and is never "fixed" by a migration that would change nothing).
 */
import type { Column } from "../../schema/model";
import { isUuidGenerator, normalizeDefault } from "./defaults";

export function comparableColumn(input: Column): Column {
  const column: Column = { ...input };
  delete column.enumName; // SQLite has no named enum types
  delete column.comment; // nor comments
  delete column.generatedAlways; // nor identity columns (see below)

  switch (column.type) {
    case "uuid":
      column.type = "varchar";
      delete column.length;
      break;
    case "timestamptz":
      column.type = "timestamp";
      break;
    case "json":
    case "jsonb":
      column.type = "text";
      break;
    case "double":
      // REAL, FLOAT and DOUBLE all store SQLite's one 8-byte float.
      column.type = "real";
      break;
  }

  if (column.generated === "identity") column.generated = "increment";
  // SQLite auto-increments only a column declared exactly INTEGER.
  if (column.generated === "increment") column.type = "integer";
  if (column.generated === "uuid") {
    // TypeORM fills uuids in JS on SQLite; the table only stores the text.
    delete column.generated;
    if (isUuidGenerator(column.default)) delete column.default;
  }

  const type = column.type;
  if (type !== "varchar" && type !== "char") delete column.length;
  if (type !== "decimal") {
    delete column.precision;
    delete column.scale;
  }
  if (type !== "enum") delete column.enum;

  const normalizedDefault = normalizeDefault(column.default, type);
  if (normalizedDefault === undefined) delete column.default;
  else column.default = normalizedDefault;
  return column;
}
