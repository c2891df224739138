/**
 * runner/targets.ts, the one planner of revision targets, on its own: no
 * database, no CLI, no files. Migrations are named t1…t5 (timestamps
 * 1700000000001…5); "applied" lists bookkeeping rows in the order they were
 * written (their ids).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AppliedMigration } from "../../src/runner/bookkeeping";
import type { MigrationSource } from "../../src/runner/discover";
import { planMigrations, type MigrationState } from "../../src/runner/plan";
import { parseRange, planHistory, planRevert, planRun, planScriptDown, planScriptUp, type ScriptBounds } from "../../src/runner/targets";

const BASE = 1700000000000;

function source(i: number): MigrationSource {
  return { name: `T${i}${BASE + i}`, timestamp: BASE + i, transaction: true, instance: { up: async () => {}, down: async () => {} } };
}

/** `count` migrations on disk; `appliedInOrder` the ones applied, in the order they were applied. */
function planOf(count: number, appliedInOrder: number[] = []) {
  const sources = Array.from({ length: count }, (_, i) => source(i + 1));
  const rows: AppliedMigration[] = appliedInOrder.map((i, id) => ({ id: id + 1, timestamp: BASE + i, name: `T${i}${BASE + i}` }));
  return planMigrations(sources, rows);
}

/** "T3" for the migration T31700000000003. */
const short = (states: MigrationState[]) => states.map((s) => s.name.replace(/\d{13}$/, ""));

function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: any) => error?.constructor?.name === "UsageError" && message.test(error.message));
}

describe("run (online)", () => {
  test("pending migrations in timestamp order, through --to, at most --step", () => {
    const plan = planOf(5, [1, 2]);
    assert.deepEqual(short(planRun(plan, {})), ["T3", "T4", "T5"]);
    assert.deepEqual(short(planRun(plan, { to: "T4" })), ["T3", "T4"]);
    assert.deepEqual(short(planRun(plan, { to: "head" })), ["T3", "T4", "T5"]);
    assert.deepEqual(short(planRun(plan, { step: 1 })), ["T3"]);
  });

  test("an out-of-order pending migration runs in timestamp order with the others", () => {
    assert.deepEqual(short(planRun(planOf(4, [1, 3]), {})), ["T2", "T4"]);
  });

  test("--to base, an applied --to and an unknown revision are usage errors", () => {
    usageError(() => planRun(planOf(3), { to: "base" }), /^`run --to base` would apply nothing/);
    usageError(() => planRun(planOf(3, [1]), { to: "T1" }), /^T11700000000001 is already applied: nothing to run up to it\.$/);
    usageError(() => planRun(planOf(3), { to: "Nope" }), /^No migration matches "Nope"/);
  });
});

describe("revert (online): the reverse of the order of applying", () => {
  test("the most recently applied first; --step, --to (kept), head, base", () => {
    const plan = planOf(4, [1, 2, 3, 4]);
    assert.deepEqual(short(planRevert(plan, {}).steps), ["T4"]);
    assert.deepEqual(short(planRevert(plan, { step: 2 }).steps), ["T4", "T3"]);
    assert.deepEqual(short(planRevert(plan, { to: "T2" }).steps), ["T4", "T3"]);
    assert.deepEqual(short(planRevert(plan, { to: "head" }).steps), []);
    assert.deepEqual(short(planRevert(plan, { to: "base" }).steps), ["T4", "T3", "T2", "T1"]);
  });

  test("a migration applied out of order is undone first, and --to keeps what was applied before it", () => {
    // t1 and t3 applied, then t2 with --allow-out-of-order: applied 1, 3, 2.
    const plan = planOf(3, [1, 3, 2]);
    assert.deepEqual(short(planRevert(plan, {}).steps), ["T2"]);
    assert.deepEqual(short(planRevert(plan, { to: "base" }).steps), ["T2", "T3", "T1"]);
    assert.deepEqual(short(planRevert(plan, { to: "T3" }).steps), ["T2"]);
    assert.deepEqual(short(planRevert(plan, { to: "T2" }).steps), []);
    assert.deepEqual(short(planRevert(plan, { to: "T1" }).steps), ["T2", "T3"]);
  });

  test("nothing applied, --to and --step together, a --to that is not applied", () => {
    usageError(() => planRevert(planOf(2), {}), /^Nothing to revert: no migration is applied\.$/);
    usageError(() => planRevert(planOf(2, [1]), { to: "base", step: 1 }), /^--to and --step both say where to stop/);
    usageError(
      () => planRevert(planOf(2, [1]), { to: "T2" }),
      /^T21700000000002 is not applied: revert --to names an applied migration to keep\.$/,
    );
  });
});

