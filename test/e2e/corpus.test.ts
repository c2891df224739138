/**
 * The corpus round-trip (issue #4): every entity definition in test/corpus,
 * on every dialect it applies to, must survive generate → run → generate
 * (nothing left to generate), and revert must restore the previous schema
 * exactly, after which run applies it again.
 *
 * Spawning the CLI costs about a second, so all definitions of a dialect
 * share one project and the CLI runs once per step. The per-definition
 * verdicts (which definition produced a spurious diff) come from the same
 * comparison `generate` makes, run in-process against the migrated database
 * and grouped by table prefix.
 *
 * A second test lets TypeORM's own `synchronize` create the corpus and
 * checks that Athanor then has nothing to generate: a database TypeORM made
 * must not look different to Athanor.
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource, type DataSourceOptions, type EntityMetadata } from "typeorm";
import { compareEntitiesWithDatabase } from "../../src/commands/entity-diff";
import { findDialect } from "../../src/dialects";
import { describeDifferences } from "../../src/schema/equal";
import { splitTableName } from "../../src/schema/table-name";
import type { Operation } from "../../src/ops/operations";
import type { Schema } from "../../src/schema/model";
import { CORPUS, DEFINITIONS_DIR, definitionsFor, entitiesOf, prefixOf, schemasOf, type CorpusDefinition } from "../corpus";
import { definitionsTypeormAgreesOn, definitionsTypeormDisagreesOn, typeormPendingByDefinition } from "../corpus/typeorm-agrees";
import { createTestDatabase } from "../support/postgres";
import { DIALECTS, TestProject, type DialectName } from "../support/project";

/** Sample rows a definition gives for entities whose checks the generic values would break. */
function samplesOf(definitions: readonly CorpusDefinition[]): Record<string, Record<string, unknown>> {
  return Object.assign({}, ...definitions.map((d) => require(join(DEFINITIONS_DIR, d.file)).samples ?? {}));
}

/** The table an operation is about (createTable/dropTable carry the table). */
function tableOfOperation(op: Operation): string {
  if (op.kind === "sql") return "";
  if (op.kind === "renameTable") return op.to;
  if (op.kind === "createView" || op.kind === "dropView") return op.view.name;
  const table = (op as { table: unknown }).table;
  return typeof table === "string" ? table : (table as { name: string }).name;
}

/** "c01_integers: ..." lines grouped under the definition whose prefix they start with. */
function groupByDefinition(
  definitions: readonly CorpusDefinition[],
  lines: Array<{ table: string; text: string }>,
): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const line of lines) {
    const owner = definitions.find((d) => splitTableName(line.table).name.startsWith(prefixOf(d) + "_"));
    const key = owner?.file ?? `(no definition) ${line.table}`;
    (grouped[key] ??= []).push(line.text);
  }
  return grouped;
}

/**
 * What `generate` would do for each definition, and how the introspected
 * schema differs from the entities' schema; empty when all is well.
 */
async function spuriousDiffs(
  dialectName: DialectName,
  options: DataSourceOptions,
  definitions: readonly CorpusDefinition[],
): Promise<Record<string, string[]>> {
  const dialect = findDialect(dialectName)!;
  const dataSource = new DataSource({ ...options, entities: entitiesOf(definitions) as any } as DataSourceOptions);
  await dataSource.initialize();
  try {
    const comparison = await compareEntitiesWithDatabase(dialect, dataSource as any, {
      dataSource,
      migrationsTableName: "migrations",
    });
    const lines = comparison.diff.operations.map((op) => ({
      table: tableOfOperation(op),
      text: `would ${op.kind}: ${JSON.stringify(op)}`,
    }));
    const current = comparison.current;
    for (const name of Object.keys(comparison.target.tables)) {
      const pair = (schema: Schema): Schema => ({ tables: schema.tables[name] ? { [name]: schema.tables[name] } : {} });
      for (const text of describeDifferences(pair(current), pair(comparison.target), (c) => dialect.comparable(c), dialect.tableComments)) {
        lines.push({ table: name, text: `introspected ≠ entities: ${text}` });
      }
    }
    for (const name of Object.keys(comparison.target.views ?? {})) {
      const pair = (schema: Schema): Schema => ({ tables: {}, views: schema.views?.[name] ? { [name]: schema.views[name] } : {} });
      for (const text of describeDifferences(pair(current), pair(comparison.target))) {
        lines.push({ table: name, text: `introspected ≠ entities: ${text}` });
      }
    }
    for (const name of comparison.diff.unmappedTables) lines.push({ table: name, text: `unmapped table ${name}` });
    return groupByDefinition(definitions, lines);
  } finally {
    await dataSource.destroy();
  }
}

