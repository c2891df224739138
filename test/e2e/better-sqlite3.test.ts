/**
 * The better-sqlite3 driver (TypeORM `type: "better-sqlite3"`) under the
 * suite's TypeORM 0.3: the core round trips, and a project switching from
 * the sqlite3 driver to better-sqlite3 — which TypeORM 1.x requires — finds
 * its database at head with nothing to generate.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { describeRoundTrips } from "../support/round-trip";

describeRoundTrips("TypeORM 0.3 + better-sqlite3", "sqlite", () => ({ sqliteDriver: "better-sqlite3" }));

describe("switching from the sqlite3 driver to better-sqlite3", () => {
  test("the database migrated with sqlite3 is at head for better-sqlite3: nothing to generate, revert works", async () => {
    const project = await TestProject.create("sqlite", {}, { sqliteDriver: "sqlite" });
    try {
      project.useExampleEntities();
      await project.ok(["generate", "Init"]);
      await project.ok(["run"]);

      const ormconfig = join(project.dir, "ormconfig.ts");
      writeFileSync(ormconfig, readFileSync(ormconfig, "utf8").replace('type: "sqlite"', 'type: "better-sqlite3"'));

      const status = await project.ok(["status"]);
      assert.match(status.stdout, /better-sqlite3/);
      assert.match(status.stdout, /1 applied, 0 pending/);
      assert.match((await project.ok(["generate"])).stdout, /No changes/);
      await project.ok(["revert"]);
      assert.deepEqual(Object.keys((await project.introspect()).tables), []);
    } finally {
      await project.cleanup();
    }
  });
});
