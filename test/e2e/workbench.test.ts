/**
 * The workbench gate (#17 §5, README "Working on Athanor"): `.ci/run` runs
 * `npm run typecheck`, `npm run lint` and `npm run format:check` before the
 * tests, and each must still catch what it is there for. Each check writes a
 * file with a known fault into a temporary folder under test/ (a place the
 * tsconfig, the eslint config and prettier all cover), runs the real tool on
 * it, and removes the folder. The lint and format checks also run the fixed
 * file, which must pass: a file the tool ignores would "pass" the other way.
 */
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** The repository: the nearest folder above with a package.json, wherever under test/ this file lives. */
const root = (function repository(dir: string): string {
  return existsSync(join(dir, "package.json")) ? dir : repository(dirname(dir));
})(__dirname);
const bin = (name: string) => join(root, "node_modules", ".bin", name);

let folder: string | undefined;
afterEach(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

/** A file under test/, in this test's own folder, named so `npm test` never runs it. */
function writeTemporary(name: string, text: string): string {
  folder ??= join(root, "test", `workbench-tmp-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  writeFileSync(file, text);
  return relative(root, file);
}

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: 180_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// Formatted as prettier would: only the missing `break` is wrong.
const FALLS_THROUGH = `export function size(kind: string): number {
  switch (kind) {
    case "small":
      console.log("small");
    case "large":
      return 2;
  }
  return 0;
}
`;

describe("the workbench gate", () => {
  test(".ci/run runs typecheck, lint and format:check before the tests, with the scripts the README names", () => {
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts;
    assert.equal(scripts.typecheck, "tsc -p tsconfig.json --noEmit");
    assert.equal(scripts.lint, "eslint --max-warnings 0 .");
    assert.equal(scripts["format:check"], "prettier --check .");
    assert.equal(scripts.format, "prettier --write .");
    const ci = readFileSync(join(root, ".ci", "run"), "utf8");
    assert.match(ci, /^set -euo pipefail$/m, "a failing step stops the run");
    const at = (line: string) => ci.search(new RegExp(`^${line}$`, "m"));
    const steps = ["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm run format:check", "npm test.*"].map(at);
    assert.ok(
      steps.every((index) => index >= 0),
      `every step is a line of .ci/run: ${steps}`,
    );
    assert.deepEqual(
      [...steps].sort((a, b) => a - b),
      steps,
      "install, then typecheck, lint, format, then the tests",
    );
  });

  test("eslint fails on a switch case that falls through, and passes once it returns", () => {
    const bad = run(bin("eslint"), ["--max-warnings", "0", writeTemporary("falls-through.ts", FALLS_THROUGH)]);
    assert.equal(bad.status, 1, bad.output);
    assert.match(bad.output, /no-fallthrough/);
    const fixed = run(bin("eslint"), [
      "--max-warnings",
      "0",
      writeTemporary("returns.ts", FALLS_THROUGH.replace('console.log("small");', "return 1;")),
    ]);
    assert.equal(fixed.status, 0, fixed.output);
  });

  test("prettier --check fails on a file it would reformat, and passes on the file it writes", () => {
    const file = writeTemporary("badly-formatted.ts", "export const sizes = {small:1,'large' : 2}\n");
    const bad = run(bin("prettier"), ["--check", file]);
    assert.equal(bad.status, 1, bad.output);
    assert.match(bad.output, /badly-formatted\.ts/);
    assert.equal(run(bin("prettier"), ["--write", file]).status, 0);
    assert.equal(
      readFileSync(join(root, file), "utf8"),
      "export const sizes = { small: 1, large: 2 };\n",
      "double quotes, spaces, semicolons",
    );
    const fixed = run(bin("prettier"), ["--check", file]);
    assert.equal(fixed.status, 0, fixed.output);
  });

  test("npm run typecheck's tsconfig fails on a type error in a test file", () => {
    const file = writeTemporary(
      "wrong-type.ts",
      'import { test } from "node:test";\n\ntest("a number", () => {\n  const count: number = "three";\n  void count;\n});\n',
    );
    const result = run(bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`${file.replace(/[.]/g, "\\.")}\\(4,9\\): error TS2322`));
  });
});
