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
import { TestProject, type ProjectDialect } from "./project";

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
export async function atVersion1(dialect: ProjectDialect, setup: PairSetup): Promise<Pair> {
  const project = await TestProject.create(dialect, setup.v1);
  try {
    await project.ok(["generate", "V1"]);
    await project.ok(["run"]);
    const ds = await project.connect();
    try {
      for (const sql of setup.seed) await ds.query(sql);
    } finally {
      await ds.destroy();
    }
    return { project, v1Schema: await project.introspect() };
  } catch (error) {
    // No database left behind by a version 1 that cannot be built.
    await project.cleanup();
    throw error;
  }
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
export async function generateVersion2(project: TestProject, v2: Record<string, string | null>, args: string[] = []): Promise<Generated> {
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

export function assertSameSchema(dialect: ProjectDialect, actual: Schema, expected: Schema): void {
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
