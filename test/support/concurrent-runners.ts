/**
 * Several `athanor run` processes started at once on one project with
 * `migrations` pending: every runner exits 0, each migration is recorded
 * once, and exactly one runner reports applying it. Shared by the
 * concurrency tests of both TypeORM lines.
 */
import assert from "node:assert/strict";
import type { TestProject } from "./project";
import { writeTableMigrations } from "./migrations";

export async function assertEachAppliedOnce(project: TestProject, runners: number, migrations: number): Promise<void> {
  writeTableMigrations(project, migrations);
  const results = await Promise.all(Array.from({ length: runners }, () => project.cli(["run", "--lock-timeout", "120"])));
  for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
  const rows = await project.query(`SELECT name FROM migrations`);
  assert.equal(rows.length, migrations);
  assert.equal(new Set(rows.map((r: any) => r.name)).size, migrations);
  const applied = results.flatMap((r) => r.stdout.split("\n").filter((line) => /^\s+✓ \w/.test(line)));
  assert.equal(applied.length, migrations, "each migration reported applied by exactly one runner");
}
