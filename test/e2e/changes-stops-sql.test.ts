/**
 * The data checks of a `generate --sql` migration on SQLite: the raw SQL
 * file carries them as statements, so a change the rows cannot take stops
 * the migration — under `run`, with and without a transaction, and in the
 * script `run --sql` prints — with the sentence an `op()` migration gives:
 * table, column and row count, nothing changed. Once the data is fixed the
 * same migration runs, and reverts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { v2UpPart } from "../support/run-sql-script";
import { ALL_ITEMS as ALL, ITEMS_AFTER_V2, ITEMS_SEED as SEED, ITEMS_V1 as V1, ITEMS_V2 as V2 } from "../support/narrowing-items";
import { DataSource } from "typeorm";
import { dataChecksForAlter } from "../../src/dialects/data-checks";
import { dataCheckFailure, dataCheckStatement } from "../../src/dialects/sqlite/data-check";
import { quoteIdentifier } from "../../src/dialects/sqlite/quote";

const TOO_LONG =
  /Cannot change items\.title to varchar\(5\): 2 row\(s\) of items hold longer values\. Shorten them first, or keep the length\./;
const NULLS = /Cannot make items\.note NOT NULL: it is NULL in 2 row\(s\) of items/;

describe("sqlite: a --sql migration stops on rows it cannot take", () => {
  let project: TestProject;
  let v1Schema: Schema;
  before(async () => ({ project, v1Schema } = await atVersion1("sqlite", { v1: { "Item.ts": V1 }, seed: SEED })));
  after(async () => project.cleanup());

  test("narrowing and NOT NULL stop with table, column and row count; nothing changes; runs once fixed", async () => {
    const v1Rows = await rows(project, ALL);
    const generated = await generateVersion2(project, { "Item.ts": V2 }, ["--sql"]);
    assert.doesNotMatch(generated.up, /op\(queryRunner\)/, "raw SQL, not op() calls");
    // The checks come first in up, before the rebuild's CREATE TABLE.
    const firstCheck = generated.up.indexOf("json_extract");
    assert.ok(firstCheck >= 0 && firstCheck < generated.up.indexOf("CREATE TABLE"), generated.up);

    // The offline script carries them too, ahead of the statements they protect.
    const script = (await project.ok(["run", "--sql"])).stdout;
    const v2Script = v2UpPart(script);
    assert.match(v2Script, /json_extract\('\{\}', replace\('athanor: Cannot change items\.title to varchar\(5\)/);
    assert.ok(v2Script.indexOf("json_extract") < v2Script.indexOf("CREATE TABLE"), v2Script);

    for (const args of [["run"], ["run", "--transaction", "none"]]) {
      const tooLong = await project.cli(args);
      assert.equal(tooLong.code, 3, tooLong.stdout + tooLong.stderr);
      assert.match(tooLong.stderr, TOO_LONG);
      assert.doesNotMatch(tooLong.stderr, /JSON|json_extract|failing statement/, "the check's own SQL is no news to the user");
      assertSameSchema("sqlite", await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, ALL), v1Rows);
      assert.deepEqual(await rows(project, `SELECT name FROM sqlite_temp_master`), [], "nothing left behind");
    }

    await project.query(`UPDATE items SET title = substr(title, 1, 5)`);
    const nulls = await project.cli(["run"]);
    assert.equal(nulls.code, 3, nulls.stdout + nulls.stderr);
    assert.match(nulls.stderr, NULLS);
    assertSameSchema("sqlite", await project.introspect(), v1Schema);

    await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    await project.ok(["run"]);
    const v2Rows = ITEMS_AFTER_V2;
    assert.deepEqual(await rows(project, ALL), v2Rows);
    await assertNoChanges(project);

    await project.ok(["revert"]);
    assertSameSchema("sqlite", await project.introspect(), v1Schema);
    assert.deepEqual(await rows(project, ALL), v2Rows);
  });
});

// Both drivers' SQLite builds word the failure differently and double the
// quotes in it; the runner gives back the sentence as it was written.
for (const type of ["sqlite", "better-sqlite3"] as const) {
  test(`${type}: a data check's sentence comes back intact, quotes in names included`, async () => {
    const ds = new DataSource({ type, database: ":memory:" } as any);
    await ds.initialize();
    try {
      await ds.query(`CREATE TABLE "o'brien" ("it's" text)`);
      await ds.query(`INSERT INTO "o'brien" VALUES (NULL), (NULL), ('x')`);
      const column = { name: "it's", type: "text", nullable: true };
      const [check] = dataChecksForAlter("o'brien", column, { ...column, nullable: false }, quoteIdentifier);
      const statement = dataCheckStatement("o'brien", check);
      const error = await ds.query(statement).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error, "the check did not stop");
      assert.equal(
        dataCheckFailure(error),
        "Cannot make o'brien.it's NOT NULL: it is NULL in 2 row(s) of o'brien. Fill those rows first (in an earlier migration or by hand), or give the column a default.",
      );
      await ds.query(`UPDATE "o'brien" SET "it's" = '' WHERE "it's" IS NULL`);
      assert.deepEqual(await ds.query(statement), [], "rows that fit pass the check");
      assert.equal(dataCheckFailure(new Error("JSON path error near '$.x['")), undefined, "other JSON errors are not data checks");
    } finally {
      await ds.destroy();
    }
  });
}