describe("--sql scripts: what is applied is assumed (up to --from, in file order)", () => {
  const states = planOf(5).states;
  const up = (bounds: ScriptBounds) => planScriptUp(states, bounds);
  const down = (bounds: ScriptBounds) => planScriptDown(states, bounds);

  test("run --sql: after --from through --to, at most --step", () => {
    assert.deepEqual(short(up({}).steps), ["T1", "T2", "T3", "T4", "T5"]);
    assert.equal(up({}).fromBase, true);
    assert.equal(up({}).description, "up from base to T51700000000005");
    const middle = up({ from: "T1", to: "T3" });
    assert.deepEqual(short(middle.before), ["T1"]);
    assert.deepEqual(short(middle.steps), ["T2", "T3"]);
    assert.equal(middle.fromBase, false);
    assert.deepEqual(short(up({ step: 2 }).steps), ["T1", "T2"]);
    assert.deepEqual(short(up({ from: "T2", to: "T2" }).steps), []);
  });

  test("revert --sql: the newest by default, --from down to the kept --to, --step", () => {
    assert.deepEqual(short(down({}).steps), ["T5"]);
    assert.equal(down({}).description, "down from T51700000000005 to T41700000000004");
    assert.deepEqual(short(down({ from: "T3", to: "base" }).steps), ["T3", "T2", "T1"]);
    assert.deepEqual(short(down({ from: "T3", to: "base" }).before), ["T1", "T2", "T3"]);
    assert.deepEqual(short(down({ to: "T3" }).steps), ["T5", "T4"]);
    assert.deepEqual(short(down({ from: "T4", step: 2 }).steps), ["T4", "T3"]);
  });

  test("online and offline revert agree where the database applied the migrations in file order", () => {
    const db = planOf(5, [1, 2, 3, 4, 5]);
    for (const bounds of [{}, { step: 3 }, { to: "T2" }, { to: "base" }, { to: "head" }]) {
      assert.deepEqual(short(planRevert(db, bounds).steps), short(down(bounds).steps), JSON.stringify(bounds));
    }
    const partly = planOf(5, [1, 2, 3]);
    assert.deepEqual(short(planRevert(partly, { to: "T1" }).steps), short(down({ from: "T3", to: "T1" }).steps));
  });

  test("the existing usage errors", () => {
    usageError(() => up({ to: "base" }), /^`run --sql --to base` would apply nothing/);
    usageError(() => up({ from: "T3", to: "T1" }), /^--to T1 is older than --from T3/);
    usageError(() => down({ from: "T2", to: "T4" }), /^--to T4 is newer than --from T2/);
    usageError(() => down({ to: "T2", step: 1 }), /^--to and --step both say where to stop/);
    usageError(() => planScriptDown([], {}), /^Nothing to revert: there are no migrations yet\.$/);
  });
});

