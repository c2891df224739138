/**
 * kill -9 of `run` at exact moments (test-only fault points, see
 * src/runner/fault-points.ts): while holding the lock, before a migration's
 * first statement, between statements, right after a SQLite rebuild dropped
 * the old table, between the bookkeeping row and COMMIT, after COMMIT, after
 * releasing the lock. After every kill:
 * - each migration is either fully applied and recorded, or not applied and
 *   not recorded (never between), and the applied ones are a prefix;
 * - every row of the pre-populated table is still there;
 * - no temporary table of a SQLite rebuild is left, and no advisory lock
 *   outlives the killed runner's session;
 * and the next `run` completes.
 *
 * The default (CI) size is one chain of kills per dialect, each run resuming
 * what the killed one left. `ATHANOR_FAULTS_FULL=1` runs the full size: every
 * fault point at every occurrence in `each` and `all` modes from a fresh
 * database, every rebuild step in `none` mode, and kills at random times from
 * outside (slow: tens of minutes).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject, repoRoot, type CliResult, type DialectName } from "../support/project";
import { ITEM_ROWS, appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";

const FULL = process.env.ATHANOR_FAULTS_FULL === "1";

/** Three migrations, each with two observable effects, so "between" is visible. */
function writeScenario(project: TestProject): string[] {
  return [
    writeMigrationBody(project, {
      timestamp: 1700000000001,
      name: "PriceAndIndex",
      up: [
        `    await op(queryRunner).addColumn("items", { name: "price", type: "integer", nullable: true });`,
        `    await op(queryRunner).createIndex("items", { name: "idx_items_name", columns: ["name"], unique: false });`,
      ].join("\n"),
    }),
    writeMigrationBody(project, {
      timestamp: 1700000000002,
      name: "NullableName",
      up: [
        // On SQLite a table rebuild: create temporary_items, copy, drop items, rename.
        `    await op(queryRunner).alterColumn("items",
      { name: "name", type: "varchar", length: 50, nullable: false },
      { name: "name", type: "varchar", length: 50, nullable: true });`,
        q(`UPDATE "items" SET "price" = "id"`),
      ].join("\n"),
    }),
    writeMigrationBody(project, {
      timestamp: 1700000000003,
      name: "CreateTags",
      up: [
        q(`CREATE TABLE "tags" ("id" integer PRIMARY KEY, "label" varchar(20) NOT NULL)`),
        q(`INSERT INTO "tags" ("id", "label") VALUES (1, 'first')`),
      ].join("\n"),
    }),
  ];
}

/**
 * Check the invariants after a kill and return how many migrations are applied.
 * `when` names the kill in assertion messages.
 */
async function observe(project: TestProject, names: string[], when: string): Promise<number> {
  const schema = await project.introspect();
  const items = schema.tables.items;
  assert.ok(items, `${when}: table items exists`);
  const hasPrice = items.columns.some((c) => c.name === "price");
  const pricesSet = hasPrice
    ? Number((await project.query(`SELECT COUNT(*) AS n FROM "items" WHERE "price" = "id"`))[0].n) === ITEM_ROWS
    : false;
  const tags = Boolean(schema.tables.tags);
  const effects: Array<[boolean, boolean]> = [
    [hasPrice, items.indexes.some((i) => i.name === "idx_items_name")],
    [items.columns.find((c) => c.name === "name")!.nullable, pricesSet],
    [tags, tags && (await project.query(`SELECT * FROM "tags"`)).length === 1],
  ];
  effects.forEach(([a, b], i) => assert.equal(a, b, `${when}: ${names[i]} is half-applied (${a} / ${b})`));
  const applied = effects.map(([a]) => a);
  const count = applied.filter(Boolean).length;
  assert.deepEqual(
    applied,
    applied.map((_, i) => i < count),
    `${when}: applied migrations are a prefix`,
  );
  assert.deepEqual(await appliedNames(project), names.slice(0, count), `${when}: the bookkeeping agrees with the schema`);
  await assertItemsIntact(project);
  if (project.dialect === "sqlite") {
    const leftovers = await project.query(`SELECT name FROM sqlite_master WHERE name LIKE 'temporary%'`);
    assert.deepEqual(leftovers, [], `${when}: no temporary table of a rebuild is left`);
  }
  return count;
}

