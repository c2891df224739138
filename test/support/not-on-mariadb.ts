/**
 * The pair-test cases (test/e2e/changes-*.test.ts) that cannot hold on
 * MariaDB, each with the reason and the error that shows it (issue #18).
 * Such a case still runs on MariaDB and must fail with that error: one that
 * passes, or fails otherwise, fails the suite, so the list stays true (as
 * NOT_ON_MYSQL in test/e2e/mysql-corpus.test.ts does for the corpus).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProjectDialect } from "./project";

interface Exclusion {
  reason: string;
  /** The error the case fails with on MariaDB. */
  fails: RegExp;
}

export const NOT_ON_MARIADB: Record<string, Exclusion> = {
  "dropped, added, reordered, re-predicated (and re-methoded) indexes; revert restores v1": {
    reason: "MySQL has no partial indexes: the unique index over c > 0 covers every row, and the seed repeats c = 0",
    fails: /Duplicate entry '0' for key 'IDX_items_c_live'/,
  },
  "a foreign key made deferrable: the constraint waits for the commit": {
    reason: "MySQL has no deferrable foreign keys: the key is checked per statement (what becomes of it: the case after this one)",
    fails: /Cannot add or update a child row/,
  },
};

/**
 * `test(name, body)`, except on MariaDB for a case NOT_ON_MARIADB lists:
 * there the body must fail with the listed error.
 */
export function pairTest(dialect: ProjectDialect, name: string, body: () => Promise<void>): void {
  const exclusion = dialect === "mariadb" ? NOT_ON_MARIADB[name] : undefined;
  if (!exclusion) {
    test(name, body);
    return;
  }
  test(`${name} — not on MariaDB: ${exclusion.reason}`, async () => {
    let failure: unknown;
    try {
      await body();
    } catch (error) {
      failure = error;
    }
    assert.ok(failure !== undefined, `"${name}" now holds on MariaDB: take it off NOT_ON_MARIADB (test/support/not-on-mariadb.ts)`);
    assert.match(String((failure as Error).message ?? failure), exclusion.fails, `"${name}" fails on MariaDB otherwise than listed`);
  });
}
