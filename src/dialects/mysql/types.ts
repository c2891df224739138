/**
 * MySQL/MariaDB column types ↔ the portable model.
 *
 * Reading: `COLUMN_TYPE` text (`int(11) unsigned`, `enum('a','b')`,
 * `datetime(6)`) → portable type plus modifiers. Display widths are dropped
 * (MySQL 8 no longer reports them, MariaDB does), `tinyint(1)` is a boolean
 * (what every MySQL client takes it for, and what earlier Athanor versions
 * wrote), `float` is the 4-byte float (`double` declared `float`).
 *
 * Writing: a model column → the native type text a column definition needs,
 * in TypeORM's MySQL driver's spelling where its schema builder compares the
 * text (`tinyint` for a boolean, `double` for `real`), so that `typeorm
 * schema:log` finds nothing to change on what Athanor built.
 */
import type { Column } from "../../schema/model";
import { quoteString } from "./quote";

/** Which flavour of server the TypeORM driver type names: it decides how uuid is stored. */
export type Flavour = "mysql" | "mariadb";

export interface NativeType {
  type: string;
  /** The type name where it is another spelling of `type` (`float` for the 4-byte double). */
  declaredType?: string;
  length?: number;
  precision?: number;
  scale?: number;
  unsigned?: boolean;
  enum?: string[];
}

const INTEGERS: Record<string, string> = {
  tinyint: "tinyint",
  smallint: "smallint",
  mediumint: "mediumint",
  int: "integer",
  integer: "integer",
  bigint: "bigint",
};

const CURRENT_TIME_TYPES = new Set(["timestamp", "timestamptz", "time", "datetime"]);

/** Parse a COLUMN_TYPE. */
export function parseColumnType(columnType: string): NativeType {
  const text = columnType.trim();
  const unsigned = /\sunsigned\b/i.test(text);
  const base = text.replace(/\s+(unsigned|zerofill|signed)\b/gi, "").trim();
  const match = /^([a-z ]+?)\s*(?:\((.*)\))?$/is.exec(base);
  const name = (match?.[1] ?? base).toLowerCase();
  const args = match?.[2];
  const result: NativeType = { type: name };
  if (unsigned) result.unsigned = true;

  if (name === "enum" || name === "set") {
    result.enum = parseValueList(args ?? "");
    return result;
  }
  if (INTEGERS[name]) {
    // A display width is not a type modifier; tinyint(1) is the boolean convention.
    if (name === "tinyint" && args === "1" && !unsigned) return { type: "boolean" };
    result.type = INTEGERS[name];
    return result;
  }
  const numbers = (args ?? "")
    .split(",")
    .map((part) => Number(part.trim()))
    .filter((n) => !Number.isNaN(n) && args !== undefined);
  switch (name) {
    case "varchar":
    case "char":
    case "varbinary":
    case "binary":
    case "bit":
      if (numbers[0] !== undefined) result.length = numbers[0];
      return result;
    case "decimal":
    case "numeric":
      result.type = "decimal";
      if (numbers[0] !== undefined) result.precision = numbers[0];
      if (numbers[1] !== undefined) result.scale = numbers[1];
      return result;
    case "float":
      // The 4-byte float: what an entity's "float" is (model double, declared float). The
      // model's "real" is MySQL's REAL, a synonym of DOUBLE, as TypeORM's driver has it.
      result.type = "double";
      result.declaredType = "float";
      return result;
    case "double":
    case "double precision":
      result.type = "double";
      return result;
    case "datetime":
    case "timestamp":
      // TIMESTAMP (stored as UTC, converted to the session zone) is the
      // closest thing to timestamptz; datetime is a plain timestamp.
      result.type = name === "datetime" ? "timestamp" : "timestamptz";
      if (numbers[0]) result.precision = numbers[0];
      return result;
    case "time":
      if (numbers[0]) result.precision = numbers[0];
      return result;
    case "year":
      return { type: "year" };
    default:
      if (numbers[0] !== undefined && args !== undefined) {
        if (numbers.length > 1) {
          result.precision = numbers[0];
          result.scale = numbers[1];
        } else result.length = numbers[0];
      }
      return result;
  }
}

