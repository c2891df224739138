/**
 * The tables a migration's statements can have left with dangling
 * references, so `PRAGMA foreign_key_check` runs over those alone instead
 * of the whole database before every commit (a big child table the
 * migration never touched cost a full scan each time).
 *
 * A statement writes rows or a table's shape only through the few forms
 * read here; anything else that is not a plain read (a SELECT, a PRAGMA
 * read, an index or view) makes the answer "unknown", and the caller
 * checks everything. Foreign keys are off while a migration runs, so no
 * ON DELETE action writes elsewhere; triggers could, so the caller checks
 * everything when the database has any.
 */
import { isKeyword, isPunct, tokenize, type Token } from "./tokenize";

/** Statements that change no row and no table's columns or keys. */
const READS_OR_HARMLESS = new Set([
  "SELECT",
  "PRAGMA",
  "SAVEPOINT",
  "RELEASE",
  "BEGIN",
  "COMMIT",
  "END",
  "ROLLBACK",
  "ANALYZE",
  "VALUES",
  "EXPLAIN",
]);

/** The name a token names, or undefined when it is no name. */
function nameAt(tokens: Token[], i: number): { name: string; next: number } | undefined {
  let token = tokens[i];
  if (!token || (token.kind !== "word" && token.kind !== "identifier")) return undefined;
  // schema.table: SQLite's "main" (or an attached database); the table is the last part.
  if (isPunct(tokens[i + 1], ".") && tokens[i + 2] && (tokens[i + 2].kind === "word" || tokens[i + 2].kind === "identifier")) {
    i += 2;
    token = tokens[i];
  }
  return { name: token.value, next: i + 1 };
}

/** Skips `IF EXISTS` / `IF NOT EXISTS` at `i`. */
function skipIf(tokens: Token[], i: number): number {
  if (!isKeyword(tokens[i], "IF")) return i;
  return isKeyword(tokens[i + 1], "NOT") ? i + 3 : i + 2;
}

/**
 * A table a statement writes. `removes`: rows or keys may go away, so rows
 * of other tables that pointed at them may dangle. Only a CREATE TABLE
 * surely adds (an INSERT can replace a row: OR REPLACE, an upsert, or a
 * constraint declared ON CONFLICT REPLACE).
 */
export interface WrittenTable {
  table: string;
  removes: boolean;
}

/**
 * The tables `sql` writes, [] for a statement that writes none, or undefined
 * when the statement is not understood.
 */
export function tablesWrittenBy(sql: string): WrittenTable[] | undefined {
  const adds = isKeyword(tokenize(sql)[0], "CREATE");
  return tableNamesWrittenBy(sql)?.map((table) => ({ table, removes: !adds }));
}

/** The names of the tables `sql` writes (see tablesWrittenBy). */
export function tableNamesWrittenBy(sql: string): string[] | undefined {
  const tokens = tokenize(sql);
  while (isPunct(tokens[tokens.length - 1], ";")) tokens.pop();
  if (tokens.length === 0) return [];
  if (tokens.some((t, i) => isPunct(t, ";") && i < tokens.length - 1)) return undefined;
  const first = tokens[0].kind === "word" ? tokens[0].value.toUpperCase() : "";
  if (READS_OR_HARMLESS.has(first)) {
    // PRAGMA x = y changes settings, not rows (foreign_keys is the runner's own).
    return first === "PRAGMA" && /^(writable_schema|legacy_alter_table)$/i.test(tokens[1]?.value ?? "") ? undefined : [];
  }
  let i = 1;
  switch (first) {
    case "INSERT":
    case "REPLACE": {
      if (isKeyword(tokens[i], "OR")) i += 2;
      if (!isKeyword(tokens[i], "INTO")) return undefined;
      return listed(nameAt(tokens, i + 1));
    }
    case "UPDATE": {
      if (isKeyword(tokens[i], "OR")) i += 2;
      return listed(nameAt(tokens, i));
    }
    case "DELETE":
      return isKeyword(tokens[1], "FROM") ? listed(nameAt(tokens, 2)) : undefined;
    case "DROP": {
      const kind = tokens[1]?.value.toUpperCase();
      if (kind === "INDEX" || kind === "VIEW" || kind === "TRIGGER") return [];
      return kind === "TABLE" ? listed(nameAt(tokens, skipIf(tokens, 2))) : undefined;
    }
    case "CREATE": {
      while (["TEMP", "TEMPORARY", "UNIQUE"].includes(tokens[i]?.value.toUpperCase() ?? "")) i++;
      const kind = tokens[i]?.value.toUpperCase();
      // A new trigger could write elsewhere when a later statement fires it: not read.
      if (kind === "INDEX" || kind === "VIEW") return [];
      return kind === "TABLE" ? listed(nameAt(tokens, skipIf(tokens, i + 1))) : undefined;
    }
    case "ALTER": {
      if (!isKeyword(tokens[1], "TABLE")) return undefined;
      const table = nameAt(tokens, 2);
      if (!table) return undefined;
      // RENAME TO: the new name holds the rows (and children now point at it).
      if (isKeyword(tokens[table.next], "RENAME") && isKeyword(tokens[table.next + 1], "TO")) {
        const to = nameAt(tokens, table.next + 2);
        return to ? [table.name, to.name] : undefined;
      }
      return [table.name];
    }
    default:
      return undefined;
  }
}

