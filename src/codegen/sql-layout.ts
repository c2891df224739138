/**
 * Laying out raw SQL in `--sql` migrations so a reviewer can read it: a long
 * CREATE TABLE gets one column or constraint per line. Only whitespace
 * changes, outside quotes, so the database runs the same statement.
 */
import { INDENT, MAX_LINE_WIDTH } from "./literal";

const CREATE_TABLE = /^(CREATE (?:[A-Z]+ )*TABLE [^(]+?) ?\((.*)\)$/s;

/** `sql` as it should appear in a file where the call starts at `indent`. */
export function layoutSql(sql: string, indent: string): string {
  const match = CREATE_TABLE.exec(sql);
  // 27: `await queryRunner.query(` and `);` around it.
  if (!match || indent.length + 27 + sql.length <= MAX_LINE_WIDTH || sql.includes("\n")) return sql;
  const items = splitTopLevel(match[2]);
  if (!items || items.length < 2) return sql;
  const inner = indent + INDENT;
  return `${match[1]} (\n${items.map((item) => `${inner}${item}`).join(",\n")}\n${indent})`;
}

/** Split at commas outside parentheses and quotes; undefined when unbalanced. */
function splitTopLevel(body: string): string[] | undefined {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      items.push(body.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (quote || depth !== 0) return undefined;
  items.push(body.slice(start).trim());
  return items;
}