/** Advisory locks held in the project's PostgreSQL database. */
async function advisoryLocks(project: TestProject): Promise<number> {
  const rows = await project.query(
    `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return Number(rows[0].n);
}

/** A stale advisory lock dies with the killed runner's session (PostgreSQL notices the closed socket). */
async function assertNoLockOutlives(project: TestProject, when: string): Promise<void> {
  if (project.dialect !== "postgres") return;
  const deadline = Date.now() + 10_000;
  while ((await advisoryLocks(project)) > 0) {
    assert.ok(Date.now() < deadline, `${when}: the killed runner's advisory lock is still held after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function killedAt(project: TestProject, fault: string, args: string[] = []): Promise<CliResult> {
  // One commit per migration, whatever the machine's speed (SQLite would let
  // quick migrations share one), so the kills fall between commits as listed;
  // commit-groups.test.ts kills inside a commit group.
  const env = { ATHANOR_FAULT_POINT: fault, ATHANOR_COMMIT_GROUP_MS: "0" };
  const result = await project.cli(["run", ...args], { env });
  assert.equal(
    result.signal,
    "SIGKILL",
    `the run was to be killed at ${fault}, but it exited ${result.code}\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

/** The next run completes, leaves everything applied and no lock behind. */
async function assertNextRunCompletes(project: TestProject, names: string[], when: string): Promise<CliResult> {
  const result = await project.cli(["run"]);
  assert.equal(result.code, 0, `${when}: the next run failed\n${result.stdout}\n${result.stderr}`);
  assert.equal(await observe(project, names, `${when}, then run`), names.length);
  if (project.dialect === "postgres") assert.equal(await advisoryLocks(project), 0, `${when}: no advisory lock left`);
  else {
    assert.equal(existsSync(join(project.dir, "data", "app.sqlite-journal")), false, `${when}: no journal left behind`);
    assert.deepEqual(await project.query(`PRAGMA integrity_check`), [{ integrity_check: "ok" }]);
  }
  return result;
}

interface Kill {
  fault: string;
  args?: string[];
  /** How many of the three migrations are applied afterwards. */
  expect: number;
}

/** The CI chain: each run resumes what the previous, killed one left. */
function chain(dialect: DialectName): Kill[] {
  const afterRebuildDrop = dialect === "sqlite" ? `statement:1:DROP TABLE "items"` : `statement:1:ALTER TABLE "items" ALTER COLUMN "name"`;
  return [
    { fault: "lock-acquired:1", expect: 0 },
    { fault: "after-record:1", expect: 0 },
    { fault: "after-commit:1", expect: 1 },
    { fault: "migration-start:1", expect: 1 },
    { fault: afterRebuildDrop, expect: 1 },
    ...(dialect === "sqlite"
      ? [{ fault: `statement:1:ALTER TABLE "temporary_items" RENAME`, args: ["--transaction", "none"], expect: 1 }]
      : []),
    { fault: "before-record:2", args: ["--transaction", "all"], expect: 1 },
    { fault: "lock-released:1", expect: 3 },
  ];
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: kill -9 of run`, () => {
    test("a chain of kills at fault points: never half-applied, no row lost, no lock stuck; the next run completes", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const names = writeScenario(project);
        for (const kill of chain(dialect)) {
          const when = `killed at ${kill.fault}${kill.args ? ` (${kill.args.join(" ")})` : ""}`;
          await killedAt(project, kill.fault, kill.args);
          await assertNoLockOutlives(project, when);
          assert.equal(await observe(project, names, when), kill.expect, `${when}: applied migrations`);
        }
        // The last kill came after everything was committed.
        const result = await assertNextRunCompletes(project, names, "after the chain");
        assert.match(result.stdout, /Nothing to run/);
      } finally {
        await project.cleanup();
      }
    });

    if (FULL) {
      for (const mode of ["each", "all"]) {
        test(`full size, --transaction ${mode}: every fault point at every occurrence, from a fresh database`, async () => {
          for (const point of [
            "lock-acquired",
            "migration-start",
            "statement",
            "before-record",
            "after-record",
            "after-commit",
            "lock-released",
          ]) {
            for (let n = 1; ; n++) {
              const project = await TestProject.create(dialect);
              try {
                await createItems(project);
                const names = writeScenario(project);
                const when = `killed at ${point}:${n} (--transaction ${mode})`;
                const result = await project.cli(["run", "--transaction", mode], { env: { ATHANOR_FAULT_POINT: `${point}:${n}` } });
                if (result.signal !== "SIGKILL") {
                  // The point is reached fewer than n times: this point is done.
                  assert.equal(result.code, 0, result.stdout + result.stderr);
                  break;
                }
                await assertNoLockOutlives(project, when);
                await observe(project, names, when);
                await assertNextRunCompletes(project, names, when);
              } finally {
                await project.cleanup();
              }
            }
          }
        });
      }

      if (dialect === "sqlite") {
        test("full size, --transaction none: a rebuild killed after each of its steps keeps the table and its rows", async () => {
          for (const step of [
            `CREATE TABLE "temporary_items"`,
            `INSERT INTO "temporary_items"`,
            `DROP TABLE "items"`,
            `ALTER TABLE "temporary_items" RENAME`,
          ]) {
            const project = await TestProject.create(dialect);
            try {
              await createItems(project);
              const names = writeScenario(project);
              const when = `killed after ${step} (--transaction none)`;
              await killedAt(project, `statement:1:${step}`, ["--transaction", "none"]);
              assert.equal(await observe(project, names, when), 1);
              await assertNextRunCompletes(project, names, when);
            } finally {
              await project.cleanup();
            }
          }
        });
      }

      test("full size: killed from outside at random times", async () => {
        // Kill somewhere in the second half of how long a whole run takes here.
        const reference = await TestProject.create(dialect);
        const started = Date.now();
        try {
          await createItems(reference);
          writeScenario(reference);
          await reference.ok(["run"]);
        } finally {
          await reference.cleanup();
        }
        const duration = Date.now() - started;
        for (let i = 0; i < 20; i++) {
          const project = await TestProject.create(dialect);
          try {
            await createItems(project);
            const names = writeScenario(project);
            const delay = Math.floor(duration * (0.5 + Math.random() * 0.5));
            const when = `killed from outside after ${delay} ms`;
            await runKilledAfter(project, delay);
            await assertNoLockOutlives(project, when);
            await observe(project, names, when);
            await assertNextRunCompletes(project, names, when);
          } finally {
            await project.cleanup();
          }
        }
      });
    }
  });
}

/** Spawn `run` and SIGKILL it after `ms` (it may have finished by then). */
function runKilledAfter(project: TestProject, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "athanor"), "run"], {
      cwd: project.dir,
      env: project.env,
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
