/**
 * Column defaults between MySQL/MariaDB and the model's canonical spelling.
 *
 * MariaDB reports COLUMN_DEFAULT as SQL text (`'abc'`, `1.50`,
 * `current_timestamp(6)`, and the word `NULL` for a nullable column without
 * one). MySQL 8 reports a literal's bare value (`abc`) and marks expression
 * defaults DEFAULT_GENERATED in EXTRA. Both are read into canonical text;
 * `comparableDefault` then folds what differs only in spelling.
 */
import { mysqlExpression, mysqlPrinted, readExpression } from "./expressions";
import { expressionKey } from "./expression-key";
import { quoteString, unquoteCanonical } from "./quote";
import { needsExpressionDefault, takesCurrentTime } from "./types";

const CURRENT_TIME = /^(current_timestamp|now|localtimestamp|localtime)\s*(\(\s*\d*\s*\))?$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Canonical default from COLUMN_DEFAULT; `mariadb`: which server's convention the text follows. */
export function readDefault(raw: string | null, extra: string, mariadb: boolean): string | undefined {
  if (raw === null) return undefined;
  const text = raw.trim();
  if (mariadb) {
    if (text === "NULL") return undefined;
    return canonicalExpression(text);
  }
  // MySQL 8: an expression default (or CURRENT_TIMESTAMP), printed escaped with charset introducers.
  if (/DEFAULT_GENERATED/i.test(extra)) return canonicalExpression(mysqlPrinted(text).replace(/^\((.*)\)$/s, "$1"));
  // MySQL 8: a literal's bare value.
  if (NUMBER.test(text)) return text;
  return `'${text.replace(/'/g, "''")}'`;
}

function canonicalExpression(text: string): string {
  if (CURRENT_TIME.test(text)) return "CURRENT_TIMESTAMP";
  // MariaDB prints a literal with backslash escapes ('a\'b'): canonical text doubles the quote.
  return readExpression(text);
}

/** MariaDB's own names for functions the entities spell the standard way. */
const SYNONYMS: Array<[RegExp, string]> = [
  [/^(curtime\(\s*\)|current_time(\(\s*\))?)$/i, "CURRENT_TIME"],
  [/^(curdate\(\s*\)|current_date(\(\s*\))?)$/i, "CURRENT_DATE"],
];

/** Canonical default → the DEFAULT clause's SQL for a column of native `type`. */
export function renderDefault(canonical: string, type: string, precision: number | undefined): string {
  if (type === "set") canonical = setDefault(canonical);
  if (CURRENT_TIME.test(canonical.trim()) && takesCurrentTime(type)) {
    return precision ? `CURRENT_TIMESTAMP(${precision})` : "CURRENT_TIMESTAMP";
  }
  if (/^(true|false)$/i.test(canonical)) return canonical.toLowerCase() === "true" ? "1" : "0";
  const text = unquoteCanonical(canonical);
  if (text !== undefined) {
    const literal = quoteString(text);
    return needsExpressionDefault(type) ? `(${literal})` : literal;
  }
  if (NUMBER.test(canonical) || /^null$/i.test(canonical)) return canonical;
  // Any other expression: MySQL 8 takes it only in parentheses, MariaDB either way.
  return `(${mysqlExpression(canonical)})`;
}

/** Fold spellings of one value: numbers as numbers, booleans as 1/0, "now" as CURRENT_TIMESTAMP. */
export function comparableDefault(canonical: string | undefined, type: string): string | undefined {
  if (canonical === undefined) return undefined;
  let text = type === "set" ? setDefault(canonical.trim()) : canonical.trim();
  if (CURRENT_TIME.test(text)) return "CURRENT_TIMESTAMP";
  if (/^null$/i.test(text)) return undefined;
  // A number default on an ENUM/SET is its value's text (TypeORM quotes it).
  if ((type === "enum" || type === "set") && NUMBER.test(text)) return `'${text}'`;
  // An expression default in parentheses is the same default.
  while (/^\(.*\)$/s.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  for (const [pattern, name] of SYNONYMS) if (pattern.test(text)) return name;
  if (unquoteCanonical(text) === undefined) {
    const key = expressionDefaultKey(text, type);
    if (key !== undefined) return key;
    // What the key cannot read: compared as text, without backticks or spaces.
    text = text
      .replace(/\blcase\(/gi, "lower(")
      .replace(/\bucase\(/gi, "upper(")
      .replace(/\s+/g, " ");
    text = text.replace(/`((?:[^`]|``)+)`/g, "$1").replace(/"([a-z_][a-z0-9_]*)"/g, "$1");
    // Spaces outside string literals never change an expression's value.
    text = text
      .split(/('(?:[^']|'')*')/)
      .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, "")))
      .join("");
  }
  if (isNumericType(type)) {
    if (/^true$/i.test(text)) return "1";
    if (/^false$/i.test(text)) return "0";
    const inner = unquoteCanonical(text);
    if (inner !== undefined && NUMBER.test(inner.trim())) text = inner.trim();
    if (NUMBER.test(text)) return normalizeNumber(text);
    return text;
  }
  // An expression default in parentheses is the same default.
  while (/^\(.*\)$/s.test(text) && unquoteCanonical(text) === undefined) {
    const inner = text.slice(1, -1).trim();
    if (!balanced(inner)) break;
    text = inner;
  }
  return text;
}

/**
 * An expression default as the server keeps it: its parse tree, printed back
 * in lower case with its own function names and charset introducers
 * (`CONCAT('a', 'b')` is `concat('a','b')`, `LOWER('A')` is `lcase('A')`,
 * `_utf8mb4'x'` is `'x'`): both sides by one key (expression-key.ts), a
 * number on a numeric column as the number. Undefined where the key cannot
 * read it.
 */
function expressionDefaultKey(text: string, type: string): string | undefined {
  const key = expressionKey(text);
  if (key === undefined) return undefined;
  return isNumericType(type) && NUMBER.test(key) ? normalizeNumber(key) : key;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

function normalizeNumber(text: string): string {
  let value = text.replace(/^\+/, "");
  if (/e/i.test(value)) return String(Number(value));
  if (value.includes(".")) value = value.replace(/0+$/, "").replace(/\.$/, "");
  value = value.replace(/^(-?)0+(?=\d)/, "$1");
  return value === "-0" ? "0" : value;
}

export function isNumericType(type: string): boolean {
  return ["tinyint", "smallint", "mediumint", "integer", "bigint", "decimal", "real", "double", "boolean", "year"].includes(type);
}

/**
 * A SET default as MySQL stores it (`'a,b'`): TypeORM takes an array, which
 * the model keeps as JSON text (`'["a","b"]'`).
 */
function setDefault(canonical: string): string {
  const text = unquoteCanonical(canonical);
  if (text === undefined || !text.startsWith("[")) return canonical;
  try {
    const values: unknown = JSON.parse(text);
    return Array.isArray(values) ? `'${values.map(String).join(",").replace(/'/g, "''")}'` : canonical;
  } catch {
    return canonical;
  }
}
