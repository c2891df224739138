/**
 * The CLI's shortcut through module resolution (loader/run-resolution.ts)
 * gives the file Node gives, or Node's error, for every kind of request
 * it could meet: plain files and extensions in Node's order (TypeScript's
 * included once registered), a directory beside a file of the same name,
 * package.json and index files, symlinked files and directories, a parent
 * loaded through a symlink, requests that end in a slash or a dot, missing
 * files, packages; asked twice, and from a sibling file (what it
 * remembers); and under --preserve-symlinks. Each side runs in its own
 * Node process, so neither sees the other's caches.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../support/project";

/** Files of the tree (path → content); a trailing "/" makes a directory. */
const TREE: Record<string, string> = {
  "app/a.js": "",
  "app/b": "",
  "app/b.js": "",
  "app/c/index.js": "",
  "app/d/index.js": "",
  "app/d.js": "",
  "app/e.json": "{}",
  "app/f.ts": "",
  "app/j.js/": "",
  "app/j.json": "{}",
  "app/k.node.js": "",
  "app/pkgdir/package.json": JSON.stringify({ main: "lib/main.js" }),
  "app/pkgdir/lib/main.js": "",
  "app/sub/parent.js": "",
  "app/sub/sibling.js": "",
  "app/up/i.js": "",
  "app/parent.js": "",
  "app/sibling.js": "",
  "app/real/g-target.js": "",
  "app/realdir/h.js": "",
  "app/node_modules/pkg/package.json": JSON.stringify({ name: "pkg", exports: { ".": "./main.js", "./sub": "./sub.js" } }),
  "app/node_modules/pkg/main.js": "",
  "app/node_modules/pkg/sub.js": "",
  "app/node_modules/pkg/lib/x.js": "",
  "app/node_modules/pkg/lib/y.js": "",
};

const SYMLINKS: Record<string, string> = {
  "app/g.js": "real/g-target.js",
  "app/linkdir": "realdir",
  "app/linked-parent": "sub",
};

/** [parent file, request]; every one asked from the parent and then again. */
const REQUESTS: Array<[string, string]> = [
  ...[
    "./a",
    "./a.js",
    "./b",
    "./c",
    "./d",
    "./e",
    "./f",
    "./g",
    "./g.js",
    "./j",
    "./k.node",
    "./pkgdir",
    "./linkdir/h",
    "./missing",
    "./c/",
    "./",
    ".",
    "..",
    "./sub/../a",
    ".//a",
    "./sub//parent",
    "./a.js/x",
    "pkg",
    "pkg/sub",
    "pkg/missing",
    "node:fs",
    "fs",
  ].map((request): [string, string] => ["app/parent.js", request]),
  ...["../a", "../up/i", "./parent", "../sub/sibling", "pkg"].map((request): [string, string] => ["app/sub/parent.js", request]),
  // A sibling of a parent that asked before: what is remembered for the directory.
  ...["./a", "./b", "./f", "pkg"].map((request): [string, string] => ["app/sibling.js", request]),
  // A parent whose path goes through a symlinked directory (createRequire keeps it unresolved).
  ...["./sibling", "../a"].map((request): [string, string] => ["app/linked-parent/parent.js", request]),
  ["app/node_modules/pkg/lib/x.js", "./y"],
  ["app/node_modules/pkg/lib/x.js", "../main"],
  ["app/node_modules/pkg/lib/y.js", "./x"],
];

/** What a process answers for each request, asked twice, with or without the shortcut installed first. */
function answers(root: string, shortcut: boolean, execArgv: string[] = []): string[] {
  const script = `
    const Module = require("node:module");
    const { join } = require("node:path");
    if (${shortcut}) require(${JSON.stringify(join(repoRoot, "dist", "loader", "run-resolution.js"))}).installRunResolution();
    // As the TypeScript loader registers it.
    require.extensions[".ts"] = require.extensions[".js"];
    const root = ${JSON.stringify(root)};
    const out = [];
    for (const round of [1, 2]) {
      for (const [parent, request] of ${JSON.stringify(REQUESTS)}) {
        const module = new Module(join(root, parent), null);
        module.filename = join(root, parent);
        module.paths = Module._nodeModulePaths(join(root, parent, ".."));
        let answer;
        try {
          answer = Module._resolveFilename(request, module, false);
        } catch (error) {
          answer = "error " + error.code;
        }
        out.push(round + " " + parent + " " + request + " -> " + String(answer).replace(root, "<root>"));
      }
    }
    process.stdout.write(JSON.stringify(out));
  `;
  return JSON.parse(
    execFileSync(process.execPath, [...execArgv, "-e", script], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } }),
  );
}

describe("module resolution within a run (the CLI's shortcut)", () => {
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), "athanor-run-resolution-"));
    for (const [path, content] of Object.entries(TREE)) {
      const full = join(root, path);
      if (path.endsWith("/")) {
        mkdirSync(full, { recursive: true });
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    for (const [link, target] of Object.entries(SYMLINKS)) symlinkSync(target, join(root, link));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test("answers every request as Node does, asked once or again, from a file or its sibling", () => {
    const node = answers(root, false);
    assert.deepEqual(answers(root, true), node);
    // The tree exercises what it claims to: symlinks resolved, a directory beside its .js, misses.
    const answer = (request: string) => node.find((line) => line.startsWith(`1 app/parent.js ${request} -> `))?.split(" -> ")[1];
    assert.equal(answer("./g"), "<root>/app/real/g-target.js");
    assert.equal(answer("./linkdir/h"), "<root>/app/realdir/h.js");
    assert.equal(answer("./d"), "<root>/app/d.js");
    assert.equal(answer("./b"), "<root>/app/b");
    assert.equal(answer("./f"), "<root>/app/f.ts");
    assert.equal(answer("./j"), "<root>/app/j.json");
    assert.equal(answer("./pkgdir"), "<root>/app/pkgdir/lib/main.js");
    assert.equal(answer("./missing"), "error MODULE_NOT_FOUND");
    assert.equal(answer("pkg/missing"), "error ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  test("answers as Node does under --preserve-symlinks", () => {
    const node = answers(root, false, ["--preserve-symlinks"]);
    assert.deepEqual(answers(root, true, ["--preserve-symlinks"]), node);
    assert.ok(node.includes("1 app/parent.js ./g -> <root>/app/g.js"), "--preserve-symlinks keeps the symlink's path");
  });
});
