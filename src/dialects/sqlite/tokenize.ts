/**
 * A small SQL tokenizer for the statements SQLite keeps in sqlite_master.
 * The catalog pragmas do not report constraint names, CHECK expressions or
 * AUTOINCREMENT, so introspection reads them from the original CREATE text;
 * tokens keep their offsets so expressions can be sliced out verbatim.
 * Quotes and comments are the shared scanner's (sql/scanner.ts), in SQLite's
 * syntax.
 */
import { SQLITE_SYNTAX, pieceAt, unquotedValue, type Piece } from "../../sql/scanner";

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
/** Characters where the scanner may find a quote or a comment (asked only there: introspection is hot). */
const QUOTE_OR_COMMENT_START = new Set(["'", '"', "`", "[", "-", "/"]);

/** Split `sql` into tokens, dropping whitespace and comments. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let piece: Piece | undefined;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r" || WHITESPACE.test(ch)) {
      i++;
    } else if (QUOTE_OR_COMMENT_START.has(ch) && (piece = pieceAt(sql, i, SQLITE_SYNTAX))) {
      if (piece.kind !== "comment") {
        tokens.push({
          kind: piece.kind === "string" ? "string" : "identifier",
          value: unquotedValue(sql, piece),
          start: i,
          end: piece.end,
        });
      }
      i = piece.end;
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
