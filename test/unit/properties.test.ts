/**
 * The diff algebra on random schemas (fast-check), without a database:
 *
 *   apply(a, diff(a, b)) ≡ b        apply(b, invertAll(diff(a, b))) ≡ a
 *
 * for thousands of pairs — `b` a mutation of `a` (renames confirmed, drops
 * allowed) or an unrelated schema. ATHANOR_PROPS_RUNS raises the number of
 * runs (default 2000). Counterexamples found here are kept below as explicit
 * regression examples.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { diff, type DiffOptions } from "../../src/diff";
import { renameProblems } from "../../src/diff/renames";
import { applyAll } from "../../src/schema/apply";
import { invertAll } from "../../src/ops/operations";
import { describeDifferences } from "../../src/schema/equal";
import type { Schema } from "../../src/schema/model";
import { sqliteDialect } from "../../src/dialects/sqlite";
import { postgresDialect } from "../../src/dialects/postgres";
import { constraintsNaming, schemaArbitrary, schemaPairArbitrary, schemaProblems, type SchemaPair } from "../support/arbitraries";

const RUNS = Number(process.env.ATHANOR_PROPS_RUNS ?? 2000);
// ATHANOR_PROPS_SEED pins the seed (to replay a reported failure; .ci/run pins one per commit).
if (process.env.ATHANOR_PROPS_SEED) fc.configureGlobal({ seed: Number(process.env.ATHANOR_PROPS_SEED) });

/** The algebra for one pair; throws with the differences when it fails. */
function checkAlgebra(a: Schema, b: Schema, options: DiffOptions): void {
  const ops = diff(a, b, options).operations;
  const comparable = options.comparable;
  const up = applyAll(a, ops);
  const upDifferences = describeDifferences(up, b, comparable, options.tableComments);
  assert.deepEqual(upDifferences, [], `apply(a, diff(a, b)) differs from b:\n${upDifferences.join("\n")}`);
  const down = applyAll(up, invertAll(ops));
  const downDifferences = describeDifferences(down, a, comparable, options.tableComments);
  assert.deepEqual(downDifferences, [], `apply(b, invert(diff(a, b))) differs from a:\n${downDifferences.join("\n")}`);
}

function pairOptions(pair: SchemaPair): DiffOptions {
  return { renames: pair.renames, dropTables: pair.dropTables };
}

test("generated schemas and mutations are valid", () => {
  fc.assert(
    fc.property(schemaPairArbitrary(), (pair) => {
      assert.deepEqual(schemaProblems(pair.a), [], "a is invalid");
      assert.deepEqual(schemaProblems(pair.b), [], "b is invalid");
      assert.deepEqual(renameProblems(pair.a, pair.b, pair.renames), [], "the renames are invalid");
      // Rows must survive `down`: a column b drops comes back holding NULLs
      // (or its default) in every row, which a constraint of a on it would
      // refuse (a check `"x" IS NOT NULL`, a key, a foreign key).
      for (const survivor of pair.survivors) {
        const before = pair.a.tables[survivor.from];
        const kept = new Set(survivor.columns.map((c) => c.from));
        for (const column of before.columns.filter((c) => !kept.has(c.name))) {
          const naming = constraintsNaming(before, column.name);
          assert.deepEqual(naming, [], `${survivor.from}.${column.name} is dropped, but ${naming.join(", ")} of a name it`);
          // As a has it (what `down` adds back), whatever b did to it before dropping it.
          assert.ok(
            (column.nullable || column.default !== undefined) && !column.generated,
            `${survivor.from}.${column.name} is dropped, but a has it NOT NULL without a default (or generated): down cannot add it back onto rows`,
          );
        }
      }
      // A table b drops comes back empty with `down`: no table that keeps its
      // rows may have had a foreign key to it in a (`down` adds that key back).
      const kept = new Set(pair.survivors.map((s) => s.from));
      for (const dropped of Object.keys(pair.a.tables).filter((name) => !kept.has(name))) {
        for (const survivor of pair.survivors) {
          const fk = pair.a.tables[survivor.from].foreignKeys.find((f) => f.referencedTable === dropped);
          assert.equal(fk, undefined, `${dropped} is dropped, but foreign key ${fk?.name} of ${survivor.from} in a references it`);
        }
      }
    }),
    { numRuns: Math.ceil(RUNS / 4) },
  );
});

