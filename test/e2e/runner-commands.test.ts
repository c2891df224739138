/**
 * run/revert targets, status, stamp, --dry-run, --fake, transaction modes,
 * edited / missing / out-of-order migrations, and adoption of a database
 * TypeORM's own runner migrated — on SQLite and PostgreSQL, with the real CLI.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";
import { writeMigration, writeTableMigrations } from "../support/migrations";

async function tables(project: TestProject): Promise<string[]> {
  return Object.keys((await project.introspect()).tables).sort();
}

async function appliedNames(project: TestProject): Promise<string[]> {
  const rows = await project.query(`SELECT name FROM migrations ORDER BY id`);
  return rows.map((r: any) => r.name);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: targets`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      writeTableMigrations(project, 4);
    });
    after(async () => project.cleanup());

    test("run --step, run --to, revert --step, revert --to, revert --to base", async () => {
      await project.ok(["run", "--step", "1"]);
      assert.deepEqual(await tables(project), ["t1"]);
      await project.ok(["run", "--to", "1700000000003"]);
      assert.deepEqual(await tables(project), ["t1", "t2", "t3"]);
      await project.ok(["run", "--to", "head"]);
      assert.deepEqual(await tables(project), ["t1", "t2", "t3", "t4"]);
      await project.ok(["revert", "--step", "2"]);
      assert.deepEqual(await tables(project), ["t1", "t2"]);
      await project.ok(["run"]);
      // A class name, a file name and a prefix all name a revision.
      await project.ok(["revert", "--to", "CreateT3"]);
      assert.deepEqual(await tables(project), ["t1", "t2", "t3"]);
      await project.ok(["revert", "--to", "1700000000001-CreateT1.ts"]);
      assert.deepEqual(await tables(project), ["t1"]);
      await project.ok(["revert", "--to", "base"]);
      assert.deepEqual(await tables(project), []);
      assert.deepEqual(await appliedNames(project), []);
    });

    test("an unknown or ambiguous revision: exit 2 naming the candidates", async () => {
      const unknown = await project.cli(["run", "--to", "Nope"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /No migration matches "Nope".*CreateT1\d+/);
      const ambiguous = await project.cli(["run", "--to", "17000000000"]);
      assert.equal(ambiguous.code, 2);
      assert.match(ambiguous.stderr, /matches 4 migrations/);
    });

    test("status lists applied and pending; --check exits 1 while anything is pending", async () => {
      await project.ok(["run", "--step", "2"]);
      const status = await project.cli(["status"]);
      assert.equal(status.code, 0);
      assert.match(status.stdout, /2 applied, 2 pending/);
      assert.match(status.stdout, /\[x\] CreateT1/);
      assert.match(status.stdout, /\[ \] CreateT3\d+  pending/);
      const check = await project.cli(["status", "--check"]);
      assert.equal(check.code, 1);
      const json = JSON.parse((await project.ok(["current", "--json"])).stdout);
      assert.equal(json.current, "CreateT21700000000002");
      await project.ok(["run"]);
      assert.equal((await project.cli(["status", "--check"])).code, 0);
      await project.ok(["revert", "--to", "base"]);
    });

    test("--dry-run executes nothing; --fake records without executing", async () => {
      const dry = await project.ok(["run", "--dry-run"]);
      assert.match(dry.stdout, /Would apply 4 migrations/);
      assert.deepEqual(await tables(project), []);
      assert.deepEqual(await appliedNames(project), []);

      const fake = await project.ok(["run", "--fake", "--step", "2"]);
      assert.match(fake.stdout, /fake: recorded only/);
      assert.deepEqual(await tables(project), []);
      assert.equal((await appliedNames(project)).length, 2);
      await project.ok(["revert", "--fake", "--to", "base"]);
      assert.deepEqual(await appliedNames(project), []);
    });

    test("stamp head, a revision, base", async () => {
      await project.ok(["stamp", "head"]);
      assert.equal((await appliedNames(project)).length, 4);
      assert.deepEqual(await tables(project), []);
      await project.ok(["stamp", "CreateT2"]);
      assert.deepEqual(await appliedNames(project), ["CreateT11700000000001", "CreateT21700000000002"]);
      await project.ok(["stamp", "base"]);
      assert.deepEqual(await appliedNames(project), []);
    });
  });

  describe(`${dialect}: transaction modes`, () => {
    const failing = { timestamp: 1700000000009, name: "Fails", up: [`INSERT INTO "no_such_table" VALUES (1)`], down: [] };

    test("all: a failure rolls back every migration of the run", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 2);
        writeMigration(project, failing);
        const result = await project.cli(["run", "--transaction", "all"]);
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /whole transaction of 3 migrations was rolled back/);
        assert.deepEqual(await tables(project), []);
        assert.deepEqual(await appliedNames(project), []);
      } finally {
        await project.cleanup();
      }
    });

    test("none: what ran before the failure stays, and the error says so", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 2);
        writeMigration(project, failing);
        const result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3);
        assert.match(result.stderr, /outside a transaction/);
        assert.deepEqual(await tables(project), ["t1", "t2"]);
        assert.equal((await appliedNames(project)).length, 2);
      } finally {
        await project.cleanup();
      }
    });

    test("transaction = false is honoured in every mode", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 1);
        // CREATE INDEX CONCURRENTLY refuses to run inside a transaction block.
        const statement =
          dialect === "postgres" ? `CREATE INDEX CONCURRENTLY "idx_t1" ON "t1" ("id")` : `CREATE INDEX "idx_t1" ON "t1" ("id")`;
        writeMigration(project, {
          timestamp: 1700000000005,
          name: "IndexT1",
          up: [statement],
          down: [`DROP INDEX "idx_t1"`],
          transaction: false,
        });
        writeMigration(project, {
          timestamp: 1700000000006,
          name: "CreateT9",
          up: [`CREATE TABLE "t9" ("id" integer)`],
          down: [`DROP TABLE "t9"`],
        });
        for (const mode of ["all", "each", "none"]) {
          await project.ok(["run", "--transaction", mode]);
          assert.equal((await appliedNames(project)).length, 3, mode);
          await project.ok(["revert", "--to", "base", "--transaction", mode]);
        }
      } finally {
        await project.cleanup();
      }
    });
  });

  describe(`${dialect}: abnormal histories`, () => {
    test("an edited applied migration is refused unless --allow-edited", async () => {
      const project = await TestProject.create(dialect);
      try {
        const [first] = writeTableMigrations(project, 2);
        await project.ok(["run", "--step", "1"]);
        appendFileSync(join(project.dir, "migrations", `${first.timestamp}-${first.name}.ts`), "\n// edited\n");
        // athanor.sum flags the edit first; recorded there, the checksum still does.
        const bySum = await project.cli(["run"]);
        assert.equal(bySum.code, 2);
        assert.match(bySum.stderr, /athanor\.sum does not match the migrations directory \(changed: 1700000000001-CreateT1\.ts\)/);
        await project.ok(["sum"]);
        const refused = await project.cli(["run"]);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /1700000000001-CreateT1\.ts was edited after it was applied on \d{4}-/);
        const status = await project.cli(["status", "--check"]);
        assert.equal(status.code, 1);
        assert.match(status.stdout, /EDITED/);
        await project.ok(["run", "--allow-edited"]);
        assert.deepEqual(await tables(project), ["t1", "t2"]);
      } finally {
        await project.cleanup();
      }
    });

    test("a line-ending change is not an edit", async () => {
      const project = await TestProject.create(dialect);
      try {
        const [first] = writeTableMigrations(project, 1);
        await project.ok(["run"]);
        const file = join(project.dir, "migrations", `${first.timestamp}-${first.name}.ts`);
        const { readFileSync, writeFileSync } = await import("node:fs");
        writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
        const status = await project.cli(["status", "--check"]);
        assert.equal(status.code, 0, status.stdout);
      } finally {
        await project.cleanup();
      }
    });

    test("an out-of-order pending migration is refused unless --allow-out-of-order", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeMigration(project, {
          timestamp: 1700000000003,
          name: "CreateT3",
          up: [`CREATE TABLE "t3" ("id" integer)`],
          down: [`DROP TABLE "t3"`],
        });
        await project.ok(["run"]);
        writeMigration(project, {
          timestamp: 1700000000002,
          name: "CreateT2",
          up: [`CREATE TABLE "t2" ("id" integer)`],
          down: [`DROP TABLE "t2"`],
        });
        const refused = await project.cli(["run"]);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /CreateT21700000000002 is older than the newest applied one.*--allow-out-of-order/);
        const status = await project.cli(["status"]);
        assert.match(status.stdout, /OUT OF ORDER/);
        await project.ok(["run", "--allow-out-of-order"]);
        assert.deepEqual(await tables(project), ["t2", "t3"]);
      } finally {
        await project.cleanup();
      }
    });

    test("an applied migration missing on disk is reported, and cannot be reverted", async () => {
      const project = await TestProject.create(dialect);
      try {
        const [, second] = writeTableMigrations(project, 2);
        await project.ok(["run"]);
        rmSync(join(project.dir, "migrations", `${second.timestamp}-${second.name}.ts`));
        const status = await project.cli(["status", "--check"]);
        assert.equal(status.code, 1);
        assert.match(status.stdout, /MISSING FILE/);
        // athanor.sum names the removed file first; past it, revert says why it cannot run down().
        const bySum = await project.cli(["revert"]);
        assert.equal(bySum.code, 2);
        assert.match(bySum.stderr, /athanor\.sum does not match the migrations directory \(removed: 1700000000002-CreateT2\.ts\)/);
        const revert = await project.cli(["revert", "--allow-sum-mismatch"]);
        assert.equal(revert.code, 2);
        assert.match(revert.stderr, /CreateT21700000000002 is applied but its file is missing/);
      } finally {
        await project.cleanup();
      }
    });
  });

  describe(`${dialect}: adopting a database migrated by TypeORM's own runner`, () => {
    test("status reads TypeORM's table as it is; run adds Athanor's columns and continues", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 2);
        // TypeORM's CLI-equivalent: its own MigrationExecutor on the first migration.
        const ds = await project.connect();
        ds.setOptions({ migrations: [join(project.dir, "migrations", "1700000000001-CreateT1.ts")] });
        await (ds as any).buildMetadatas();
        await ds.runMigrations();
        await ds.destroy();

        const status = await project.ok(["status"]);
        assert.match(status.stdout, /1 applied, 1 pending/);
        await project.ok(["run"]);
        assert.deepEqual(await tables(project), ["t1", "t2"]);
        const rows = await project.query(`SELECT name, checksum FROM migrations ORDER BY id`);
        assert.equal(rows.length, 2);
        assert.equal(rows[0].checksum, null, "TypeORM's row is kept as it was");
        assert.match(rows[1].checksum, /^[0-9a-f]{64}$/);
        await project.ok(["revert", "--to", "base"]);
        assert.deepEqual(await tables(project), []);
      } finally {
        await project.cleanup();
      }
    });
  });
}
