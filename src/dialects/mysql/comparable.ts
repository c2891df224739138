/**
 * The form of a column MySQL/MariaDB can store and report back. Entity
 * columns and introspected columns both pass through it, so that spelling
 * differences never show up as changes: booleans are tinyints, a varchar
 * without a length is varchar(255), decimal is decimal(10,0), timestamptz is
 * stored as a plain datetime, uuids are varchar where the server (or
 * TypeORM's driver type) has no uuid type (36 when generated, else 255, as
 * TypeORM writes them), JSON defaults and "now" in any
 * spelling compare equal. Charset and collation defaults never appear here:
 * introspection reports a collation only where it differs from the table's,
 * and MySQL 8's own default (utf8mb4_0900_ai_ci) stated by an entity is no
 * change on a server whose default it is (server.ts).
 */
import type { Column } from "../../schema/model";
import { withDateColumnDetails } from "./date-columns";
import { comparableDefault } from "./defaults";
import { expressionKey } from "./expression-key";
import { uuidLength, type Flavour } from "./types";
import type { ServerCapabilities } from "./server";

export function comparableColumnFor(flavour: Flavour, server?: ServerCapabilities): (column: Column) => Column {
  return (input) => comparableColumn(input, flavour, server);
}

/**
 * A collation as the server reports it: `utf8_…` is `utf8mb3_…` (MySQL
 * 8.0.30+ and MariaDB 10.6+ print the new name for the old alias), and
 * MySQL 8's default collation is no collation of the column's own.
 */
export function comparableCollation(collation: string | undefined, server?: ServerCapabilities): string | undefined {
  if (collation === undefined) return undefined;
  const named = collation.toLowerCase().replace(/^utf8_/, "utf8mb3_");
  // Only MySQL 8's default is folded: MariaDB's servers are often configured to another one.
  if (server?.defaultCollation === "utf8mb4_0900_ai_ci" && named === server.defaultCollation) return undefined;
  return named;
}

function comparableType(input: Column, flavour: Flavour): string {
  switch (input.type) {
    case "boolean":
      return "tinyint";
    case "smallint":
      return input.declaredType === "tinyint" || input.declaredType === "mediumint" ? input.declaredType : "smallint";
    case "integer":
      return input.declaredType === "mediumint" ? "mediumint" : "integer";
    case "timestamptz":
      return "timestamp";
    case "real":
      // MySQL's REAL is DOUBLE; TypeORM's driver creates an entity's "real" as double.
      return "double";
    case "double":
      // "real" here names the 4-byte float, the narrower end of danger/type-change's chain.
      return input.declaredType === "float" ? "real" : "double";
    case "jsonb":
      return "json";
    case "uuid":
      return flavour === "mariadb" ? "uuid" : "varchar";
    default:
      return input.type;
  }
}

export function comparableColumn(modelColumn: Column, flavour: Flavour, server?: ServerCapabilities): Column {
  const input = withDateColumnDetails(modelColumn);
  const type = comparableType(input, flavour);
  // TypeORM fills uuids itself on MySQL: the table holds only the value.
  const generated = input.generated === "uuid" ? undefined : input.generated === "identity" ? "increment" : input.generated;
  // MariaDB refuses NULL/NOT NULL on a generated column and reports it nullable: not compared.
  const nullable = generated === "increment" ? false : input.asExpression !== undefined ? true : input.nullable;
  const column: Column = { name: input.name, type, nullable };
  if (type === "varchar") column.length = input.type === "uuid" ? uuidLength(input) : (input.length ?? 255);
  else if (type === "char") column.length = input.length ?? 1;
  else if (["varbinary", "binary", "bit"].includes(type) && input.length !== undefined) column.length = input.length;
  if (type === "decimal") {
    column.precision = input.precision ?? 10;
    column.scale = input.scale ?? 0;
  } else if (["timestamp", "time"].includes(type)) {
    if (input.precision) column.precision = input.precision;
  }
  const defaultValue = generated ? undefined : comparableDefault(input.default, type === "tinyint" ? "boolean" : type);
  if (defaultValue !== undefined) column.default = defaultValue;
  const onUpdate = comparableDefault(input.onUpdate, type);
  if (onUpdate !== undefined) column.onUpdate = onUpdate;
  if (generated) column.generated = generated;
  if (input.unsigned && !["boolean", "tinyint"].includes(input.type) && type !== "varchar") column.unsigned = true;
  if (type === "enum" || type === "set") column.enum = [...(input.enum ?? [])];
  if (input.comment !== undefined && input.comment !== "") column.comment = input.comment;
  const collation = comparableCollation(input.collation, server);
  if (collation !== undefined) column.collation = collation;
  if (input.asExpression !== undefined) {
    column.asExpression = comparableExpression(input.asExpression);
    column.generatedType = input.generatedType ?? "VIRTUAL";
  }
  return column;
}

/**
 * A generation expression as the server prints it and as the entity writes
 * it: identifiers in backticks or not, spaces anywhere, keywords in any case,
 * parentheses only where precedence needs them (expression-key.ts). What
 * the key cannot read is compared as text without quotes, spaces or case.
 */
export function comparableExpression(expression: string): string {
  return expressionKey(expression) ?? expression.replace(/[`"]/g, "").replace(/\s+/g, "").toLowerCase();
}
