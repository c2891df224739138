/**
 * Generated (computed) columns on tables with rows, v1 → v2 in one migration
 * (issue #23): a STORED column whose expression changes is re-created, a new
 * STORED one is added (SQLite rebuilds the table for it), a VIRTUAL one is
 * added (SQLite only), one stops being generated and keeps its values; an
 * index on the re-created column is there after. The rows keep their values and the generated columns
 * hold the computed ones; generate then finds nothing, TypeORM's own schema
 * builder has nothing to do (Athanor writes TypeORM's typeorm_metadata rows),
 * and revert brings back v1. PostgreSQL 15 has no VIRTUAL generated columns:
 * an entity declaring one is refused at generate (E160).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, TestProject, type ProjectDialect } from "../support/project";
import { pairTest } from "../support/not-on-mariadb";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertNoChangesAtVersion1 } from "../support/constraints";
import { assertTypeormAgrees } from "../support/typeorm-agrees";
import type { Schema } from "../../src/schema/model";

const ITEM_V1 = `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
@Index("IDX_items_doubled", ["doubled"])
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "integer" }) price: number;
  @Column({ type: "integer" }) qty: number;
  @Column({ type: "varchar", length: 20 }) label: string;
  @Column({ type: "integer", asExpression: "price * 2", generatedType: "STORED" }) doubled: number;
  @Column({ type: "integer", asExpression: "qty + 100", generatedType: "STORED" }) legacy: number;
}
`;

const ITEM_V2 = (dialect: ProjectDialect) => `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
@Index("IDX_items_doubled", ["doubled"])
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "integer" }) price: number;
  @Column({ type: "integer" }) qty: number;
  @Column({ type: "varchar", length: 20 }) label: string;
  @Column({ type: "integer", asExpression: "price * 3", generatedType: "STORED" }) doubled: number;
  @Column({ type: "integer", asExpression: "price * qty", generatedType: "STORED", nullable: true }) total: number;
  @Column({ type: "integer" }) legacy: number;
${dialect === "sqlite" ? `  @Column({ type: "varchar", asExpression: "upper(label)", generatedType: "VIRTUAL" }) shout: string;\n` : ""}}
`;

const SEED = [`INSERT INTO items (price, qty, label) VALUES (2, 3, 'ab'), (5, 1, 'cd')`];
const PLAIN = `SELECT id, price, qty, label FROM items ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: generated columns`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": ITEM_V1 }, seed: SEED })));
    after(async () => project.cleanup());

    pairTest(
      dialect,
      "expression changed (re-created), STORED and VIRTUAL added, rows kept; TypeORM agrees; revert restores v1",
      async () => {
        const v1Rows = await rows(project, PLAIN);
        assert.deepEqual(await rows(project, `SELECT doubled FROM items ORDER BY id`), [{ doubled: "4" }, { doubled: "10" }]);
        await assertTypeormAgrees(project, "TypeORM has nothing to do at v1");

        const generated = await generateVersion2(project, { "Item.ts": ITEM_V2(dialect) });
        assert.match(generated.up, /alterColumn\(\s*"items",[\s\S]*asExpression: "price \* 2"[\s\S]*asExpression: "price \* 3"/);
        assert.match(
          generated.up,
          /addColumn\(\s*"items",\s*\{\s*name: "total",[\s\S]*asExpression: "price \* qty",\s*generatedType: "STORED"/,
        );
        if (dialect === "sqlite") assert.match(generated.up, /addColumn\(\s*"items",\s*\{\s*name: "shout",[\s\S]*generatedType: "VIRTUAL"/);
        assert.match(generated.header, /re-created/);
        // The re-created column's index is dropped before and created again after.
        assert.match(
          generated.up,
          /dropIndex\(\s*"items",\s*\{\s*name: "IDX_items_doubled"[\s\S]*alterColumn[\s\S]*createIndex\(\s*"items",\s*\{\s*name: "IDX_items_doubled"/,
        );

        // Offline, the same migration as SQL: the generated columns and TypeORM's records of them.
        const script = (await project.ok(["run", "--sql"])).stdout;
        if (dialect === "mariadb") {
          assert.match(script, /`total` int AS \(`?price`? \* `?qty`?\) STORED/);
          assert.match(
            script,
            /INSERT INTO `typeorm_metadata`\([^)]*\) VALUES \(NULL, DATABASE\(\), 'items', 'GENERATED_COLUMN', 'total', 'price \* qty'\)/,
          );
          assert.match(script, /DELETE FROM `typeorm_metadata` WHERE `type` = 'GENERATED_COLUMN'[^;]*`name` = 'doubled'/);
        } else {
          const as = dialect === "postgres" ? `GENERATED ALWAYS AS \\(price \\* qty\\) STORED` : `AS \\(price \\* qty\\) STORED`;
          assert.match(script, new RegExp(`"total" integer ${as}`));
          assert.match(
            script,
            /INSERT INTO "typeorm_metadata" \("type", [^)]*\) VALUES \('GENERATED_COLUMN', [^;]*'total', 'price \* qty'\)/,
          );
          assert.match(script, /DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN'[^;]*"name" = 'doubled'/);
        }

        await project.ok(["run"]);
        assert.deepEqual(await rows(project, PLAIN), v1Rows);
        assert.deepEqual(await rows(project, `SELECT doubled, total, legacy FROM items ORDER BY id`), [
          { doubled: "6", total: "6", legacy: "103" },
          { doubled: "15", total: "5", legacy: "101" },
        ]);
        assert.equal((await project.introspect()).tables.items.indexes.filter((i) => i.name === "IDX_items_doubled").length, 1);
        if (dialect === "sqlite") {
          assert.deepEqual(await rows(project, `SELECT shout FROM items ORDER BY id`), [{ shout: "AB" }, { shout: "CD" }]);
        }
        // Computed on write: a new row gets its values too.
        await project.query(`INSERT INTO items (price, qty, label, legacy) VALUES (7, 2, 'ef', 0)`);
        assert.deepEqual(await rows(project, `SELECT doubled, total FROM items WHERE price = 7`), [{ doubled: "21", total: "14" }]);
        await project.query(`DELETE FROM items WHERE price = 7`);
        await assertNoChanges(project);
        await assertTypeormAgrees(project, "TypeORM has nothing to do at v2");

        await project.ok(["revert"]);
        assertSameSchema(dialect, await project.introspect(), v1Schema);
        assert.deepEqual(await rows(project, PLAIN), v1Rows);
        assert.deepEqual(await rows(project, `SELECT doubled, legacy FROM items ORDER BY id`), [
          { doubled: "4", legacy: "103" },
          { doubled: "10", legacy: "101" },
        ]);
        assert.equal((await project.introspect()).tables.items.indexes.filter((i) => i.name === "IDX_items_doubled").length, 1);
        await assertNoChangesAtVersion1(project, { "Item.ts": ITEM_V1 });
        await assertTypeormAgrees(project, "TypeORM has nothing to do after revert");
      },
    );
  });
}

describe("postgres: a VIRTUAL generated column", () => {
  test("E160 refused at generate, naming the entity and property, with no migration written", async () => {
    const project = await TestProject.create("postgres", {
      "Item.ts": ITEM_V1.replace(
        `@Column({ type: "integer", asExpression: "price * 2", generatedType: "STORED" }) doubled`,
        `@Column({ type: "integer", asExpression: "price * 2" }) doubled`,
      ),
    });
    try {
      const result = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^error: Column Item\.doubled is a VIRTUAL generated column \(asExpression without generatedType: "STORED"\), which PostgreSQL does not have: declare it with generatedType: "STORED" in its @Column decorator\.$/m,
      );
      assert.deepEqual(project.migrationFiles(), []);
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: a table and its generated column renamed`, () => {
    // A plain primary key: a renamed table's serial sequence keeps its old name (not this test's subject).
    const ITEM = ITEM_V1.replace("@PrimaryGeneratedColumn() id", `@PrimaryColumn({ type: "integer" }) id`).replace(
      "PrimaryGeneratedColumn }",
      "PrimaryColumn }",
    );
    const GOODS = ITEM.replace(`name: "items"`, `name: "goods"`)
      .replace(`"IDX_items_doubled", ["doubled"]`, `"IDX_items_doubled", ["twice"]`)
      .replace(`) doubled: number`, `) twice: number`);
    let project: TestProject;
    before(
      async () =>
        ({ project } = await atVersion1(dialect, {
          v1: { "Item.ts": ITEM },
          seed: [`INSERT INTO items (id, price, qty, label) VALUES (1, 2, 3, 'ab'), (2, 5, 1, 'cd')`],
        })),
    );
    after(async () => project.cleanup());

    pairTest(dialect, "TypeORM's records follow the renames: TypeORM agrees after run and after revert", async () => {
      const generated = await generateVersion2(project, { "Item.ts": GOODS }, [
        "--rename-table",
        "items=goods",
        "--rename",
        "goods.doubled=twice",
      ]);
      assert.match(generated.up, /renameTable\("items", "goods"\)/);
      assert.match(generated.up, /renameColumn\("goods", "doubled", "twice"\)/);
      assert.doesNotMatch(generated.up, /addColumn|dropColumn|alterColumn/);
      await project.ok(["run"]);
      assert.deepEqual(await rows(project, `SELECT twice FROM goods ORDER BY id`), [{ twice: "4" }, { twice: "10" }]);
      await assertNoChanges(project);
      await assertTypeormAgrees(project, "renamed");
      await project.ok(["revert"]);
      await assertNoChangesAtVersion1(project, { "Item.ts": ITEM });
      await assertTypeormAgrees(project, "renamed back");
    });
  });
}

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: a generated column and the column it reads, dropped together`, () => {
    const WITHOUT = ITEM_V1.replace(/\n\s*@Column\(\{ type: "integer" \}\) price: number;/, "")
      .replace(/\n\s*@Column\(\{ type: "integer", asExpression: "price \* 2"[^\n]*/, "")
      .replace(`@Index("IDX_items_doubled", ["doubled"])\n`, "");
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": ITEM_V1 }, seed: SEED })));
    after(async () => project.cleanup());

    pairTest(dialect, "the generated column is dropped first and added back last: run and revert both succeed", async () => {
      const generated = await generateVersion2(project, { "Item.ts": WITHOUT }, ["--accept-data-loss"]);
      assert.match(generated.up, /dropColumn\(\s*"items",\s*\{\s*name: "doubled"[\s\S]*dropColumn\(\s*"items",\s*\{\s*name: "price"/);
      await project.ok(["run"]);
      await assertNoChanges(project);
      await assertTypeormAgrees(project, "dropped");
      // down adds price back NOT NULL without a default, which rows would refuse.
      await project.query(`DELETE FROM items`);
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      project.writeEntity("Item.ts", ITEM_V1);
      await assertTypeormAgrees(project, "after revert");
    });
  });
}

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: the type of a column a generated column reads changes`, () => {
    const WIDER = ITEM_V1.replace(`@Column({ type: "integer" }) price: number;`, `@Column({ type: "bigint" }) price: string;`);
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": ITEM_V1 }, seed: SEED })));
    after(async () => project.cleanup());

    pairTest(dialect, "the generated column comes off around the alter, with its index: run and revert succeed, rows kept", async () => {
      const v1Rows = await rows(project, PLAIN);
      const generated = await generateVersion2(project, { "Item.ts": WIDER });
      assert.match(
        generated.up,
        /dropIndex\([\s\S]*IDX_items_doubled[\s\S]*dropColumn\(\s*"items",\s*\{\s*name: "doubled"[\s\S]*alterColumn\([\s\S]*addColumn\(\s*"items",\s*\{\s*name: "doubled"[\s\S]*createIndex\(/,
      );
      await project.ok(["run"]);
      assert.deepEqual(await rows(project, PLAIN), v1Rows);
      assert.deepEqual(await rows(project, `SELECT doubled FROM items ORDER BY id`), [{ doubled: "4" }, { doubled: "10" }]);
      await assertNoChanges(project);
      await assertTypeormAgrees(project, "retyped");
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, PLAIN), v1Rows);
      await assertNoChangesAtVersion1(project, { "Item.ts": ITEM_V1 });
      await assertTypeormAgrees(project, "after revert");
    });
  });
}
