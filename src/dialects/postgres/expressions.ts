/**
 * SQL expression text as the catalogs print it (check bodies, partial-index
 * predicates), reduced to the form users write: no `CHECK (...)` wrapper, no
 * redundant outer parentheses.
 */
import { parenthesesEncloseWhole } from "../sql-text";

export function stripOuterParentheses(expression: string): string {
  let text = expression.trim();
  while (parenthesesEncloseWhole(text)) text = text.slice(1, -1).trim();
  return text;
}

/** `CHECK ((age > 0)) NOT VALID` → `age > 0`. */
export function stripCheck(definition: string): string {
  const body = definition.trim().replace(/\s+NOT VALID$/i, "").replace(/\s+NO INHERIT$/i, "");
  const m = /^CHECK\s*([\s\S]*)$/i.exec(body);
  return readExpression(m ? m[1] : body);
}

/**
 * The casts PostgreSQL adds on its own when it stores an expression: string
 * literals and string columns compared as text (`name::text <> 'x'::text`).
 * An entity states the expression without them.
 */
const IMPLICIT_CASTS = /::(?:text|character varying|bpchar)(?:\[\])?(?![\w(])/g;

/** `x = ANY (ARRAY['a', 'b'])`: how PostgreSQL stores `x IN ('a', 'b')`. */
const ANY_ARRAY = /([\w."]+|\([^()]*\)) = ANY \(\(?ARRAY\[((?:[^\]']|'(?:[^']|'')*')*)\]\)?\)/g;

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
  return withoutCasts.replace(ANY_ARRAY, (_, subject: string, list: string) => `${subject} IN (${list})`);
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
