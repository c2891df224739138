/**
 * A migration stopped part-way outside a transaction (`transaction =
 * false`, `run --transaction none`): what `run` says and what the next
 * `run` does.
 *
 * The message says what took effect, which statement failed (or was
 * cancelled), and what did not take effect: listed where the code can be
 * read without a database, counted or said to be unknown otherwise. Its
 * counts are of writing statements (a SELECT is not one), and say so.
 *
 * Continuing, the op() calls that finished are passed over whole, not by
 * a count of statements (an op() call that reads the live schema renders
 * other statements the second time), and a continuation whose code does
 * something else before the point where it stopped is refused (E245)
 * before it sends anything.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { DIALECTS, TestProject, type CliResult, type DialectName, type SpawnedCli } from "../support/project";
import { appliedNames, assertItemsIntact, createItems, q, writeMigrationBody } from "../support/faults";
import { AT_GATE, GATE_STATEMENT, closeGate, openGate, waitForStatement } from "../support/sessions";
import { waitForSqliteStatement } from "../support/sqlite-in-flight";

const column = (name: string, type = "integer", extra = "") => `{ name: "${name}", type: "${type}", nullable: true${extra} }`;
const table = (name: string) =>
  `{ name: "${name}", columns: [{ name: "id", type: "integer", nullable: false }], primaryKey: { columns: ["id"] }, uniques: [], indexes: [], foreignKeys: [], checks: [] }`;
const opCall = (call: string) => `    await op(queryRunner).${call};`;

/** A read of whether items still has its note column, in the dialect's own catalog. */
const HAS_NOTE: Record<DialectName, string> = {
  sqlite: `SELECT 1 AS found FROM pragma_table_info('items') WHERE name = 'note'`,
  postgres: `SELECT 1 AS found FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'`,
};

function details(stderr: string, label: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith(`  ${label}: `))
    .map((l) => l.slice(label.length + 4));
}

/** `status` shows migration `name` pending, `how` (e.g. "partially applied: 2 of 3 writing statements"). */
async function assertShownPending(project: TestProject, name: string, how: string): Promise<void> {
  assert.match((await project.cli(["status"])).stdout, new RegExp(`${name}  pending, ${how}$`, "m"));
}

async function assertNothingPending(project: TestProject): Promise<void> {
  assert.equal(JSON.parse((await project.cli(["status", "--json"])).stdout).pending, 0);
}

/** The rows the migrations' INSERTs added to items (ids above 1000) are `ids`: each INSERT ran once. */
async function assertInsertedOnce(project: TestProject, ids: number[]): Promise<void> {
  const added = await project.query(`SELECT "id" FROM "items" WHERE "id" > 1000 ORDER BY "id"`);
  assert.deepEqual(
    added.map((r: any) => Number(r.id)),
    ids,
    "each INSERT ran once",
  );
}

/**
 * The run that continued a migration stopped part-way (its INSERT into nope
 * failed until nope existed) finished: exit 0, items holds the added `ids`
 * once each, the INSERT into nope ran, `name` is applied, nothing is pending
 * and items' own rows are intact.
 */
async function assertContinuedRunFinished(project: TestProject, result: CliResult, name: string, ids: number[]): Promise<void> {
  assert.equal(result.code, 0, result.stdout + result.stderr);
  await assertInsertedOnce(project, ids);
  assert.equal((await project.query(`SELECT * FROM "nope"`)).length, 1, "the failed statement ran");
  assert.deepEqual(await appliedNames(project), [name]);
  await assertNothingPending(project);
  await assertItemsIntact(project);
}

/**
 * The revert that continued one stopped part-way (its down() logs to
 * revert_log, fails on nope until nope exists, and drops items.y) finished:
 * exit 0, revert_log holds `notes` (`why`: each INSERT ran once), the INSERT
 * into nope ran, y is gone and nothing is applied.
 */
async function assertRevertFinished(project: TestProject, result: CliResult, notes: string[], why: string): Promise<void> {
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const log = await project.query(`SELECT "note" FROM "revert_log" ORDER BY "note"`);
  assert.deepEqual(
    log.map((r: any) => r.note),
    notes,
    why,
  );
  assert.equal((await project.query(`SELECT * FROM "nope"`)).length, 1);
  assert.ok(!(await project.introspect()).tables.items.columns.some((c) => c.name === "y"));
  assert.deepEqual(await appliedNames(project), []);
}

