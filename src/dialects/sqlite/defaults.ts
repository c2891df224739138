/**
 * Column defaults: SQLite's DEFAULT text ↔ the canonical spelling documented
 * on `Column.default` (booleans as true/false, the current time as
 * CURRENT_TIMESTAMP, numbers in their shortest form, strings single-quoted).
 */
import { SQLITE_SYNTAX, enclosedInParentheses } from "../../sql/scanner";
import { quoteString } from "./quote";

const NUMERIC_TYPES = new Set(["smallint", "integer", "bigint", "decimal", "real", "double"]);
const NUMBER_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Spellings of "now" that SQLite stores as the same UTC text. */
const CURRENT_TIMESTAMP_FORMS = new Set(["current_timestamp", "current_timestamp()", "datetime('now')", "now()"]);

/** Defaults that generate a uuid in the database; TypeORM does it in JS on SQLite. */
const UUID_GENERATORS = new Set(["gen_random_uuid()", "uuid_generate_v4()"]);

/**
 * The canonical form of a default expression for a column of canonical type
 * `type`; undefined when it amounts to no default (absent or NULL).
 */
export function normalizeDefault(text: string | null | undefined, type: string): string | undefined {
  if (text === null || text === undefined) return undefined;
  const expression = stripOuterParentheses(text.trim());
  if (expression === "" || /^null$/i.test(expression)) return undefined;
  const lower = expression.toLowerCase().replace(/\s+/g, "");

  if (CURRENT_TIMESTAMP_FORMS.has(lower)) return "CURRENT_TIMESTAMP";
  if (lower === "current_date" || lower === "current_time") return lower.toUpperCase();

  const literal = unquoteString(expression);
  if (type === "boolean") {
    const value = (literal ?? expression).toLowerCase();
    if (value === "1" || value === "true") return "true";
    if (value === "0" || value === "false") return "false";
  }
  if (NUMBER_LITERAL.test(expression)) return normalizeNumber(expression);
  if (literal !== undefined) {
    if (NUMERIC_TYPES.has(type) && NUMBER_LITERAL.test(literal)) return normalizeNumber(literal);
    return quoteString(literal);
  }
  return expression;
}

/** Whether a canonical default makes the database generate a uuid. */
export function isUuidGenerator(expression: string | undefined): boolean {
  return expression !== undefined && UUID_GENERATORS.has(expression.toLowerCase().replace(/\s+/g, ""));
}

/**
 * The `DEFAULT ...` clause of a column: the entity's own spelling
 * (`defaultSql`) when it has one, because TypeORM compares SQLite's stored
 * default text with the entity's (`datetime('now')` and CURRENT_TIMESTAMP,
 * `'0.50'` and `0.5` differ for it); otherwise the canonical default, in
 * TypeORM's spelling (booleans 1/0, string and number literals as given).
 * Always parenthesized, as TypeORM writes it: SQLite requires parentheses
 * around any expression that is not a bare literal, accepts them around
 * literals, and stores the text inside them.
 */
export function renderColumnDefault(column: { default?: string; defaultSql?: string; type: string }): string {
  if (column.default === undefined) return "";
  if (column.defaultSql !== undefined && !isForeignCurrentTime(column.defaultSql, column.default, column.type)) {
    return `DEFAULT (${column.defaultSql})`;
  }
  return renderDefault(column.default, column.type);
}

/**
 * A spelling of the current time SQLite does not have (`now()`,
 * `localtimestamp`, from an entity or a migration generated on PostgreSQL):
 * every insert would fail, so the canonical CURRENT_TIMESTAMP is written.
 */
function isForeignCurrentTime(spelling: string, canonical: string, type: string): boolean {
  const compact = spelling.toLowerCase().replace(/\s+/g, "");
  return normalizeDefault(canonical, type) === "CURRENT_TIMESTAMP" && compact !== "datetime('now')" && compact !== "current_timestamp";
}

/** The `DEFAULT ...` clause for a canonical default (see `renderColumnDefault`). */
export function renderDefault(canonical: string, type: string): string {
  const normalized = normalizeDefault(canonical, type);
  if (normalized === undefined) return "";
  if (normalized === "true") return "DEFAULT (1)";
  if (normalized === "false") return "DEFAULT (0)";
  // Anything else keeps its spelling: '0.50' stays a string, (1 + 2) keeps its parentheses.
  const text = canonical.trim();
  if (/^now\(\s*\)$/i.test(text)) return "DEFAULT (CURRENT_TIMESTAMP)";
  return `DEFAULT (${text})`;
}

/**
 * Whether `ALTER TABLE ADD COLUMN` accepts this default: SQLite must be able
 * to fill existing rows with one constant, so no CURRENT_* and no function
 * calls (it would refuse them with "non-constant default").
 */
export function isConstantDefault(canonical: string | undefined, type: string): boolean {
  const normalized = normalizeDefault(canonical, type);
  if (normalized === undefined) return true;
  return normalized === "true" || normalized === "false" || NUMBER_LITERAL.test(normalized) || unquoteString(normalized) !== undefined;
}

/** `'it''s'` → `it's`; `"x"` (SQLite reads an unknown identifier as a string) → `x`. */
function unquoteString(text: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/.exec(text) ?? /^"((?:[^"]|"")*)"$/.exec(text);
  if (!match) return undefined;
  const quote = text[0];
  return match[1].split(quote + quote).join(quote);
}

/** `(((1)))` → `1`, but `(a) + (b)` is left alone. */
function stripOuterParentheses(text: string): string {
  let current = text;
  while (enclosedInParentheses(current, SQLITE_SYNTAX)) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

/** `+007.50` → `7.5`, `-0` → `0`, `1e3` → `1000`; digits are never rounded. */
function normalizeNumber(text: string): string {
  if (/[eE]/.test(text)) return String(Number(text));
  let sign = text.startsWith("-") ? "-" : "";
  let digits = text.replace(/^[+-]/, "");
  let [whole, fraction = ""] = digits.split(".");
  whole = whole.replace(/^0+(?=\d)/, "") || "0";
  fraction = fraction.replace(/0+$/, "");
  digits = fraction ? `${whole}.${fraction}` : whole;
  if (/^0(\.0*)?$/.test(digits)) sign = "";
  return sign + digits;
}
