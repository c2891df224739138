/**
 * Reads what the catalog pragmas leave out from the CREATE statements kept in
 * sqlite_master: constraint names, CHECK expressions (verbatim), AUTOINCREMENT
 * and the WHERE clause of partial indexes. Column types, nullability, defaults,
 * index and foreign-key membership still come from the pragmas, which SQLite
 * computes itself and are therefore authoritative.
 */
import { isKeyword, isPunct, matchingParen, splitTopLevel, tokenize, type Token } from "./tokenize";

export interface ParsedCheck {
  name?: string;
  /** The expression between the CHECK's parentheses, as written. */
  expression: string;
  /** Set for a check written as a column constraint. */
  column?: string;
}

export interface ParsedKey {
  name?: string;
  columns: string[];
}

export interface ParsedForeignKey extends ParsedKey {
  referencedTable: string;
  /** Empty when the clause names no columns (it then means the parent's PK). */
  referencedColumns: string[];
  deferrable?: "INITIALLY DEFERRED" | "INITIALLY IMMEDIATE";
}

export interface ParsedCreateTable {
  /** Columns declared `PRIMARY KEY AUTOINCREMENT`. */
  autoincrement: string[];
  primaryKey?: ParsedKey;
  uniques: ParsedKey[];
  checks: ParsedCheck[];
  foreignKeys: ParsedForeignKey[];
  /** Column name → its COLLATE name, for columns that declare one. */
  collations: Record<string, string>;
  /** Column name → its generation (`AS (expr) [STORED|VIRTUAL]`), expression as written. */
  generated: Record<string, { expression: string; type: "STORED" | "VIRTUAL" }>;
}

const TABLE_CONSTRAINT_STARTS = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/** Parse a `CREATE TABLE` statement as stored in sqlite_master.sql. */
export function parseCreateTable(sql: string): ParsedCreateTable {
  const result: ParsedCreateTable = {
    autoincrement: [],
    uniques: [],
    checks: [],
    foreignKeys: [],
    collations: {},
    generated: {},
  };
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => isPunct(t, "("));
  if (open < 0) return result; // CREATE TABLE ... AS SELECT: no declared constraints
  const close = matchingParen(tokens, open);
  for (const [from, to] of splitTopLevel(tokens, open + 1, close)) {
    const definition = tokens.slice(from, to);
    if (definition.length === 0) continue;
    const first = definition[0];
    const startsConstraint = first.kind === "word" && TABLE_CONSTRAINT_STARTS.includes(first.value.toUpperCase());
    if (startsConstraint) readTableConstraint(sql, definition, result);
    else readColumnDefinition(sql, definition, result);
  }
  return result;
}

/** `[CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...) | CHECK (...) | FOREIGN KEY (...) REFERENCES ...` */
function readTableConstraint(sql: string, tokens: Token[], into: ParsedCreateTable): void {
  let i = 0;
  let name: string | undefined;
  if (isKeyword(tokens[0], "CONSTRAINT")) {
    name = tokens[1]?.value;
    i = 2;
  }
  const keyword = tokens[i]?.value.toUpperCase();
  if (keyword === "PRIMARY") {
    const open = indexOfPunct(tokens, "(", i);
    into.primaryKey = { name, columns: readColumnList(tokens, open) };
  } else if (keyword === "UNIQUE") {
    const open = indexOfPunct(tokens, "(", i);
    into.uniques.push({ name, columns: readColumnList(tokens, open) });
  } else if (keyword === "CHECK") {
    const open = indexOfPunct(tokens, "(", i);
    into.checks.push({ name, expression: textInside(sql, tokens, open) });
  } else if (keyword === "FOREIGN") {
    const open = indexOfPunct(tokens, "(", i);
    const columns = readColumnList(tokens, open);
    const references = tokens.findIndex((t, k) => k > open && isKeyword(t, "REFERENCES"));
    if (references >= 0) into.foreignKeys.push({ name, columns, ...readReferences(tokens, references) });
  }
}

