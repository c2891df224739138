/**
 * The user's main loop, end to end with the real CLI in a temporary project,
 * on SQLite and on PostgreSQL: generate → run → generate finds nothing;
 * revert restores the schema; changes on tables with rows keep every row.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertSameSchema } from "../support/changes";
import { DIALECTS, TestProject } from "../support/project";
import { ITEM_V1, ITEM_V2 } from "../support/entities";

for (const dialect of DIALECTS) {
  describe(`${dialect}: example app`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      project.useExampleEntities();
    });
    after(async () => project.cleanup());

    test("generate on an empty database, run, generate again finds nothing", async () => {
      const first = await project.ok(["generate", "Init"]);
      assert.match(first.stdout, /Wrote migrations\/\d{13}-Init\.ts/);
      const files = project.migrationFiles();
      assert.equal(files.length, 1);
      const source = project.readMigration(files[0]);
      assert.match(source, /implements MigrationInterface/);
      assert.match(source, /createTable/);

      const run = await project.ok(["run"]);
      assert.match(run.stdout, /Applied 1 migration/);

      const second = await project.cli(["generate", "Again"]);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /No changes/);
      assert.equal(project.migrationFiles().length, 1, "the second generate wrote a file");
    });

    test("revert restores the schema, run re-applies it", async () => {
      const applied = await project.introspect();
      await project.ok(["revert"]);
      const reverted = await project.introspect();
      assert.deepEqual(Object.keys(reverted.tables), []);
      await project.ok(["run"]);
      assertSameSchema(dialect, await project.introspect(), applied);
    });
  });

  describe(`${dialect}: changes on tables that hold rows`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Item.ts": ITEM_V1 });
      await project.ok(["generate", "CreateItems"]);
      await project.ok(["run"]);
      const ds = await project.connect();
      for (let i = 0; i < 50; i++) await ds.query(`INSERT INTO items (title) VALUES ('item ${i}')`);
      await ds.destroy();
    });
    after(async () => project.cleanup());

    test("a longer varchar, a NOT NULL column with a default and an index keep every row", async () => {
      const before = await project.introspect();
      project.writeEntity("Item.ts", ITEM_V2);
      const generated = await project.ok(["generate", "GrowItems"]);
      assert.match(generated.stdout, /Wrote migrations\/\d{13}-GrowItems\.ts/);
      const file = project.migrationFiles().find((f) => f.endsWith("GrowItems.ts"))!;
      const source = project.readMigration(file);
      const up = source.slice(source.indexOf("async up("), source.indexOf("async down("));
      assert.doesNotMatch(up, /dropColumn/, "a length change must not drop the column");
      assert.match(up, /alterColumn\(\s*"items"/);

      await project.ok(["run"]);
      const rows = await project.query(`SELECT id, title, quantity FROM items ORDER BY id`);
      assert.equal(rows.length, 50);
      assert.equal(rows[0].title, "item 0");
      assert.equal(Number(rows[49].quantity), 7);
      const long = "x".repeat(150);
      await project.query(`INSERT INTO items (title) VALUES ('${long}')`);

      const again = await project.ok(["generate"]);
      assert.match(again.stdout, /No changes/);

      await project.query(`DELETE FROM items WHERE title = '${long}'`);
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const kept = await project.query(`SELECT count(*) AS n FROM items`);
      assert.equal(Number(kept[0].n), 50);
    });
  });
}

describe("one set of migration files runs on both databases", () => {
  test("generated on SQLite, run on PostgreSQL (and the reverse) leaves nothing to generate", async () => {
    for (const [from, to] of [
      ["sqlite", "postgres"],
      ["postgres", "sqlite"],
    ] as const) {
      const source = await TestProject.create(from);
      const destination = await TestProject.create(to);
      try {
        source.useExampleEntities();
        destination.useExampleEntities();
        await source.ok(["generate", "Init"]);
        destination.copyMigrationsFrom(source);
        await destination.ok(["run"]);
        const check = await destination.cli(["generate"]);
        assert.equal(check.code, 0, check.stderr);
        assert.match(check.stdout, /No changes/, `${from} → ${to}: ${check.stdout}`);
        await destination.ok(["revert"]);
        assert.deepEqual(Object.keys((await destination.introspect()).tables), []);
      } finally {
        await source.cleanup();
        await destination.cleanup();
      }
    }
  });
});
