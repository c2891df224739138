/**
 * Table-level changes, v1 → v2 in one migration, on both dialects: a column
 * renamed (--rename) and a table renamed (--rename-table) keep their rows; a
 * removed entity whose table a migration created is dropped, with a warning
 * in the header; a new entity's table is created; a table no migration
 * created is reported and left alone — unless --drop-unmanaged.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const entity = (className: string, table: string, columns: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "${table}" })
export class ${className} {
  @PrimaryGeneratedColumn() id: number;
${columns}
}
`;

const ITEM_V1 = entity("Item", "items", `  @Column({ type: "varchar", length: 40 }) title: string;`);
const ITEM_V2 = entity("Item", "items", `  @Column({ type: "varchar", length: 40 }) name: string;`);
const TAG = entity("Tag", "tags", `  @Column({ type: "varchar", length: 20 }) label: string;`);
const LABEL = entity("Tag", "labels", `  @Column({ type: "varchar", length: 20 }) label: string;`);
const WIDGET = entity("Widget", "widgets", `  @Column({ type: "integer" }) size: number;`);
const CATEGORY = entity(
  "Category",
  "categories",
  `  @Column({ type: "varchar", length: 30 }) heading: string;\n  @Column({ type: "integer", default: 0 }) position: number;`,
);

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: tables renamed, removed, added, unmanaged`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => {
      ({ project, v1Schema } = await atVersion1(dialect, {
        v1: { "Item.ts": ITEM_V1, "Tag.ts": TAG, "Widget.ts": WIDGET },
        seed: [
          `INSERT INTO items (title) VALUES ('first'), ('second')`,
          `INSERT INTO tags (label) VALUES ('red'), ('blue'), ('green')`,
          `INSERT INTO widgets (size) VALUES (1)`,
          // Made by hand: no migration created it, no entity maps it.
          `CREATE TABLE legacy_stuff (id integer PRIMARY KEY, payload varchar(10))`,
          `INSERT INTO legacy_stuff VALUES (1, 'keep me')`,
        ],
      }));
    });
    after(async () => project.cleanup());

    test("renames keep rows, a removed entity's table is dropped, an unmanaged one is left alone", async () => {
      const generated = await generateVersion2(
        project,
        { "Item.ts": ITEM_V2, "Tag.ts": LABEL, "Widget.ts": null, "Category.ts": CATEGORY },
        ["--rename", "items.title=name", "--rename-table", "tags=labels"],
      );
      assert.match(generated.up, /renameColumn\("items", "title", "name"\)/);
      assert.match(generated.up, /renameTable\("tags", "labels"\)/);
      assert.match(generated.up, /dropTable\(\{\s*name: "widgets"/);
      assert.match(generated.up, /createTable\(\{\s*name: "categories"/);
      assert.doesNotMatch(generated.up, /legacy_stuff/);
      assert.match(generated.header.replace(/\s*\n \*\s*/g, " "), /AT-D001 error: Table widgets is dropped: all its rows are lost/);
      assert.match(
        generated.stdout,
        /table legacy_stuff is in the database but no entity maps it and no migration created it; left alone \(--drop-unmanaged drops it\)/,
      );

      await project.ok(["run"]);
      assert.deepEqual(await rows(project, `SELECT id, name FROM items ORDER BY id`), [
        { id: "1", name: "first" },
        { id: "2", name: "second" },
      ]);
      assert.deepEqual(await rows(project, `SELECT label FROM labels ORDER BY id`), [
        { label: "red" },
        { label: "blue" },
        { label: "green" },
      ]);
      const tables = Object.keys((await project.introspect()).tables).sort();
      assert.deepEqual(tables, ["categories", "items", "labels", "legacy_stuff"]);
      await assertNoChanges(project);
      const unmanaged = await project.ok(["generate", "--dry-run", "--drop-unmanaged"]);
      assert.match(unmanaged.stdout, /dropTable\(\{\s*name: "legacy_stuff"/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, `SELECT id, title FROM items ORDER BY id`), [
        { id: "1", title: "first" },
        { id: "2", title: "second" },
      ]);
      assert.deepEqual(await rows(project, `SELECT count(*) AS n FROM tags`), [{ n: "3" }]);
      assert.deepEqual(await rows(project, `SELECT payload FROM legacy_stuff`), [{ payload: "keep me" }]);
      // The dropped table comes back empty: its rows were lost with it.
      assert.deepEqual(await rows(project, `SELECT count(*) AS n FROM widgets`), [{ n: "0" }]);
    });
  });
}
