/**
 * SQL expression text as the catalogs print it (check bodies, partial-index
 * predicates), reduced to the form users write: no `CHECK (...)` wrapper, no
 * redundant outer parentheses.
 */

/** Whether the first "(" of `text` closes at its very last character. */
function wrappedWhole(text: string): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0 && i < text.length - 1) return false;
    }
  }
  return depth === 0;
}

export function stripOuterParentheses(expression: string): string {
  let text = expression.trim();
  while (wrappedWhole(text)) text = text.slice(1, -1).trim();
  return text;
}

/** `CHECK ((age > 0)) NOT VALID` → `age > 0`. */
export function stripCheck(definition: string): string {
  const body = definition.trim().replace(/\s+NOT VALID$/i, "").replace(/\s+NO INHERIT$/i, "");
  const m = /^CHECK\s*([\s\S]*)$/i.exec(body);
  return stripOuterParentheses(m ? m[1] : body);
}