/** Insert one row into every entity table, in an order that satisfies foreign keys. */
async function insertSampleRows(options: DataSourceOptions, definitions: readonly CorpusDefinition[]): Promise<number> {
  const dataSource = new DataSource({ ...options, entities: entitiesOf(definitions) as any } as DataSourceOptions);
  await dataSource.initialize();
  try {
    let inserted = 0;
    const samples = samplesOf(definitions);
    for (const metadata of tablesInDependencyOrder(dataSource.entityMetadatas)) {
      if (metadata.tableType === "junction" || metadata.tableType === "closure-junction") {
        await insertJunctionRow(dataSource, metadata);
      } else {
        const row = samples[metadata.name] ?? (await sampleRow(dataSource, metadata));
        await dataSource
          .createQueryBuilder()
          .insert()
          .into(metadata.target as any)
          .values(row)
          .execute();
      }
      inserted++;
    }
    return inserted;
  } finally {
    await dataSource.destroy();
  }
}

function tablesInDependencyOrder(metadatas: readonly EntityMetadata[]): EntityMetadata[] {
  const tables = metadatas.filter((m) => m.tableType !== "entity-child" && m.tableType !== "view");
  const done = new Set<EntityMetadata>();
  const ordered: EntityMetadata[] = [];
  while (ordered.length < tables.length) {
    const before = ordered.length;
    for (const metadata of tables) {
      if (done.has(metadata)) continue;
      const needs = metadata.foreignKeys
        .filter((fk) => fk.columns.some((c) => !c.isNullable))
        .map((fk) => fk.referencedEntityMetadata)
        .filter((m) => m !== metadata);
      if (needs.every((m) => done.has(m))) {
        done.add(metadata);
        ordered.push(metadata);
      }
    }
    if (ordered.length === before) throw new Error("the corpus has a foreign key cycle");
  }
  return ordered;
}

/** Join and closure tables have no entity class: a plain INSERT of the first referenced rows. */
async function insertJunctionRow(dataSource: DataSource, metadata: EntityMetadata): Promise<void> {
  const driver = dataSource.driver;
  const values: unknown[] = [];
  for (const column of metadata.columns) {
    const referenced = column.referencedColumn!;
    const [found] = await dataSource
      .createQueryBuilder()
      .select(`t.${driver.escape(referenced.databaseName)}`, "value")
      .from(referenced.entityMetadata.tablePath, "t")
      .limit(1)
      .getRawMany();
    values.push(found.value);
  }
  const columns = metadata.columns.map((c) => driver.escape(c.databaseName)).join(", ");
  const parameters = values.map((_, i) => driver.createParameter(`p${i}`, i)).join(", ");
  // tablePath is "schema.table" for a table in a schema: escape each part.
  const table = metadata.tablePath
    .split(".")
    .map((part) => driver.escape(part))
    .join(".");
  await dataSource.query(`INSERT INTO ${table} (${columns}) VALUES (${parameters})`, values);
}

/** Values for the columns that need one; referenced rows are the ones inserted before. */
async function sampleRow(dataSource: DataSource, metadata: EntityMetadata): Promise<Record<string, unknown>> {
  const row: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    if (column.isGenerated || column.isCreateDate || column.isUpdateDate || column.isVersion) continue;
    if (column.isDeleteDate || column.isVirtualProperty || column.isDiscriminator) continue;
    if (column.relationMetadata || column.referencedColumn) {
      if (column.isNullable) continue;
      const fk = metadata.foreignKeys.find((f) => f.columns.includes(column))!;
      const referenced = column.referencedColumn!;
      const [found] = await dataSource
        .createQueryBuilder()
        .select(`t.${dataSource.driver.escape(referenced.databaseName)}`, "value")
        .from(fk.referencedEntityMetadata.tablePath, "t")
        .limit(1)
        .getRawMany();
      row[column.databaseName] = found.value;
      continue;
    }
    // TypeORM's SQLite insert inlines a column's default unescaped ('it's'),
    // so such columns get a value; other defaults are left to the database.
    const quotedDefault = typeof column.default === "string" && column.default.includes("'");
    if (column.isNullable || (column.default !== undefined && !quotedDefault)) continue;
    row[column.propertyPath] = sampleValue(column);
  }
  return nestEmbedded(row, metadata);
}

