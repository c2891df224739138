/**
 * A varchar length narrowed on PostgreSQL, with the real CLI: the migration
 * alters the column without the `USING col::varchar(n)` that would cut
 * longer values, so PostgreSQL refuses them itself and the rows are counted
 * only then — no count runs when every value fits. A too-long value must
 * stop the migration with the same sentence and count as before and change
 * nothing: under `run`, with no transaction around it, and when psql runs
 * the `run --sql` script.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { psqlScriptAfterV1, v2UpPart } from "../support/run-sql-script";
import { ALL_ITEMS as ALL, ITEMS_SEED as SEED, ITEMS_V1 as V1 } from "../support/narrowing-items";

// v2 only narrows title from varchar(100) to varchar(5).
const V2 = V1.replace("length: 100", "length: 5");
const TOO_LONG =
  /Cannot change items\.title to varchar\(5\): 2 row\(s\) of items hold longer values\. Shorten them first, or keep the length\./;

async function titleType(project: TestProject): Promise<string> {
  const [row] = await project.query<{ t: string }>(
    `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'title'`,
  );
  return row.t;
}

describe("postgres: a varchar narrowed below its values is refused, then counted", () => {
  const projects: TestProject[] = [];
  after(async () => Promise.all(projects.map((p) => p.cleanup())));

  async function atV2(): Promise<{ project: TestProject; v1Schema: Schema }> {
    const { project, v1Schema } = await atVersion1("postgres", { v1: { "Item.ts": V1 }, seed: SEED });
    projects.push(project);
    await generateVersion2(project, { "Item.ts": V2 });
    return { project, v1Schema };
  }

  test("run, and run --transaction none: stops with the sentence and the count, nothing changed; runs once the values fit", async () => {
    const { project, v1Schema } = await atV2();
    const v1Rows = await rows(project, ALL);
    const script = (await project.ok(["run", "--sql"])).stdout;
    const up = v2UpPart(script);
    assert.match(
      up,
      /BEGIN ALTER TABLE "items" ALTER COLUMN "title" TYPE character varying\(5\); EXCEPTION WHEN string_data_right_truncation THEN SELECT count/,
    );
    assert.doesNotMatch(up, /DECLARE athanor_rows bigint; BEGIN SELECT count/, "no count before the change");
    assert.doesNotMatch(up, /TYPE character varying\(5\) USING/, "no cast that would cut");

    for (const args of [["run"], ["run", "--transaction", "none"]]) {
      const stopped = await project.cli(args);
      assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, TOO_LONG);
      assertSameSchema("postgres", await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, ALL), v1Rows);
    }

    await project.query(`UPDATE items SET title = substr(title, 1, 5)`);
    await project.ok(["run"]);
    assert.equal(await titleType(project), "character varying(5)");
    assert.deepEqual(
      (await rows(project, ALL)).map((r) => r.title),
      ["a lon", "ok", "anoth"],
    );
    await assertNoChanges(project);
    await project.ok(["revert"]);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
  });

  test("the run --sql script through psql: stops with the sentence and the count, nothing changed; applies once the values fit", async () => {
    const { project, v1Schema } = await atV2();
    const v1Rows = await rows(project, ALL);
    const psql = await psqlScriptAfterV1(project);

    const stopped = psql();
    assert.notEqual(stopped.status, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, TOO_LONG);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    assert.deepEqual(await rows(project, ALL), v1Rows);

    await project.query(`UPDATE items SET title = substr(title, 1, 5)`);
    const applied = psql();
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.equal(await titleType(project), "character varying(5)");
  });
});
