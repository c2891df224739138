/**
 * Column changes on a table with rows, v1 → v2 in one migration, on SQLite
 * and PostgreSQL: add (nullable, with a default, NOT NULL with a default),
 * drop, widen a varchar, int → bigint, varchar → text, int → varchar, narrow
 * a length that every value fits, nullable → NOT NULL with a default (fills
 * the NULLs), NOT NULL → nullable, a new default. The rows survive `run`,
 * and `revert` brings back the v1 schema and the rows.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @Column({ type: "varchar", length: 50, nullable: true }) note: string | null;
  @Column({ type: "integer" }) qty: number;
  @Column({ type: "integer" }) code: number;
  @Column({ type: "integer" }) price: number;
  @Column({ type: "varchar", length: 10, nullable: true }) flag: string | null;
  @Column({ type: "varchar", length: 10, default: "new" }) status: string;
  @Column({ type: "varchar", length: 50 }) short: string;
  @Column({ type: "text", nullable: true }) legacy: string | null;
}
`;

const V2 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 200 }) title: string;
  @Column({ type: "text", nullable: true }) note: string | null;
  @Column({ type: "bigint" }) qty: string;
  @Column({ type: "varchar", length: 20 }) code: string;
  @Column({ type: "integer", nullable: true }) price: number | null;
  @Column({ type: "varchar", length: 10, default: "none" }) flag: string;
  @Column({ type: "varchar", length: 10, default: "open" }) status: string;
  @Column({ type: "varchar", length: 10 }) short: string;
  @Column({ type: "varchar", length: 30, nullable: true }) added_nullable: string | null;
  @Column({ type: "integer", default: 5 }) added_default: number;
  @Column({ type: "varchar", length: 10, nullable: true, default: "x" }) added_tag: string | null;
}
`;

const SEED = [
  `INSERT INTO items (title, note, qty, code, price, flag, short, legacy) VALUES ('t1', 'n1', 1, 101, 10, NULL, 'abc', 'L1')`,
  `INSERT INTO items (title, note, qty, code, price, flag, short, legacy) VALUES ('t2', NULL, 2, 102, 20, 'red', 'defg', 'L2')`,
  `INSERT INTO items (title, note, qty, code, price, flag, short, legacy) VALUES ('t3', 'n3', 3, 103, 30, NULL, 'hi', NULL)`,
];

const KEPT = `SELECT id, title, note, qty, code, price, status, short FROM items ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: column changes keep the rows`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": V1 }, seed: SEED })));
    after(async () => project.cleanup());

    test("one migration adds, drops, widens, narrows, converts and tightens; revert restores v1", async () => {
      const v1Rows = await rows(project, KEPT);
      // legacy disappears while columns appear: without a rename hint, dropping it is accepted explicitly.
      const generated = await generateVersion2(project, { "Item.ts": V2 }, ["--accept-data-loss"]);

      for (const column of ["added_nullable", "added_default", "added_tag"]) {
        assert.match(generated.up, new RegExp(`addColumn\\("items", \\{\\s*name: "${column}"`), column);
      }
      assert.equal(generated.up.match(/dropColumn/g)?.length, 1, "only legacy is dropped");
      assert.match(generated.up, /dropColumn\("items", \{\s*name: "legacy"/);
      for (const column of ["title", "note", "qty", "code", "price", "flag", "status", "short"]) {
        assert.match(generated.up, new RegExp(`alterColumn\\(\\s*"items",\\s*\\{\\s*name: "${column}"`), column);
      }
      // Sentences wrap in the header comment: read it as one line.
      const header = generated.header.replace(/\s*\n \*\s*/g, " ");
      assert.match(header, /AT-D002 error: Column items\.legacy is dropped/);
      assert.match(header, /AT-N002 warning: items\.flag becomes NOT NULL: rows holding NULL are set to the default 'none' first/);
      assert.match(header, /AT-D003 error: items\.short narrows from varchar\(50\) to varchar\(10\)/);

      await project.ok(["run"]);
      assert.deepEqual(
        await rows(
          project,
          `SELECT id, title, note, qty, code, price, flag, status, short, added_nullable, added_default, added_tag FROM items ORDER BY id`,
        ),
        [
          {
            id: "1",
            title: "t1",
            note: "n1",
            qty: "1",
            code: "101",
            price: "10",
            flag: "none",
            status: "new",
            short: "abc",
            added_nullable: null,
            added_default: "5",
            added_tag: "x",
          },
          {
            id: "2",
            title: "t2",
            note: null,
            qty: "2",
            code: "102",
            price: "20",
            flag: "red",
            status: "new",
            short: "defg",
            added_nullable: null,
            added_default: "5",
            added_tag: "x",
          },
          {
            id: "3",
            title: "t3",
            note: "n3",
            qty: "3",
            code: "103",
            price: "30",
            flag: "none",
            status: "new",
            short: "hi",
            added_nullable: null,
            added_default: "5",
            added_tag: "x",
          },
        ],
      );
      // The new defaults and the relaxed NOT NULL apply to new rows.
      await project.query(`INSERT INTO items (title, qty, code, short) VALUES ('${"w".repeat(150)}', 9000000000, '999', 'z')`);
      assert.deepEqual(await rows(project, `SELECT flag, status, price, qty FROM items WHERE code = '999'`), [
        { flag: "none", status: "open", price: null, qty: "9000000000" },
      ]);
      await project.query(`DELETE FROM items WHERE code = '999'`);
      await assertNoChanges(project);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, KEPT), v1Rows);
      // What revert cannot give back: the filled NULLs stay filled, the dropped column's data is gone.
      assert.deepEqual(await rows(project, `SELECT flag, legacy FROM items ORDER BY id`), [
        { flag: "none", legacy: null },
        { flag: "red", legacy: null },
        { flag: "none", legacy: null },
      ]);
    });
  });
}