/** Embedded columns are given through their embedded object. */
function nestEmbedded(flat: Record<string, unknown>, metadata: EntityMetadata): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const column = metadata.columns.find((c) => c.propertyPath === key || c.databaseName === key)!;
    if (column.relationMetadata || column.referencedColumn) {
      values[column.relationMetadata ? column.relationMetadata.propertyName : column.propertyName] = fkValue(column, value);
      continue;
    }
    const path = column.propertyPath.split(".");
    let target = values;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = value;
  }
  return values;
}

function fkValue(column: EntityMetadata["columns"][number], value: unknown): unknown {
  if (!column.relationMetadata) return value;
  return { [column.referencedColumn!.propertyName]: value };
}

function sampleValue(column: EntityMetadata["columns"][number]): unknown {
  if (column.enum && column.enum.length > 0) return column.isArray ? [column.enum[0]] : column.enum[0];
  const type = typeof column.type === "function" ? column.type.name.toLowerCase() : String(column.type).toLowerCase();
  if (column.isArray) return type.includes("int") ? [1, 2] : ["a"];
  if (type === "simple-json" || type === "json" || type === "jsonb" || type === "object") return { a: 1 };
  if (type === "simple-array") return ["a", "b"];
  if (type === "uuid") return "8d7a0a7c-7b0e-4f0e-9a55-0a8f6e3b2c11";
  if (type === "boolean" || type === "bool") return true;
  if (type === "date") return "2024-01-02";
  if (type.startsWith("time") && !type.startsWith("timestamp")) return "10:11:12";
  if (type === "timestamp" || type === "timestamptz" || type.startsWith("timestamp") || type === "datetime") {
    return new Date("2024-01-02T03:04:05Z");
  }
  if (type === "buffer" || type === "bytea" || type === "blob") return Buffer.from("abc");
  if (type === "inet" || type === "cidr") return "10.0.0.0/8";
  if (type === "macaddr") return "08:00:2b:01:02:03";
  if (type === "interval") return "1 day";
  if (type === "money") return "1.50";
  if (type === "tsvector") return "a b";
  if (type === "xml") return "<a/>";
  if (type === "point") return "(1,2)";
  if (/int|decimal|numeric|real|float|double|number/.test(type)) return 1;
  const length = column.length ? Number(column.length) : type === "char" || type === "character" ? 1 : 10;
  return "abcdefghij".slice(0, Math.max(1, Math.min(length, 10)));
}

async function tableNames(project: TestProject, schemas: string[]): Promise<string[]> {
  return Object.keys((await project.introspect(schemas)).tables).sort();
}

function sqliteOptions(file: string): DataSourceOptions {
  return { type: "sqlite", database: file };
}

test("the corpus lists every definition file, at least 60, each on a dialect", () => {
  const files = readdirSync(DEFINITIONS_DIR)
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
  assert.deepEqual(CORPUS.map((d) => d.file).sort(), files);
  assert.ok(CORPUS.length >= 60, `only ${CORPUS.length} definitions`);
  for (const definition of CORPUS) assert.ok(definition.dialects.length > 0, `${definition.file} applies nowhere`);
  assert.equal(new Set(CORPUS.map(prefixOf)).size, CORPUS.length, "two definitions share a table prefix");
});

