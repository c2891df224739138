/**
 * Reading SQL text piece by piece: which parts are code and which are string
 * literals, quoted identifiers, dollar-quoted bodies or comments. Every place
 * that walks SQL text (splitting statements or lists, normalizing expressions,
 * peeling parentheses, tokenizing SQLite's stored CREATE statements, renaming
 * a column inside an expression) asks this one scanner where a quote or a
 * comment starts and ends, so they all agree on it.
 *
 * It is a scanner, not a parser: it knows quoting and comments, nothing of
 * statements. What counts as quoting differs between databases, so each
 * caller says which syntax it reads (SqlSyntax).
 */

/** The quoting and comment rules of the SQL being read; every rule is off unless set. */
export interface SqlSyntax {
  /** `name` is an identifier (SQLite, MySQL). */
  backticks?: boolean;
  /** [name] is an identifier (SQLite); `]` ends it, there is no escape. */
  brackets?: boolean;
  /** $$ … $$ and $tag$ … $tag$ are string bodies (PostgreSQL). */
  dollarQuotes?: boolean;
  /** E'…' strings, where a backslash escapes the next character (PostgreSQL). */
  escapeStrings?: boolean;
  /** -- to the end of the line and /* … *\/ are comments. */
  comments?: boolean;
  /** Block comments nest: /* a /* b *\/ c *\/ is one comment (PostgreSQL). */
  nestedComments?: boolean;
}

/** PostgreSQL's rules. */
export const POSTGRES_SYNTAX: SqlSyntax = { dollarQuotes: true, escapeStrings: true, comments: true, nestedComments: true };

/** SQLite's rules (it also accepts MySQL's backticks and SQL Server's brackets for names). */
export const SQLITE_SYNTAX: SqlSyntax = { backticks: true, brackets: true, comments: true };

/**
 * Only 'strings' and "identifiers", with doubled quotes inside: what the
 * dialects have in common, for expression text the schema model holds.
 */
export const COMMON_SYNTAX: SqlSyntax = {};

export type PieceKind = "code" | "string" | "identifier" | "dollarQuoted" | "comment";

/** `text.slice(start, end)` is one piece. */
export interface Piece {
  kind: PieceKind;
  start: number;
  end: number;
  /** A quote or comment that the text ends inside of (`end` is then the text's length). */
  unterminated?: boolean;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
const IDENTIFIER_CHAR = /[\w$\u0080-\uffff]/;

/**
 * The string, quoted identifier, dollar-quoted body or comment that starts at
 * `i`, or undefined when `text[i]` is code.
 */
export function pieceAt(text: string, i: number, syntax: SqlSyntax): Piece | undefined {
  const ch = text[i];
  switch (ch) {
    case "'":
      return quoted(text, i, "string");
    case '"':
      return quoted(text, i, "identifier");
    case "`":
      return syntax.backticks ? quoted(text, i, "identifier") : undefined;
    case "[":
      return syntax.brackets ? until(text, i, "identifier", "]", 1) : undefined;
    case "-":
      return syntax.comments && text[i + 1] === "-" ? until(text, i, "comment", "\n", 0) : undefined;
    case "/":
      return syntax.comments && text[i + 1] === "*" ? blockComment(text, i, syntax.nestedComments === true) : undefined;
    case "$":
      return syntax.dollarQuotes ? dollarQuoted(text, i) : undefined;
    case "E":
    case "e":
      return syntax.escapeStrings && text[i + 1] === "'" && !followsIdentifier(text, i) ? escapeString(text, i) : undefined;
    default:
      return undefined;
  }
}

/** `text` as consecutive pieces, code runs included: joined, they give back `text`. */
export function scan(text: string, syntax: SqlSyntax): Piece[] {
  const pieces: Piece[] = [];
  let codeStart = 0;
  let i = 0;
  while (i < text.length) {
    const piece = pieceAt(text, i, syntax);
    if (!piece) {
      i++;
      continue;
    }
    if (codeStart < i) pieces.push({ kind: "code", start: codeStart, end: i });
    pieces.push(piece);
    i = codeStart = piece.end;
  }
  if (codeStart < text.length) pieces.push({ kind: "code", start: codeStart, end: text.length });
  return pieces;
}

/**
 * `text` split at the characters in `separators` that stand at the top level:
 * in code, outside parentheses. The parts are returned as they are (not
 * trimmed). `balanced` is false when a ")" closes nothing, a "(" stays open
 * or a quote or comment is not closed; a stray ")" is then ignored.
 */
export function splitTopLevel(text: string, separators: string, syntax: SqlSyntax): { parts: string[]; balanced: boolean } {
  const parts: string[] = [];
  let balanced = true;
  let depth = 0;
  let partStart = 0;
  for (const piece of scan(text, syntax)) {
    if (piece.unterminated) balanced = false;
    if (piece.kind !== "code") continue;
    for (let i = piece.start; i < piece.end; i++) {
      const ch = text[i];
      if (ch === "(") depth++;
      else if (ch === ")") {
        if (depth === 0) balanced = false;
        else depth--;
      } else if (depth === 0 && separators.includes(ch)) {
        parts.push(text.slice(partStart, i));
        partStart = i + 1;
      }
    }
  }
  parts.push(text.slice(partStart));
  return { parts, balanced: balanced && depth === 0 };
}

/** Whether `text` is one parenthesized group: its first "(" closes at its very end (quotes respected). */
export function enclosedInParentheses(text: string, syntax: SqlSyntax): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  for (const piece of scan(text, syntax)) {
    if (piece.kind !== "code") continue;
    for (let i = piece.start; i < piece.end; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") {
        depth--;
        if (depth === 0) return i === text.length - 1;
      }
    }
  }
  return false;
}

