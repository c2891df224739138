/**
 * The digest a progress row keeps of what took effect (runner/resume-trace.ts):
 * a finished op() call counts as its operation, whatever statements it sent,
 * so the first run (which sent them) and a continuation (which passes the
 * call over, sending nothing) agree; anything else in effect counts as its text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { traceDigest } from "../../src/runner/resume-trace";

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
