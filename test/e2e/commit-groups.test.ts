/**
 * How `run` commits (runner/execute.ts): SQLite migrations share commits,
 * each in a savepoint of its own; PostgreSQL defers each migration's WAL
 * flush to the run's last, durable commit; every migration's stored
 * execution_ms is the time its ✓ line shows, COMMIT included.
 *
 * `ATHANOR_COMMIT_GROUP_MS` (test-only) fixes the SQLite group's window:
 * a minute puts every migration of these runs in one group whatever the
 * machine's speed, 0 gives each its own commit.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";
import { appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";
import { writeSlowScenario } from "../support/slow-scenario";
import { waitForOutput } from "../support/wait-for-output";

const ONE_GROUP = { ATHANOR_COMMIT_GROUP_MS: "60000" };
const NO_GROUP = { ATHANOR_COMMIT_GROUP_MS: "0" };

/** `count` migrations, each creating table t<i> and putting a row in it. */
function writeCreates(project: TestProject, count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return writeMigrationBody(project, {
      timestamp: 1700000000000 + i,
      name: `CreateT${i}`,
      up: [q(`CREATE TABLE "t${i}" ("id" integer PRIMARY KEY)`), q(`INSERT INTO "t${i}" ("id") VALUES (${i})`)].join("\n"),
    });
  });
}

/** The names on the ✓ lines of a run's output, with the time each shows. */
function shownTimes(stdout: string): Map<string, number> {
  return new Map([...stdout.matchAll(/✓ (\S+) \((\d+) ms\)/g)].map((m) => [m[1], Number(m[2])]));
}

async function storedTimes(project: TestProject): Promise<Map<string, number>> {
  const rows = await project.query(`SELECT "name", "execution_ms" FROM "migrations" ORDER BY "id"`);
  return new Map(rows.map((r: any) => [String(r.name), Number(r.execution_ms)]));
}

async function tableNames(project: TestProject): Promise<string[]> {
  return Object.keys((await project.introspect()).tables).sort();
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: what run stores as each migration's time`, () => {
    const settings: Array<[string, NodeJS.ProcessEnv]> =
      dialect === "sqlite"
        ? [
            ["one commit group", ONE_GROUP],
            ["one commit per migration", NO_GROUP],
          ]
        : [["one commit per migration", {}]];
    for (const [how, env] of settings) {
      test(`${how}: every migration's stored execution_ms is the time its ✓ line shows, COMMIT included`, async () => {
        const project = await TestProject.create(dialect);
        try {
          const names = writeCreates(project, 5);
          const result = await project.cli(["run"], { env });
          assert.equal(result.code, 0, result.stdout + result.stderr);
          const shown = shownTimes(result.stdout);
          assert.deepEqual([...shown.keys()], names, result.stdout);
          assert.deepEqual(await storedTimes(project), shown);
        } finally {
          await project.cleanup();
        }
      });
    }
  });
}

