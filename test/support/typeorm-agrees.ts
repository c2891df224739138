/**
 * The reverse check (issue #21): what TypeORM's own schema builder would
 * still do to a database (`createSchemaBuilder().log()`, the queries behind
 * `synchronize` and `typeorm schema:log`, logged, not run). After Athanor's
 * migrations it must have nothing to do, or TypeORM users who also run
 * `schema:log` see changes that are not there. The one implementation for
 * the corpus (test/corpus/typeorm-agrees.ts, with its exception lists) and
 * for the tests of single changes; it runs in the test's process.
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { TestProject } from "./project";

/** A TypeORM's DataSource class: this suite's 0.3, or 1.x's (compat/typeorm1). */
export type DataSourceClass = new (options: DataSourceOptions) => DataSource;

/**
 * The statements TypeORM's schema builder would run on the database `options`
 * points at, for `entities`; `DataSourceClass` asks another TypeORM (1.x reads
 * the entities' decorators from the same global storage).
 */
export async function typeormPendingQueries(
  options: DataSourceOptions,
  entities: Function[],
  DataSourceClass: DataSourceClass = DataSource,
): Promise<string[]> {
  const dataSource = new DataSourceClass({ ...options, entities } as DataSourceOptions);
  await dataSource.initialize();
  try {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    return upQueries.map((query) => query.query);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The classes exported by the project's entity files (`files`, or every .ts
 * file in entities/), loaded afresh: a file rewritten since the last load is
 * read again.
 */
export function projectEntities(project: TestProject, files?: readonly string[]): Function[] {
  const dir = join(project.dir, "entities");
  return (files ?? readdirSync(dir).filter((file) => file.endsWith(".ts"))).flatMap((file) => {
    const path = join(dir, file);
    delete require.cache[require.resolve(path)];
    return Object.values(require(path)).filter((value): value is Function => typeof value === "function");
  });
}

/** What TypeORM's schema builder would run on the project's database for its entities (or those of `files`). */
export function projectPendingQueries(project: TestProject, files?: readonly string[]): Promise<string[]> {
  return typeormPendingQueries(project.dataSourceOptions(), projectEntities(project, files));
}

/** TypeORM's schema builder has nothing to do on the project's database (for its entities, or those of `files`). */
export async function assertTypeormAgrees(project: TestProject, label = "TypeORM", files?: readonly string[]): Promise<void> {
  assert.deepEqual(await projectPendingQueries(project, files), [], `${label}: TypeORM's schema builder would run these`);
}
