/**
 * Offline SQL and `show`, with the real CLI, on SQLite and PostgreSQL:
 * `run --sql` / `revert --sql` print a script and touch nothing (not even an
 * unreachable server), ranges select what the script covers, `show` prints a
 * migration's header, operations and SQL — and the statements `run --sql`
 * prints are exactly the statements `run` sends, SQLite table rebuilds
 * included (rendered from the replayed model offline, from the catalogs live).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject, type CliResult } from "../support/project";
import { findDialect } from "../../src/dialects";
import { formatStatement, migrationSql } from "../../src/runner/offline";
import { emptyModel } from "../../src/runner/recording-query-runner";
import { op } from "../../src/migration-api/api";
import type { MigrationSource } from "../../src/runner/discover";
import { ITEM_V1, ITEM_V2 } from "../support/entities";

/**
 * Hand-written: raw SQL (a data change, recorded verbatim, leaves the model
 * usable) followed by an op() call that rebuilds the table on SQLite.
 */
function touchMigration(timestamp: number): string {
  const quantity = (d: string) => `{ name: "quantity", type: "integer", nullable: false, default: "${d}" }`;
  return `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";

export class Touch${timestamp} implements MigrationInterface {
  name = "Touch${timestamp}";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`UPDATE "items" SET "quantity" = 8 WHERE "quantity" = 7\`);
    await op(queryRunner).alterColumn("items", ${quantity("7")}, ${quantity("8")});
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await op(queryRunner).alterColumn("items", ${quantity("8")}, ${quantity("7")});
    await queryRunner.query(\`UPDATE "items" SET "quantity" = 7 WHERE "quantity" = 8\`);
  }
}
`;
}

/** The statements `introspect` sends: live runs read the catalogs to render a SQLite rebuild. */
async function catalogReads(dialect: string): Promise<string[]> {
  const reads: string[] = [];
  await findDialect(dialect)!.introspect({ query: async (sql: string) => (reads.push(sql), []) }, { exclude: ["migrations"] });
  return reads;
}

/**
 * What `run --verbose` printed, reduced to what offline SQL promises to
 * reproduce: progress lines, catalog reads and the restore of SQLite's
 * foreign_keys setting left out, TypeORM's spelling of BEGIN normalized.
 * SQLite's commit-time foreign-key check covers the tables a live run
 * touched (a catalog read finds them), none after a migration that only
 * created tables without foreign keys; a script checks every table, so the
 * check is left out on both sides (normalize) and counted apart. The
 * live run's commit tuning is left out too (runner/offline.ts says why):
 * PostgreSQL's deferred flush, the execution_ms corrections and the
 * transaction of the last one; so is PostgreSQL's check of the run-level
 * lock, which a live run sends with each re-read; the live runs below share no SQLite commits
 * (COMMIT_EACH). So is the progress table a live run outside a transaction
 * keeps (`--transaction none`: created when missing, a row written as each
 * migration goes, deleted at the end): a script is not continued by
 * Athanor, so it has none.
 */
function liveStatements(stdout: string, reads: string[]): string {
  let text = stdout
    // The progress table's existence check on PostgreSQL (its name goes as a parameter), then every statement naming it.
    .replace(/\n?SELECT a\.attname AS column_name\nFROM pg_class c\n[\s\S]*?ORDER BY a\.attnum;\n/g, "")
    .split("\n")
    .filter((line) => !/"migrations_progress"/.test(line))
    .filter((line) => !/^ {2}(✓|-) \w|^(Applied|Reverted|Nothing)/.test(line))
    // Outside a transaction, the session's synchronous_commit off for the run and back at its end.
    .filter(
      (line) => !/^SELECT (current_setting\('synchronous_commit'\) AS was, )?set_config\('synchronous_commit', '\w+', false\);$/.test(line),
    )
    .join("\n");
  for (const read of reads) text = text.split(formatStatement(read) + "\n").join("");
  return normalize(
    text
      .split("\n")
      .filter((line) => line !== "PRAGMA foreign_keys = ON;")
      .join("\n")
      .replace(
        /^(?:SELECT m\.type AS type, m\.name AS name FROM sqlite_master m[^\n]*\n(?:PRAGMA foreign_key_check\('[^']*'\);\n)*|(?:PRAGMA foreign_key_check\('[^']*'\);\n)+)/gm,
        "PRAGMA foreign_key_check;\n",
      )
      .split("\n")
      .map((line) => (line === "START TRANSACTION;" || line === "BEGIN TRANSACTION;" ? "BEGIN;" : line))
      .join("\n")
      .replaceAll("set_config('synchronous_commit', 'off', true), ", "")
      .replace(/UPDATE "migrations" SET "execution_ms" = \d+ WHERE "name" = '[^']*';(\n| )/g, "")
      // The run-level lock's check, sent with the re-read: a script holds no run-level lock.
      .replace(/^SELECT CASE WHEN pg_backend_pid\(\)[^;]*AS held;\n/gm, "")
      .replace(/BEGIN;\nCOMMIT;\n?$/, ""),
  );
}

