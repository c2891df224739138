/**
 * Laying out raw SQL in `--sql` migrations so a reviewer can read it: a long
 * CREATE TABLE gets one column or constraint per line. Only whitespace
 * changes, outside quotes, so the database runs the same statement.
 */
import { splitTopLevel, type SqlSyntax } from "../sql/scanner";
import { INDENT, MAX_LINE_WIDTH } from "./literal";

const CREATE_TABLE = /^(CREATE (?:[A-Z]+ )*TABLE [^(]+?) ?\((.*)\)$/s;

/** `sql` as it should appear in a file where the call starts at `indent`. */
export function layoutSql(sql: string, indent: string): string {
  const match = CREATE_TABLE.exec(sql);
  // 27: `await queryRunner.query(` and `);` around it.
  if (!match || indent.length + 27 + sql.length <= MAX_LINE_WIDTH || sql.includes("\n")) return sql;
  const items = splitItems(match[2]);
  if (!items || items.length < 2) return sql;
  const inner = indent + INDENT;
  return `${match[1]} (\n${items.map((item) => `${inner}${item}`).join(",\n")}\n${indent})`;
}

/**
 * The SQL Athanor renders, for any dialect: quoted with ', " and backticks,
 * never commented.
 */
const LAYOUT_SYNTAX: SqlSyntax = { backticks: true };

/** Split at commas outside parentheses and quotes; undefined when unbalanced. */
function splitItems(body: string): string[] | undefined {
  const { parts, balanced } = splitTopLevel(body, ",", LAYOUT_SYNTAX);
  return balanced ? parts.map((part) => part.trim()) : undefined;
}
