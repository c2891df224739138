/**
 * Small SQL-text helpers shared by dialects (both read expressions back from
 * their catalogs and must peel redundant outer parentheses the same way).
 */

/** Whether `text` is one parenthesized group: its first "(" closes at the very end (quotes respected). */
export function parenthesesEncloseWhole(text: string): boolean {
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
