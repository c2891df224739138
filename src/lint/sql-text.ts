/**
 * Just enough SQL reading for lint: split a string into statements and an
 * ALTER TABLE into its clauses, and match names in the spellings migrations
 * use ("users", users, "public"."users", `users`, [users]). This is pattern
 * matching, not a parser; what it cannot read is reported as such (AT-X002).
 */

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

/** Comments removed, whitespace collapsed, string literals and quoted names kept. */
export function normalizeSql(sql: string): string {
  let out = "";
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i];
    if (char === "'" || char === '"' || char === "`") {
      const end = closingQuote(sql, i, char);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (char === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      out += " ";
    } else if (char === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 1;
      out += " ";
    } else {
      out += /\s/.test(char) ? " " : char;
    }
  }
  return out.replace(/ {2,}/g, " ").trim();
}

/** Index of the quote that closes the one at `start` (doubled quotes stay inside). */
function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== quote) continue;
    if (sql[i + 1] === quote) {
      i++;
      continue;
    }
    return i;
  }
  return sql.length - 1;
}

/**
 * Dollar-quoted bodies ($$ … $$, $fn$ … $fn$, $athanor1$ … $athanor1$) stay
 * whole: DO blocks and functions hold semicolons. A tag is PostgreSQL's: a
 * letter or underscore, then letters, digits and underscores.
 */
function dollarQuoteAt(sql: string, i: number): string | undefined {
  return /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
}

/**
 * Split on the separator characters in `separators` where they are at the top
 * level: outside quotes, parentheses and dollar-quoted bodies.
 */
function splitTopLevel(sql: string, separators: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i];
    if (char === "'" || char === '"' || char === "`") {
      i = closingQuote(sql, i, char);
    } else if (char === "$") {
      const tag = dollarQuoteAt(sql, i);
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? sql.length : end + tag.length - 1;
      }
    } else if (char === "(") {
      depth++;
    } else if (char === ")") {
      depth = Math.max(0, depth - 1);
    } else if (depth === 0 && separators.includes(char)) {
      parts.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(sql.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The statements in one `query()` string, comments removed. */
export function splitStatements(sql: string): string[] {
  return splitTopLevel(normalizeSql(sql), ";");
}

/** `ADD COLUMN a int, DROP COLUMN b` → its clauses. */
export function splitClauses(sql: string): string[] {
  return splitTopLevel(sql, ",");
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
export function readCreateIndex(
  statement: string,
): { unique: boolean; concurrently: boolean; name?: string; table: string } | undefined {
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