test("a column b drops is one down can add back onto rows, as a has it (seed 1452676341, whose 23rd pair dropped a NOT NULL column an earlier mutation had given a default)", () => {
  // The database property test failed on that pair at random in CI: the generator judged the column as b had changed it.
  for (const pair of fc.sample(schemaPairArbitrary(), { seed: 1452676341, numRuns: 30 })) {
    for (const survivor of pair.survivors) {
      const kept = new Set(survivor.columns.map((c) => c.from));
      for (const column of pair.a.tables[survivor.from].columns.filter((c) => !kept.has(c.name))) {
        assert.ok(
          (column.nullable || column.default !== undefined) && !column.generated,
          `${survivor.from}.${column.name} is dropped, but a has it NOT NULL without a default (or generated)`,
        );
      }
    }
  }
});

test("diff then apply reaches b, and the inverse comes back to a (b a mutation of a)", () => {
  fc.assert(
    fc.property(schemaPairArbitrary(), (pair) => checkAlgebra(pair.a, pair.b, pairOptions(pair))),
    { numRuns: RUNS },
  );
});

test("the algebra holds for unrelated schemas (everything of a may be dropped)", () => {
  fc.assert(
    fc.property(schemaArbitrary(), schemaArbitrary(), (a, b) => checkAlgebra(a, b, { dropTables: Object.keys(a.tables) })),
    { numRuns: Math.ceil(RUNS / 2) },
  );
});

test("the algebra holds through each dialect's comparable view of columns", () => {
  for (const dialect of [sqliteDialect, postgresDialect]) {
    fc.assert(
      fc.property(schemaPairArbitrary(), (pair) =>
        checkAlgebra(pair.a, pair.b, {
          ...pairOptions(pair),
          comparable: dialect.comparable,
          tableComments: dialect.tableComments,
        }),
      ),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  }
});

// ── Counterexamples found by the property tests, kept as regression examples ──

test("renaming a column rewrites the CHECKs and index predicates that name it (as both databases do)", () => {
  // Found on both dialects: the model kept `"id" IS NOT NULL` after id → name, so the
  // diff dropped and re-added the check and `down` re-created it naming a column not
  // yet renamed back (SQLite read "id" as a string, PostgreSQL as the row of table id).
  const a: Schema = {
    tables: {
      id: {
        name: "id",
        columns: [{ name: "id", type: "jsonb", nullable: true }],
        uniques: [],
        indexes: [{ name: "IX1", columns: ["id"], unique: false, where: `"id" IS NOT NULL` }],
        foreignKeys: [],
        checks: [{ name: "CHK1", expression: `"id" IS NOT NULL AND id <> 'id' AND "ID" = lower(id)` }],
      },
    },
  };
  const renamed = applyAll(a, [{ kind: "renameColumn", table: "id", from: "id", to: 'a"b' }]);
  assert.equal(renamed.tables.id.checks[0].expression, `"a""b" IS NOT NULL AND "a""b" <> 'id' AND "ID" = lower("a""b")`);
  assert.equal(renamed.tables.id.indexes[0].where, `"a""b" IS NOT NULL`);
  const b = structuredClone(renamed);
  const ops = diff(a, b, { renames: { columns: [{ table: "id", from: "id", to: 'a"b' }] } }).operations;
  assert.deepEqual(
    ops.map((o) => o.kind),
    ["renameColumn"],
  );
});

test("auto-increment comes off before its primary key is dropped and goes on after it is added", () => {
  // Found on SQLite: dropping an auto-increment primary key and reverting lost the
  // AUTOINCREMENT — `down` made the column auto-increment before the key existed.
  const withKey: Schema = {
    tables: {
      id: {
        name: "id",
        columns: [
          { name: "id", type: "decimal", precision: 10, scale: 2, nullable: true },
          { name: "name", type: "smallint", nullable: false, generated: "increment" },
        ],
        uniques: [],
        indexes: [],
        foreignKeys: [],
        checks: [],
        primaryKey: { columns: ["name"] },
      },
    },
  };
  const withoutKey = structuredClone(withKey);
  delete withoutKey.tables.id.primaryKey;
  delete withoutKey.tables.id.columns[1].generated;

  const up = diff(withKey, withoutKey).operations;
  assert.deepEqual(
    up.map((o) => o.kind),
    ["alterColumn", "dropPrimaryKey"],
  );
  const down = invertAll(up);
  assert.deepEqual(
    down.map((o) => o.kind),
    ["addPrimaryKey", "alterColumn"],
  );
  checkAlgebra(withKey, withoutKey, {});
  checkAlgebra(withoutKey, withKey, {});
});