/** `'a','b''c'` → ["a", "b'c"] (MySQL doubles quotes inside ENUM/SET lists). */
export function parseValueList(text: string): string[] {
  const values: string[] = [];
  const pattern = /'((?:[^'\\]|''|\\.)*)'/gs;
  for (const match of text.matchAll(pattern)) values.push(match[1].replace(/''/g, "'").replace(/\\(.)/g, "$1"));
  return values;
}

/** The native type text for a model column. */
export function nativeType(column: Column, flavour: Flavour): string {
  const declared = column.declaredType;
  const sign = column.unsigned ? " unsigned" : "";
  switch (column.type) {
    case "smallint":
      return (declared === "tinyint" || declared === "mediumint" ? declared : "smallint") + sign;
    case "integer":
      return (declared === "mediumint" ? "mediumint" : "int") + sign;
    case "tinyint":
    case "mediumint":
    case "bigint":
      return column.type + sign;
    case "boolean":
      // TypeORM's spelling: MariaDB reports it as tinyint(4), and TypeORM's "mariadb" driver
      // compares display widths, so a tinyint(1) would be a change for its schema builder.
      // tinyint(1) columns earlier versions wrote stay equal (comparable.ts: both are tinyint).
      return "tinyint";
    case "decimal":
      if (column.precision === undefined) return "decimal" + sign;
      return `decimal(${column.precision},${column.scale ?? 0})${sign}`;
    case "real":
      // MySQL's REAL is DOUBLE (unless sql_mode REAL_AS_FLOAT); TypeORM's driver creates double too.
      return "double" + sign;
    case "double":
      // TypeORM reads "float" as double precision elsewhere; MySQL has a 4-byte FLOAT.
      return (column.declaredType === "float" ? "float" : "double") + sign;
    case "varchar":
      return `varchar(${column.length ?? 255})`;
    case "char":
      return `char(${column.length ?? 1})`;
    case "uuid":
      // TypeORM stores uuids as varchar on MySQL and on MariaDB before 10.7: varchar(36) when
      // it generates them or the column references one, else its varchar default, 255.
      return flavour === "mariadb" ? "uuid" : `varchar(${uuidLength(column)})`;
    case "timestamp":
    case "timestamptz":
      // Both become datetime: MySQL's TIMESTAMP ends in 2038.
      return column.precision ? `datetime(${column.precision})` : "datetime";
    case "time":
      return column.precision ? `time(${column.precision})` : "time";
    case "json":
    case "jsonb":
      return "json";
    case "enum":
    case "set":
      return `${column.type}(${(column.enum ?? []).map(quoteString).join(",")})`;
    default: {
      if (column.length !== undefined) return `${column.type}(${column.length})`;
      if (column.precision !== undefined && column.scale !== undefined) return `${column.type}(${column.precision},${column.scale})`;
      if (column.precision !== undefined) return `${column.type}(${column.precision})`;
      return column.type;
    }
  }
}

/** The length of the varchar TypeORM's "mysql" driver type stores a uuid column in. */
export function uuidLength(column: Column): number {
  return column.length ?? (column.generated === "uuid" ? 36 : 255);
}

/** Types whose "now" default takes the column's fractional precision. */
export function takesCurrentTime(type: string): boolean {
  return CURRENT_TIME_TYPES.has(type);
}

/** Types MySQL 8 accepts a default on only as an expression in parentheses. */
export function needsExpressionDefault(type: string): boolean {
  return /text$|blob$|^json|^geometry|^point|^polygon/.test(type);
}

/** Integer types from narrowest to widest, for narrowing checks. */
export const INTEGER_TYPES = ["tinyint", "smallint", "mediumint", "integer", "bigint"];
