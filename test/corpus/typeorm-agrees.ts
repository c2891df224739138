/**
 * The reverse check of the corpus (issue #21): after Athanor has built a
 * database, TypeORM itself must find nothing to change. A team keeps TypeORM
 * in its tests (`synchronize: true`, `typeorm schema:log` in CI, a teammate on
 * `migration:generate`), and each of those runs the query behind
 * `createSchemaBuilder().log()`: its `upQueries` must be empty.
 *
 * `typeormPendingQueries` applies to any set of definitions, so a new corpus
 * definition is checked by listing it in index.ts; where TypeORM disagrees
 * with its own synchronize, the definition says so in its
 * `typeormDisagrees` entry (index.ts), with the reason.
 */
import "reflect-metadata";
import { join } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { prefixOf, type CorpusDefinition } from "./index";
import type { DialectName } from "../support/project";

const DEFINITIONS_DIR = join(__dirname, "definitions");

function entitiesOf(definitions: readonly CorpusDefinition[]): Function[] {
  return definitions.flatMap((definition) =>
    Object.values(require(join(DEFINITIONS_DIR, definition.file))).filter(
      (value): value is Function => typeof value === "function",
    ),
  );
}

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
 * agrees that the database matches the entities.
 */
export async function typeormPendingQueries(
  options: DataSourceOptions,
  definitions: readonly CorpusDefinition[],
): Promise<Record<string, string[]>> {
  const dataSource = new DataSource({ ...options, entities: entitiesOf(definitions) as any } as DataSourceOptions);
  await dataSource.initialize();
  try {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    const grouped: Record<string, string[]> = {};
    for (const { query } of upQueries) (grouped[ownerOf(definitions, query)] ??= []).push(query);
    return grouped;
  } finally {
    await dataSource.destroy();
  }
}

/** The definitions on which TypeORM is expected to agree on `dialect` (see `typeormDisagrees`). */
export function definitionsTypeormAgreesOn(
  definitions: readonly CorpusDefinition[],
  dialect: DialectName,
): CorpusDefinition[] {
  return definitions.filter((d) => !d.typeormDisagrees?.dialects.includes(dialect));
}
