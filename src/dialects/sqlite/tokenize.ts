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

// Sticky: matched at a position, not against a copy of the rest of the text.
const WORD = /[A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /\s/;
/** Two-character operators; any other punctuation is one character. */
const TWO_CHARACTER_PUNCT = new Set(["<=", ">=", "<>", "!=", "==", "||", "<<", ">>"]);

// Introspection tokenizes every table's CREATE statement, mostly in a run too
// short for the JIT to warm up: characters are classified by their code,
// tests written out in the loop rather than called or matched by a regular
// expression each.
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The index of the quote that closes the one at `open` when no doubled quote
 * comes first (the common case, found without walking the text in
 * JavaScript); -1 otherwise, and the scanner reads the piece.
 */
function simpleQuoteEnd(sql: string, open: number): number {
  const close = sql.indexOf(sql[open], open + 1);
  return close > 0 && sql[close + 1] !== sql[open] ? close : -1;
}

/** Split `sql` into tokens, dropping whitespace and comments. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const length = sql.length;
  let i = 0;
  let piece: Piece | undefined;
  let close: number;
  while (i < length) {
    const code = sql.charCodeAt(i);
    if (code === 32 || code === 10 || code === 9 || code === 13 || ((code < 33 || code >= 0x80) && WHITESPACE.test(sql[i]))) {
      i++;
    } else if ((code === 34 || code === 39 || code === 96) && (close = simpleQuoteEnd(sql, i)) > 0) {
      // "name", 'text' or `name` without a doubled quote inside: its value is the text between the quotes.
      tokens.push({ kind: code === 39 ? "string" : "identifier", value: sql.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
    } else if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 0x80) {
      // A word: [A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*
      WORD.lastIndex = i + 1;
      WORD.exec(sql);
      const end = WORD.lastIndex;
      tokens.push({ kind: "word", value: sql.slice(i, end), start: i, end });
      i = end;
    } else if (
      // ' " ` [ - /: where the scanner may find a quote or a comment
      (code === 39 || code === 34 || code === 96 || code === 91 || code === 45 || code === 47) &&
      (piece = pieceAt(sql, i, SQLITE_SYNTAX))
    ) {
      if (piece.kind !== "comment") {
        tokens.push({
          kind: piece.kind === "string" ? "string" : "identifier",
          value: unquotedValue(sql, piece),
          start: i,
          end: piece.end,
        });
      }
      i = piece.end;
    } else if ((code >= 48 && code <= 57) || (code === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(sql);
      const text = match ? match[0] : sql[i];
      tokens.push({ kind: "number", value: text, start: i, end: i + text.length });
      i += text.length;
    } else {
      // < > ! = | may begin a two-character operator.
      const two = code === 60 || code === 62 || code === 33 || code === 61 || code === 124 ? sql.slice(i, i + 2) : "";
      const text = TWO_CHARACTER_PUNCT.has(two) ? two : sql[i];
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
  // Hot (every definition of every table): the punctuation test is written out, not called.
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== "punct") continue;
    if (token.value === "(") depth++;
    else if (token.value === ")") {
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
    const token = tokens[i];
    if (token.kind !== "punct") continue;
    if (token.value === "(") depth++;
    else if (token.value === ")") depth--;
    else if (depth === 0 && token.value === ",") {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}
