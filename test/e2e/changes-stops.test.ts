/**
 * Changes existing rows cannot take stop the migration before anything
 * changes, with a message naming the table, the column and how many rows:
 * a length narrowed below the longest value, a column made NOT NULL without
 * a default while rows hold NULL. Once the data is fixed, the same migration
 * runs, and reverts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { ALL_ITEMS as ALL, ITEMS_AFTER_V2, ITEMS_SEED as SEED, ITEMS_V1 as V1, ITEMS_V2 as V2 } from "../support/narrowing-items";

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: changes the rows cannot take`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": V1 }, seed: SEED })));
    after(async () => project.cleanup());

    test("narrowing and NOT NULL without a default stop with the row count; nothing changes", async () => {
      const v1Rows = await rows(project, ALL);
      const generated = await generateVersion2(project, { "Item.ts": V2 });
      assert.match(generated.stdout, /AT-D003 error: items\.title narrows from varchar\(100\) to varchar\(5\)/);
      assert.match(
        generated.stdout,
        /AT-N002 warning: items\.note becomes NOT NULL without a default: if a row holds NULL, the migration stops/,
      );

      const tooLong = await project.cli(["run"]);
      assert.equal(tooLong.code, 3, tooLong.stdout + tooLong.stderr);
      assert.match(tooLong.stderr, /Cannot change items\.title to varchar\(5\): 2 row\(s\) of items hold longer values/);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, ALL), v1Rows);

      await project.query(`UPDATE items SET title = substr(title, 1, 5)`);
      const nulls = await project.cli(["run"]);
      assert.equal(nulls.code, 3, nulls.stdout + nulls.stderr);
      assert.match(nulls.stderr, /Cannot make items\.note NOT NULL: it is NULL in 2 row\(s\) of items/);
      if (dialect === "mariadb") {
        // Every DDL statement commits: the title's change, which the rows now take, stays applied, the
        // migration is recorded as partly applied, and the next run continues from the note's check.
        assert.match(nulls.stderr, /recorded as partially applied/);
        const title = (await project.introspect()).tables.items.columns.find((c) => c.name === "title");
        assert.equal(title?.length, 5);
      } else {
        assertSameSchema(dialect, await project.introspect(), v1Schema);
      }

      await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
      await project.ok(["run"]);
      const v2Rows = ITEMS_AFTER_V2;
      assert.deepEqual(await rows(project, ALL), v2Rows);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, ALL), v2Rows);
    });
  });
}

const DECIMAL_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "prices" })
export class Price {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "decimal", precision: 10, scale: 3 }) amount: string;
}
`;

// decimal(10,3) → decimal(5,2): three digits before the point instead of seven, two after instead of three.
const DECIMAL_V2 = DECIMAL_V1.replace("precision: 10, scale: 3", "precision: 5, scale: 2");

const PRICES = (dialect: string) =>
  `SELECT id, CAST(amount AS ${dialect === "mariadb" ? "CHAR" : "TEXT"}) AS amount FROM prices ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: decimal precision narrowed below the values`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(
      async () =>
        ({ project, v1Schema } = await atVersion1(dialect, {
          v1: { "Price.ts": DECIMAL_V1 },
          // 1234.5 and 999.996 (rounds to 1000.00) do not fit decimal(5,2); 12.345 only rounds.
          seed: [
            `INSERT INTO prices (amount) VALUES (1234.5)`,
            `INSERT INTO prices (amount) VALUES (12.345)`,
            `INSERT INTO prices (amount) VALUES (-999.996)`,
          ],
        })),
    );
    after(async () => project.cleanup());

    test(
      dialect !== "sqlite"
        ? "values that would overflow stop the migration with the row count; rounding alone does not"
        : "SQLite enforces no precision: the change runs and every value is kept as it was",
      async () => {
        const generated = await generateVersion2(project, { "Price.ts": DECIMAL_V2 });
        assert.match(generated.stdout, /prices\.amount narrows from decimal\(10,3\) to decimal\(5,2\)/);
        assert.match(generated.stdout, /prices\.amount keeps 2 decimal place\(s\).*values with more are rounded/s);
        const v1Rows = await rows(project, PRICES(dialect));

        if (dialect !== "sqlite") {
          const stopped = await project.cli(["run"]);
          assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
          assert.match(
            stopped.stderr,
            /Cannot change prices\.amount to decimal\(5,2\): 2 row\(s\) of prices hold values of 1000 or more in magnitude/,
          );
          assertSameSchema(dialect, await project.introspect(), v1Schema);
          assert.deepEqual(await rows(project, PRICES(dialect)), v1Rows);

          await project.query(`UPDATE prices SET amount = amount / 10 WHERE abs(amount) >= 999`);
          await project.ok(["run"]);
          assert.deepEqual(await rows(project, PRICES(dialect)), [
            { id: "1", amount: "123.45" },
            { id: "2", amount: "12.35" },
            { id: "3", amount: "-100.00" },
          ]);
        } else {
          await project.ok(["run"]);
          assert.deepEqual(await rows(project, PRICES(dialect)), v1Rows);
        }
        await project.ok(["revert"]);
        assertSameSchema(dialect, await project.introspect(), v1Schema);
      },
    );
  });
}
