import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper of the test runner, without types
import { failureSummary } from "../failure-summary.mjs";

/** A real TAP report from Node's runner, of tests written for it. */
function tapOf(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "athanor-tap-"));
  try {
    writeFileSync(join(dir, "sample.test.mjs"), source);
    // Without NODE_TEST_CONTEXT, which would make it report to this runner instead of printing TAP.
    const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
    return spawnSync(process.execPath, ["--test", "--test-reporter=tap", join(dir, "sample.test.mjs")], { encoding: "utf8", env }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the failed tests' summary at the end of npm test", () => {
  it("names each failed test under its suites, where it is and its error, and not the suites that failed with it", () => {
    const tap = tapOf(`
      import { describe, it } from "node:test";
      import assert from "node:assert/strict";
      describe("outer", () => {
        it("passes", () => {});
        it("compares", () => assert.equal(1, 2, "one is not two"));
        describe("inner", () => { it("throws", () => { throw new Error("boom\\nsecond line"); }); });
      });
    `);
    const summary: string = failureSummary(tap);
    const lines = summary.trimEnd().split("\n");
    assert.equal(lines[0], "# 2 failed tests:");
    assert.match(lines[1], /^# {2}1\) outer › compares \(.*sample\.test\.mjs:6:\d+\)$/);
    assert.ok(lines.includes("#       one is not two"), summary);
    assert.match(summary, /# {2}2\) outer › inner › throws \(.*sample\.test\.mjs:7:\d+\)\n# {7}boom\n# {7}second line\n/);
    assert.doesNotMatch(summary, /passes|subtests? failed/);
  });

  it("is empty when nothing failed", () => {
    const tap = tapOf(`import { it } from "node:test"; it("passes", () => {});`);
    assert.match(tap, /^ok 1 - passes$/m);
    assert.equal(failureSummary(tap), "");
  });
});