describe("A:B ranges for --sql", () => {
  const states = planOf(5).states;
  const up = (range: string, more: ScriptBounds = {}) => planScriptUp(states, { range, ...more });
  const down = (range: string, more: ScriptBounds = {}) => planScriptDown(states, { range, ...more });

  test("run --sql A:B is --from A --to B; an empty side is base (start) or head (end)", () => {
    assert.deepEqual(short(up("T1:T3").steps), ["T2", "T3"]);
    assert.deepEqual(up("T1:T3"), planScriptUp(states, { from: "T1", to: "T3" }));
    assert.deepEqual(short(up(":T2").steps), ["T1", "T2"]);
    assert.equal(up(":T2").fromBase, true);
    assert.deepEqual(short(up("T3:").steps), ["T4", "T5"]);
    assert.deepEqual(up("base:head"), planScriptUp(states, {}));
    assert.deepEqual(up(":"), planScriptUp(states, {}));
    assert.deepEqual(short(up("T2:T2").steps), []);
    assert.deepEqual(short(up("T1:", { step: 2 }).steps), ["T2", "T3"]);
  });

  test("revert --sql A:B goes from A down to B, which is kept; an empty side is head (start) or base (end)", () => {
    assert.deepEqual(short(down("T4:T1").steps), ["T4", "T3", "T2"]);
    assert.deepEqual(down("T4:T1"), planScriptDown(states, { from: "T4", to: "T1" }));
    assert.deepEqual(short(down("head:base").steps), ["T5", "T4", "T3", "T2", "T1"]);
    assert.deepEqual(short(down(":T3").steps), ["T5", "T4"]);
    assert.deepEqual(short(down("T2:").steps), ["T2", "T1"]);
    assert.deepEqual(short(down("T4:", { step: 1 }).steps), ["T4"]);
    assert.deepEqual(short(down("T3:T3").steps), []);
  });

  test("wrong ranges are usage errors saying what to write", () => {
    usageError(() => up("T3"), /^The range "T3" is not start:end: write e\.g\. run --sql base:head/);
    usageError(() => down("T1:T2:T3"), /^The range "T1:T2:T3" is not start:end: write e\.g\. revert --sql head:base/);
    usageError(() => up("T3:T1"), /^The range "T3:T1" starts after it ends: put the older revision first\.$/);
    usageError(() => up("T3:base"), /starts after it ends/);
    usageError(
      () => down("T1:T3"),
      /^The range "T1:T3" starts below where it ends, but revert --sql goes down: put the newer revision first/,
    );
    usageError(() => up("Nope:"), /^No migration matches "Nope"/);
    usageError(() => down(":T"), /^"T" matches 5 migrations/);
    usageError(() => up("T1:T3", { to: "T4" }), /^The range "T1:T3" already says where the script starts and ends: drop --to\.$/);
    usageError(() => down("T4:T1", { from: "T5", step: 1 }), /drop --from and --step, or leave the range's end open \(A:\)/);
    usageError(() => up("current:"), /^"current" is the migration the database is at, and --sql reads no database/);
    usageError(() => planScriptUp(states, { from: "current" }), /^"current" is the migration the database is at/);
  });
});

describe("history -r", () => {
  const plan = planOf(4, [1, 2]);
  const window = (range?: string) => short(planHistory(plan, range).migrations);

  test("newest first, inclusive, either side empty, current and head", () => {
    assert.deepEqual(window(), ["T4", "T3", "T2", "T1"]);
    assert.deepEqual(window("T2:T3"), ["T3", "T2"]);
    assert.deepEqual(window("current:"), ["T4", "T3", "T2"]);
    assert.deepEqual(window(":current"), ["T2", "T1"]);
    assert.deepEqual(window("base:head"), ["T4", "T3", "T2", "T1"]);
    assert.deepEqual(window("head:"), ["T4"]);
    const { current, head } = planHistory(plan, undefined);
    assert.equal(current?.name, "T21700000000002");
    assert.equal(head?.name, "T41700000000004");
  });

  test("the same range errors as --sql", () => {
    usageError(() => planHistory(plan, "T3:T1"), /^The range "T3:T1" starts after it ends/);
    usageError(() => planHistory(plan, "T1"), /^The range "T1" is not start:end: write e\.g\. -r base:head/);
  });
});

test("parseRange: the sides, empty ones undefined, spaces trimmed", () => {
  assert.deepEqual(parseRange("a:b", ""), { start: "a", end: "b" });
  assert.deepEqual(parseRange(":b", ""), { start: undefined, end: "b" });
  assert.deepEqual(parseRange(" a : ", ""), { start: "a", end: undefined });
});
