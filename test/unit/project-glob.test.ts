/**
 * globFiles (loader/project-glob.ts) answers every pattern with the files
 * glob's globSync(pattern, { absolute: true, nodir: true }) gives: the
 * directory-and-suffix patterns it answers from a listing (dot files,
 * directories named like files, other suffixes, a missing directory, a
 * file named as a directory, names with spaces and non-ASCII letters) and
 * those it leaves to glob (symlinks in the directory, `**`, braces,
 * classes, a wildcard in a directory part, a relative pattern).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { globSync } from "glob";
import { globFiles } from "../../src/loader/project-glob";

const FILES = [
  "entities/a.ts",
  "entities/b.entity.ts",
  "entities/.hidden.ts",
  "entities/c.js",
  "entities/d.d.ts",
  "entities/e.ts/inner.ts",
  "entities/nested/f.ts",
  "entities/Upper.TS",
  "entities/with space é.ts",
  "entities/weird*name.ts",
  "linked/a.ts",
  "linked/real-target.ts",
  "linked/real-dir/g.ts",
  "plain-file.ts",
];

describe("globFiles answers as glob does", () => {
  let root: string;

  before(() => {
    // Real path: glob keeps the pattern's own spelling, and so must the listing.
    root = realpathSync(mkdtempSync(join(tmpdir(), "athanor-project-glob-")));
    for (const file of FILES) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), "");
    }
    symlinkSync("real-target.ts", join(root, "linked", "link-to-file.ts"));
    symlinkSync("real-dir", join(root, "linked", "link-to-dir.ts"));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const patterns = () => [
    `${root}/entities/*.ts`,
    `${root}/entities/*.entity.ts`,
    `${root}/entities/*`,
    `${root}/entities/*.js`,
    `${root}/entities/*.TS`,
    `${root}/entities/*é.ts`,
    `${root}/missing/*.ts`,
    `${root}/plain-file.ts/*.ts`,
    `${root}/linked/*.ts`,
    `${root}/entities/**/*.ts`,
    `${root}/entities/{a,c}.*`,
    `${root}/entities/*.[jt]s`,
    `${root}/*/a.ts`,
    `${root}/entities/a.ts`,
    `${root}/entities/../entities/*.ts`,
  ];

  test("for each pattern, the same files", () => {
    for (const pattern of patterns()) {
      assert.deepEqual(globFiles(pattern).sort(), globSync(pattern, { absolute: true, nodir: true }).sort(), pattern);
    }
  });

  test("the corpus covers what it claims", () => {
    const names = (pattern: string) =>
      globFiles(pattern)
        .map((file) => file.slice(root.length + 1))
        .sort();
    assert.deepEqual(names(`${root}/entities/*.ts`), [
      "entities/a.ts",
      "entities/b.entity.ts",
      "entities/d.d.ts",
      "entities/weird*name.ts",
      "entities/with space é.ts",
    ]);
    // glob keeps a symlink to a directory despite nodir: one reason a symlink goes to glob.
    assert.deepEqual(names(`${root}/linked/*.ts`), [
      "linked/a.ts",
      "linked/link-to-dir.ts",
      "linked/link-to-file.ts",
      "linked/real-target.ts",
    ]);
    assert.deepEqual(names(`${root}/missing/*.ts`), []);
  });
});
