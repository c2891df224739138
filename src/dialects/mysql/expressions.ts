/**
 * SQL expressions the entities write (checks, generated columns, defaults,
 * views) in the standard's spelling, made MySQL's. Without ANSI_QUOTES,
 * MySQL reads `"age"` as the string 'age': `CHECK ("age" >= 0)` would compare
 * a constant and never fail. Double-quoted identifiers become backticked
 * ones; string literals are left alone.
 */
export function mysqlExpression(sql: string): string {
  return sql
    .split(/('(?:[^'\\]|''|\\.)*')/s)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/"((?:[^"]|"")*)"/g, (_m, name: string) => "`" + name.replace(/""/g, '"').replace(/`/g, "``") + "`"),
    )
    .join("");
}

/**
 * An expression as MariaDB prints it back (CHECK_CLAUSE, GENERATION_EXPRESSION),
 * in the spelling the entities use: identifiers double-quoted instead of backticked, `\'` inside
 * a string as `''`, `octet_length` (what MariaDB makes of `length`) as `length`.
 */
export function readExpression(sql: string): string {
  return sql
    .split(/('(?:[^'\\]|''|\\.)*')/s)
    .map((part, i) =>
      i % 2 === 1
        ? `'${unescapeLiteral(part.slice(1, -1)).replace(/'/g, "''")}'`
        : part
            .replace(/`((?:[^`]|``)+)`/g, (_m, name: string) => canonicalName(name.replace(/``/g, "`")))
            .replace(/\boctet_length\(/gi, "length(")
            // MariaDB prints keywords in lower case; entities (and PostgreSQL) write them upper-case.
            .replace(/\b(and|or|not|in|is|null|like|between|true|false)\b/g, (word) => word.toUpperCase()),
    )
    .join("");
}

/**
 * A name as the standard spells it, double-quoted: MariaDB backticks every
 * name it prints, reserved words (`table`) included, and a bare one would not
 * parse when rendered again. Comparisons drop the quotes of plain names
 * (schema/equal.ts normalizeExpression), so `"qty"` still equals `qty`.
 */
function canonicalName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The value of a MariaDB string literal's body: backslash escapes and doubled quotes undone. */
export function unescapeLiteral(body: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", Z: "\x1a" };
  return body.replace(/\\(.)|''/gs, (match, ch: string | undefined) => (ch === undefined ? "'" : (escapes[ch] ?? ch)));
}
