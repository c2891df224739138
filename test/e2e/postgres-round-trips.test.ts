/**
 * PostgreSQL: the runner's own statements ride with the next one
 * (runner/statement-journal.ts, `hold`; dialects/postgres/send-list.ts).
 * START TRANSACTION, the claim, the run-level lock's check and the
 * bookkeeping re-read go as one query, a migration's row and its COMMIT as
 * another. What users see is what they saw one query at a time: `--verbose`, TypeORM's query log and a query
 * subscriber hear of each statement once, and a row the database refuses
 * fails the migration, which is rolled back whole.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, TestProject } from "../support/project";
import { appliedNames, q, writeMigrationBody } from "../support/faults";

function writeCreates(project: TestProject, count: number): string[] {
  return Array.from({ length: count }, (_, k) =>
    writeMigrationBody(project, {
      timestamp: 1700000000001 + k,
      name: `CreateT${k + 1}`,
      up: q(`CREATE TABLE "t${k + 1}" ("id" integer PRIMARY KEY)`),
    }),
  );
}

async function tables(project: TestProject): Promise<string[]> {
  const rows = await project.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'migrations%' ORDER BY tablename`,
  );
  return rows.map((r: any) => String(r.tablename));
}

/** Declare `source`'s subscriber class `name` in ormconfig.ts and list it (with `options`) in the DataSource. */
function addSubscriber(project: TestProject, name: string, source: string, options = ""): void {
  const file = join(project.dir, "ormconfig.ts");
  const config = readFileSync(file, "utf8");
  const patched = config.replace(
    `import { DataSource, type DataSourceOptions } from "typeorm";`,
    (line) => line.replace("DataSource,", "DataSource, EventSubscriber,") + `\n${source}\nEventSubscriber()(${name});\n`,
  );
  assert.notEqual(patched, config, "ormconfig.ts does not import DataSource as expected");
  writeFileSync(file, patched);
  project.addServerOptions(`${options}subscribers: [${name}]`);
}

/** A query subscriber in ormconfig.ts that prints what it hears ("before: …", "after: …"). */
function addQuerySubscriber(project: TestProject): void {
  const subscriber = `class PrintQueries {
  beforeQuery(event: any) { console.log("before: " + event.query); }
  afterQuery(event: any) { console.log("after: " + event.query + (event.success ? "" : " (failed)")); }
}`;
  addSubscriber(project, "PrintQueries", subscriber, `logging: ["query"], `);
}

