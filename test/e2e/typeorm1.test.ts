/**
 * TypeORM 1.x projects (compat/typeorm1: typeorm 1.x with better-sqlite3 and
 * pg): the suite's core round trips on SQLite and PostgreSQL with the real
 * CLI, Athanor loading the project's TypeORM and no other, an upgrade from
 * TypeORM 0.3 that needs no migration, TypeORM 1.x's own migration CLI
 * agreeing with Athanor's on the migrations table, concurrent and blocked
 * runners on better-sqlite3, and the fix for a DataSource still saying
 * `type: "sqlite"`.
 */
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject, cliEnv, createEmptyProject, repoRoot, runCli } from "../support/project";
import { describeRoundTrips } from "../support/round-trip";
import { typeorm1PackageRoot, typeorm1Project } from "../support/typeorm1";
import { writeMigration, writeTableMigrations } from "../support/migrations";
import { ITEM_V1 } from "../support/entities";
import { assertEachAppliedOnce } from "../support/concurrent-runners";

describeRoundTrips("TypeORM 1.x + better-sqlite3", "sqlite", () => typeorm1Project());
describeRoundTrips("TypeORM 1.x + PostgreSQL", "postgres", () => typeorm1Project());

describe("TypeORM 1.x: Athanor uses the project's TypeORM", () => {
  test("generate, run, status, verify and revert load only the project's typeorm 1.x", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM_V1 }, typeorm1Project());
    const log = join(project.dir, "loaded-typeorm.log");
    const env = {
      NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "loaded-typeorm.cjs")}`,
      ATHANOR_TEST_TYPEORM_LOG: log,
    };
    try {
      for (const args of [["generate", "Init"], ["run"], ["status"], ["verify"], ["revert"]]) {
        const result = await project.cli(args, { env });
        assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
      }
      const loaded = new Set(readFileSync(log, "utf8").split("\n").filter(Boolean));
      assert.deepEqual([...loaded], [typeorm1PackageRoot()]);
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: upgrading a project from TypeORM 0.3 to 1.x`, () => {
    test("the database Athanor migrated under 0.3 is at head under 1.x: nothing to generate, revert works", async () => {
      const typeorm1 = typeorm1Project();
      const before = await TestProject.create(dialect, {}, { sqliteDriver: "sqlite" });
      const after = await TestProject.create(dialect, {}, typeorm1);
      try {
        before.useExampleEntities();
        after.useExampleEntities();
        await before.ok(["generate", "Init"]);
        await before.ok(["run"]);

        // The same database and migrations, now read through TypeORM 1.x.
        after.copyMigrationsFrom(before);
        if (existsSync(join(before.dir, "data"))) cpSync(join(before.dir, "data"), join(after.dir, "data"), { recursive: true });
        const env = { DATABASE_URL: before.env.DATABASE_URL };
        const cli = async (args: string[]) => {
          const result = await after.cli(args, { env });
          assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
          return result;
        };
        assert.match((await cli(["status"])).stdout, /1 applied, 0 pending/);
        assert.match((await cli(["generate"])).stdout, /No changes/);
        assert.match((await cli(["check"])).stdout, /\S/);
        await cli(["revert"]);
        assert.match((await cli(["status"])).stdout, /0 applied, 1 pending/);
      } finally {
        await before.cleanup();
        await after.cleanup();
      }
    });
  });
}