function listed(found: { name: string } | undefined): string[] | undefined {
  return found ? [found.name] : undefined;
}

/**
 * The tables written by all of `statements`, ASCII letters lower-cased
 * (SQLite compares names case-insensitively for ASCII only, as its lower()
 * does: "Ünïcödé" is not "ünïcödé" there) → whether any statement may have removed rows or
 * keys of it; undefined when one of them is not understood.
 */
export function tablesWrittenByAll(statements: readonly string[]): Map<string, boolean> | undefined {
  const tables = new Map<string, boolean>();
  /** Created by these statements: no row of another table pointed at it before, so a plain INSERT only adds. */
  const created = new Set<string>();
  for (const sql of statements) {
    const written = tablesWrittenBy(sql);
    if (!written) return undefined;
    const plainInsert = /^\s*INSERT\s+INTO\b/i.test(sql) && !/\bCONFLICT\b/i.test(sql);
    for (const { table, removes } of written) {
      const name = asciiLowerCase(table);
      if (!removes) created.add(name);
      const removesHere = removes && !(plainInsert && created.has(name));
      tables.set(name, removesHere || (tables.get(name) ?? false));
    }
  }
  return tables;
}

/**
 * The tables (ASCII letters lower-cased) that `statements` create with no
 * foreign key: every CREATE TABLE of the name among them is a plain one
 * (not IF NOT EXISTS, which may have found the table there, keys and rows
 * and all) whose text holds no REFERENCES. A table's foreign keys come
 * only from REFERENCES clauses, in its CREATE TABLE or an ALTER TABLE ADD
 * COLUMN (an ALTER is a write that may remove, which checks more anyway),
 * so `PRAGMA foreign_key_check` of such a table finds nothing.
 */
export function tablesCreatedWithoutForeignKeys(statements: readonly string[]): Set<string> {
  const without = new Set<string>();
  const mayHaveKeys = new Set<string>();
  for (const sql of statements) {
    const tokens = tokenize(sql);
    if (!isKeyword(tokens[0], "CREATE")) continue;
    let i = 1;
    while (["TEMP", "TEMPORARY"].includes(tokens[i]?.value.toUpperCase() ?? "")) i++;
    if (!isKeyword(tokens[i], "TABLE")) continue;
    const guarded = isKeyword(tokens[i + 1], "IF");
    const table = nameAt(tokens, skipIf(tokens, i + 1));
    if (!table) continue;
    const name = asciiLowerCase(table.name);
    if (guarded || tokens.some((t) => isKeyword(t, "REFERENCES"))) mayHaveKeys.add(name);
    else without.add(name);
  }
  for (const name of mayHaveKeys) without.delete(name);
  return without;
}

/** Lower-case A–Z only, as SQLite does when it compares names and in lower(). */
function asciiLowerCase(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
