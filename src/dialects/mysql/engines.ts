/**
 * The storage engines entities name (`@Entity({ engine })`), judged against
 * the engines the live server offers (Dialect.unavailableEngine, E258), so a
 * typo ("InnoBD") stops `generate`, `check` and `verify` instead of reaching
 * the server. What the server does with a name it lacks (MariaDB 10.11):
 *
 * - with NO_ENGINE_SUBSTITUTION in sql_mode (the default), CREATE TABLE and
 *   ALTER TABLE … ENGINE= fail: 1286 "Unknown storage engine 'InnoBD'"
 *   (E259 at run, migration-errors.ts);
 * - without it, both are taken with a warning: the table gets the default
 *   engine (CREATE) or keeps its own (ALTER), so every `generate` would
 *   offer the same change again.
 *
 * Offered means SUPPORT YES or DEFAULT in information_schema.ENGINES (NO
 * and DISABLED engines refuse tables alike), less PERFORMANCE_SCHEMA and
 * SEQUENCE, which hold no table a CREATE TABLE makes (errno 131). The
 * server also takes two old names, HEAP and MERGE, and stores them as
 * MEMORY and MRG_MyISAM: an entity naming one would differ from its table
 * forever, so it is told the name the server keeps.
 *
 * Offline (`lint`, `run --sql`) which engines a server has cannot be known:
 * it depends on its build and plugins. What can be known is the names MySQL
 * and MariaDB ship (SHIPPED): `lint` warns about any other name (AT-R002:
 * most likely a typo, possibly a third-party plugin), and the foreign-key
 * rules (refused-foreign-keys.ts) judge only the shipped engines, since of an
 * unknown name nothing is certain: the server refuses the table (1286),
 * substitutes its default engine (InnoDB, which keeps keys), or it is a
 * plugin whose keys we cannot tell.
 */
import type { Queryable } from "../dialect";
import type { Schema } from "../../schema/model";
import { finding, type Finding } from "../../danger/codes";
import { scan, unquotedValue } from "../../sql/scanner";
import { shortStatement } from "../../sql/statements";

/**
 * The storage engines MySQL 8 and MariaDB 10/11 ship, built in or as bundled
 * plugins (their SHOW ENGINES and manuals), lower case, with the two old
 * names the server still takes (HEAP, MERGE).
 */
const SHIPPED = new Set([
  "innodb",
  "myisam",
  "aria",
  "memory",
  "heap",
  "csv",
  "archive",
  "blackhole",
  "mrg_myisam",
  "merge",
  "federated",
  "ndb",
  "ndbcluster",
  "ndbinfo",
  "performance_schema",
  "sequence",
  "connect",
  "mroonga",
  "oqgraph",
  "rocksdb",
  "sphinx",
  "spider",
  "s3",
  "columnstore",
  "tokudb",
  "cassandra",
  "example",
]);

/** The shipped engines that keep foreign keys: InnoDB and MySQL's NDB. */
const KEEPS_FOREIGN_KEYS = new Set(["innodb", "ndb", "ndbcluster"]);

/**
 * Whether a table of `engine` certainly keeps no foreign keys: a shipped
 * engine other than InnoDB and NDB. None named is the server's default,
 * InnoDB; a name no build ships is not judged (see above).
 */
export function keepsNoForeignKeys(engine: string | undefined): boolean {
  if (engine === undefined) return false;
  const name = engine.toLowerCase();
  return SHIPPED.has(name) && !KEEPS_FOREIGN_KEYS.has(name);
}

/**
 * AT-R002, for `lint`: a CREATE TABLE or ALTER TABLE whose ENGINE= names an
 * engine no MySQL or MariaDB build ships. Read from the statement (rendered
 * from op() or written by hand), at its top level: a column named engine
 * inside the parentheses is not a table option.
 */
