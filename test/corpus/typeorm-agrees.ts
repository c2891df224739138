/**
 * The reverse check of the corpus (issue #21): after Athanor has built a
 * database, TypeORM itself must find nothing to change. A team keeps TypeORM
 * in its tests (`synchronize: true`, `typeorm schema:log` in CI, a teammate on
 * `migration:generate`), and each of those runs the query behind
 * `createSchemaBuilder().log()`: its `upQueries` must be empty.
 *
 * `typeormPendingByDefinition` applies to any set of definitions, so a new corpus
 * definition is checked by listing it in index.ts. The only definitions left
 * out are the two lists below, each entry with its reason.
 */
import "reflect-metadata";
import type { DataSourceOptions } from "typeorm";
import { entitiesOf, prefixOf, type CorpusDefinition, type CorpusTarget } from "./index";
import { typeormPendingQueries, type DataSourceClass } from "../support/typeorm-agrees";

/**
 * The definition a query is about: the first whose table prefix the query
 * names (SQLite's rebuild names its copy "temporary_<table>", hence the
 * look-behind on letters and digits only).
 */
function ownerOf(definitions: readonly CorpusDefinition[], query: string): string {
  const owner = definitions.find((d) => new RegExp(`(?<![A-Za-z0-9])${prefixOf(d)}_`).test(query));
  return owner?.file ?? "(no definition)";
}

/**
 * The queries TypeORM's schema builder would run on the database `options`
 * points at, grouped by the definition they concern; empty when TypeORM
 * agrees that the database matches the entities. `DataSource` is another
 * TypeORM's (1.x) to ask that one.
 */
export async function typeormPendingByDefinition(
  options: DataSourceOptions,
  definitions: readonly CorpusDefinition[],
  DataSource?: DataSourceClass,
): Promise<Record<string, string[]>> {
  const grouped: Record<string, string[]> = {};
  for (const query of await typeormPendingQueries(options, entitiesOf(definitions), DataSource)) {
    (grouped[ownerOf(definitions, query)] ??= []).push(query);
  }
  return grouped;
}

export interface Exception {
  file: string;
  /** "mariadb", "mysql": the MariaDB server through TypeORM's driver type of that name. */
  dialects: readonly CorpusTarget[];
  reason: string;
}

/**
 * THE EXCEPTION LIST: definitions on which TypeORM disagrees with itself, i.e.
 * its schema builder reports changes even on a database its own synchronize
 * built (or synchronize cannot build it at all). Proven by the corpus's
 * synchronize test, which checks that after synchronize exactly these
 * definitions still have queries in log() (the ones synchronize cannot build
 * are the `synchronizeFails` definitions of index.ts).
 */
export const TYPEORM_DISAGREES_WITH_ITSELF: readonly Exception[] = [
  {
    file: "d22-default-quotes",
    dialects: ["sqlite", "postgres", "mariadb"],
    reason:
      "TypeORM writes and compares DEFAULT 'it's' without doubling the quote: synchronize fails, and a correct default never compares equal",
  },
  {
    file: "g34-increment-bigint",
    dialects: ["sqlite"],
    reason:
      "TypeORM declares the key bigint PRIMARY KEY AUTOINCREMENT, which SQLite refuses (AUTOINCREMENT on INTEGER only): synchronize fails",
  },
  {
    file: "g38-rowid",
    dialects: ["sqlite"],
    reason: "TypeORM's metadata marks a rowid key generated, its SQLite introspection never does: it rebuilds the table on every log()",
  },
  {
    file: "d24-default-decimal",
    dialects: ["postgres"],
    reason:
      "TypeORM writes DEFAULT '9.99' on a numeric column, PostgreSQL stores 9.99 (no quotes, no cast), and TypeORM compares it with '9.99'",
  },
  {
    file: "d28-default-gen-random-uuid",
    dialects: ["postgres"],
    reason:
      "TypeORM reads a uuid column with DEFAULT gen_random_uuid() as a generated uuid key and never as the plain default the entity declares",
  },
  {
    file: "d29-default-casts",
    dialects: ["postgres"],
    reason:
      "TypeORM strips the casts from the stored default ('draft') but compares with the entity's text as written ('draft'::character varying)",
  },
  { file: "d34-default-uuid-generate-v4", dialects: ["postgres"], reason: "as d28, for uuid_generate_v4()" },
  {
    file: "d24-default-decimal",
    dialects: ["mariadb"],
    reason:
      "TypeORM's MySQL driver writes a number default with toFixed(scale), and a double has no scale: default 1.5 is written and compared as '2', -0.25 as '-0' (stored 0); synchronize builds DEFAULT 2, and the 1.5 Athanor writes never compares equal",
  },
  {
    file: "d25-default-boolean",
    dialects: ["mariadb"],
    reason: 'TypeORM compares a raw default (() => "false") as written with what MariaDB stores (0)',
  },
  {
    file: "d32-default-expression",
    dialects: ["mariadb"],
    reason: "TypeORM compares default expressions as raw text: MariaDB stores lower('ABC') as lcase('ABC')",
  },
  {
    file: "c23-pg-array-defaults",
    dialects: ["postgres"],
    reason:
      "TypeORM compares an array default's text as written ('{0.0, 0.0}', '{1.50, 2}') with what PostgreSQL stores ('{0,0}', '{1.50,2}')",
  },
  {
    file: "d36-default-expression-spelling",
    dialects: ["postgres", "mariadb"],
    reason:
      "TypeORM compares default expressions as raw text: '(1  +   2)', lower( 'ABC' ) and abs(-4)*2 never equal the server's re-spelling",
  },
];

