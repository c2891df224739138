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
 * PostgreSQL prints a negative number constant as a quoted, cast literal
 * (`age >= -5` comes back as `age >= '-5'::integer`); users write the number.
 */
const NEGATIVE_NUMBER = /(?<!')'(-\d+(?:\.\d+)?)'::(?:integer|bigint|smallint|numeric)\b/g;

/** A check body or index predicate as the catalogs print it, in the form users write. */
export function readExpression(expression: string): string {
  return stripOuterParentheses(expression).replace(NEGATIVE_NUMBER, "$1");
}
