/**
 * Runners started together apply each migration exactly once: 8 processes on
 * PostgreSQL (advisory lock) and on MariaDB (named lock, every migration
 * outside a transaction), 4 on SQLite (write lock + re-check), 20 pending
 * migrations. The same with migrations that run outside a transaction,
 * where SQLite's write lock alone serializes nothing. And a runner that
 * cannot get the lock in time says so.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { assertEachAppliedOnce } from "../support/concurrent-runners";
import { createConnection } from "mysql2/promise";
import { findDialect } from "../../src/dialects";
import { DIALECTS_AND_MARIADB, TestProject } from "../support/project";
import { writeTableMigrations } from "../support/migrations";
import { q, writeMigrationBody } from "../support/faults";

const RUNNERS = { postgres: 8, sqlite: 4, mariadb: 8 } as const;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: concurrent runners`, () => {
    test(`${RUNNERS[dialect]} runners, 20 pending migrations: each applied exactly once, every runner exits 0`, async () => {
      const project = await TestProject.create(dialect);
      try {
        await assertEachAppliedOnce(project, RUNNERS[dialect], 20);
        const tables = Object.keys((await project.introspect()).tables);
        assert.equal(tables.length, 20);
      } finally {
        await project.cleanup();
      }
    });
  });
}

/**
 * Six migrations that each insert a log row and append to a counter, with a
 * pause between the two (the window in which another runner could start the
 * same migration): applied twice, the rows show it.
 */
function writeLoggingMigrations(project: TestProject, transaction: boolean): string[] {
  const n = findDialect(project.dialect)!.quote;
  return Array.from({ length: 6 }, (_, i) =>
    writeMigrationBody(project, {
      timestamp: 1700000000001 + i,
      name: `Log${i + 1}`,
      transaction: transaction ? undefined : false,
      up: [
        q(`INSERT INTO ${n("log")} (${n("note")}) VALUES ('Log${i + 1}')`),
        `    await new Promise((resolve) => setTimeout(resolve, 150));`,
        q(`UPDATE ${n("counter")} SET ${n("n")} = ${n("n")} + 1`),
      ].join("\n"),
    }),
  );
}

async function assertAppliedOnceOutsideTransactions(project: TestProject, transaction: boolean, args: string[]): Promise<void> {
  const n = findDialect(project.dialect)!.quote;
  const ds = await project.connect();
  try {
    const id = { postgres: "GENERATED ALWAYS AS IDENTITY", sqlite: "AUTOINCREMENT", mariadb: "AUTO_INCREMENT" }[project.dialect];
    await ds.query(`CREATE TABLE ${n("log")} (${n("id")} integer PRIMARY KEY ${id}, ${n("note")} varchar(20) NOT NULL)`);
    await ds.query(`CREATE TABLE ${n("counter")} (${n("n")} integer NOT NULL)`);
    await ds.query(`INSERT INTO ${n("counter")} (${n("n")}) VALUES (0)`);
  } finally {
    await ds.destroy();
  }
  const names = writeLoggingMigrations(project, transaction);
  const results = await Promise.all([1, 2, 3, 4].map(() => project.cli(["run", "--lock-timeout", "120", ...args])));
  const all = results.map((r) => r.stdout + r.stderr).join("\n---\n");
  for (const result of results) assert.equal(result.code, 0, all);
  const log = await project.query(`SELECT ${n("note")} FROM ${n("log")} ORDER BY ${n("id")}`);
  assert.deepEqual(
    log.map((r: any) => r.note),
    names.map((_, i) => `Log${i + 1}`),
    `one log row per migration\n${all}`,
  );
  assert.equal(Number((await project.query(`SELECT ${n("n")} FROM ${n("counter")}`))[0].n), 6, all);
  const recorded = await project.query(`SELECT ${n("name")} FROM ${n("migrations")} ORDER BY ${n("id")}`);
  assert.deepEqual(
    recorded.map((r: any) => r.name),
    names,
    `one bookkeeping row per migration\n${all}`,
  );
}

describe("runners started together, migrations outside a transaction", () => {
  for (const dialect of DIALECTS_AND_MARIADB) {
    for (const [how, transaction, args] of [
      ["transaction = false", false, []],
      ["--transaction none", true, ["--transaction", "none"]],
    ] as const) {
      test(`${dialect}: 4 runners, 6 migrations (${how}): each applied once, every runner exits 0`, async () => {
        const project = await TestProject.create(dialect);
        try {
          await assertAppliedOnceOutsideTransactions(project, transaction, [...args]);
        } finally {
          await project.cleanup();
        }
      });
    }
  }

  test("sqlite (better-sqlite3): 4 runners, 6 migrations (transaction = false): each applied once, every runner exits 0", async () => {
    const project = await TestProject.create("sqlite", {}, { sqliteDriver: "better-sqlite3" });
    try {
      await assertAppliedOnceOutsideTransactions(project, false, []);
    } finally {
      await project.cleanup();
    }
  });
});

describe("lock timeout", () => {
  test("postgres: a runner that cannot get the lock in time exits 3 and says why", async () => {
    const project = await TestProject.create("postgres");
    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      writeTableMigrations(project, 1);
      await holder.query(`SELECT pg_advisory_lock(hashtext('athanor:migrations'))`);
      const result = await project.cli(["run", "--lock-timeout", "1"]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /Could not take the migration lock.*another migration runner held the lock/);
      await holder.query(`SELECT pg_advisory_unlock(hashtext('athanor:migrations'))`);
      await project.ok(["run"]);
    } finally {
      await holder.end();
      await project.cleanup();
    }
  });

  test("mariadb: a runner that cannot get the lock in time exits 3 and says why", async () => {
    const project = await TestProject.create("mariadb");
    const holder = await createConnection({ uri: project.env.DATABASE_URL!.replace(/^mariadb:/, "mysql:") });
    try {
      writeTableMigrations(project, 1);
      // The runners' lock (src/dialects/mysql/lock.ts), taken by another session.
      const name = "CONCAT('athanor:run:', SHA1(DATABASE()))";
      await holder.query(`SELECT GET_LOCK(${name}, 0)`);
      const result = await project.cli(["run", "--lock-timeout", "1"]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /Could not take the migration lock.*another migration runner held the lock/);
      await holder.query(`SELECT RELEASE_LOCK(${name})`);
      await project.ok(["run"]);
    } finally {
      await holder.end();
      await project.cleanup();
    }
  });

  test("sqlite: a runner blocked by another writer exits 3 and says why", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeTableMigrations(project, 1);
      await project.ok(["run", "--dry-run"]);
      const ds = await project.connect();
      try {
        await ds.query("BEGIN IMMEDIATE");
        const result = await project.cli(["run", "--lock-timeout", "1"]);
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /locked by another process/);
        await ds.query("ROLLBACK");
      } finally {
        await ds.destroy();
      }
      await project.ok(["run"]);
    } finally {
      await project.cleanup();
    }
  });
});