export function unknownEngineFindings(statement: string): Finding[] {
  if (!/^\s*(?:CREATE\s+(?:TEMPORARY\s+)?TABLE|ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE)\b/i.test(statement)) return [];
  const engine = tableEngine(statement);
  if (engine === undefined || SHIPPED.has(engine.toLowerCase())) return [];
  return [
    finding(
      "AT-R002",
      `No MySQL or MariaDB build ships a storage engine named ${engine}: a server without such a plugin refuses the statement ` +
        `("Unknown storage engine", errno 1286) where sql_mode has NO_ENGINE_SUBSTITUTION (the default), and otherwise makes the table ` +
        `with its default engine, so every generate would offer the change again`,
      `name one the server offers (SHOW ENGINES; InnoDB is the default, and generate against the server checks the name: E258), or silence this code if ${engine} is a plugin your server has.`,
      shortStatement(statement),
    ),
  ];
}

/** The engine an ENGINE= table option names, outside parentheses, bare or quoted. */
function tableEngine(statement: string): string | undefined {
  const pieces = scan(statement, { backticks: true });
  const option = /ENGINE\b\s*=?\s*([A-Za-z_][\w$]*)?/iy;
  let depth = 0;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p];
    if (piece.kind !== "code") continue;
    for (let i = piece.start; i < piece.end; i++) {
      const ch = statement[i];
      if (ch === "(") depth++;
      else if (ch === ")") depth = Math.max(0, depth - 1);
      if (depth !== 0 || (ch !== "E" && ch !== "e") || /[\w$]/.test(statement[i - 1] ?? "")) continue;
      option.lastIndex = i;
      const found = option.exec(statement);
      if (!found || i + found[0].length > piece.end) continue;
      if (found[1] !== undefined) return found[1];
      // ENGINE = 'name' or `name`: the value is the next piece.
      const next = pieces[p + 1];
      if (i + found[0].length === piece.end && next && (next.kind === "string" || next.kind === "identifier")) {
        return unquotedValue(statement, next);
      }
    }
  }
  return undefined;
}

/** Engines SHOW ENGINES lists that hold no table CREATE TABLE makes. */
const HOLD_NO_TABLES = new Set(["performance_schema", "sequence"]);

/** Old names the server takes and stores under another. */
const STORED_AS: Record<string, string> = { heap: "MEMORY", merge: "MRG_MyISAM" };

/**
 * The sentence for the tables whose entities name an engine the server
 * behind `db` does not offer, or undefined. Asks the server only when an
 * entity names an engine.
 */
export async function unavailableEngine(db: Queryable, target: Schema, server: string): Promise<string | undefined> {
  const named = Object.values(target.tables).filter((table) => table.engine !== undefined);
  if (named.length === 0) return undefined;
  const rows: Array<{ engine: string; support: string }> = await db.query(
    "SELECT ENGINE AS engine, SUPPORT AS support FROM information_schema.ENGINES ORDER BY ENGINE",
  );
  const offered = rows.filter((row) => /^(YES|DEFAULT)$/i.test(row.support) && !HOLD_NO_TABLES.has(row.engine.toLowerCase()));
  const has = new Set(offered.map((row) => row.engine.toLowerCase()));
  const fallback = offered.find((row) => /^DEFAULT$/i.test(row.support))?.engine;
  const list = offered.map((row) => (row.engine === fallback ? `${row.engine} (the default)` : row.engine)).join(", ");

  const sentences: string[] = [];
  for (const table of named) {
    const engine = table.engine!;
    const stored = STORED_AS[engine.toLowerCase()];
    const said = `The entity of ${table.name} names storage engine "${engine}" (@Entity({ engine: "${engine}" }))`;
    if (stored && has.has(stored.toLowerCase())) {
      sentences.push(
        `${said}, which this ${server} server takes but stores as ${stored}, so the table would differ from its entity at every generate: name ${stored}.`,
      );
    } else if (!has.has(engine.toLowerCase())) {
      sentences.push(
        `${said}, which this ${server} server does not offer (information_schema.ENGINES): ` +
          `name one it offers — ${list} — or leave engine out for the server's default${fallback ? `, ${fallback}` : ""}.`,
      );
    }
  }
  if (sentences.length <= 1) return sentences[0];
  return `${sentences.length} entities name a storage engine this ${server} server does not keep, so nothing was generated:\n${sentences.map((s) => `  - ${s}`).join("\n")}`;
}
