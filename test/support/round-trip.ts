/**
 * The suite's core, shared by the TypeORM-line and driver tests: the example
 * app's generate → run → generate finds nothing → revert → empty → run again,
 * and a change on a table holding rows (a SQLite table rebuild) that keeps
 * every row both ways. Each call registers one `describe` per project kind.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { TestProject, type DialectName, type ProjectOptions } from "./project";
import { ITEM_V1, ITEM_V2 } from "./entities";
import { schemasEqual, describeDifferences } from "../../src/schema/equal";
import { findDialect } from "../../src/dialects";

export function assertSameSchema(dialectName: string, actual: any, expected: any): void {
  const dialect = findDialect(dialectName)!;
  const comparable = (c: any) => dialect.comparable(c);
  assert.ok(
    schemasEqual(actual, expected, comparable, dialect.tableComments),
    `schemas differ:\n${describeDifferences(actual, expected, comparable, dialect.tableComments).join("\n")}`,
  );
}

/** `options` is called inside the hooks, so a missing install fails the tests instead of the file. */
export function describeRoundTrips(label: string, dialect: DialectName, options: () => ProjectOptions): void {
  describe(`${label}: example app round trip`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, {}, options());
      project.useExampleEntities();
    });
    after(async () => project?.cleanup());

    test("generate, run, generate again finds nothing", async () => {
      await project.ok(["generate", "Init"]);
      assert.equal(project.migrationFiles().length, 1);
      const run = await project.ok(["run"]);
      assert.match(run.stdout, /Applied 1 migration/);
      const second = await project.ok(["generate", "Again"]);
      assert.match(second.stdout, /No changes/);
      assert.equal(project.migrationFiles().length, 1, "the second generate wrote a file");
    });

    test("revert leaves an empty database, run re-applies the same schema", async () => {
      const applied = await project.introspect();
      assert.ok(Object.keys(applied.tables).length > 0, "run created no tables");
      await project.ok(["revert"]);
      assert.deepEqual(Object.keys((await project.introspect()).tables), []);
      await project.ok(["run"]);
      assertSameSchema(dialect, await project.introspect(), applied);
    });
  });

  describe(`${label}: a change on a table with rows keeps every row`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Item.ts": ITEM_V1 }, options());
      await project.ok(["generate", "CreateItems"]);
      await project.ok(["run"]);
      const values = Array.from({ length: 20 }, (_, i) => `('item ${i}')`).join(", ");
      await project.query(`INSERT INTO items (title) VALUES ${values}`);
    });
    after(async () => project?.cleanup());

    test("longer varchar, NOT NULL column with a default, an index: up and down keep the rows", async () => {
      const before = await project.introspect();
      project.writeEntity("Item.ts", ITEM_V2);
      await project.ok(["generate", "GrowItems"]);
      await project.ok(["run"]);
      const rows = await project.query(`SELECT title, quantity FROM items ORDER BY id`);
      assert.equal(rows.length, 20);
      assert.equal(rows[0].title, "item 0");
      assert.equal(Number(rows[19].quantity), 7);
      assert.match((await project.ok(["generate"])).stdout, /No changes/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const kept = await project.query(`SELECT count(*) AS n FROM items`);
      assert.equal(Number(kept[0].n), 20);
    });
  });
}