/** A live run with one transaction per migration, as a script has. */
const COMMIT_EACH = { env: { ATHANOR_COMMIT_GROUP_MS: "0" } };

async function live(project: TestProject, args: string[]): Promise<CliResult> {
  const result = await project.cli(args, COMMIT_EACH);
  assert.equal(result.code, 0, `athanor ${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
  return result;
}

function offlineStatements(json: string): string {
  const result = JSON.parse(json);
  return normalize(result.migrations.flatMap((m: any) => m.statements.map(formatStatement)).join("\n"));
}

/** The bookkeeping row's applied_at and execution_ms differ by design; so does SQLite's commit-time check (see liveStatements). */
function normalize(text: string): string {
  return text
    .replace(/'\d{4}-\d\d-\d\dT[\d:.]+Z', (NULL|\d+)\)/g, "'<applied_at>', <execution_ms>)")
    .replace(/^PRAGMA foreign_key_check;\n/gm, "")
    .trim();
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: offline SQL`, () => {
    // `source` generates the migrations; `fresh` gets copies and an empty database.
    let source: TestProject;
    let fresh: TestProject;
    let names: string[];

    before(async () => {
      source = await TestProject.create(dialect, { "Item.ts": ITEM_V1 });
      await source.ok(["generate", "Init"]);
      await source.ok(["run"]);
      source.writeEntity("Item.ts", ITEM_V2);
      await source.ok(["generate", "Widen"]);
      const [first, second] = source.migrationFiles();
      const touch = Number(second.slice(0, 13)) + 1000;
      writeFileSync(join(source.dir, "migrations", `${touch}-Touch.ts`), touchMigration(touch));
      // Written by hand: recorded in athanor.sum as its author would, so the copy below can run.
      await source.ok(["sum"]);
      names = source.migrationFiles().map((f) => f.replace(/^(\d{13})-(\w+)\.ts$/, "$2$1"));
      assert.equal(first.slice(14), "Init.ts");
      fresh = await TestProject.create(dialect, { "Item.ts": ITEM_V2 });
      fresh.copyMigrationsFrom(source);
    });
    after(async () => {
      await source.cleanup();
      await fresh.cleanup();
    });

    test("run --sql prints the whole script and executes nothing", async () => {
      const files = fresh.migrationFiles();
      const result = await fresh.ok(["run", "--sql"]);
      const out = result.stdout;
      assert.match(out, new RegExp(`^-- Athanor offline SQL for ${dialect}, up from base to ${names[2]}: 3 migrations`));
      // The bookkeeping table first, then each migration in order.
      assert.match(out, /-- The bookkeeping table[^\n]*\nCREATE TABLE "migrations"/);
      const headings = [...out.matchAll(/^-- (\w+) \(up\)$/gm)].map((m) => m[1]);
      assert.deepEqual(headings, names);
      assert.match(out, /CREATE TABLE "items"/);
      assert.match(out, /UPDATE "items" SET "quantity" = 8 WHERE "quantity" = 7;/);
      assert.equal((out.match(/^BEGIN;$/gm) ?? []).length, 3);
      assert.equal((out.match(/^COMMIT;$/gm) ?? []).length, 3);
      for (const name of names) assert.match(out, new RegExp(`INSERT INTO "migrations" .*'${name}'`));

      assert.deepEqual(fresh.migrationFiles(), files, "a file was written");
      if (dialect === "sqlite") {
        assert.equal(existsSync(join(fresh.dir, "data", "app.sqlite")), false, "the database file was created");
      } else {
        const ds = await fresh.connect();
        try {
          const rows = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
          assert.deepEqual(rows, [], "tables were created");
        } finally {
          await ds.destroy();
        }
      }
    });

    if (dialect === "postgres") {
      test("run --sql and show need no server: an unreachable DATABASE_URL is fine", async () => {
        const env = { DATABASE_URL: "postgres://nobody:s3cret@127.0.0.1:1/nowhere" };
        const run = await fresh.cli(["run", "--sql"], { env });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /CREATE TABLE "items"/);
        const show = await fresh.cli(["show", "head"], { env });
        assert.equal(show.code, 0, show.stderr);
        const live = await fresh.cli(["run"], { env });
        assert.equal(live.code, 3, "the same settings do fail to connect without --sql");
      });
    }

    test("--from and --to select the range; --json gives each migration's statements", async () => {
      const middle = JSON.parse((await fresh.ok(["run", "--sql", "--from", names[0], "--to", names[1], "--json"])).stdout);
      assert.deepEqual(
        middle.migrations.map((m: any) => m.name),
        [names[1]],
      );
      assert.deepEqual(middle.preamble, [], "a script that does not start at base assumes the bookkeeping table exists");
      assert.ok(middle.migrations[0].statements.some((s: string) => /"title"/.test(s)));

      const first = JSON.parse((await fresh.ok(["run", "--sql", "--to", names[0], "--json"])).stdout);
      assert.deepEqual(
        first.migrations.map((m: any) => m.name),
        [names[0]],
      );
      assert.ok(first.preamble.length > 0);

      const stepped = JSON.parse((await fresh.ok(["run", "--sql", "--step", "2", "--json"])).stdout);
      assert.deepEqual(
        stepped.migrations.map((m: any) => m.name),
        names.slice(0, 2),
      );

      // --transaction all: one transaction around every migration, as `run --transaction all` does.
      const together = (await fresh.ok(["run", "--sql", "--transaction", "all"])).stdout;
      assert.equal((together.match(/^BEGIN;$/gm) ?? []).length, 1);
      assert.equal((together.match(/^COMMIT;$/gm) ?? []).length, 1);
      assert.deepEqual(
        [...together.matchAll(/^-- (\w+) \(up\)$/gm)].map((m) => m[1]),
        names,
      );

      const backwards = await fresh.cli(["run", "--sql", "--from", names[1], "--to", names[0]]);
      assert.equal(backwards.code, 2);
      assert.match(backwards.stderr, /older than --from/);

      const withoutSql = await fresh.cli(["run", "--from", names[0]]);
      assert.equal(withoutSql.code, 2);
      assert.match(withoutSql.stderr, /--from .* together with --sql/);
    });

    test("revert --sql: the newest migration by default, a range with --from/--to, in reverse order", async () => {
      const newest = await fresh.ok(["revert", "--sql"]);
      assert.deepEqual(
        [...newest.stdout.matchAll(/^-- (\w+) \(down\)$/gm)].map((m) => m[1]),
        [names[2]],
      );
      assert.match(newest.stdout, new RegExp(`DELETE FROM "migrations" WHERE "name" = '${names[2]}';`));
      assert.match(newest.stdout, /UPDATE "items" SET "quantity" = 7 WHERE "quantity" = 8;/);

      const all = await fresh.ok(["revert", "--sql", "--from", names[1], "--to", "base"]);
      assert.deepEqual(
        [...all.stdout.matchAll(/^-- (\w+) \(down\)$/gm)].map((m) => m[1]),
        [names[1], names[0]],
      );
      assert.match(all.stdout, /DROP TABLE "items"/);
      assert.doesNotMatch(all.stdout, /CREATE TABLE "migrations"/);
    });

    test("show prints the header, the operations and the SQL of up and down", async () => {
      const shown = await fresh.ok(["show", "Widen"]);
      assert.match(shown.stdout, /^\/\*\*\n \* Widen\n/);
      assert.match(shown.stdout, /Migration: Widen\d{13} \(migrations\/\d{13}-Widen\.ts\)/);
      assert.match(shown.stdout, /Operations \(up\):\n(  - .*\n)*  - alter column items\.title: varchar\(20\) → varchar\(200\)/);
      assert.match(shown.stdout, /  - add column items\.quantity integer NOT NULL DEFAULT 7/);
      assert.match(shown.stdout, new RegExp(`Up SQL \\(${dialect}\\):\n  `));
      assert.match(shown.stdout, new RegExp(`Down SQL \\(${dialect}\\):\n  `));
      assert.match(shown.stdout, /DROP INDEX/);

      const json = JSON.parse((await fresh.ok(["show", "head", "--json"])).stdout);
      assert.equal(json.name, names[2]);
      assert.equal(json.dialect, dialect);
      assert.equal(json.header, undefined, "the hand-written file has no header comment");
      assert.deepEqual(json.operations, [
        `run SQL: UPDATE "items" SET "quantity" = 8 WHERE "quantity" = 7`,
        "alter column items.quantity: default 7 → 8",
      ]);
      assert.equal(json.upSql[0], `UPDATE "items" SET "quantity" = 8 WHERE "quantity" = 7`);
      assert.equal(json.downSql[json.downSql.length - 1], `UPDATE "items" SET "quantity" = 7 WHERE "quantity" = 8`);

      const base = await fresh.cli(["show", "base"]);
      assert.equal(base.code, 2);
      assert.match(base.stderr, /not a migration/);
    });

    test("the statements run --sql prints are exactly those run sends (and revert --sql, revert)", async () => {
      const reads = await catalogReads(dialect);
      const offlineUp = (await fresh.ok(["run", "--sql", "--json"])).stdout;
      const liveUp = await live(fresh, ["run", "--verbose"]);
      assert.equal(liveStatements(liveUp.stdout, reads), offlineStatements(offlineUp));
      if (dialect === "sqlite") {
        // The script checks every table before each migration's row.
        const script = JSON.parse(offlineUp).migrations.map((m: any) => m.statements.map(formatStatement).join("\n"));
        for (const text of script) assert.match(text, /^PRAGMA foreign_key_check;\nINSERT INTO "migrations"/m);
        // Tables were rebuilt: live from a catalog read, offline from the replayed model.
        assert.match(offlineUp, /CREATE TABLE \\"temporary_items\\"/);
        assert.ok(liveUp.stdout.includes(formatStatement(reads[0])), "the live run did not read the catalogs");
      }

      const offlineDown = (await fresh.ok(["revert", "--sql", "--to", "base", "--json"])).stdout;
      const liveDown = await live(fresh, ["revert", "--to", "base", "--verbose"]);
      assert.equal(liveStatements(liveDown.stdout, reads), offlineStatements(offlineDown));
    });

    test("--transaction none: an operation of several statements gets the BEGIN / COMMIT of its own a live run sends", async () => {
      const reads = await catalogReads(dialect);
      const offlineUp = (await fresh.ok(["run", "--sql", "--transaction", "none", "--json"])).stdout;
      const liveUp = await fresh.ok(["run", "--transaction", "none", "--verbose"]);
      assert.equal(liveStatements(liveUp.stdout, reads), offlineStatements(offlineUp));
      if (dialect === "sqlite") {
        // The rebuilds of Widen and Touch, each in its own transaction.
        const script = offlineStatements(offlineUp);
        assert.equal((script.match(/^BEGIN;$/gm) ?? []).length, 2, script);
        assert.match(script, /^BEGIN;\nCREATE TABLE "temporary_items"/m);
      }
      await fresh.ok(["revert", "--to", "base"]);
    });
  });
}