/**
 * A read that does not end while the test looks, so that Ctrl-C finds it in
 * flight whatever the machine's speed: on PostgreSQL it waits at the test's
 * gate (an advisory lock an admin session holds, test/support/sessions.ts);
 * on SQLite it counts for minutes unless sleep_for says 0.
 */
interface SlowRead {
  sql: string;
  /** Wait until `running` (spawned with --verbose) is inside the read. */
  inFlight(running: SpawnedCli, outsideTransaction: boolean): Promise<void>;
  /** From now on the read ends at once. */
  release(): Promise<void>;
}

const SQLITE_SLOW_READ = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT "seconds" FROM "sleep_for") * 100000000) SELECT COUNT(*) FROM c`;

/** A project of `dialect` with items and a slow read ready for `body`; cleaned up after. */
async function withSlowRead(dialect: DialectName, body: (project: TestProject, slow: SlowRead) => Promise<void>): Promise<void> {
  const project = await TestProject.create(dialect);
  const admin = dialect === "postgres" ? new Client({ connectionString: project.env.DATABASE_URL }) : undefined;
  try {
    await createItems(project);
    if (admin) {
      await admin.connect();
      await closeGate(admin);
      await body(project, { sql: GATE_STATEMENT, inFlight: () => waitForStatement(admin, AT_GATE), release: () => openGate(admin) });
    } else {
      await project.query(`CREATE TABLE "sleep_for" ("seconds" integer)`);
      await project.query(`INSERT INTO "sleep_for" ("seconds") VALUES (30)`);
      await body(project, {
        sql: SQLITE_SLOW_READ,
        // Outside a transaction its read of sleep_for is seen holding the shared lock; inside one, only seen sent.
        inFlight: (running, outsideTransaction) => waitForSqliteStatement(project, running, /WITH RECURSIVE/, outsideTransaction),
        release: async () => void (await project.query(`UPDATE "sleep_for" SET "seconds" = 0`)),
      });
    }
  } finally {
    await admin?.end();
    await project.cleanup();
  }
}

/** `args` (a run or revert, with --transaction none or not) spawned with --verbose, stopped by SIGINT inside `slow`: exit 130. */
async function interruptedInSlowRead(project: TestProject, slow: SlowRead, args: string[]): Promise<CliResult> {
  const running = project.spawn([...args, "--verbose"]);
  await slow.inFlight(running, args.includes("none"));
  running.child.kill("SIGINT");
  const result = await running.result;
  assert.equal(result.code, 130, result.stdout + result.stderr);
  return result;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const dialect of DIALECTS) {
  describe(`${dialect}: what run says of a migration stopped part-way`, () => {
    test("raw statements, the 2nd failing: applied, failing and still to run are each listed; the count is of 3", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "ThreeRaw",
          transaction: false,
          up: [
            q(`CREATE TABLE "a1" ("id" integer PRIMARY KEY)`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
            q(`CREATE TABLE "a3" ("id" integer PRIMARY KEY)`),
          ].join("\n"),
        });
        const result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} failed \\(it ran outside a transaction: the statement listed below as already applied remains, ` +
              `and it is recorded as partially applied \\(1 of 3 writing statements\\); the failing statement did not take effect, ` +
              `and the 1 statement listed below as still to run did not take effect; fix the cause and run again to continue from the failed statement\\): `,
          ),
        );
        assert.deepEqual(details(result.stderr, "failing statement"), [`INSERT INTO "nope" ("id") VALUES (1)`]);
        assert.deepEqual(details(result.stderr, "already applied"), [`CREATE TABLE "a1" ("id" integer PRIMARY KEY)`]);
        assert.deepEqual(details(result.stderr, "still to run"), [`CREATE TABLE "a3" ("id" integer PRIMARY KEY)`]);
        const tables = Object.keys((await project.introspect()).tables).sort();
        assert.deepEqual(tables, ["a1", "items"], "what the message says is what the database holds");
        await assertShownPending(project, name, "partially applied: 1 of 3 writing statements");
      } finally {
        await project.cleanup();
      }
    });

    test("op() calls, the 2nd failing, with --transaction none: the op() calls not run are listed", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "ThreeOps",
          up: [
            opCall(`createTable(${table("b1")} as any)`),
            opCall(`addColumn("nope", ${column("x")} as any)`),
            opCall(`addColumn("items", ${column("y")} as any)`),
          ].join("\n"),
        });
        const result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /it is recorded as partially applied \(1 of 3 writing statements\); the failing statement did not take effect, and the 1 statement listed below as still to run did not take effect;/,
        );
        assert.deepEqual(details(result.stderr, "failing statement"), [`ALTER TABLE "nope" ADD COLUMN "x" integer`]);
        assert.equal(details(result.stderr, "already applied").length, 1);
        assert.match(details(result.stderr, "already applied")[0], /^CREATE TABLE "b1"/);
        assert.deepEqual(details(result.stderr, "still to run"), [`ALTER TABLE "items" ADD COLUMN "y" integer`]);
        assert.deepEqual(await appliedNames(project), [name]);
      } finally {
        await project.cleanup();
      }
    });

    test("code that throws half-way: what it runs after that is said to be unknown, not listed", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "Throws",
          transaction: false,
          up: [
            q(`CREATE TABLE "a1" ("id" integer PRIMARY KEY)`),
            `    throw new Error("boom");`,
            q(`CREATE TABLE "a3" ("id" integer PRIMARY KEY)`),
          ].join("\n"),
        });
        const result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /\(1 writing statement\); what its code runs after that is not known without running it; fix the cause/,
        );
        assert.deepEqual(details(result.stderr, "still to run"), []);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("postgres: Ctrl-C during a read outside a transaction", () => {
  test("the stop message names what took effect, the cancelled read and what did not run, and counts writing statements", async () => {
    await withSlowRead("postgres", async (project, slow) => {
      const name = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "SlowRead",
        transaction: false,
        up: [q(`CREATE TABLE "a1" ("id" integer PRIMARY KEY)`), q(slow.sql), q(`CREATE TABLE "a3" ("id" integer PRIMARY KEY)`)].join("\n"),
      });
      const result = await interruptedInSlowRead(project, slow, ["run"]);
      assert.match(
        result.stderr,
        new RegExp(
          `\\nerror: Stopped by SIGINT: no migration completed; stopped ${name} part-way outside a transaction \\(` +
            `1 of its 2 writing statements took effect and stay applied \\(listed below as already applied\\), ` +
            `the statement in flight was cancelled and did not take effect \\(listed below as cancelled\\) ` +
            `and the 1 statement listed below as still to run did not take effect; it is recorded as partially applied\\); ` +
            `the migration lock was released: run again to continue\\.\\n` +
            `  already applied: CREATE TABLE "a1" \\("id" integer PRIMARY KEY\\)\\n` +
            `  cancelled: ${escapeRegExp(slow.sql)}\\n` +
            `  still to run: CREATE TABLE "a3" \\("id" integer PRIMARY KEY\\)\\n$`,
        ),
      );
      assert.match((await project.cli(["status"])).stdout, /pending, partially applied: 1 of 2 writing statements$/m);
    });
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: continuing a migration stopped part-way`, () => {
    test("op() calls that read the live schema take another path the second time: refused (E245), nothing sent, the row kept", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        await project.query(`CREATE TABLE "blocker" ("id" integer PRIMARY KEY)`);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "ReadsSchema",
          transaction: false,
          up: [
            opCall(`addColumn("items", ${column("a")} as any)`),
            `    const hasNote = (await queryRunner.query(${JSON.stringify(HAS_NOTE[dialect])})).length > 0;`,
            `    if (hasNote) await op(queryRunner).dropColumn("items", ${column("note", "varchar", ", length: 50")} as any);`,
            opCall(`createTable(${table("blocker")} as any)`),
          ].join("\n"),
        });
        let result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match((await project.cli(["status"])).stdout, /pending, partially applied: 2 (of \d+ )?writing statements$/m);
        await project.query(`DROP TABLE "blocker"`);

        // The second time the note column is gone: its dropColumn is not called, and the createTable
        // is the 2nd op() call. Passed over by position, blocker would never be created.
        result = await project.cli(["run"]);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} cannot be continued: it stopped part-way in an earlier run \\(2 (of \\d+ )?writing statements, 2 op\\(\\) calls finished\\), ` +
              `and this time its code calls other operations, or sends other statements, before the point where the earlier run stopped, ` +
              "so passing over what took effect could skip a statement that never ran or run one twice; nothing was sent\\. " +
              `Compare the database with the migration, then finish it by hand and run \`athanor stamp ${name}\`, ` +
              "or undo its applied statements by hand and run `athanor stamp base`\\.\\n$",
          ),
        );
        const tables = Object.keys((await project.introspect()).tables).sort();
        assert.deepEqual(tables, ["items"], "nothing was sent: blocker not created");
        assert.match(
          (await project.cli(["status"])).stdout,
          /pending, partially applied: 2 (of \d+ )?writing statements$/m,
          "the row is kept",
        );

        // Finished by hand, stamped: applied.
        await project.query(`CREATE TABLE "blocker" ("id" integer PRIMARY KEY)`);
        result = await project.cli(["stamp", name]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        await assertNothingPending(project);
        await assertItemsIntact(project);
      } finally {
        await project.cleanup();
      }
    });

    test("raw statements that differ the second time: refused (E245) before anything is sent", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "RawBranches",
          transaction: false,
          up: [
            q(`CREATE TABLE "a1" ("id" integer PRIMARY KEY)`),
            `    if ((await queryRunner.query(${JSON.stringify(HAS_NOTE[dialect])})).length > 0) {`,
            q(`UPDATE "items" SET "note" = 'x' WHERE "id" = 1`),
            q(`ALTER TABLE "items" DROP COLUMN "note"`),
            `    }`,
            q(`CREATE TABLE "a3" ("id" integer PRIMARY KEY)`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
          ].join("\n"),
        });
        let result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        await project.query(`DROP TABLE "a3"`);
        // Undone by hand behind Athanor's back, so the second pass sends other statements: by count,
        // CREATE TABLE a3 would be passed over as if it had run.
        await project.query(`CREATE TABLE "nope" ("id" integer)`);
        result = await project.cli(["run"]);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(`^error: Migration ${name} cannot be continued: it stopped part-way in an earlier run \\(4 writing statements\\)`),
        );
        assert.equal((await project.query(`SELECT * FROM "nope"`)).length, 0, "nothing was sent");
      } finally {
        await project.cleanup();
      }
    });

    for (const [how, first, transaction] of [
      ["transaction = false, continued by run", ["run"], false],
      ["run --transaction none, continued by run in a transaction", ["run", "--transaction", "none"], undefined],
    ] as const) {
      test(`op() calls and raw statements mixed (${how}): each that took effect is passed over once, the rest runs`, async () => {
        const project = await TestProject.create(dialect);
        try {
          await createItems(project);
          const name = writeMigrationBody(project, {
            timestamp: 1700000000001,
            name: "Mixed",
            transaction,
            up: [
              q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'before the op() calls')`),
              opCall(`createTable(${table("b1")} as any)`),
              q(`INSERT INTO "items" ("id", "name") VALUES (1002, 'between them')`),
              opCall(`addColumn("items", ${column("y")} as any)`),
              q(`INSERT INTO "items" ("id", "name") VALUES (1003, 'after them')`),
              q(`INSERT INTO "nope" ("id") VALUES (1)`),
              opCall(`addColumn("items", ${column("z")} as any)`),
            ].join("\n"),
          });
          const result = await project.cli([...first]);
          assert.equal(result.code, 3, result.stdout + result.stderr);
          assert.match(result.stderr, /recorded as partially applied \(5 (of 7 )?writing statements\)/);
          await project.query(`CREATE TABLE "nope" ("id" integer)`);
          await assertContinuedRunFinished(project, await project.cli(["run"]), name, [1001, 1002, 1003]);
          const columns = (await project.introspect()).tables.items.columns.map((c) => c.name);
          assert.deepEqual(columns.slice(-2), ["y", "z"]);
        } finally {
          await project.cleanup();
        }
      });
    }

    test("an op() call whose statements differ the second time is passed over whole: the one after it runs", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        await project.query(`CREATE INDEX "IX_items_note" ON "items" ("note")`);
        await project.query(`CREATE TABLE "blocker" ("id" integer PRIMARY KEY)`);
        // On SQLite the alterColumn rebuilds items and re-creates its indexes: one statement more
        // the first time (the index the next call drops) than the second.
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "Rebuilds",
          transaction: false,
          up: [
            opCall(
              `alterColumn("items", ${column("note", "varchar", ", length: 50")} as any, ${column("note", "varchar", ", length: 80")} as any)`,
            ),
            opCall(`dropIndex("items", { name: "IX_items_note", columns: ["note"], unique: false })`),
            opCall(`createTable(${table("blocker")} as any)`),
            opCall(`addColumn("items", ${column("after")} as any)`),
          ].join("\n"),
        });
        let result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        await project.query(`DROP TABLE "blocker"`);
        result = await project.cli(["run"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const schema = await project.introspect();
        assert.deepEqual(Object.keys(schema.tables).sort(), ["blocker", "items"], "the createTable after the passed-over calls ran");
        assert.ok(schema.tables.items.columns.some((c) => c.name === "after"));
        assert.deepEqual(schema.tables.items.indexes, [], "the dropped index is not re-created");
        assert.equal(schema.tables.items.columns.find((c) => c.name === "note")?.length, 80);
        assert.deepEqual(await appliedNames(project), [name]);
        await assertNothingPending(project);
        await assertItemsIntact(project);
      } finally {
        await project.cleanup();
      }
    });
  });
}

// MariaDB commits each DDL statement, so every migration runs outside a transaction there.
describe("mariadb: continuing a migration stopped part-way", () => {
  test("op() calls that read the live schema take another path the second time: refused (E245), nothing sent, the row kept", async () => {
    const project = await TestProject.create("mariadb");
    try {
      await project.query(`CREATE TABLE items (id integer PRIMARY KEY, note varchar(50))`);
      await project.query(`CREATE TABLE blocker (id integer PRIMARY KEY)`);
      const name = writeMigrationBody(project, {
        timestamp: 1700000000001,
        name: "ReadsSchema",
        up: [
          opCall(`addColumn("items", ${column("a")} as any)`),
          `    const hasNote = (await queryRunner.query("SELECT 1 AS found FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'items' AND column_name = 'note'")).length > 0;`,
          `    if (hasNote) await op(queryRunner).dropColumn("items", ${column("note", "varchar", ", length: 50")} as any);`,
          opCall(`createTable(${table("blocker")} as any)`),
          opCall(`addColumn("items", ${column("after")} as any)`),
        ].join("\n"),
      });
      let result = await project.cli(["run"]);
      assert.equal(result.code, 3, result.stdout + result.stderr);
      await project.query(`DROP TABLE blocker`);
      result = await project.cli(["run"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: Migration ${name} cannot be continued: it stopped part-way in an earlier run \\(2 (of \\d+ )?writing statements, 2 op\\(\\) calls finished\\)`,
        ),
      );
      assert.deepEqual(Object.keys((await project.introspect()).tables).sort(), ["items"], "nothing was sent");
      assert.match(
        (await project.cli(["status"])).stdout,
        /pending, partially applied: 2 (of \d+ )?writing statements$/m,
        "the row is kept",
      );
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: continuing a revert stopped part-way`, () => {
    for (const [how, transaction, first] of [
      ["transaction = false", false, ["revert"]],
      ["revert --transaction none, continued by revert in a transaction", undefined, ["revert", "--transaction", "none"]],
    ] as const) {
      test(`a raw statement before the last finished op() call of down() is passed over too, not sent again (${how})`, async () => {
        const project = await TestProject.create(dialect);
        try {
          await createItems(project);
          await project.query(`CREATE TABLE "revert_log" ("note" varchar(50))`);
          writeMigrationBody(project, {
            timestamp: 1700000000001,
            name: "RevertMixed",
            transaction,
            up: opCall(`addColumn("items", ${column("y")} as any)`),
            down: [
              q(`INSERT INTO "revert_log" ("note") VALUES ('down started')`),
              opCall(`dropColumn("items", ${column("y")} as any)`),
              q(`INSERT INTO "nope" ("id") VALUES (1)`),
              q(`INSERT INTO "revert_log" ("note") VALUES ('down finished')`),
            ].join("\n"),
          });
          assert.equal((await project.cli(["run"])).code, 0);
          const result = await project.cli([...first]);
          assert.equal(result.code, 3, result.stdout + result.stderr);
          // All of down() was to run from its start: what did not take effect is listed, as for up, where down() can be
          // read without a database (on SQLite its dropColumn renders from the live schema: said to be unknown).
          const rest =
            dialect === "postgres"
              ? "the 1 statement listed below as still to run did not take effect"
              : "what its code runs after that is not known without running it";
          assert.match(
            result.stderr,
            new RegExp(
              `recorded as partly reverted \\(2 writing statements of its revert done\\); the failing statement did not take effect, and ${rest}; fix the cause`,
            ),
          );
          assert.deepEqual(
            details(result.stderr, "still to run"),
            dialect === "postgres" ? [`INSERT INTO "revert_log" ("note") VALUES ('down finished')`] : [],
          );
          assert.match((await project.cli(["status"])).stdout, /pending, partly reverted: 2 writing statements of its revert done$/m);
          await project.query(`CREATE TABLE "nope" ("id" integer)`);
          await assertRevertFinished(
            project,
            await project.cli(["revert"]),
            ["down finished", "down started"],
            "the INSERT before the dropColumn ran once, the one after it once",
          );
        } finally {
          await project.cleanup();
        }
      });
    }
  });
}

/**
 * `run --transaction none` puts every migration outside a transaction: it is
 * followed statement by statement exactly as one with `transaction = false`
 * (a progress row, `status`, the next run continues it), whatever stops it.
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: run --transaction none stopped part-way is recorded, shown and continued`, () => {
    test("Ctrl-C during its 3rd statement: recorded as partially applied (2 of 3), status shows it, the next run (in a transaction) runs the rest once", async () => {
      await withSlowRead(dialect, async (project, slow) => {
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "StoppedByCtrlC",
          up: [
            q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'first')`),
            opCall(`addColumn("items", ${column("added")} as any)`),
            q(slow.sql),
            q(`INSERT INTO "items" ("id", "name") VALUES (1002, 'after the slow read')`),
          ].join("\n"),
        });
        const result = await interruptedInSlowRead(project, slow, ["run", "--transaction", "none"]);
        // The slow read is no writing statement on either database: 2 of 3.
        assert.match(
          result.stderr,
          new RegExp(
            `\\nerror: Stopped by SIGINT: no migration completed; stopped ${name} part-way outside a transaction \\(` +
              `2 of its 3 writing statements took effect and stay applied \\(listed below as already applied\\), ` +
              `the statement in flight was cancelled and did not take effect \\(listed below as cancelled\\) ` +
              `and the 1 statement listed below as still to run did not take effect; it is recorded as partially applied\\); ` +
              `the migration lock was released: run again to continue\\.\\n`,
          ),
        );
        assert.deepEqual(details(result.stderr, "still to run"), [
          `INSERT INTO "items" ("id", "name") VALUES (1002, 'after the slow read')`,
        ]);
        await assertShownPending(project, name, "partially applied: 2 of 3 writing statements");
        assert.deepEqual(await appliedNames(project), [name]);

        await slow.release();
        const next = await project.cli(["run"]);
        assert.equal(next.code, 0, next.stdout + next.stderr);
        await assertInsertedOnce(project, [1001, 1002]);
        assert.ok((await project.introspect()).tables.items.columns.some((c) => c.name === "added"));
        await assertNothingPending(project);
        await assertItemsIntact(project);
      });
    });

    test("a failing 3rd statement: recorded; a run in a transaction that fails again rolls back only its own part and keeps the row; the next one finishes", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "FailsPartWay",
          up: [
            q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'first')`),
            opCall(`addColumn("items", ${column("added")} as any)`),
            q(`INSERT INTO "items" ("id", "name") VALUES (1002, 'third')`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
            q(`INSERT INTO "items" ("id", "name") VALUES (1003, 'last')`),
          ].join("\n"),
        });
        let result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /it is recorded as partially applied \(3 of 5 writing statements\)/);
        await assertShownPending(project, name, "partially applied: 3 of 5 writing statements");

        // Continued in a transaction (the default mode), failing again: the part it ran is rolled back, the earlier part stays recorded.
        result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${name} failed \\(it was continued in a transaction: what this run sent of it was rolled back, ` +
              `and the part an earlier run applied outside a transaction remains, recorded as partially applied \\(3 of 5 writing statements\\); ` +
              `fix the cause and run again to continue from the failed statement\\): `,
          ),
        );
        await assertShownPending(project, name, "partially applied: 3 of 5 writing statements");

        await project.query(`CREATE TABLE "nope" ("id" integer)`);
        await assertContinuedRunFinished(project, await project.cli(["run", "--transaction", "none"]), name, [1001, 1002, 1003]);
      } finally {
        await project.cleanup();
      }
    });

    test("--transaction all: a later migration failing after a continued one says the continued one's earlier part remains, recorded; the next run finishes both", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const continuedName = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "FailsPartWay",
          up: [
            q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'first')`),
            opCall(`addColumn("items", ${column("added")} as any)`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
            q(`INSERT INTO "items" ("id", "name") VALUES (1003, 'last')`),
          ].join("\n"),
        });
        let result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /it is recorded as partially applied \(2 of 4 writing statements\)/);

        // The first is fixed and continued, inside the run's one transaction; the one after it fails.
        await project.query(`CREATE TABLE "nope" ("id" integer)`);
        const laterName = writeMigrationBody(project, {
          timestamp: 1700000000002,
          name: "FailsLater",
          up: [q(`INSERT INTO "items" ("id", "name") VALUES (2001, 'later')`), q(`INSERT INTO "nope_either" ("id") VALUES (1)`)].join("\n"),
        });
        result = await project.cli(["run", "--transaction", "all"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: Migration ${laterName} failed \\(the whole transaction of 2 migrations was rolled back and nothing it sent remains, ` +
              `but the part of ${continuedName} an earlier run applied outside a transaction remains, recorded as partially applied \\(2 of 4 writing statements\\); ` +
              `fix the cause and run again to continue ${continuedName} from where it stopped\\): `,
          ),
        );
        assert.doesNotMatch(result.stderr, /nothing was recorded/);
        const status = (await project.cli(["status"])).stdout;
        assert.match(status, new RegExp(`${continuedName}  pending, partially applied: 2 of 4 writing statements$`, "m"));
        assert.match(status, new RegExp(`${laterName}  pending$`, "m"));
        assert.deepEqual(
          (await project.query(`SELECT "id" FROM "items" WHERE "id" > 1000 ORDER BY "id"`)).map((r: any) => Number(r.id)),
          [1001],
          "what the rolled-back run sent is gone; the earlier part is not",
        );

        await project.query(`CREATE TABLE "nope_either" ("id" integer)`);
        result = await project.cli(["run", "--transaction", "all"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.deepEqual(
          (await project.query(`SELECT "id" FROM "items" WHERE "id" > 1000 ORDER BY "id"`)).map((r: any) => Number(r.id)),
          [1001, 1003, 2001],
          "each INSERT ran once",
        );
        assert.deepEqual(await appliedNames(project), [continuedName, laterName]);
        assert.equal(JSON.parse((await project.cli(["status", "--json"])).stdout).pending, 0);
        await assertItemsIntact(project);
      } finally {
        await project.cleanup();
      }
    });

    test("Ctrl-C while a run in a transaction continues it: only what that run sent is rolled back, the earlier part stays recorded", async () => {
      await withSlowRead(dialect, async (project, slow) => {
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "ContinuedThenStopped",
          up: [
            q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'first')`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
            q(slow.sql),
            q(`INSERT INTO "items" ("id", "name") VALUES (1002, 'last')`),
          ].join("\n"),
        });
        let result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /recorded as partially applied \(1 of 3 writing statements\)/);
        await project.query(`CREATE TABLE "nope" ("id" integer)`);

        result = await interruptedInSlowRead(project, slow, ["run"]);
        assert.match(
          result.stderr,
          new RegExp(
            `\\nerror: Stopped by SIGINT: no migration completed; rolled back what this run sent of ${name} \\(continued in a transaction: ` +
              `the part an earlier run left outside one remains, still recorded as partially applied \\(1 of 3 writing statements\\)\\); ` +
              `the migration lock was released: run again to continue\\.\\n$`,
          ),
        );
        assert.equal((await project.query(`SELECT * FROM "nope"`)).length, 0, "the INSERT this run sent was rolled back");
        await assertShownPending(project, name, "partially applied: 1 of 3 writing statements");

        await slow.release();
        await assertContinuedRunFinished(project, await project.cli(["run"]), name, [1001, 1002]);
      });
    });

    test("followed with one progress write per op() call and per raw statement (--verbose shows each)", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        const indexed = (name: string) =>
          `{ name: "${name}", columns: [{ name: "id", type: "integer", nullable: false }, { name: "p", type: "integer", nullable: true }], primaryKey: { columns: ["id"] }, uniques: [], indexes: [{ name: "IX_${name}_p", columns: ["p"], unique: false }], foreignKeys: [], checks: [] }`;
        writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "Followed",
          up: [
            // Two statements in a transaction of their own, then one alone, then a raw statement.
            opCall(`createTable(${indexed("f1")} as any)`),
            opCall(`addColumn("items", ${column("added")} as any)`),
            q(`INSERT INTO "items" ("id", "name") VALUES (1001, 'raw')`),
          ].join("\n"),
        });
        const result = await project.cli(["run", "--transaction", "none", "--verbose"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const writes = result.stdout.split("\n").filter((l) => /^(INSERT INTO|UPDATE) "migrations_progress"/.test(l));
        assert.equal(writes.length, 3, result.stdout);
        assert.match(writes[2], /"applied_statements" = 4\b/);
      } finally {
        await project.cleanup();
      }
    });

    test("Ctrl-C during a revert --transaction none that continues an earlier one: says why what remains is not listed; the next revert finishes it", async () => {
      await withSlowRead(dialect, async (project, slow) => {
        await project.query(`CREATE TABLE "revert_log" ("note" varchar(50))`);
        const name = writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "SlowRevert",
          up: opCall(`addColumn("items", ${column("y")} as any)`),
          down: [
            q(`INSERT INTO "revert_log" ("note") VALUES ('a')`),
            q(`INSERT INTO "nope" ("id") VALUES (1)`),
            q(slow.sql),
            q(`INSERT INTO "revert_log" ("note") VALUES ('b')`),
            opCall(`dropColumn("items", ${column("y")} as any)`),
          ].join("\n"),
        });
        assert.equal((await project.cli(["run"])).code, 0);
        let result = await project.cli(["revert", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /recorded as partly reverted \(1 writing statement of its revert done\)/);
        await project.query(`CREATE TABLE "nope" ("id" integer)`);

        result = await interruptedInSlowRead(project, slow, ["revert", "--transaction", "none"]);
        assert.match(
          result.stderr,
          new RegExp(
            `\\nerror: Stopped by SIGINT: no revert completed; stopped ${name} part-way outside a transaction \\(` +
              `2 writing statements took effect and stay applied \\(listed below as already applied\\), ` +
              `the statement in flight was cancelled and did not take effect \\(listed below as cancelled\\) ` +
              `and what its revert runs after that is not listed \\(it continued an earlier revert, passing over what that one undid as it ran, ` +
              `so which of its statements remain is known only by running it\\); it is recorded as partly reverted\\); ` +
              `the migration lock was released: run again to continue\\.\\n`,
          ),
        );
        assert.match((await project.cli(["status"])).stdout, /pending, partly reverted: 2 writing statements of its revert done$/m);

        await slow.release();
        await assertRevertFinished(
          project,
          await project.cli(["revert", "--transaction", "none"]),
          ["a", "b"],
          "each INSERT of down() ran once",
        );
      });
    });

    test("revert --transaction none of a partly applied migration undoes only the part that took effect", async () => {
      const project = await TestProject.create(dialect);
      try {
        await createItems(project);
        writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "PartThenRevert",
          up: [
            opCall(`addColumn("items", ${column("a")} as any)`),
            opCall(`addColumn("items", ${column("b")} as any)`),
            opCall(`addColumn("nope", ${column("c")} as any)`),
          ].join("\n"),
          down: [
            opCall(`dropColumn("nope", ${column("c")} as any)`),
            opCall(`dropColumn("items", ${column("b")} as any)`),
            opCall(`dropColumn("items", ${column("a")} as any)`),
          ].join("\n"),
        });
        let result = await project.cli(["run", "--transaction", "none"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /recorded as partially applied \(2 of 3 writing statements\)/);
        result = await project.cli(["revert", "--transaction", "none"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const columns = (await project.introspect()).tables.items.columns.map((c) => c.name);
        assert.deepEqual(columns, ["id", "name", "note"]);
        assert.deepEqual(await appliedNames(project), []);
        await assertItemsIntact(project);
      } finally {
        await project.cleanup();
      }
    });
  });
}
