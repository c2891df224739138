/**
 * SQL expressions the entities write (checks, generated columns, defaults,
 * views) in the standard's spelling, made MySQL's. Without ANSI_QUOTES,
 * MySQL reads `"age"` as the string 'age': `CHECK ("age" >= 0)` would compare
 * a constant and never fail. Double-quoted identifiers become backticked
 * ones; string literals are left alone.
 */
import { isReservedWord } from "./reserved-words";

/**
 * The pieces of an expression: string literals, double-quoted and backticked
 * names (at odd indexes), and the code between them. One pass, so a quote
 * inside a name (`"it's"`) is not taken for a string, nor the reverse.
 */
const PIECES = /('(?:[^'\\]|''|\\.)*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`)/s;

export function mysqlExpression(sql: string): string {
  return sql
    .split(PIECES)
    .map((part, i) => (i % 2 === 1 && part.startsWith('"') ? "`" + part.slice(1, -1).replace(/""/g, '"').replace(/`/g, "``") + "`" : part))
    .join("");
}

/**
 * An expression as MariaDB prints it back (CHECK_CLAUSE, GENERATION_EXPRESSION),
 * in the spelling the entities use: identifiers without backticks (double-quoted
 * where a bare name would not say the same), `\'` inside
 * a string as `''`, `octet_length` (what MariaDB makes of `length`) as `length`.
 */
export function readExpression(sql: string): string {
  return sql
    .split(PIECES)
    .map((part, i) =>
      i % 2 === 1
        ? part.startsWith("'")
          ? `'${unescapeLiteral(part.slice(1, -1)).replace(/'/g, "''")}'`
          : part.startsWith("`")
            ? canonicalName(part.slice(1, -1).replace(/``/g, "`"))
            : part
        : part
            .replace(/\boctet_length\(/gi, "length(")
            // MariaDB prints keywords in lower case; entities (and PostgreSQL) write them upper-case.
            .replace(/\b(and|or|not|in|is|null|like|between|true|false)\b/g, (word) => word.toUpperCase()),
    )
    .join("");
}

/**
 * A name as the standard spells it: bare when it reads the same bare (`qty`),
 * double-quoted otherwise (`"homeCity"`, `"with space"`, and a reserved word
 * such as `"table"`, which would not parse bare when rendered again).
 */
function canonicalName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !isReservedWord(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The value of a MariaDB string literal's body: backslash escapes and doubled quotes undone. */
export function unescapeLiteral(body: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", Z: "\x1a" };
  return body.replace(/\\(.)|''/gs, (match, ch: string | undefined) => (ch === undefined ? "'" : (escapes[ch] ?? ch)));
}

/**
 * An expression as MySQL 8 prints it in information_schema (an expression
 * default's COLUMN_DEFAULT, a CHECK_CLAUSE): escaped as if it were a string
 * (`concat(_utf8mb4\\'a\\',\`b\`)`) and with charset introducers on its
 * literals. Returns it as SQL (`concat('a',\`b\`)`); MariaDB's text, whose
 * quotes are not escaped, only loses introducers.
 */
export function mysqlPrinted(text: string): string {
  let sql = text;
  if (/\\'/.test(sql) && !/(^|[^\\])'/.test(sql)) sql = sql.replace(/\\(.)/gs, "$1");
  // An introducer is a word right before a literal, outside any literal.
  const parts = sql.split(/('(?:[^'\\]|''|\\.)*')/s);
  return parts.map((part, i) => (i % 2 === 0 && i + 1 < parts.length ? part.replace(/(^|[^\w`$])_[a-z][a-z0-9]*$/i, "$1") : part)).join("");
}

/**
 * A CHECK_CLAUSE as the entity writes it. MySQL 8.0.16+ wraps the whole
 * clause in parentheses (`(\`score\` >= 0)`); MariaDB does not.
 */
export function readCheckClause(clause: string): string {
  let sql = mysqlPrinted(clause.trim());
  if (/^\(.*\)$/s.test(sql) && balancedParentheses(sql.slice(1, -1))) sql = sql.slice(1, -1).trim();
  return readExpression(sql);
}

function balancedParentheses(text: string): boolean {
  let depth = 0;
  for (const part of text.split(/('(?:[^'\\]|''|\\.)*')/s).filter((_, i) => i % 2 === 0)) {
    for (const ch of part) {
      if (ch === "(") depth++;
      else if (ch === ")" && --depth < 0) return false;
    }
  }
  return depth === 0;
}
