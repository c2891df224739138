/**
 * The digest a progress row keeps of what took effect (runner/resume-trace.ts):
 * a finished op() call counts as its operation, whatever statements it sent,
 * so the first run (which sent them) and a continuation (which passes the
 * call over, sending nothing) agree; anything else in effect counts as its text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunningTraceDigest, traceDigest } from "../../src/runner/resume-trace";

const op = (operation: string, from: number, to: number) => ({ operation, from, to });

test("a finished op() call is its operation, whatever it sent: the first run and the continuation agree", () => {
  const firstRun = traceDigest(
    ["INSERT 1", "CREATE b1", "INSERT 2", "ALTER items", "ALTER items 2", "INSERT 3"],
    [op("createTable b1", 1, 2), op("alterColumn", 3, 5)],
  );
  const continued = traceDigest(["INSERT 1", "INSERT 2", "INSERT 3"], [op("createTable b1", 1, 1), op("alterColumn", 2, 2)]);
  assert.equal(continued, firstRun);
});

test("another operation, another statement, another order, or whitespace only", () => {
  const base = traceDigest(["INSERT 1", "INSERT 2"], [op("createTable b1", 1, 1)]);
  assert.notEqual(traceDigest(["INSERT 1", "INSERT 2"], [op("createTable b2", 1, 1)]), base);
  assert.notEqual(traceDigest(["INSERT 1", "INSERT 3"], [op("createTable b1", 1, 1)]), base);
  assert.notEqual(traceDigest(["INSERT 1", "INSERT 2"], [op("createTable b1", 0, 0)]), base);
  assert.equal(traceDigest(["INSERT  1", "INSERT\n2"], [op("createTable b1", 1, 1)]), base, "whitespace is not a difference");
});

test("the running digest (hashed once as the journal grows) equals traceDigest at every step of a run", () => {
  const running = new RunningTraceDigest();
  const statements: string[] = [];
  const marks: ReturnType<typeof op>[] = [];
  let current: number | undefined;
  const check = (when: string) =>
    assert.equal(running.digest(statements, marks, current ?? statements.length), traceDigest(statements, marks), when);
  // Raw statements, op() calls of one and of several statements, one passed over (no statements), in a seeded order.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let step = 0; step < 300; step++) {
    const r = next();
    if (current === undefined && r < 0.3) {
      current = statements.length;
      check(`op() call ${step} started`);
    } else if (current !== undefined && r < 0.5) {
      marks.push(op(`operation ${step}`, current, statements.length));
      current = undefined;
      check(`op() call finished at ${step}`);
    } else if (current === undefined && r < 0.55) {
      marks.push(op(`passed over ${step}`, statements.length, statements.length));
      check(`op() call passed over at ${step}`);
    } else {
      statements.push(`INSERT ${step}\n  VALUES (${step})`);
      check(`statement ${step}`);
    }
  }
  assert.ok(marks.length > 20 && statements.length > 100);
  // A journal that dropped statements it had in effect: computed again from the start.
  statements.length = 10;
  marks.length = marks.filter((m) => m.to <= 10).length;
  current = undefined;
  check("after statements were dropped");
});
