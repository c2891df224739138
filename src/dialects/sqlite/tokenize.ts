/**
 * A small SQL tokenizer for the statements SQLite keeps in sqlite_master.
 * The catalog pragmas do not report constraint names, CHECK expressions or
 * AUTOINCREMENT, so introspection reads them from the original CREATE text;
 * tokens keep their offsets so expressions can be sliced out verbatim.
 */

export type TokenKind = "word" | "identifier" | "string" | "number" | "punct";

export interface Token {
  kind: TokenKind;
  /** Unquoted value for identifiers and strings, raw text otherwise. */
  value: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
// Sticky: matched at a position, not against a copy of the rest of the text
// (introspection tokenizes every table's CREATE statement).
const WORD = /[A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /\s/;

/** Split `sql` into tokens, dropping whitespace and comments. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r" || WHITESPACE.test(ch)) {
      i++;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      const end = closingQuote(sql, i, ch);
      const raw = sql.slice(i + 1, end);
      tokens.push({
        kind: ch === "'" ? "string" : "identifier",
        value: raw.split(ch + ch).join(ch),
        start: i,
        end: end + 1,
      });
      i = end + 1;
    } else if (ch === "[") {
      const end = sql.indexOf("]", i);
      const stop = end < 0 ? sql.length : end;
      tokens.push({ kind: "identifier", value: sql.slice(i + 1, stop), start: i, end: stop + 1 });
      i = stop + 1;
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(sql);
      const text = match ? match[0] : ch;
      tokens.push({ kind: "number", value: text, start: i, end: i + text.length });
      i += text.length;
    } else if (WORD_START.test(ch)) {
      WORD.lastIndex = i + 1;
      WORD.exec(sql);
      const end = WORD.lastIndex;
      tokens.push({ kind: "word", value: sql.slice(i, end), start: i, end });
      i = end;
    } else {
      const two = sql.slice(i, i + 2);
      const text = ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>"].includes(two) ? two : ch;
      tokens.push({ kind: "punct", value: text, start: i, end: i + text.length });
      i += text.length;
    }
  }
  return tokens;
}

/** Index of the quote closing the one at `open` (a doubled quote is an escape). */
function closingQuote(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return sql.length;
}

/** Whether `token` is the keyword `keyword` (case-insensitive, unquoted). */
export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === keyword;
}

/** Whether `token` is the punctuation `text`. */
export function isPunct(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === "punct" && token.value === text;
}

/**
 * Index of the `)` matching the `(` at `open`, or tokens.length when the text
 * is unbalanced.
 */
export function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], "(")) depth++;
    else if (isPunct(tokens[i], ")")) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/** Split tokens[from, to) on commas at parenthesis depth zero. */
export function splitTopLevel(tokens: Token[], from: number, to: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    if (isPunct(tokens[i], "(")) depth++;
    else if (isPunct(tokens[i], ")")) depth--;
    else if (depth === 0 && isPunct(tokens[i], ",")) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}
