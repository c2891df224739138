/**
 * Runners started together apply each migration exactly once: 8 processes on
 * PostgreSQL (advisory lock), 4 on SQLite (write lock + re-check), 20 pending
 * migrations. And a runner that cannot get the lock in time says so.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { assertEachAppliedOnce } from "./support/concurrent-runners";
import { DIALECTS, TestProject } from "./support/project";
import { writeTableMigrations } from "./support/migrations";

const RUNNERS = { postgres: 8, sqlite: 4 } as const;

for (const dialect of DIALECTS) {
  describe(`${dialect}: concurrent runners`, () => {
    test(`${RUNNERS[dialect]} runners, 20 pending migrations: each applied exactly once, every runner exits 0`, async () => {
      const project = await TestProject.create(dialect);
      try {
        await assertEachAppliedOnce(project, RUNNERS[dialect], 20);
        const tables = Object.keys((await project.introspect()).tables);
        assert.equal(tables.length, 20);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("lock timeout", () => {
  test("postgres: a runner that cannot get the lock in time exits 3 and says why", async () => {
    const project = await TestProject.create("postgres");
    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      writeTableMigrations(project, 1);
      await holder.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      const result = await project.cli(["run", "--lock-timeout", "1"]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /Could not take the migration lock.*another migration runner held the lock/);
      await holder.query(`SELECT pg_advisory_unlock(hashtext('athanor:migrations'))`);
      await project.ok(["run"]);
    } finally {
      await holder.end();
      await project.cleanup();
    }
  });

  test("sqlite: a runner blocked by another writer exits 3 and says why", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeTableMigrations(project, 1);
      await project.ok(["run", "--dry-run"]);
      const ds = await project.connect();
      try {
        await ds.query("BEGIN IMMEDIATE");
        const result = await project.cli(["run", "--lock-timeout", "1"]);
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /locked by another process/);
        await ds.query("ROLLBACK");
      } finally {
        await ds.destroy();
      }
      await project.ok(["run"]);
    } finally {
      await project.cleanup();
    }
  });
});
