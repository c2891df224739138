/**
 * Pair tests for changes that keep data: a project at entities v1 with rows,
 * a migration generated for entities v2, run, then reverted. The helpers
 * here do the common steps with the real CLI; each test asserts what its
 * change must do to the operations, the rows and the schema.
 */
import assert from "node:assert/strict";
import { findDialect } from "../../src/dialects";
import { describeDifferences, schemasEqual } from "../../src/schema/equal";
import type { Schema } from "../../src/schema/model";
import { TestProject, type DialectName } from "./project";

export interface PairSetup {
  /** Entity files of v1, by file name. */
  v1: Record<string, string>;
  /** Statements that put rows into the v1 tables. */
  seed: string[];
}

export interface Pair {
  project: TestProject;
  /** The schema at v1, as introspected after seeding. */
  v1Schema: Schema;
}

/** A project at v1: generated, run, seeded. */
export async function atVersion1(dialect: DialectName, setup: PairSetup): Promise<Pair> {
  const project = await TestProject.create(dialect, setup.v1);
  await project.ok(["generate", "V1"]);
  await project.ok(["run"]);
  const ds = await project.connect();
  try {
    for (const sql of setup.seed) await ds.query(sql);
  } finally {
    await ds.destroy();
  }
  return { project, v1Schema: await project.introspect() };
}

export interface Generated {
  /** The migration file's text. */
  source: string;
  /** The `up` method's body. */
  up: string;
  /** The header comment. */
  header: string;
  stdout: string;
}

/** Write v2's entity files (null removes one) and generate a migration. */
export async function generateVersion2(
  project: TestProject,
  v2: Record<string, string | null>,
  args: string[] = [],
): Promise<Generated> {
  for (const [file, source] of Object.entries(v2)) {
    if (source === null) project.removeEntity(file);
    else project.writeEntity(file, source);
  }
  const result = await project.ok(["generate", "V2", "--no-interactive", ...args]);
  const file = project.migrationFiles().find((f) => f.endsWith("-V2.ts"));
  assert.ok(file, `no V2 migration written:\n${result.stdout}`);
  const source = project.readMigration(file);
  return {
    source,
    up: source.slice(source.indexOf("async up("), source.indexOf("async down(")),
    header: source.slice(0, source.indexOf("*/")),
    stdout: result.stdout,
  };
}

export function assertSameSchema(dialect: DialectName, actual: Schema, expected: Schema): void {
  const { tableComments } = findDialect(dialect)!;
  const comparable = (c: any) => findDialect(dialect)!.comparable(c);
  assert.ok(
    schemasEqual(actual, expected, comparable, tableComments),
    `schemas differ:\n${describeDifferences(actual, expected, comparable, tableComments).join("\n")}`,
  );
}

/**
 * Rows with every value as text (NULL stays null), so the two drivers'
 * spellings (a bigint as a string on PostgreSQL, a number on SQLite) compare.
 */
export async function rows(project: TestProject, sql: string): Promise<Array<Record<string, string | null>>> {
  const result = await project.query(sql);
  return result.map((row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? null : String(value)])),
  );
}

/** Generate again and expect nothing: v2 is what the database now has. */
export async function assertNoChanges(project: TestProject): Promise<void> {
  const again = await project.ok(["generate", "--check"]);
  assert.match(again.stdout, /No changes/);
}

/**
 * The statements TypeORM's own schema builder would still run against the
 * project's database (`createSchemaBuilder().log()`): empty when TypeORM
 * agrees that the database matches the entities. Runs in the project, with
 * its ormconfig.ts and entities, as a user's `typeorm schema:log` would.
 */
export async function typeormPendingQueries(project: TestProject): Promise<string[]> {
  const script = `
require("reflect-metadata");
const loaded = require("./ormconfig.ts");
const dataSource = loaded.default ?? loaded;
dataSource.initialize().then(async () => {
  const log = await dataSource.driver.createSchemaBuilder().log();
  process.stdout.write(JSON.stringify(log.upQueries.map((q) => q.query)));
  await dataSource.destroy();
}).catch((error) => { console.error(error); process.exit(1); });
`;
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: project.dir,
      env: project.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`TypeORM's schema builder failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/**
 * TypeORM's SQLite driver does not read an AUTOINCREMENT key declared with a
 * constraint name (`"id" integer CONSTRAINT "PK_…" PRIMARY KEY AUTOINCREMENT`,
 * as Athanor writes it) as generated, and rebuilds such a table, dropping and
 * re-adding the foreign keys that reference it (fixed on another branch).
 * Statements about those tables (and their indexes), rebuilding them with the
 * same columns, are the only ones allowed on SQLite until then; on PostgreSQL nothing may be left.
 */
export async function assertTypeormAgrees(project: TestProject): Promise<void> {
  const pending = await typeormPendingQueries(project);
  if (project.dialect === "postgres") {
    assert.deepEqual(pending, [], "TypeORM's schema builder still has work to do");
    return;
  }
  const catalog = await project.query<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    `SELECT type, name, tbl_name, sql FROM sqlite_master`,
  );
  const namedAutoincrement = new Set(
    catalog
      .filter((row) => row.type === "table" && /CONSTRAINT "[^"]+" PRIMARY KEY AUTOINCREMENT/.test(row.sql ?? ""))
      .map((row) => row.name),
  );
  const excused = new Set(namedAutoincrement);
  for (const row of catalog) {
    if (row.type !== "table") continue;
    for (const [, referenced] of (row.sql ?? "").matchAll(/REFERENCES "([^"]+)"/g)) {
      if (namedAutoincrement.has(referenced)) excused.add(row.name);
    }
  }
  const tableOfIndex = new Map(catalog.filter((row) => row.type === "index").map((row) => [row.name, row.tbl_name]));
  const other = pending.filter((sql) => {
    const dropIndex = /^DROP INDEX "([^"]+)"/.exec(sql);
    const names = dropIndex
      ? [tableOfIndex.get(dropIndex[1]) ?? ""]
      : [...sql.matchAll(/(?:TABLE|INTO|FROM|ON|TO) "([^"]+)"/g)].map(([, name]) => name.replace(/^temporary_/, ""));
    return names.length === 0 || names.some((name) => !excused.has(name));
  });
  assert.deepEqual(other, [], "TypeORM's schema builder has work to do besides the primary-key rebuilds");
  // Those rebuilds must keep the columns as they are (a column TypeORM would add or drop is a disagreement).
  for (const sql of pending) {
    const rebuilt = /^CREATE TABLE "temporary_([^"]+)" (.*)$/s.exec(sql);
    if (!rebuilt) continue;
    const columns = [...rebuilt[2].matchAll(/(?:^\(|, )"([^"]+)" [a-z]/gi)].map(([, name]) => name).sort();
    const current = (await project.query<{ name: string }>(`SELECT name FROM pragma_table_info('${rebuilt[1]}')`))
      .map((row) => row.name)
      .sort();
    assert.deepEqual(columns, current, `TypeORM would rebuild ${rebuilt[1]} with other columns: ${sql}`);
  }
}
