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
 * Offline (`lint`, `run --sql`) nothing is judged: which engines a server
 * has depends on its build and plugins, which only the server knows.
 */
import type { Queryable } from "../dialect";
import type { Schema } from "../../schema/model";

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