/** The queries a `run` of `count` pending trivial migrations sends through node-postgres, on every connection. */
async function queriesOfRun(count: number): Promise<number> {
  const project = await TestProject.create("postgres");
  const dir = mkdtempSync(join(tmpdir(), "athanor-pg-queries-"));
  try {
    writeCreates(project, count);
    const file = join(dir, "count");
    const result = await project.cli(["run"], {
      env: { NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "pg-query-count.cjs")}`, ATHANOR_TEST_PG_QUERIES: file },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return Number(readFileSync(file, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await project.cleanup();
  }
}

describe("postgres: the runner's own statements travel with the next one", () => {
  test("each further pending migration costs two queries: its statement; the row and COMMIT of the migration before it with START TRANSACTION, claim, the run-level lock's check and re-read", async () => {
    const [five, fifteen] = [await queriesOfRun(5), await queriesOfRun(15)];
    assert.equal((fifteen - five) / 10, 2, `5 migrations: ${five} queries, 15: ${fifteen}`);
  });

  test("--verbose, TypeORM's query log and a query subscriber each see every statement once, in the order sent", async () => {
    const project = await TestProject.create("postgres");
    try {
      const names = writeCreates(project, 3);
      addQuerySubscriber(project);
      const result = await project.cli(["run", "--verbose"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const lines = result.stdout.split("\n");
      const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
      const perMigration = [
        `SELECT set_config\\('synchronous_commit', 'off', true\\), pg_advisory_xact_lock`,
        `SELECT CASE WHEN pg_backend_pid\\(\\) = \\d+ THEN EXISTS \\(SELECT 1 FROM pg_locks .*? ELSE NOT pg_try_advisory_xact_lock_shared\\(hashtext\\('athanor:migrations:held'\\), -?\\d+\\) END AS held`,
        `SELECT \\* FROM "migrations" WHERE "name" = `,
        `CREATE TABLE "t\\d"`,
        `(UPDATE "migrations" SET "execution_ms" = \\d+ WHERE "name" = '[^']+'; )?INSERT INTO "migrations" `,
      ];
      // --verbose prints each statement as sent; TypeORM's logger prints "query: " and the statement; the subscriber "before: " and "after: ".
      for (const [who, prefix] of [
        ["--verbose", ""],
        ["TypeORM's log", "query: "],
        ["the subscriber's beforeQuery", "before: "],
        ["the subscriber's afterQuery", "after: "],
      ] as const) {
        for (const sql of perMigration) {
          assert.equal(count(new RegExp(`^${prefix}${sql}`)), names.length, `${who}: ${sql} once per migration\n${result.stdout}`);
        }
        // One more transaction at the end stores the last migration's time (the run's durable commit).
        assert.equal(count(new RegExp(`^${prefix}START TRANSACTION;?$`)), names.length + 1, `${who}\n${result.stdout}`);
        assert.equal(count(new RegExp(`^${prefix}COMMIT;?$`)), names.length + 1, `${who}\n${result.stdout}`);
        // In the order sent: each migration's transaction begins, claims, reads, runs, records, commits.
        const sequence = lines
          .slice(lines.findIndex((line) => line.startsWith(`${prefix}START TRANSACTION`)))
          .filter(
            (line) =>
              line.startsWith(prefix) &&
              /^(START|SELECT set_config|SELECT CASE WHEN pg_backend_pid|SELECT \* FROM "migrations"|CREATE|INSERT|UPDATE|COMMIT)/.test(
                line.slice(prefix.length),
              ),
          )
          .map((line) => line.slice(prefix.length).split(/[ ;(]/)[0]);
        assert.deepEqual(
          sequence,
          [
            ...names.flatMap((_, i) => ["START", "SELECT", "SELECT", "SELECT", "CREATE", i === 0 ? "INSERT" : "UPDATE", "COMMIT"]),
            ...["START", "UPDATE", "COMMIT"],
          ],
          `${who}\n${result.stdout}`,
        );
      }
      assert.doesNotMatch(result.stdout, /\(failed\)/);
      assert.deepEqual(await appliedNames(project), names);
      assert.deepEqual(await tables(project), ["t1", "t2", "t3"]);
    } finally {
      await project.cleanup();
    }
  });

  test("a subscriber that reads a row when a transaction starts gets it: the runner then sends its statements one at a time", async () => {
    const project = await TestProject.create("postgres");
    try {
      const names = writeCreates(project, 2);
      addSubscriber(
        project,
        "ReadOnStart",
        `class ReadOnStart {
  async afterTransactionStart(event: any) {
    const rows = await event.queryRunner.query("SELECT 41 + 1 AS answer");
    console.log("read on start: " + JSON.stringify(rows));
  }
}`,
      );
      const result = await project.cli(["run"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const reads = result.stdout.split("\n").filter((line) => line.startsWith("read on start: "));
      assert.ok(reads.length >= names.length, result.stdout);
      for (const line of reads) assert.equal(line, `read on start: [{"answer":42}]`, result.stdout);
      assert.deepEqual(await appliedNames(project), names);
    } finally {
      await project.cleanup();
    }
  });

  test("a subscriber told of a commit finds it done: the runner then sends each COMMIT on its own", async () => {
    const project = await TestProject.create("postgres");
    try {
      const names = writeCreates(project, 3);
      // Counted on another connection of the DataSource: what a commit made visible.
      addSubscriber(
        project,
        "CountOnCommit",
        `class CountOnCommit {
  async afterTransactionCommit(event: any) {
    const other = event.connection.createQueryRunner();
    try {
      const rows = await other.query('SELECT count(*)::int AS n FROM "migrations"');
      console.log("committed rows: " + rows[0].n);
    } finally {
      await other.release();
    }
  }
}`,
      );
      const result = await project.cli(["run"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const counts = result.stdout
        .split("\n")
        .filter((line) => line.startsWith("committed rows: "))
        .map((line) => Number(line.slice("committed rows: ".length)));
      // One per migration, then the run's last transaction (the last migration's time).
      assert.deepEqual(counts, [1, 2, 3, 3], result.stdout);
      assert.deepEqual(await appliedNames(project), names);
    } finally {
      await project.cleanup();
    }
  });

  test("a row the database refuses fails the query of its COMMIT: the migration is rolled back whole, nothing of it recorded, the one before it kept", async () => {
    const project = await TestProject.create("postgres");
    try {
      const [first] = writeCreates(project, 1);
      // Its own statements make the bookkeeping refuse its row: the INSERT fails where the COMMIT is sent.
      const refused = writeMigrationBody(project, {
        timestamp: 1700000000009,
        name: "Refused",
        up: [
          q(`CREATE TABLE "refused" ("id" integer PRIMARY KEY)`),
          q(`ALTER TABLE "migrations" ADD CONSTRAINT "CHK_refused" CHECK ("name" NOT LIKE 'Refused%')`),
        ].join("\n"),
      });
      addQuerySubscriber(project);
      const result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`✓ ${first} `));
      assert.doesNotMatch(result.stdout, new RegExp(`✓ ${refused}`));
      assert.match(
        result.stderr,
        new RegExp(
          `Migration ${refused} failed \\(it was rolled back and nothing was recorded\\): .*violates check constraint "CHK_refused"`,
        ),
      );
      assert.match(result.stderr, /failing statement: (UPDATE "migrations" .*; )?INSERT INTO "migrations" /);
      // TypeORM's subscribers heard that the row and the COMMIT failed.
      assert.match(result.stdout, /^after: .*INSERT INTO "migrations" .*\(failed\)$/m);
      assert.match(result.stdout, /^after: COMMIT \(failed\)$/m);
      assert.deepEqual(await appliedNames(project), [first]);
      assert.deepEqual(await tables(project), ["t1"]);
      const constraints = await project.query(`SELECT conname FROM pg_constraint WHERE conname = 'CHK_refused'`);
      assert.deepEqual(constraints, [], "the migration's own statements were rolled back with its row");
      const locks = await project.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      assert.deepEqual(locks, [{ n: 0 }], "no claim outlives the run");
    } finally {
      await project.cleanup();
    }
  });
  test("a refused row whose COMMIT goes with the next migration's start: the failure is its own, the next migration not started", async () => {
    const project = await TestProject.create("postgres");
    try {
      const [first] = writeCreates(project, 1);
      const refused = writeMigrationBody(project, {
        timestamp: 1700000000009,
        name: "Refused",
        up: [
          q(`CREATE TABLE "refused" ("id" integer PRIMARY KEY)`),
          q(`ALTER TABLE "migrations" ADD CONSTRAINT "CHK_refused" CHECK ("name" NOT LIKE 'Refused%')`),
        ].join("\n"),
      });
      const after = writeMigrationBody(project, { timestamp: 1700000000010, name: "After", up: q(`CREATE TABLE "after" ("id" integer)`) });
      const result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`✓ ${first} `));
      assert.doesNotMatch(result.stdout, new RegExp(`✓ (${refused}|${after})`));
      assert.match(
        result.stderr,
        new RegExp(
          `Migration ${refused} failed \\(it was rolled back and nothing was recorded\\): .*violates check constraint "CHK_refused"`,
        ),
      );
      assert.deepEqual(await appliedNames(project), [first]);
      assert.deepEqual(await tables(project), ["t1"]);
      const locks = await project.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      assert.deepEqual(locks, [{ n: 0 }], "no claim outlives the run");
    } finally {
      await project.cleanup();
    }
  });

  test("the next migration's claim fails after the COMMIT it carried went through: that migration is reported and recorded, the failure is the next one's", async () => {
    const project = await TestProject.create("postgres");
    try {
      // Its code leaves the runner's session a short lock_timeout, and a connection of its own queues for the
      // per-migration claim: granted when this migration's COMMIT releases it, held for two seconds.
      const blocking = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "Blocking",
        up: [
          q(`CREATE TABLE "blocking" ("id" integer)`),
          queueForClaim("setTimeout(() => void blocker.end(), 2000);"),
          q(`SET lock_timeout = '100ms'`),
        ].join("\n"),
      });
      const next = writeMigrationBody(project, { timestamp: 1700000000002, name: "Next", up: q(`CREATE TABLE "next" ("id" integer)`) });
      const result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`✓ ${blocking} `));
      assert.doesNotMatch(result.stdout, new RegExp(`✓ ${next}`));
      assert.match(result.stderr, new RegExp(`Migration ${next} failed \\(it was rolled back and nothing was recorded\\): .*lock`));
      assert.deepEqual(await appliedNames(project), [blocking]);
      assert.deepEqual(await tables(project), ["blocking"]);
    } finally {
      await project.cleanup();
    }
  });

  test("E251 the connection lost in the query that carried a COMMIT: the failure says whether that migration was applied is unknown, and athanor status tells", async () => {
    const project = await TestProject.create("postgres");
    try {
      // A connection of its own queues for the per-migration claim; once this migration's COMMIT hands it over
      // (the runner's next claim then waits behind it), it ends the runner's session.
      const lost = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "Lost",
        up: [
          q(`CREATE TABLE "lost" ("id" integer)`),
          queueForClaim(`for (let waiting = false; !waiting; ) {
          const rows = await blocker.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = " + pid);
          waiting = rows.rows[0].n > 0;
        }
        await blocker.query("SELECT pg_terminate_backend(" + pid + ")");
        await blocker.end();`),
        ].join("\n"),
      });
      const next = writeMigrationBody(project, { timestamp: 1700000000002, name: "Next", up: q(`CREATE TABLE "next" ("id" integer)`) });
      const result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout, new RegExp(`✓ (${lost}|${next})`));
      assert.match(
        result.stderr,
        new RegExp(
          `Migration ${lost} failed \\(its COMMIT was sent with the next migration's start and no answer came back, so whether it was applied and recorded is unknown: run athanor status`,
        ),
      );
      // It was: the COMMIT had gone through.
      assert.deepEqual(await appliedNames(project), [lost]);
      assert.deepEqual(await tables(project), ["lost"]);
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * Migration code: a connection of its own (`blocker`) queues for the per-migration claim, which it gets once
 * this migration's COMMIT releases it, and then runs `whenGranted` (`pid` is the runner's session); the
 * migration returns only once the blocker is queued.
 */
function queueForClaim(whenGranted: string): string {
  return `    const { Client } = require("pg");
    const [{ pid }] = await queryRunner.query("SELECT pg_backend_pid() AS pid");
    const blocker = new Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    void blocker.query("SELECT pg_advisory_lock(hashtext('athanor:migrations:apply'))").then(async () => {
        ${whenGranted}
      });
    for (let waiting = false; !waiting; ) {
      const rows = await queryRunner.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
      waiting = rows[0].n > 0;
    }`;
}