/** The value of a string or quoted identifier piece: quotes removed, doubled quotes (and E'' escapes) undone. */
export function unquotedValue(text: string, piece: Piece): string {
  const raw = text.slice(piece.start, piece.end);
  const open = raw[0];
  if (open === "[") return raw.slice(1, piece.unterminated ? undefined : -1);
  if ((open === "E" || open === "e") && piece.kind === "string") {
    const body = raw.slice(2, piece.unterminated ? undefined : -1);
    return body.replace(/''|\\(.)/gs, (match, escaped: string | undefined) => escaped ?? "'");
  }
  const body = raw.slice(1, piece.unterminated ? undefined : -1);
  // Most names hold no quote at all: no need to split them (introspection is hot).
  return body.includes(open) ? body.split(open + open).join(open) : body;
}

/** A piece quoted by `text[start]`, closed by the same character; doubled, it is one character of the value. */
function quoted(text: string, start: number, kind: PieceKind): Piece {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] !== quote) return { kind, start, end: i + 1 };
      i += 2;
    } else {
      i++;
    }
  }
  return { kind, start, end: text.length, unterminated: true };
}

/** A piece from `start` to the next `close` (included in the piece when `include` is its length). */
function until(text: string, start: number, kind: PieceKind, close: string, include: number): Piece {
  const at = text.indexOf(close, start + 1);
  return at < 0 ? { kind, start, end: text.length, unterminated: kind !== "comment" } : { kind, start, end: at + include };
}

function blockComment(text: string, start: number, nested: boolean): Piece {
  let depth = 0;
  let i = start;
  while (i < text.length - 1) {
    const two = text[i] + text[i + 1];
    if (two === "/*" && (nested || depth === 0)) {
      depth++;
      i += 2;
    } else if (two === "*/") {
      depth--;
      i += 2;
      if (depth === 0) return { kind: "comment", start, end: i };
    } else {
      i++;
    }
  }
  return { kind: "comment", start, end: text.length, unterminated: true };
}

/**
 * `$tag$ … $tag$`. A tag is a letter or underscore, then letters, digits and
 * underscores; a `$` inside a word (`a$b$`) or before a digit (`$1`) starts none.
 */
function dollarQuoted(text: string, start: number): Piece | undefined {
  if (followsIdentifier(text, start)) return undefined;
  DOLLAR_TAG.lastIndex = start;
  const tag = DOLLAR_TAG.exec(text)?.[0];
  if (!tag) return undefined;
  const close = text.indexOf(tag, start + tag.length);
  return close < 0
    ? { kind: "dollarQuoted", start, end: text.length, unterminated: true }
    : { kind: "dollarQuoted", start, end: close + tag.length };
}

/** E'…': `''` and a backslash before any character are escapes. */
function escapeString(text: string, start: number): Piece {
  let i = start + 2;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") i += 2;
    else if (ch === "'" && text[i + 1] === "'") i += 2;
    else if (ch === "'") return { kind: "string", start, end: i + 1 };
    else i++;
  }
  return { kind: "string", start, end: text.length, unterminated: true };
}

function followsIdentifier(text: string, i: number): boolean {
  return i > 0 && IDENTIFIER_CHAR.test(text[i - 1]);
}
