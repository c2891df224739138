/**
 * Just enough SQL reading for lint: split a string into statements and an
 * ALTER TABLE into its clauses, and match names in the spellings migrations
 * use ("users", users, "public"."users", `users`, [users]). This is pattern
 * matching, not a parser; what it cannot read is reported as such (AT-X002).
 * Where quotes and comments start and end is the shared scanner's answer
 * (sql/scanner.ts).
 */
import { scan, splitTopLevel, type SqlSyntax } from "../sql/scanner";

/** One identifier, quoted or not, optionally schema-qualified. */
export const NAME = String.raw`(?:(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)\.)?(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)`;

/** The unqualified name, unquoted: `"public"."Users"` → `Users`, `users` → `users`. */
export function unquoteName(text: string): string {
  const parts = text.match(/"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[^.]+/g) ?? [text];
  const last = parts[parts.length - 1].trim();
  if (last.startsWith('"')) return last.slice(1, -1).replace(/""/g, '"');
  if (last.startsWith("`") || last.startsWith("[")) return last.slice(1, -1);
  // Unquoted identifiers fold to lower case on PostgreSQL; SQLite ignores case.
  return last.toLowerCase();
}

/**
 * The SQL lint reads: migrations for any dialect, so every quoting it may meet
 * (backtick names, PostgreSQL's dollar-quoted DO and function bodies, which
 * hold semicolons) and both comment forms.
 */
const LINT_SYNTAX: SqlSyntax = { backticks: true, dollarQuotes: true, comments: true };

/** Comments removed, whitespace collapsed, string literals and quoted names kept. */
export function normalizeSql(sql: string): string {
  return withoutComments(sql).replace(/ {2,}/g, " ").trim();
}

/**
 * Comments as spaces, whitespace in code as spaces. A dollar-quoted body is
 * read the same way inside (it is code too: a DO block's statements), but as
 * one piece, so a quote or `--` in it cannot swallow what follows it.
 */
function withoutComments(sql: string): string {
  let out = "";
  for (const piece of scan(sql, LINT_SYNTAX)) {
    const text = sql.slice(piece.start, piece.end);
    if (piece.kind === "comment") {
      out += " ";
    } else if (piece.kind === "code") {
      out += text.replace(/\s/g, " ");
    } else if (piece.kind === "dollarQuoted") {
      const tag = /^\$[^$]*\$/.exec(text)![0];
      const close = piece.unterminated ? "" : tag;
      out += tag + withoutComments(text.slice(tag.length, text.length - close.length)) + close;
    } else {
      out += text;
    }
  }
  return out;
}

/**
 * Split on the separator characters in `separators` where they are at the top
 * level: outside quotes, parentheses and dollar-quoted bodies.
 */
function splitAtTopLevel(sql: string, separators: string): string[] {
  return splitTopLevel(sql, separators, LINT_SYNTAX)
    .parts.map((p) => p.trim())
    .filter(Boolean);
}

/** The statements in one `query()` string, comments removed. */
export function splitStatements(sql: string): string[] {
  return splitAtTopLevel(normalizeSql(sql), ";");
}

/** `ADD COLUMN a int, DROP COLUMN b` → its clauses. */
export function splitClauses(sql: string): string[] {
  return splitAtTopLevel(sql, ",");
}

/** A statement shortened for messages. */
export function shortStatement(sql: string, max = 100): string {
  const line = normalizeSql(sql);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `ALTER TABLE [IF EXISTS] [ONLY] <name> <rest>` → name and rest. */
export function readAlterTable(statement: string): { table: string; rest: string } | undefined {
  const match = new RegExp(String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(${NAME})\s*(.*)$`, "is").exec(statement);
  return match ? { table: unquoteName(match[1]), rest: match[2] } : undefined;
}

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] <table>`. */
export function readCreateIndex(statement: string): { unique: boolean; concurrently: boolean; name?: string; table: string } | undefined {
  const match = new RegExp(
    String.raw`^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?(?:(${NAME}) )?ON (?:ONLY )?(${NAME})`,
    "i",
  ).exec(statement);
  if (!match) return undefined;
  return {
    unique: Boolean(match[1]),
    concurrently: Boolean(match[2]),
    name: match[3] ? unquoteName(match[3]) : undefined,
    table: unquoteName(match[4]),
  };
}