/** TypeORM 1.x's CLI in the project, as `typeorm-ts-node-commonjs` runs it: ts-node registered, then typeorm's cli.js. */
function typeormCli(project: TestProject, args: string[]) {
  const cli = join(project.dir, "node_modules", "typeorm", "cli.js");
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", cli, ...args, "-d", "ormconfig.ts"], {
    cwd: project.dir,
    env: project.env,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `typeorm ${args.join(" ")}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: TypeORM 1.x's migration CLI and Athanor share the migrations table`, () => {
    test("typeorm migration:run applies Athanor's migration; Athanor sees it, reverts it; typeorm sees that", async () => {
      const project = await TestProject.create(
        dialect,
        { "Item.ts": ITEM_V1 },
        typeorm1Project({ repoPackages: ["ts-node", "typescript"] }),
      );
      try {
        await project.ok(["generate", "Init"]);
        typeormCli(project, ["migration:run"]);
        assert.match((await project.ok(["status"])).stdout, /1 applied, 0 pending/);
        assert.match((await project.ok(["generate"])).stdout, /No changes/);
        await project.ok(["revert"]);
        assert.match(typeormCli(project, ["migration:show"]), /\[ \] Init\d{13}/);
        await project.ok(["run"]);
        assert.match(typeormCli(project, ["migration:show"]), /\[X\] (\d+ )?Init\d{13}/);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("TypeORM 1.x + better-sqlite3: concurrent runners", () => {
  test("3 runners, 10 pending migrations: each applied exactly once, every runner exits 0", async () => {
    const project = await TestProject.create("sqlite", {}, typeorm1Project());
    try {
      await assertEachAppliedOnce(project, 3, 10);
    } finally {
      await project.cleanup();
    }
  });
});

describe("TypeORM 1.x + better-sqlite3: a writer holding the database", () => {
  test("a runner blocked by another writer exits 3 and says why, on the first deploy and on later ones (SQLITE_BUSY)", async () => {
    const project = await TestProject.create("sqlite", {}, typeorm1Project());
    try {
      writeTableMigrations(project, 1);
      await project.ok(["run", "--dry-run"]);
      const ds = await project.connect();
      try {
        await ds.query("BEGIN IMMEDIATE");
        const result = await project.cli(["run", "--lock-timeout", "1"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /locked by another process/);
      } finally {
        await ds.query("ROLLBACK");
        await ds.destroy();
      }
      await project.ok(["run"]);

      // The next deploy: the migrations table exists, the lock is met inside the migration's transaction.
      writeMigration(project, {
        timestamp: 1800000000000,
        name: "CreateNext",
        up: ['CREATE TABLE "next" ("id" integer)'],
        down: ['DROP TABLE "next"'],
      });
      const holder = await project.connect();
      try {
        await holder.query("BEGIN IMMEDIATE");
        const result = await project.cli(["run", "--lock-timeout", "1"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /locked by another process: wait for it to finish, or wait longer with --lock-timeout/);
      } finally {
        await holder.query("ROLLBACK");
        await holder.destroy();
      }
      assert.match((await project.ok(["run"])).stdout, /Applied 1 migration/);
    } finally {
      await project.cleanup();
    }
  });
});

describe('TypeORM 1.x with a DataSource still saying type: "sqlite"', () => {
  test("exits 2 and says to use better-sqlite3", async () => {
    const project = await TestProject.create("sqlite", {}, { ...typeorm1Project(), sqliteDriver: "sqlite" });
    try {
      const result = await project.cli(["status"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /no "sqlite" driver/);
      assert.match(result.stderr, /type: "better-sqlite3"/);
      assert.match(result.stderr, /npm install better-sqlite3/);
    } finally {
      await project.cleanup();
    }
  });
});

describe("athanor init in a TypeORM 1.x project", () => {
  test("names better-sqlite3 (1.x has no sqlite driver); generate and run then work", async () => {
    const dir = createEmptyProject("init-typeorm1");
    try {
      // The project's TypeORM is 1.x: the linked 0.3 is swapped for the compat copy.
      rmSync(join(dir, "node_modules", "typeorm"));
      symlinkSync(typeorm1PackageRoot(), join(dir, "node_modules", "typeorm"));
      const init = await runCli(dir, ["init"], cliEnv());
      assert.equal(init.code, 0, init.stdout + init.stderr);
      assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /type: "better-sqlite3", database:/);
      // The linked TypeORM (1.x, unlisted) keeps its line; better-sqlite3 at the major its peer range allows,
      // never the sqlite3 package, which TypeORM 1.x cannot use.
      assert.match(init.stdout, /^  npm install athanor typeorm@1 reflect-metadata better-sqlite3@12$/m);

      writeFileSync(join(dir, "entities", "Item.ts"), ITEM_V1);
      for (const args of [["generate", "Init"], ["run"], ["check"]]) {
        const result = await runCli(dir, args, cliEnv());
        assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
