/**
 * The runner loads a migration's module while the database works on the
 * migration before it (runner/load-ahead.ts). A file that fails to load is
 * still reported when its migration would have started: the migrations
 * before it are applied, recorded and reported first, and nothing after it
 * starts. Its facts are cached by a first command that loaded it fine, so
 * `run` loads it lazily, which is where the load ahead applies.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS_AND_MARIADB, TestProject } from "../support/project";
import { writeTableMigrations } from "../support/migrations";
import { writeSumFile } from "../../src/runner/sum";
import { findDialect } from "../../src/dialects";

/** The migrations the bookkeeping records as applied, in the order applied. */
async function appliedNames(project: TestProject): Promise<string[]> {
  const q = findDialect(project.dialect)!.quote;
  const rows = await project.query(`SELECT ${q("name")} AS name FROM ${q("migrations")} ORDER BY ${q("id")}`);
  return rows.map((row: { name: string }) => row.name);
}

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: a migration file that fails to load when its turn comes`, () => {
    test("is reported after the migrations before it are applied and reported, and nothing after it starts", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 4);
        const broken = join(project.dir, "migrations", "1700000000003-CreateT3.ts");
        // Throws at its top level only when asked to, so a first command loads it fine and caches its facts.
        writeFileSync(broken, `if (process.env.BREAK_T3) throw new Error("SEED_FILE missing");\n` + readFileSync(broken, "utf8"));
        writeSumFile(join(project.dir, "migrations"));
        await project.ok(["status"]);

        const result = await project.cli(["run"], { env: { BREAK_T3: "1" } });
        assert.equal(result.code, 3, result.stdout + result.stderr);
        // The two before it: applied, reported once each, in order.
        const reported = result.stdout.split("\n").filter((line) => line.includes("✓"));
        assert.equal(reported.length, 2, result.stdout);
        assert.match(reported[0], /✓ CreateT11700000000001 \(\d+ ms\)/);
        assert.match(reported[1], /✓ CreateT21700000000002 \(\d+ ms\)/);
        assert.match(
          result.stderr,
          /^error: Migration CreateT31700000000003 failed \(.*\): Migration migrations\/1700000000003-CreateT3\.ts could not be loaded: SEED_FILE missing \(at migrations\/1700000000003-CreateT3\.ts:1\): fix migrations\/1700000000003-CreateT3\.ts and run again\.$/m,
        );
        assert.deepEqual(await appliedNames(project), ["CreateT11700000000001", "CreateT21700000000002"]);
        const tables = Object.keys((await project.introspect()).tables).sort();
        assert.deepEqual(tables, ["t1", "t2"]);

        // Loadable again: the run continues with it.
        const again = await project.cli(["run"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.match(again.stdout, /✓ CreateT31700000000003 .*\n.*✓ CreateT41700000000004 /);
        assert.deepEqual(
          await appliedNames(project),
          [1, 2, 3, 4].map((i) => `CreateT${i}170000000000${i}`),
        );
      } finally {
        await project.cleanup();
      }
    });
  });
}