describe("sqlite: migrations that share a commit", () => {
  test("a failure in the middle of a group: the migrations before it are committed and shown, the failing one alone is rolled back, the rest not started", async () => {
    const project = await TestProject.create("sqlite");
    try {
      await createItems(project);
      const [first, second] = writeCreates(project, 2);
      const failing = writeMigrationBody(project, {
        timestamp: 1700000000003,
        name: "FailsHalfWay",
        up: [
          q(`CREATE TABLE "half" ("id" integer PRIMARY KEY)`),
          q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'added by the failing migration')`),
          q(`INSERT INTO "no_such_table" ("id") VALUES (1)`),
        ].join("\n"),
      });
      const [last] = writeCreates(project, 1, 4);
      const result = await project.cli(["run"], { env: ONE_GROUP });
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.deepEqual([...shownTimes(result.stdout).keys()], [first, second], result.stdout);
      assert.match(result.stderr, new RegExp(`^error: Migration ${failing} failed \\(it was rolled back and nothing was recorded\\): `));
      assert.deepEqual(await appliedNames(project), [first, second]);
      assert.deepEqual(await tableNames(project), ["items", "t1", "t2"]);
      assert.equal((await project.query(`SELECT * FROM "items" WHERE "id" = 1001`)).length, 0);
      await assertItemsIntact(project);
      assert.deepEqual(await storedTimes(project), shownTimes(result.stdout));

      // Fixed, the next run applies the rest.
      writeMigrationBody(project, {
        timestamp: 1700000000003,
        name: "FailsHalfWay",
        up: q(`CREATE TABLE "half" ("id" integer PRIMARY KEY)`),
      });
      const next = await project.cli(["run"], { env: ONE_GROUP });
      assert.equal(next.code, 0, next.stdout + next.stderr);
      assert.deepEqual(await appliedNames(project), [first, second, failing, last]);
    } finally {
      await project.cleanup();
    }
  });

  test("a migration that breaks a foreign key is refused alone: the ones before it in its group are committed", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const [first] = writeCreates(project, 1);
      const dangling = writeMigrationBody(project, {
        timestamp: 1700000000002,
        name: "Dangling",
        up: [
          q(`CREATE TABLE "parents" ("id" integer PRIMARY KEY)`),
          q(`CREATE TABLE "children" ("id" integer PRIMARY KEY, "parent_id" integer REFERENCES "parents" ("id"))`),
          q(`INSERT INTO "children" ("id", "parent_id") VALUES (1, 42)`),
        ].join("\n"),
      });
      const result = await project.cli(["run"], { env: ONE_GROUP });
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`Migration ${dangling} failed \\(it was rolled back and nothing was recorded\\): .*foreign key violation`),
      );
      assert.deepEqual(await appliedNames(project), [first]);
      assert.deepEqual(await tableNames(project), ["t1"]);
    } finally {
      await project.cleanup();
    }
  });

  test("kill -9 after a migration of a group was recorded: it was never shown as applied, and nothing of the group remains", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const names = writeCreates(project, 3);
      const killed = await project.cli(["run"], { env: { ...ONE_GROUP, ATHANOR_FAULT_POINT: "after-record:2" } });
      assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
      assert.doesNotMatch(killed.stdout, /✓/);
      assert.deepEqual(await appliedNames(project), []);
      assert.deepEqual(await tableNames(project), []);

      const atCommit = await project.cli(["run"], { env: { ...ONE_GROUP, ATHANOR_FAULT_POINT: "after-commit:1" } });
      assert.equal(atCommit.signal, "SIGKILL", atCommit.stdout + atCommit.stderr);
      assert.deepEqual(await appliedNames(project), names);
      assert.deepEqual(await project.query(`PRAGMA integrity_check`), [{ integrity_check: "ok" }]);
      const next = await project.cli(["run"], { env: ONE_GROUP });
      assert.equal(next.code, 0, next.stdout + next.stderr);
      assert.match(next.stdout, /Nothing to run: .* is up to date \(3 migrations applied\)/);
    } finally {
      await project.cleanup();
    }
  });

  test("--verbose and TypeORM's query log: a group reads the bookkeeping once, checks no foreign key of tables created without one, and every statement is still shown and logged", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const names = writeCreates(project, 5);
      const config = join(project.dir, "ormconfig.ts");
      const source = readFileSync(config, "utf8");
      const logged = source.replace(`database: "data/app.sqlite",`, `database: "data/app.sqlite", logging: ["query"],`);
      assert.notEqual(logged, source, "ormconfig.ts has no SQLite DataSource to turn logging on in");
      writeFileSync(config, logged);
      const result = await project.cli(["run", "--verbose"], { env: ONE_GROUP });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual([...shownTimes(result.stdout).keys()], names, result.stdout);
      const lines = result.stdout.split("\n");
      const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
      // --verbose prints each statement as sent; TypeORM's logger prints "query: " and the statement.
      for (const [printed, prefix] of [
        ["--verbose", /^/],
        ["TypeORM's log", /^query: /],
      ] as const) {
        const at = (sql: string) => new RegExp(prefix.source + sql);
        assert.equal(
          count(at(`SELECT \\* FROM "migrations" WHERE "name" IN \\(`)),
          1,
          `${printed}: one read of the bookkeeping\n${result.stdout}`,
        );
        assert.equal(count(at(`SELECT \\* FROM "migrations" WHERE "name" = `)), 0, `${printed}: no read per migration\n${result.stdout}`);
        assert.equal(count(at(`PRAGMA foreign_key_check`)), 0, `${printed}: nothing to check\n${result.stdout}`);
        assert.equal(count(at(`SAVEPOINT athanor_migration;?$`)), names.length, `${printed}: a savepoint per migration\n${result.stdout}`);
        assert.equal(count(at(`RELEASE SAVEPOINT athanor_migration;?$`)), names.length, `${printed}\n${result.stdout}`);
        assert.equal(count(at(`INSERT INTO "migrations" `)), names.length, `${printed}: a row per migration\n${result.stdout}`);
      }
      assert.deepEqual(await appliedNames(project), names);
      assert.deepEqual(await storedTimes(project), shownTimes(result.stdout));
    } finally {
      await project.cleanup();
    }
  });

  test("a migration that writes the bookkeeping itself: the group reads it again, so a migration it recorded is skipped, not run", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const [first] = writeCreates(project, 1);
      const recorder = writeMigrationBody(project, {
        timestamp: 1700000000002,
        name: "RecordsTheNext",
        up: q(`INSERT INTO "migrations" ("timestamp", "name") VALUES (1700000000003, 'CreateT31700000000003')`),
      });
      const [third] = writeCreates(project, 1, 3);
      assert.equal(third, "CreateT31700000000003");
      const result = await project.cli(["run"], { env: ONE_GROUP });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual([...shownTimes(result.stdout).keys()], [first, recorder], result.stdout);
      assert.match(result.stdout, new RegExp(`- ${third} \\(skipped: another runner applied it first\\)`));
      assert.deepEqual((await appliedNames(project)).sort(), [first, recorder, third].sort());
      assert.deepEqual(await tableNames(project), ["t1"]);
    } finally {
      await project.cleanup();
    }
  });

  test("a window of 0 commits each migration alone: kill -9 after the first commit keeps exactly the first", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const names = writeCreates(project, 3);
      const killed = await project.cli(["run"], { env: { ...NO_GROUP, ATHANOR_FAULT_POINT: "after-commit:1" } });
      assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
      assert.deepEqual(await appliedNames(project), names.slice(0, 1));
    } finally {
      await project.cleanup();
    }
  });
});

describe("sqlite: a signal inside a commit group", () => {
  const COUNTING = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT COUNT(*) FROM c`;

  test("SIGINT during a long read: the migration before it in the group is committed and shown, the interrupted one rolled back", async () => {
    const project = await TestProject.create("sqlite", {}, { env: ONE_GROUP });
    try {
      await createItems(project);
      const names = writeSlowScenario(project, COUNTING);
      const running = project.spawn(["run", "--verbose"]);
      await waitForOutput(running, /WITH RECURSIVE/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      running.child.kill("SIGINT");
      const result = await running.result;
      assert.equal(result.code, 130, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`✓ ${names[0]} `));
      assert.match(
        result.stderr,
        new RegExp(
          `\\nerror: Stopped by SIGINT: applied ${names[0]}; rolled back ${names[1]} \\(nothing of it remains\\); ` +
            `not started: ${names[2]}; the migration lock was released: run again to continue\\.\\n$`,
        ),
      );
      assert.deepEqual(await appliedNames(project), [names[0]]);
      assert.deepEqual(await tableNames(project), ["first", "items"]);
      assert.equal((await project.query(`SELECT * FROM "items" WHERE "name" LIKE '%X'`)).length, 0);
    } finally {
      await project.cleanup();
    }
  });

  test("SIGINT during a long write: SQLite rolls back the whole transaction, so the group's earlier migration (never shown as applied) is said to be rolled back too", async () => {
    const project = await TestProject.create("sqlite", {}, { env: ONE_GROUP });
    try {
      await createItems(project);
      const names = writeSlowScenario(
        project,
        `INSERT INTO "items" ("id", "name") WITH RECURSIVE c(x) AS (SELECT 100000 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT x, 'n' FROM c`,
      );
      const running = project.spawn(["run", "--verbose"]);
      await waitForOutput(running, /WITH RECURSIVE/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      running.child.kill("SIGINT");
      const result = await running.result;
      assert.equal(result.code, 130, result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout, /✓/);
      assert.match(
        result.stderr,
        new RegExp(
          `\\nerror: Stopped by SIGINT: applied nothing; rolled back ${names[0]}, ${names[1]} \\(nothing of them remains\\); ` +
            `not started: ${names[2]}; the migration lock was released: run again to continue\\.\\n$`,
        ),
      );
      assert.deepEqual(await appliedNames(project), []);
      assert.deepEqual(await tableNames(project), ["items"]);
      await assertItemsIntact(project);
      assert.deepEqual(await project.query(`PRAGMA integrity_check`), [{ integrity_check: "ok" }]);
    } finally {
      await project.cleanup();
    }
  });
});

describe("postgres: the flush of each migration's commit is deferred to the run's last commit", () => {
  test("--verbose: every migration transaction turns synchronous_commit off with its claim; the run ends with a durable commit of the last one's time", async () => {
    const project = await TestProject.create("postgres");
    try {
      const names = writeCreates(project, 3);
      const result = await project.cli(["run", "--verbose"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const claims = result.stdout.match(/SELECT set_config\('synchronous_commit', 'off', true\), pg_advisory_xact_lock/g) ?? [];
      assert.equal(claims.length, names.length, result.stdout);
      // After the last ✓ line: a transaction of its own that stores the last migration's time, with the default (durable) commit.
      const tail = result.stdout.slice(result.stdout.lastIndexOf("✓"));
      assert.match(
        tail,
        new RegExp(`START TRANSACTION;?\\s+UPDATE "migrations" SET "execution_ms" = \\d+ WHERE "name" = '${names[2]}';?\\s+COMMIT`),
      );
      assert.doesNotMatch(tail, /synchronous_commit/);
      assert.deepEqual(await appliedNames(project), names);
      assert.deepEqual(await storedTimes(project), shownTimes(result.stdout));
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * A migration that ends the runner's transaction itself and finishes
 * (runner/own-transaction-control.ts). On PostgreSQL each migration has its
 * own transaction and such a migration has always been recorded; in a
 * SQLite commit group the group's savepoint went with the transaction, and
 * the run used to fail while the migration's row was already written. Now
 * both say and record the same thing.
 */
const ENDS_ITSELF: Record<string, string> = {
  "a COMMIT of its own": [
    q(`CREATE TABLE "own_a" ("id" integer PRIMARY KEY)`),
    q(`COMMIT`),
    q(`CREATE TABLE "own_b" ("id" integer PRIMARY KEY)`),
  ].join("\n"),
  "queryRunner.commitTransaction()": [
    q(`CREATE TABLE "own_a" ("id" integer PRIMARY KEY)`),
    `    await queryRunner.commitTransaction();`,
    q(`CREATE TABLE "own_b" ("id" integer PRIMARY KEY)`),
  ].join("\n"),
  "TypeORM's commitTransaction() … startTransaction() idiom": [
    q(`CREATE TABLE "own_a" ("id" integer PRIMARY KEY)`),
    `    await queryRunner.commitTransaction();`,
    q(`CREATE TABLE "own_b" ("id" integer PRIMARY KEY)`),
    `    await queryRunner.startTransaction();`,
  ].join("\n"),
};

/** First, a migration with `up`, Last: the scenario of the tests below. */
function writeAround(project: TestProject, up: string): string[] {
  return [
    writeMigrationBody(project, { timestamp: 1700000000001, name: "First", up: q(`CREATE TABLE "first" ("id" integer PRIMARY KEY)`) }),
    writeMigrationBody(project, { timestamp: 1700000000002, name: "EndsItself", up }),
    writeMigrationBody(project, { timestamp: 1700000000003, name: "Last", up: q(`CREATE TABLE "last" ("id" integer PRIMARY KEY)`) }),
  ];
}

for (const dialect of DIALECTS) {
  const settings: Array<[string, NodeJS.ProcessEnv]> =
    dialect === "sqlite"
      ? [
          ["one commit group", ONE_GROUP],
          ["one commit per migration", NO_GROUP],
        ]
      : [["one transaction per migration", {}]];
  describe(`${dialect}: a migration that ends the runner's transaction itself and finishes`, () => {
    for (const [how, env] of settings) {
      for (const [what, up] of Object.entries(ENDS_ITSELF)) {
        test(`${how}, ${what}: it and the migrations around it are applied, shown and recorded, as on PostgreSQL`, async () => {
          const project = await TestProject.create(dialect);
          try {
            const names = writeAround(project, up);
            const result = await project.cli(["run"], { env });
            assert.equal(result.code, 0, result.stdout + result.stderr);
            for (const name of names) assert.match(result.stdout, new RegExp(`✓ ${name} `));
            assert.deepEqual(await appliedNames(project), names);
            assert.deepEqual(await tableNames(project), ["first", "last", "own_a", "own_b"]);
            const status = await project.cli(["status"], { env });
            assert.match(status.stdout, /^3 applied, 0 pending\.$/m, status.stdout);
            assert.deepEqual(await storedTimes(project), shownTimes(result.stdout));
          } finally {
            await project.cleanup();
          }
        });
      }

      test(`${how}, a ROLLBACK of its own as the first migration of its transaction: what remains is applied and it is recorded, as on PostgreSQL`, async () => {
        const project = await TestProject.create(dialect);
        try {
          const up = [
            q(`CREATE TABLE "own_a" ("id" integer PRIMARY KEY)`),
            q(`ROLLBACK`),
            q(`CREATE TABLE "own_b" ("id" integer PRIMARY KEY)`),
          ].join("\n");
          const name = writeMigrationBody(project, { timestamp: 1700000000002, name: "EndsItself", up });
          const result = await project.cli(["run"], { env });
          assert.equal(result.code, 0, result.stdout + result.stderr);
          assert.match(result.stdout, new RegExp(`✓ ${name} `));
          assert.deepEqual(await appliedNames(project), [name]);
          assert.deepEqual(await tableNames(project), ["own_b"]);
        } finally {
          await project.cleanup();
        }
      });
    }
  });
}

describe("a ROLLBACK of its own that undoes migrations before it in the same transaction", () => {
  const up = [
    q(`CREATE TABLE "own_a" ("id" integer PRIMARY KEY)`),
    q(`ROLLBACK`),
    q(`CREATE TABLE "own_b" ("id" integer PRIMARY KEY)`),
  ].join("\n");
  const cases: Array<[string, "sqlite" | "postgres", string[], NodeJS.ProcessEnv]> = [
    ["sqlite, one commit group", "sqlite", ["run"], ONE_GROUP],
    ["postgres, --transaction all", "postgres", ["run", "--transaction", "all"], {}],
  ];
  for (const [how, dialect, args, env] of cases) {
    test(`${how}: the run stops, neither it nor the one before it is recorded, and the error says so (E237)`, async () => {
      const project = await TestProject.create(dialect);
      try {
        const names = writeAround(project, up);
        const result = await project.cli(args, { env });
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.doesNotMatch(result.stdout, /✓/);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${names[1]} failed \\(it ended the runner's transaction itself with ROLLBACK, so it could not be rolled back: ` +
              `the 1 migration before it in that transaction \\(${names[0]}\\) was rolled back with it, the statement listed below as already applied remains and it was not recorded as applied; ` +
              `undo it or finish the migration by hand, and take the ROLLBACK out of the migration, before running again\\): ` +
              `its ROLLBACK also undid the migration applied before it in the same transaction \\(${names[0]}\\), so that one is pending again and it is not recorded either; the run stops here\\n`,
          ),
        );
        assert.match(result.stderr, /^ {2}already applied: CREATE TABLE "own_b"/m);
        // What was said is what the database holds: nothing of First, own_b alone of EndsItself, Last not started.
        assert.deepEqual(await appliedNames(project), []);
        assert.deepEqual(await tableNames(project), ["own_b"]);
      } finally {
        await project.cleanup();
      }
    });
  }
});