for (const dialect of DIALECTS) {
  const definitions = definitionsFor(dialect);
  const schemas = schemasOf(definitions);

  test(`corpus on ${dialect}: ${definitions.length} definitions round-trip with no spurious diff`, async () => {
    const project = await TestProject.create(dialect);
    const options: DataSourceOptions = project.env.DATABASE_URL
      ? { type: "postgres", url: project.env.DATABASE_URL }
      : sqliteOptions(join(project.dir, "data", "app.sqlite"));
    try {
      for (const definition of definitions) {
        project.writeEntity(`${definition.file}.ts`, readFileSync(join(DEFINITIONS_DIR, `${definition.file}.ts`), "utf8"));
      }
      for (const definition of definitions) if (definition.prepare) await project.query(definition.prepare);
      await project.ok(["generate", "Corpus"]);
      await project.ok(["run"]);

      assert.deepEqual(await spuriousDiffs(dialect, options, definitions), {}, "definitions with a spurious diff");
      assert.deepEqual(
        await typeormPendingByDefinition(options, definitionsTypeormAgreesOn(definitions, dialect)),
        {},
        "definitions on which TypeORM's schema builder still wants changes after Athanor's run",
      );
      const check = await project.cli(["generate", "--check"]);
      assert.equal(check.code, 0, `generate --check found changes after run:\n${check.stdout}${check.stderr}`);

      const applied = await project.introspect(schemas);
      assert.equal(await insertSampleRows(options, definitions), Object.keys(applied.tables).length);

      await project.ok(["revert"]);
      assert.deepEqual(await tableNames(project, schemas), [], "revert left tables behind");
      assert.deepEqual(Object.keys((await project.introspect(schemas)).views ?? {}), [], "revert left views behind");
      if (schemas.length > 0) {
        const left = await project.query(`SELECT nspname FROM pg_namespace WHERE nspname IN (${schemas.map((s) => `'${s}'`).join(", ")})`);
        assert.deepEqual(left, [], "revert left schemas behind");
      }

      await project.ok(["run"]);
      const reapplied = await project.introspect(schemas);
      assert.deepEqual(describeDifferences(applied, reapplied), [], "run after revert built another schema");
      assert.deepEqual(structure(reapplied), structure(applied), "run after revert built another schema (names)");
      await insertSampleRows(options, definitions);
    } finally {
      await project.cleanup();
    }
  });

  test(`corpus on ${dialect}: a database made by TypeORM's synchronize has nothing to generate`, async () => {
    const synchronizable = definitions.filter((d) => !d.synchronizeFails?.dialects.includes(dialect));
    const dir = mkdtempSync(join(tmpdir(), "athanor-corpus-sync-"));
    const database = dialect === "postgres" ? await createTestDatabase("athanor_corpus_sync") : undefined;
    const options: DataSourceOptions = database ? { type: "postgres", url: database.url } : sqliteOptions(join(dir, "sync.sqlite"));
    try {
      const entities = entitiesOf(synchronizable) as any;
      const synchronized = new DataSource({ ...options, entities } as DataSourceOptions);
      await synchronized.initialize();
      for (const definition of synchronizable) if (definition.prepare) await synchronized.query(definition.prepare);
      // TypeORM's synchronize does not create the schemas it puts tables in: done by hand, as a user would.
      for (const schema of schemasOf(synchronizable)) await synchronized.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await synchronized.synchronize();
      await synchronized.destroy();
      assert.deepEqual(await spuriousDiffs(dialect, options, synchronizable), {}, "definitions with a spurious diff");
      // The proof of the exception list: after TypeORM's own synchronize,
      // its log() still has queries for exactly the listed definitions.
      const pending = await typeormPendingByDefinition(options, synchronizable);
      assert.deepEqual(
        Object.keys(pending).sort(),
        definitionsTypeormDisagreesOn(synchronizable, dialect),
        `TYPEORM_DISAGREES_WITH_ITSELF (test/corpus/typeorm-agrees.ts) is not what TypeORM does after its own synchronize:\n${JSON.stringify(pending, null, 2)}`,
      );
    } finally {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Tables and their constraint and index names: what "exactly" adds to structural equality. */
function structure(schema: Schema): unknown {
  return Object.values(schema.tables)
    .map((table) => ({
      table: table.name,
      columns: table.columns,
      primaryKey: table.primaryKey,
      uniques: table.uniques.map((u) => u.name).sort(),
      indexes: table.indexes.map((i) => i.name).sort(),
      foreignKeys: table.foreignKeys.map((f) => f.name).sort(),
      checks: table.checks.map((c) => c.name).sort(),
    }))
    .sort((a, b) => a.table.localeCompare(b.table));
}