/**
 * Definitions on which Athanor builds something else than TypeORM on
 * purpose, with the reason (documented in the README).
 */
export const ATHANOR_DIFFERS_ON_PURPOSE: readonly Exception[] = [
  {
    file: "c09-json",
    dialects: ["sqlite"],
    reason:
      "TypeORM declares a json column `json`, which gives SQLite NUMERIC affinity; Athanor declares it `text` so that a stored string is never turned into a number",
  },
];

/**
 * TypeORM's "mysql" driver type against the MariaDB server disagrees with
 * itself on most definitions: after its own synchronize, its log() still
 * changes every nullable column that has no default (`CHANGE bio bio
 * varchar(255) NULL`; it reads MariaDB's COLUMN_DEFAULT 'NULL' as a default),
 * dropping and re-adding the foreign keys on them. So on that target the
 * check is another: after Athanor's run, log() has exactly the queries it has
 * after TypeORM's own synchronize, on every definition but these.
 */
export const TYPEORM_MYSQL_ON_MARIADB_DIFFERS: readonly Exception[] = [
  {
    file: "d24-default-decimal",
    dialects: ["mysql"],
    reason: "as on mariadb: synchronize writes default 1.5 on a double as DEFAULT 2, Athanor writes 1.5, and TypeORM compares with '2'",
  },
];

function isListed(list: readonly Exception[], definition: CorpusDefinition, dialect: CorpusTarget): boolean {
  return list.some((e) => e.file === definition.file && e.dialects.includes(dialect));
}

/** The definitions on which TypeORM is expected to agree after Athanor's run on `dialect`. */
export function definitionsTypeormAgreesOn(definitions: readonly CorpusDefinition[], dialect: CorpusTarget): CorpusDefinition[] {
  return definitions.filter(
    (d) => !isListed(TYPEORM_DISAGREES_WITH_ITSELF, d, dialect) && !isListed(ATHANOR_DIFFERS_ON_PURPOSE, d, dialect),
  );
}

/** The definitions TypeORM disagrees on even after its own synchronize, on `dialect`. */
export function definitionsTypeormDisagreesOn(definitions: readonly CorpusDefinition[], dialect: CorpusTarget): string[] {
  return definitions
    .filter((d) => isListed(TYPEORM_DISAGREES_WITH_ITSELF, d, dialect))
    .map((d) => d.file)
    .sort();
}

/** The definitions on which TypeORM's "mysql" driver type, on MariaDB, should want the same after Athanor's run as after its own synchronize. */
export function definitionsLikeTypeormMysqlSynchronize(definitions: readonly CorpusDefinition[]): CorpusDefinition[] {
  return definitions.filter((d) => !isListed(TYPEORM_MYSQL_ON_MARIADB_DIFFERS, d, "mysql"));
}