/** `name [type] [column constraints...]` */
function readColumnDefinition(sql: string, tokens: Token[], into: ParsedCreateTable): void {
  const column = tokens[0].value;
  let name: string | undefined; // from a preceding CONSTRAINT <name>
  let i = 1;
  while (i < tokens.length) {
    const token = tokens[i];
    let next = i + 1;
    if (token.kind === "punct") {
      // Type arguments, DEFAULT (expr), the REFERENCES column list: skipped.
      if (token.value === "(") next = matchingParen(tokens, i) + 1;
    } else if (token.kind === "word") {
      // Every keyword that begins a column constraint ends the reach of a CONSTRAINT name.
      switch (token.value.toUpperCase()) {
        case "CONSTRAINT":
          name = tokens[i + 1]?.value;
          next = i + 2;
          break;
        case "PRIMARY":
          into.primaryKey = { name, columns: [column] };
          name = undefined;
          break;
        case "AUTOINCREMENT":
          into.autoincrement.push(column);
          break;
        case "UNIQUE":
          into.uniques.push({ name, columns: [column] });
          name = undefined;
          break;
        case "CHECK":
          if (isPunct(tokens[i + 1], "(")) {
            into.checks.push({ name, expression: textInside(sql, tokens, i + 1), column });
            next = matchingParen(tokens, i + 1) + 1;
          }
          name = undefined;
          break;
        case "REFERENCES":
          into.foreignKeys.push({ name, columns: [column], ...readReferences(tokens, i) });
          name = undefined;
          break;
        case "AS":
          if (isPunct(tokens[i + 1], "(")) {
            const close = matchingParen(tokens, i + 1);
            const stored = tokens[close + 1]?.kind === "word" && tokens[close + 1].value.toUpperCase() === "STORED";
            into.generated[column] = { expression: textInside(sql, tokens, i + 1), type: stored ? "STORED" : "VIRTUAL" };
            next = close + 1;
          }
          name = undefined;
          break;
        case "COLLATE":
          if (tokens[i + 1]) into.collations[column] = tokens[i + 1].value;
          next = i + 2; // the collation name is never a constraint keyword
          name = undefined;
          break;
        case "NOT":
        case "NULL":
        case "DEFAULT":
        case "GENERATED":
          name = undefined;
          break;
      }
    }
    i = next;
  }
}

/** `REFERENCES table [(col, ...)]` starting at the REFERENCES token. */
function readReferences(tokens: Token[], at: number): Omit<ParsedForeignKey, "name" | "columns"> {
  let i = at + 1;
  let referencedTable = tokens[i]?.value ?? "";
  if (isPunct(tokens[i + 1], ".")) {
    // schema-qualified: keep the table name only
    referencedTable = tokens[i + 2]?.value ?? "";
    i += 2;
  }
  const referencedColumns = isPunct(tokens[i + 1], "(") ? readColumnList(tokens, i + 1) : [];
  const deferrable = readDeferrable(tokens, i + 1);
  return deferrable ? { referencedTable, referencedColumns, deferrable } : { referencedTable, referencedColumns };
}

/** Keywords after which a REFERENCES clause is over. */
const CLAUSE_ENDS = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "DEFAULT", "COLLATE", "GENERATED"];

/** `DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]` of the REFERENCES clause (not `NOT DEFERRABLE`). */
function readDeferrable(tokens: Token[], from: number): ParsedForeignKey["deferrable"] {
  for (let k = from; k < tokens.length; k++) {
    const word = tokens[k].kind === "word" ? tokens[k].value.toUpperCase() : "";
    if (CLAUSE_ENDS.includes(word)) return undefined;
    if (word !== "DEFERRABLE") continue;
    if (isKeyword(tokens[k - 1], "NOT")) return undefined;
    return isKeyword(tokens[k + 1], "INITIALLY") && isKeyword(tokens[k + 2], "DEFERRED") ? "INITIALLY DEFERRED" : "INITIALLY IMMEDIATE";
  }
  return undefined;
}

/** Names in `(a, "b" COLLATE nocase DESC, ...)` starting at the `(`. */
function readColumnList(tokens: Token[], open: number): string[] {
  if (open < 0) return [];
  const close = matchingParen(tokens, open);
  return splitTopLevel(tokens, open + 1, close).map(([from]) => tokens[from].value);
}

/** The source text between the parenthesis at tokens[open] and its match. */
function textInside(sql: string, tokens: Token[], open: number): string {
  const close = matchingParen(tokens, open);
  const end = close < tokens.length ? tokens[close].start : sql.length;
  return sql.slice(tokens[open].end, end).trim();
}

function indexOfPunct(tokens: Token[], text: string, from: number): number {
  for (let i = from; i < tokens.length; i++) if (isPunct(tokens[i], text)) return i;
  return -1;
}

/**
 * The partial-index predicate of a `CREATE [UNIQUE] INDEX ... ON t (...) WHERE
 * expr` statement, as written; undefined when the index is not partial.
 */
export function parseIndexWhere(sql: string): string | undefined {
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => isPunct(t, "("));
  if (open < 0) return undefined;
  const close = matchingParen(tokens, open);
  const where = tokens.findIndex((t, k) => k > close && isKeyword(t, "WHERE"));
  if (where < 0) return undefined;
  return sql.slice(tokens[where].end).trim().replace(/;$/, "").trim();
}
