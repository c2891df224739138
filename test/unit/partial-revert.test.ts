/**
 * runner/operation-steps.ts without a database: which calls of a partly
 * applied migration's down() undo the part that took effect, and every
 * case where that cannot be known is refused with its reason (E204). The
 * migrations are op() calls rendered for MariaDB, where each statement commits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { findDialect } from "../../src/dialects";
import { op } from "../../src/migration-api/api";
import type { PartialProgress } from "../../src/runner/bookkeeping";
import type { MigrationSource } from "../../src/runner/discover";
import { planPartialRevert } from "../../src/runner/operation-steps";
import { planMigrations } from "../../src/runner/plan";
import { planRevert } from "../../src/runner/targets";
import type { Column, Table } from "../../src/schema/model";

const dialect = findDialect("mariadb")!;
const email: Column = { name: "email", type: "varchar", length: 120, nullable: true };
const tags: Table = {
  name: "tags",
  columns: [{ name: "id", type: "integer", nullable: false }],
  primaryKey: { columns: ["id"] },
  uniques: [],
  indexes: [],
  foreignKeys: [],
  checks: [],
};
const name: Column = { name: "name", type: "varchar", length: 40, nullable: false };
const label: Column = { name: "label", type: "varchar", length: 60, nullable: true };
const fk = {
  name: "FK_tags_people",
  columns: ["id"],
  referencedTable: "people",
  referencedColumns: ["id"],
  onDelete: "CASCADE",
  onUpdate: "NO ACTION",
};

/** up: add a column (1 statement), create a table (1), rename and widen a column (MODIFY + RENAME: 2), drop a foreign key (depends on the schema). */
function migration(down?: (q: any) => Promise<void>): MigrationSource {
  return {
    name: "Four1900000000001",
    timestamp: 1900000000001,
    transaction: true,
    instance: {
      async up(q: any) {
        await op(q).addColumn("people", email);
        await op(q).createTable(tags);
        await op(q).alterColumn("people", name, label);
        await op(q).dropForeignKey("tags", fk as any);
      },
      down:
        down ??
        (async (q: any) => {
          await op(q).addForeignKey("tags", fk as any);
          await op(q).alterColumn("people", label, name);
          await op(q).dropTable(tags);
          await op(q).dropColumn("people", email);
        }),
    },
  };
}

const plan = (progress: PartialProgress, source = migration()) => planPartialRevert(source, progress, dialect, "migrations", "base");

async function refused(progress: PartialProgress, reason: RegExp, source = migration()): Promise<void> {
  await assert.rejects(plan(progress, source), (error: any) => {
    assert.equal(error.constructor.name, "UsageError");
    assert.match(error.message, /^Migration Four1900000000001 is partially applied \(.*\), and Athanor cannot undo only that part: /);
    assert.match(error.message, reason);
    assert.match(
      error.message,
      /finish it with `athanor run` \(then revert it\), or undo its applied statements by hand and run `athanor stamp base`\.$/,
    );
    return true;
  });
}

test("the operations a row says finished are undone; down() calls inverting the rest are passed over", async () => {
  assert.deepEqual(await plan({ applied: 2, total: 5, operations: { finished: 2, statements: 2 } }), { skipDown: 2, undo: 2 });
  assert.deepEqual(await plan({ applied: 0, total: 5, operations: { finished: 0, statements: 0 } }), { skipDown: 4, undo: 0 });
  // Killed after the last statement of an operation, before it was noted finished: its count of statements tells.
  assert.deepEqual(await plan({ applied: 4, total: 5, operations: { finished: 2, statements: 2 } }), { skipDown: 1, undo: 3 });
});

test("a row an earlier version wrote (statements only) is walked from the start", async () => {
  assert.deepEqual(await plan({ applied: 2, total: 5 }), { skipDown: 2, undo: 2 });
  assert.deepEqual(await plan({ applied: 4, total: 5 }), { skipDown: 1, undo: 3 });
});

test("refused: an operation that took effect only in part, or one whose statements depend on the schema", async () => {
  await refused({ applied: 3, total: 5 }, /"alter column people\.label: [^"]*" took effect only in part \(1 of its 2 statements\)/);
  await refused(
    { applied: 5, total: 5, operations: { finished: 3, statements: 4 } },
    /how many statements "[^"]*FK_tags_people[^"]*" sends depends on the schema it ran on, so it cannot be told whether it took effect in full/,
  );
});

test("refused: a down() that is not the inverse of up(), or that runs raw SQL", async () => {
  const progress = { applied: 2, total: 5, operations: { finished: 2, statements: 2 } };
  await refused(
    progress,
    /its down\(\) is not the inverse of its up\(\), operation for operation in reverse order/,
    migration(async (q) => {
      await op(q).dropTable(tags);
      await op(q).dropColumn("people", email);
    }),
  );
  await refused(
    progress,
    /it runs SQL of its own \(DROP TABLE tags\), which has no known inverse/,
    migration(async (q) => {
      await q.query("DROP TABLE tags");
    }),
  );
});

test("revert plans a partly applied migration first: it was the last one a run worked on", () => {
  const source = (i: number): MigrationSource => ({
    name: `T${i}${1700000000000 + i}`,
    timestamp: 1700000000000 + i,
    transaction: true,
    instance: { up: async () => {}, down: async () => {} },
  });
  const states = planMigrations(
    [source(1), source(2), source(3)],
    [
      { id: 1, timestamp: 1700000000001, name: "T11700000000001" },
      { id: 2, timestamp: 1700000000002, name: "T21700000000002" },
      { id: 0, timestamp: 1700000000003, name: "T31700000000003", partial: { applied: 1, total: 2 } },
    ],
  );
  assert.deepEqual(
    planRevert(states, {}).steps.map((s) => s.name),
    ["T31700000000003"],
  );
  assert.deepEqual(
    planRevert(states, { step: 2 }).steps.map((s) => s.name),
    ["T31700000000003", "T21700000000002"],
  );
});
