/**
 * SQLite has no enum type: an enum column is a varchar with a CHECK of the
 * form `"col" IN ('a', 'b')`. These helpers write that CHECK and recognize it
 * when reading a table back, so the column reads as an enum again.
 */
import { isKeyword, isPunct, tokenize } from "./tokenize";
import { quoteIdentifier, quoteString } from "./quote";

/** `"state" IN ('active','won')` */
export function enumCheckExpression(column: string, values: readonly string[]): string {
  return `${quoteIdentifier(column)} IN (${values.map(quoteString).join(",")})`;
}

/**
 * The column and allowed values when `expression` is exactly `<column> IN
 * ('a', ...)` (column quoted any way SQLite accepts), otherwise undefined.
 * Read once per check, whichever column turns out to be its subject.
 */
export function readEnumCheck(expression: string): { column: string; values: string[] } | undefined {
  const tokens = tokenize(expression);
  const [subject, keyword, open] = tokens;
  if (!subject || (subject.kind !== "identifier" && subject.kind !== "word")) return undefined;
  if (!isKeyword(keyword, "IN") || !isPunct(open, "(")) return undefined;
  if (!isPunct(tokens[tokens.length - 1], ")")) return undefined;
  const values: string[] = [];
  for (let i = 3; i < tokens.length - 1; i++) {
    const expectValue = (i - 3) % 2 === 0;
    if (expectValue) {
      if (tokens[i].kind !== "string") return undefined;
      values.push(tokens[i].value);
    } else if (!isPunct(tokens[i], ",")) {
      return undefined;
    }
  }
  // A trailing comma or an empty list is not an enum.
  if (values.length === 0 || (tokens.length - 4) % 2 === 0) return undefined;
  return { column: subject.value, values };
}
