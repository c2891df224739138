/**
 * The one planner of revision targets (runner/targets.ts) seen from the real
 * CLI, on SQLite and PostgreSQL: revert undoes in the reverse of the order
 * the migrations were applied, online and with --sql alike, and `run --sql`
 * and `revert --sql` take Alembic's range spelling A:B (E170–E174).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS, TestProject, type CliResult } from "../support/project";
import { writeMigration, writeTableMigrations } from "../support/migrations";

/** "T3" for CreateT31700000000003. */
const short = (names: string[]) => names.map((n) => n.replace(/^Create(T\d)\d{13}$/, "$1"));

async function planned(project: TestProject, args: string[]): Promise<string[]> {
  return short(JSON.parse((await project.ok([...args, "--dry-run", "--json"])).stdout).planned);
}

async function scripted(project: TestProject, args: string[]): Promise<string[]> {
  return short(JSON.parse((await project.ok([...args, "--sql", "--json"])).stdout).migrations.map((m: any) => m.name));
}

function usage(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: revert order, online and --sql`, () => {
    test("on a database migrated in file order, revert and revert --sql undo the same migrations in the same order", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 4);
        await project.ok(["run"]);
        for (const stop of [[], ["--step", "3"], ["--to", "CreateT1"], ["--to", "base"]]) {
          assert.deepEqual(await planned(project, ["revert", ...stop]), await scripted(project, ["revert", ...stop]), stop.join(" "));
        }
        assert.deepEqual(await scripted(project, ["revert", "head:CreateT1"]), ["T4", "T3", "T2"]);
        assert.deepEqual(await planned(project, ["revert", "--to", "CreateT1"]), ["T4", "T3", "T2"]);
      } finally {
        await project.cleanup();
      }
    });

    test("a migration applied out of order is reverted first: the reverse of the order of applying", async () => {
      const project = await TestProject.create(dialect);
      try {
        const table = (i: number) => ({
          timestamp: 1700000000000 + i,
          name: `CreateT${i}`,
          up: [`CREATE TABLE "t${i}" ("id" integer)`],
          down: [`DROP TABLE "t${i}"`],
        });
        writeMigration(project, table(1));
        writeMigration(project, table(3));
        await project.ok(["run"]);
        writeMigration(project, table(2));
        await project.ok(["run", "--allow-out-of-order"]);
        assert.deepEqual(await planned(project, ["revert", "--to", "base"]), ["T2", "T3", "T1"]);
        // --to keeps what was applied up to that migration: t3 came before t2.
        assert.deepEqual(await planned(project, ["revert", "--to", "CreateT3"]), ["T2"]);
        assert.deepEqual(await planned(project, ["revert", "--to", "CreateT1"]), ["T2", "T3"]);
        await project.ok(["revert"]);
        const tables = Object.keys((await project.introspect()).tables)
          .filter((t) => t !== "migrations")
          .sort();
        assert.deepEqual(tables, ["t1", "t3"]);
      } finally {
        await project.cleanup();
      }
    });
  });

  describe(`${dialect}: run --sql A:B and revert --sql A:B`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      writeTableMigrations(project, 4);
    });
    after(async () => project.cleanup());

    test("run --sql A:B: after A through B; an empty side is base or head", async () => {
      const middle = JSON.parse((await project.ok(["run", "--sql", "1700000000001:CreateT3", "--json"])).stdout);
      assert.deepEqual(short(middle.migrations.map((m: any) => m.name)), ["T2", "T3"]);
      assert.deepEqual(middle.preamble, [], "a script that does not start at base assumes the bookkeeping table exists");
      assert.ok(middle.migrations[0].statements.some((s: string) => s === `CREATE TABLE "t2" ("id" integer PRIMARY KEY)`));
      // Where the dialects' scripts differ: SQLite's foreign-key pragmas, PostgreSQL's advisory lock.
      const statements: string[] = middle.migrations.flatMap((m: any) => m.statements);
      if (dialect === "sqlite") assert.ok(statements.includes("PRAGMA foreign_keys = OFF"), statements.join("\n"));
      else
        assert.ok(
          statements.some((s) => /^SELECT pg_advisory_xact_lock/.test(s)),
          statements.join("\n"),
        );
      assert.ok(statements.some((s) => /^INSERT INTO "migrations" .*'CreateT31700000000003'/.test(s)));

      const head = await project.ok(["run", "--sql", ":CreateT2"]);
      assert.match(head.stdout, new RegExp(`^-- Athanor offline SQL for ${dialect}, up from base to CreateT21700000000002: 2 migrations`));
      assert.match(head.stdout, /-- The bookkeeping table[^\n]*\nCREATE TABLE "migrations"/);
      assert.deepEqual(await scripted(project, ["run", "CreateT3:"]), ["T4"]);
      assert.deepEqual(await scripted(project, ["run", "base:head"]), ["T1", "T2", "T3", "T4"]);
      assert.deepEqual(await scripted(project, ["run", "CreateT1:", "--step", "2"]), ["T2", "T3"]);
      assert.deepEqual(await scripted(project, ["run", "CreateT2:CreateT2"]), []);
    });

    test("revert --sql A:B: from A down to B, which is kept; an empty side is head or base", async () => {
      const out = (await project.ok(["revert", "--sql", "CreateT3:CreateT1"])).stdout;
      assert.match(out, /^-- Athanor offline SQL for \w+, down from CreateT31700000000003 to CreateT11700000000001: 2 migrations/);
      assert.deepEqual(
        [...out.matchAll(/^-- (\w+) \(down\)$/gm)].map((m) => m[1]),
        ["CreateT31700000000003", "CreateT21700000000002"],
      );
      assert.match(out, /DROP TABLE "t3";[\s\S]*DROP TABLE "t2";/);
      assert.match(out, /DELETE FROM "migrations" WHERE "name" = 'CreateT21700000000002';/);
      assert.deepEqual(await scripted(project, ["revert", "head:base"]), ["T4", "T3", "T2", "T1"]);
      assert.deepEqual(await scripted(project, ["revert", ":CreateT2"]), ["T4", "T3"]);
      assert.deepEqual(await scripted(project, ["revert", "CreateT2:"]), ["T2", "T1"]);
      assert.deepEqual(await scripted(project, ["revert", "head:", "--step", "1"]), ["T4"]);
    });

    test("E170–E174: wrong ranges are usage errors", async () => {
      usage(
        await project.cli(["run", "--sql", "CreateT2"]),
        /^error: The range "CreateT2" is not start:end: write e\.g\. run --sql base:head/m,
      );
      usage(
        await project.cli(["revert", "--sql", "a:b:c"]),
        /^error: The range "a:b:c" is not start:end: write e\.g\. revert --sql head:base/m,
      );
      usage(
        await project.cli(["run", "--sql", "CreateT3:CreateT1"]),
        /^error: The range "CreateT3:CreateT1" starts after it ends: put the older revision first\.$/m,
      );
      usage(
        await project.cli(["revert", "--sql", "CreateT1:CreateT3"]),
        /^error: The range "CreateT1:CreateT3" starts below where it ends, but revert --sql goes down: put the newer revision first/m,
      );
      usage(await project.cli(["run", "--sql", "Nope:head"]), /^error: No migration matches "Nope"/m);
      usage(
        await project.cli(["run", "CreateT1:CreateT2"]),
        /^error: A range like CreateT1:CreateT2 selects the migrations of an offline script: add --sql to print it, or use --to <revision> to run online\.$/m,
      );
      usage(
        await project.cli(["revert", ":base"]),
        /^error: A range like :base selects the migrations of an offline script: add --sql .* to revert online\.$/m,
      );
      usage(
        await project.cli(["run", "--sql", "CreateT1:CreateT3", "--from", "base"]),
        /^error: The range "CreateT1:CreateT3" already says where the script starts and ends: drop --from\.$/m,
      );
      usage(
        await project.cli(["revert", "--sql", "head:CreateT1", "--step", "1"]),
        /^error: The range "head:CreateT1" already says where the script starts and ends: drop --step, or leave the range's end open/m,
      );
      usage(
        await project.cli(["run", "--sql", "current:"]),
        /^error: "current" is the migration the database is at, and --sql reads no database: name that migration instead/m,
      );
      // Not a range at all: an argument run does not take (E03), as before.
      usage(await project.cli(["run", "head"]), /^error: athanor run does not take "head": run athanor run --help/m);
    });
  });
}

describe("--help", () => {
  test("run and revert show the range; history its -r", async () => {
    const project = await TestProject.create("sqlite");
    try {
      assert.match(
        (await project.ok(["run", "--help"])).stdout,
        /athanor run \[range\][\s\S]*range +With --sql: the migrations after A through B, as A:B/,
      );
      assert.match(
        (await project.ok(["revert", "--help"])).stdout,
        /athanor revert \[range\][\s\S]*range +With --sql: from A down to B, which is kept, as A:B/,
      );
      assert.match((await project.ok(["history", "--help"])).stdout, /-r, --rev-range/);
    } finally {
      await project.cleanup();
    }
  });
});
