/**
 * The one planner of revision targets (runner/targets.ts) seen from the real
 * CLI, on SQLite and PostgreSQL: revert undoes in the reverse of the order
 * the migrations were applied, online and with --sql alike.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS, TestProject } from "./support/project";
import { writeMigration, writeTableMigrations } from "./support/migrations";

/** "T3" for CreateT31700000000003. */
const short = (names: string[]) => names.map((n) => n.replace(/^Create(T\d)\d{13}$/, "$1"));

async function planned(project: TestProject, args: string[]): Promise<string[]> {
  return short(JSON.parse((await project.ok([...args, "--dry-run", "--json"])).stdout).planned);
}

async function scripted(project: TestProject, args: string[]): Promise<string[]> {
  return short(JSON.parse((await project.ok([...args, "--sql", "--json"])).stdout).migrations.map((m: any) => m.name));
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
        assert.deepEqual(await planned(project, ["revert", "--to", "CreateT1"]), ["T4", "T3", "T2"]);
      } finally {
        await project.cleanup();
      }
    });

    test("a migration applied out of order is reverted first: the reverse of the order of applying", async () => {
      const project = await TestProject.create(dialect);
      try {
        const table = (i: number) => ({ timestamp: 1700000000000 + i, name: `CreateT${i}`, up: [`CREATE TABLE "t${i}" ("id" integer)`], down: [`DROP TABLE "t${i}"`] });
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
        const tables = Object.keys((await project.introspect()).tables).filter((t) => t !== "migrations").sort();
        assert.deepEqual(tables, ["t1", "t3"]);
      } finally {
        await project.cleanup();
      }
    });
  });
}
