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
  return stripOuterParentheses(m ? m[1] : body);
}
