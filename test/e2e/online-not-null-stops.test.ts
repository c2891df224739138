/**
 * `generate --online` making a column NOT NULL while rows hold NULL, on a
 * real PostgreSQL with the real CLI. The online form counts the NULLs only
 * when VALIDATE refuses its check, and must then stop as the plain form
 * does — the sentence with the row count — with NO constraint left behind
 * (a committed NOT VALID check would already refuse the application's NULL
 * writes), whether `run` sends it, psql runs the `run --sql` script, or the
 * migration is made to run inside a transaction (where the plain form is
 * rendered). Once the NULLs are filled the same migration runs.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { psqlScriptAfterV1, v2UpPart } from "../support/run-sql-script";
import { constraintsOn } from "../support/pg-constraints";
import { ITEMS_V1 as V1 } from "../support/narrowing-items";

// v2 only makes note NOT NULL: the check is the migration's first change.
const V2 = V1.replace("length: 20, nullable: true", "length: 20");
const SEED = [
  `INSERT INTO items (title, note) VALUES ('one', NULL)`,
  `INSERT INTO items (title, note) VALUES ('two', 'x')`,
  `INSERT INTO items (title, note) VALUES ('three', NULL)`,
];
const NULLS = /Cannot make items\.note NOT NULL: it is NULL in 2 row\(s\) of items\. Fill those rows first/;

/** Every constraint on items, by name and validity: nothing may be left behind. */
const constraints = (project: TestProject) => constraintsOn(project, "items");

/** A NULL note is still accepted (no check refuses the application's writes), and taken out again. */
async function assertNullsAccepted(project: TestProject): Promise<void> {
  await project.query(`INSERT INTO items (title, note) VALUES ('probe', NULL)`);
  await project.query(`DELETE FROM items WHERE title = 'probe'`);
}

async function columnNullable(project: TestProject): Promise<string> {
  const [row] = await project.query<{ is_nullable: string }>(
    `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note' AND table_schema = current_schema()`,
  );
  return row.is_nullable;
}

describe("postgres: --online SET NOT NULL over NULLs", () => {
  const projects: TestProject[] = [];
  after(async () => Promise.all(projects.map((p) => p.cleanup())));

  async function atV2(args: string[] = []): Promise<{ project: TestProject; v1Schema: Schema; v1Constraints: string[] }> {
    const { project, v1Schema } = await atVersion1("postgres", { v1: { "Item.ts": V1 }, seed: SEED });
    projects.push(project);
    const generated = await generateVersion2(project, { "Item.ts": V2 }, ["--online", ...args]);
    assert.match(generated.source, /^ {2}transaction = false;$/m);
    return { project, v1Schema, v1Constraints: await constraints(project) };
  }

  test("the rendered SQL counts nothing up front: the count is inside the block, after VALIDATE is refused", async () => {
    const { project } = await atV2();
    const script = (await project.ok(["run", "--sql"])).stdout;
    const up = v2UpPart(script);
    assert.match(up, /ADD CONSTRAINT "items_note_not_null" CHECK \("note" IS NOT NULL\) NOT VALID; COMMIT;/);
    assert.match(up, /BEGIN ALTER TABLE "items" VALIDATE CONSTRAINT "items_note_not_null"; EXCEPTION WHEN check_violation/);
    assert.doesNotMatch(up, /DECLARE athanor_rows bigint; BEGIN SELECT count/, "no count before the change");
    assert.match(up, /ALTER TABLE "items" ALTER COLUMN "note" SET NOT NULL/);
  });

  test("run: stops with the sentence and the count, leaves no constraint; runs once the NULLs are filled", async () => {
    const { project, v1Schema, v1Constraints } = await atV2();
    const stopped = await project.cli(["run"]);
    assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, NULLS);
    assert.doesNotMatch(stopped.stderr, /remain[\s\S]*ADD CONSTRAINT/, "the check it dropped is not reported as applied");
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    await assertNullsAccepted(project);

    // Stopping again is the same (nothing half-applied is skipped or tripped over).
    const again = await project.cli(["run"]);
    assert.equal(again.code, 3, again.stdout + again.stderr);
    assert.match(again.stderr, NULLS);
    assert.deepEqual(await constraints(project), v1Constraints);

    await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    await project.ok(["run"]);
    assert.equal(await columnNullable(project), "NO");
    assert.deepEqual(await constraints(project), v1Constraints, "the helper check is gone");
    assert.deepEqual(await rows(project, `SELECT title, note FROM items ORDER BY id`), [
      { title: "one", note: "" },
      { title: "two", note: "x" },
      { title: "three", note: "" },
    ]);
    await assertNoChanges(project);
    await project.ok(["revert"]);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
  });

  test("generate --sql --online: the raw-SQL migration stops the same way under run", async () => {
    const { project, v1Schema, v1Constraints } = await atV2(["--sql"]);
    const stopped = await project.cli(["run"]);
    assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, NULLS);
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    await project.ok(["run"]);
    assert.equal(await columnNullable(project), "NO");
    assert.deepEqual(await constraints(project), v1Constraints);
  });

  test("inside a transaction the plain SET NOT NULL runs: it stops the same way and rolls back", async () => {
    const { project, v1Schema, v1Constraints } = await atV2();
    const file = project.migrationFiles().find((f) => f.endsWith("-V2.ts"))!;
    const path = join(project.dir, "migrations", file);
    writeFileSync(path, project.readMigration(file).replace(/^ {2}transaction = false;$/m, "  transaction = true;"));
    await project.ok(["sum"]);
    const script = (await project.ok(["run", "--sql"])).stdout;
    assert.doesNotMatch(v2UpPart(script), /COMMIT; END IF/, "no block that commits");

    const stopped = await project.cli(["run"]);
    assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, NULLS);
    assert.doesNotMatch(stopped.stderr, /invalid transaction termination/);
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    await project.ok(["run"]);
    assert.equal(await columnNullable(project), "NO");
  });

  test("the run --sql script through psql: stops with the sentence and the count, leaves no constraint", async () => {
    const { project, v1Schema, v1Constraints } = await atV2();
    const psql = await psqlScriptAfterV1(project);

    const stopped = psql();
    assert.notEqual(stopped.status, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, NULLS);
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    await assertNullsAccepted(project);

    await project.query(`UPDATE items SET note = '' WHERE note IS NULL`);
    const applied = psql();
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.equal(await columnNullable(project), "NO");
    assert.deepEqual(await constraints(project), v1Constraints);
    await assertNoChanges(project);
  });
});
