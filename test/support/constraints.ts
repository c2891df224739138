/**
 * Helpers for the pair tests of constraints and indexes: whether the
 * database really enforces what the schema says (a statement rejected, a
 * transaction committed), and "generate finds nothing" once a revert has
 * brought a project back to v1.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "./project";
import { assertNoChanges } from "./changes";

/** The statement must fail (a constraint refuses it); `label` says which one. */
export async function assertRejected(project: TestProject, sql: string, label: string): Promise<void> {
  await assert.rejects(project.query(sql), Error, `${label}: expected the database to refuse ${sql}`);
}

/**
 * Run the statements in one transaction, committed at the end: a deferred
 * foreign key is checked only then.
 */
export async function inTransaction(project: TestProject, statements: string[]): Promise<void> {
  const ds = await project.connect();
  try {
    await ds.transaction(async (manager) => {
      for (const sql of statements) await manager.query(sql);
    });
  } finally {
    await ds.destroy();
  }
}

/**
 * After `revert`: with v1's entities back and the V2 migration file gone,
 * generate finds nothing — the database is v1 again, as Athanor sees it.
 */
export async function assertNoChangesAtVersion1(project: TestProject, v1: Record<string, string>, v2Only: string[] = []): Promise<void> {
  for (const file of project.migrationFiles().filter((f) => f.endsWith("-V2.ts"))) {
    rmSync(join(project.dir, "migrations", file));
  }
  for (const file of v2Only) project.removeEntity(file);
  for (const [file, source] of Object.entries(v1)) project.writeEntity(file, source);
  await assertNoChanges(project);
}
