/**
 * Column types that exist only once an extension is installed (citext,
 * hstore, pgvector's vector, PostGIS's geometry, ...). A migration that
 * brings in the first column of such a type creates the extension first, so
 * it runs on a database that lacks it; its revert drops the extension only
 * where that migration created it. An extension the server does not have
 * at all stops `generate` (and, on another server, the migration before it
 * changes anything), with a sentence naming the extension.
 */
import type { Queryable, RenderedOperation, RequiredExtension } from "../dialect";
import type { Schema } from "../../schema/model";
import { doBlock, quoteIdentifier, quoteLiteral } from "./quote";
import { parseType } from "./types";

/** Type names (as TypeORM and format_type spell them) → the extension that defines them. */
const EXTENSION_TYPES: Record<string, string> = {
  citext: "citext",
  hstore: "hstore",
  ltree: "ltree",
  lquery: "ltree",
  ltxtquery: "ltree",
  cube: "cube",
  vector: "vector",
  halfvec: "vector",
  sparsevec: "vector",
  geometry: "postgis",
  geography: "postgis",
};

/**
 * What TypeORM's PostgreSQL driver installs for the entities when it
 * connects (`afterConnect`): uuid-ossp for uuid generation
 * (`uuid_generate_v4()`, what TypeORM's own generated migrations call),
 * each extension type above, btree_gist for exclusion constraints. Code
 * that mentions any of it may rely on that (a TypeORM-generated migration
 * does), so `run` builds the entity metadata before it; a false alarm only
 * costs that build.
 */
const ENTITY_SETUP_WORDS = new RegExp(
  `uuid_generate_v|uuid-ossp|pgcrypto|btree_gist|exclu|\\b(?:gist|${Object.keys(EXTENSION_TYPES).join("|")})\\b`,
  "i",
);

/** Whether a migration's source may rely on the extensions TypeORM installs for the entities on connecting. */
export function reliesOnEntitySetup(source: string): boolean {
  return ENTITY_SETUP_WORDS.test(source);
}

/** What users install for each extension, where its package name differs. */
const PACKAGES: Record<string, string> = { vector: "pgvector", postgis: "PostGIS" };

/** What the extension's comment ends with once a migration created it: its revert looks for it. */
const CREATED_MARK = "(created by an Athanor migration)";

/** The extension a column type needs, if any: `vector(3)`, `public.citext[]`, `geometry(Point,4326)`. */
export function extensionOfType(type: string): string | undefined {
  const base = parseType(type)
    .type.replace(/(\[\])+$/, "")
    .replace(/\(.*\)$/, "")
    .replace(/^.*\./, "")
    .replace(/"/g, "")
    .trim();
  return EXTENSION_TYPES[base];
}

function extensionsUsed(schema: Schema): Set<string> {
  const used = new Set<string>();
  for (const table of Object.values(schema.tables)) {
    for (const column of table.columns) {
      const extension = extensionOfType(column.type);
      if (extension) used.add(extension);
    }
  }
  return used;
}

/**
 * The extensions `target`'s columns need that no column of `current` uses
 * yet, each with the first column that needs it.
 */
export function requiredExtensions(current: Schema, target: Schema): RequiredExtension[] {
  const present = extensionsUsed(current);
  const required = new Map<string, RequiredExtension>();
  for (const table of Object.values(target.tables)) {
    for (const column of table.columns) {
      const extension = extensionOfType(column.type);
      if (!extension || present.has(extension) || required.has(extension)) continue;
      required.set(extension, { extension, table: table.name, column: column.name, type: column.type });
    }
  }
  return [...required.values()];
}

/**
 * The sentence for the first of `required` that the server has neither
 * installed nor available to install, or undefined.
 */
export async function unavailableExtension(db: Queryable, required: readonly RequiredExtension[]): Promise<string | undefined> {
  if (required.length === 0) return undefined;
  const rows: Array<{ name: string }> = await db.query(
    `SELECT name FROM pg_available_extensions WHERE name = ANY($1) UNION SELECT extname FROM pg_extension WHERE extname = ANY($1)`,
    [required.map((r) => r.extension)],
  );
  const present = new Set(rows.map((row) => row.name));
  const missing = required.find((r) => !present.has(r.extension));
  if (!missing) return undefined;
  return (
    `Column ${missing.table}.${missing.column} has type "${missing.type}", which needs the PostgreSQL extension "${missing.extension}", and ` +
    `${unavailableSentence(missing.extension)}, or give the column another type, then run generate again.`
  );
}

/** Why an extension cannot be created on this server. */
function unavailableSentence(extension: string): string {
  const what = PACKAGES[extension] ? `${PACKAGES[extension]}, the extension "${extension}"` : `the extension "${extension}"`;
  return `this PostgreSQL server does not have ${what} (it is not in pg_available_extensions): install it on the server`;
}

/**
 * Create the extension unless the database has it, and mark it as created
 * by a migration; first check that the server has it at all, so that the
 * migration stops with a sentence naming it before it changes anything.
 */
export function renderCreateExtension(extension: string): RenderedOperation {
  const name = quoteLiteral(extension);
  const message = quoteLiteral(
    `Cannot create the PostgreSQL extension "${extension}": ${unavailableSentence(extension)}, then run the migration again.`,
  );
  const statement = doBlock(
    `IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = ${name}) THEN ` +
      `IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = ${name}) THEN RAISE EXCEPTION USING MESSAGE = ${message}, ERRCODE = 'undefined_file'; END IF; ` +
      `CREATE EXTENSION ${quoteIdentifier(extension)}; ` +
      `SELECT oid, obj_description(oid, 'pg_extension') INTO created FROM pg_extension WHERE extname = ${name}; ` +
      `EXECUTE format('COMMENT ON EXTENSION %I IS %L', ${name}, concat_ws(' ', created.obj_description, ${quoteLiteral(CREATED_MARK)})); ` +
      `END IF;`,
    "created record;",
  );
  // The header's warning (from generate) already says what this needs.
  return { statements: [statement], notes: [] };
}

/**
 * Drop the extension if a migration created it (its comment says so) and
 * nothing else uses it any more; otherwise leave it.
 */
export function renderDropExtension(extension: string): RenderedOperation {
  const name = quoteLiteral(extension);
  const statement = doBlock(
    `IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = ${name} ` +
      `AND obj_description(oid, 'pg_extension') LIKE ${quoteLiteral("%" + CREATED_MARK)}) THEN ` +
      `DROP EXTENSION ${quoteIdentifier(extension)}; END IF; ` +
      `EXCEPTION WHEN dependent_objects_still_exist THEN NULL;`,
  );
  return { statements: [statement], notes: [] };
}