describe("offline SQL: what the model cannot follow", () => {
  const sqlite = findDialect("sqlite")!;
  const context = { dialect: sqlite, migrationsTableName: "migrations" };
  const migration = (name: string, up: (qr: any) => Promise<void>): MigrationSource => ({
    name: `${name}1700000000000`,
    timestamp: 1700000000000,
    transaction: true,
    instance: { up, down: async () => undefined },
  });
  const id = { name: "id", type: "integer", nullable: false };
  const title = { name: "title", type: "varchar", length: 20, nullable: false };
  const table = { name: "t", columns: [id, title], primaryKey: { columns: ["id"] }, uniques: [], indexes: [], foreignKeys: [], checks: [] };

  test("a rebuild after hand-written DDL is refused, not rendered from a model that may be wrong", async () => {
    const m = migration("Mixed", async (qr) => {
      await op(qr).createTable(table);
      await qr.query(`ALTER TABLE "t" ADD COLUMN "note" text`);
      await op(qr).alterColumn("t", title, { ...title, length: 200 });
    });
    await assert.rejects(migrationSql(m, "up", context, emptyModel()), /cannot render "alter column t\.title.*ALTER TABLE "t" ADD COLUMN/);
  });

  test("reads and data changes leave the model usable", async () => {
    const m = migration("Data", async (qr) => {
      await op(qr).createTable(table);
      await qr.query(`UPDATE "t" SET "title" = 'x'`);
      await op(qr).alterColumn("t", title, { ...title, length: 200 });
    });
    const result = await migrationSql(m, "up", context, emptyModel());
    assert.equal(result.model.unknownBecause, undefined);
    assert.equal(result.model.schema.tables.t.columns[1].length, 200);
  });

  test("QueryRunner methods the recorder lacks are named in the error", async () => {
    const m = migration("TypeOrmStyle", async (qr) => {
      await qr.createTable({});
    });
    await assert.rejects(migrationSql(m, "up", context, emptyModel()), /uses queryRunner\.createTable, which offline SQL cannot record/);
  });
});
