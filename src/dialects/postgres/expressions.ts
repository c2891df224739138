/**
 * SQL expression text as the catalogs print it (check bodies, partial-index
 * predicates), reduced to the form users write: no `CHECK (...)` wrapper, no
 * redundant outer parentheses.
 */
import { POSTGRES_SYNTAX, enclosedInParentheses } from "../../sql/scanner";

export function stripOuterParentheses(expression: string): string {
  let text = expression.trim();
  while (enclosedInParentheses(text, POSTGRES_SYNTAX)) text = text.slice(1, -1).trim();
  return text;
}

/** `CHECK ((age > 0)) NOT VALID` → `age > 0`. */
export function stripCheck(definition: string): string {
  const body = definition
    .trim()
    .replace(/\s+NOT VALID$/i, "")
    .replace(/\s+NO INHERIT$/i, "");
  const m = /^CHECK\s*([\s\S]*)$/i.exec(body);
  return readExpression(m ? m[1] : body);
}

/**
 * The casts PostgreSQL adds on its own when it stores an expression: string
 * literals and string columns compared as text (`name::text <> 'x'::text`).
 * An entity states the expression without them.
 */
const IMPLICIT_CASTS = /::(?:text|character varying|bpchar)(?:\[\])?(?![\w(])/g;

/**
 * `x = ANY (ARRAY['a', 'b'])` and `x <> ALL (ARRAY['a', 'b'])`: how
 * PostgreSQL stores `x IN ('a', 'b')` and `x NOT IN ('a', 'b')`.
 */
const ARRAY_BODY = String.raw`ARRAY\[((?:[^\]']|'(?:[^']|'')*')*)\]`;
// The array is in parentheses of its own (`((ARRAY[...]))`) where a cast was
// removed: those come in a pair, or not at all, so that a closing
// parenthesis of the surrounding expression is never taken as the array's.
const ANY_ARRAY = new RegExp(String.raw`([\w."]+|\([^()]*\)) (= ANY|<> ALL) \((?:\(${ARRAY_BODY}\)|${ARRAY_BODY})\)`, "g");

/**
 * An expression as PostgreSQL prints it (check bodies, index predicates,
 * defaults) back in the form an entity writes it: implicit casts removed,
 * `= ANY (ARRAY[...])` as `IN (...)`. Idempotent, and string literals are
 * left as they are.
 */
export function canonicalExpression(expression: string): string {
  const withoutCasts = expression
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(IMPLICIT_CASTS, "")))
    .join("");
  return withoutCasts.replace(
    ANY_ARRAY,
    (_, subject: string, operator: string, wrapped: string | undefined, bare: string | undefined) =>
      `${subject} ${operator === "= ANY" ? "IN" : "NOT IN"} (${wrapped ?? bare})`,
  );
}

/**
 * PostgreSQL prints a negative number constant as a quoted, cast literal
 * (`age >= -5` comes back as `age >= '-5'::integer`); users write the number.
 */
const NEGATIVE_NUMBER = /(?<!')'(-\d+(?:\.\d+)?)'::(?:integer|bigint|smallint|numeric)\b/g;

/** A check body or index predicate as the catalogs print it, in the form users write. */
export function readExpression(expression: string): string {
  return canonicalExpression(stripOuterParentheses(expression)).replace(NEGATIVE_NUMBER, "$1");
}

/** Tokens of an expression: string literals, quoted identifiers, words and numbers, operators, punctuation. */
const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|[\w$.]+|::|[+\-*/<>=~!@#%^&|`?]+|\S/g;

/** Punctuation that takes no space on either side. */
const TIGHT = new Set(["(", ")", "[", "]", ",", "::"]);

/**
 * The form in which two spellings of one expression compare equal: the
 * server re-spaces what it stores (`(1  +   2)` → `(1 + 2)`,
 * `lower( 'A' )` → `lower('A')`) and prints keywords its own way
 * (`current_time` → `CURRENT_TIME`). Unquoted words are lower-cased (as the
 * server reads them), spaces sit between words and around operators only.
 * Literals and quoted identifiers are kept as written. Only for comparing:
 * the migration renders the entity's own text.
 */
export function comparableExpression(expression: string): string {
  // PostgreSQL wraps a stored operator expression in parentheses: `(abs(-4) * 2)`.
  const tokens = stripOuterParentheses(expression).replace(NEGATIVE_NUMBER, "$1").match(TOKEN) ?? [];
  // A number, a literal or a keyword (CURRENT_TIMESTAMP) is already in its one form.
  if (tokens.length <= 1) return expression.trim();
  let out = "";
  let previous = "";
  for (const raw of tokens) {
    const token = /^['"]/.test(raw) ? raw : raw.toLowerCase();
    const tight = TIGHT.has(token) || TIGHT.has(previous);
    if (out !== "" && !tight) out += " ";
    out += token;
    previous = token;
  }
  return out;
}
