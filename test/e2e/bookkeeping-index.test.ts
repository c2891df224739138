/**
 * The bookkeeping table's index on `name` (runner/bookkeeping.ts, nameIndex):
 * every migration reads and writes its row by name, so without it each
 * lookup scans the table and a long run slows down migration by migration.
 * Created with the table, added to a table TypeORM's runner (or an earlier
 * Athanor) made, in a custom table and a non-default schema; never seen as a
 * change by Athanor's diff or by TypeORM's schema builder; passed over, with
 * the run going on, where the database user may not create it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import { DIALECTS_AND_MARIADB, TestProject, type ProjectDialect } from "../support/project";
import { writeTableMigrations } from "../support/migrations";
import { assertTypeormAgrees } from "../support/typeorm-agrees";

const ITEM = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) title: string;
}
`;

/** The indexes of `table` (in the connection's schema) whose first column is `name`, by name. */
async function nameIndexes(project: TestProject, table = "migrations"): Promise<string[]> {
  const sql =
    project.dialect === "sqlite"
      ? `SELECT l.name AS name FROM pragma_index_list('${table}') AS l, pragma_index_info(l.name) AS i WHERE i.seqno = 0 AND i.name = 'name'`
      : project.dialect === "postgres"
        ? `SELECT ic.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
            WHERE c.relname = '${table}' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND a.attname = 'name'`
        : `SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'name' AND SEQ_IN_INDEX = 1`;
  return (await project.query(sql)).map((row: { name: string }) => row.name).sort();
}

/** Set the DataSource's migrationsTableName, for SQLite and the servers alike. */
function useTable(project: TestProject, table: string): void {
  const file = join(project.dir, "ormconfig.ts");
  const config = readFileSync(file, "utf8");
  const patched = config.replaceAll(
    "entities: entities as any, migrations })",
    `entities: entities as any, migrations, migrationsTableName: "${table}" })`,
  );
  assert.notEqual(patched, config);
  writeFileSync(file, patched);
}

/** Athanor's diff and TypeORM's schema builder see nothing to do. */
async function assertNothingToDo(project: TestProject): Promise<void> {
  assert.match((await project.ok(["generate", "--check"])).stdout, /No changes/);
  await project.ok(["check"]);
  await assertTypeormAgrees(project);
}

/** Apply one migration with TypeORM's own runner, which creates its migrations table (no index on name). */
async function runWithTypeorm(project: TestProject, file: string): Promise<void> {
  const ds = await project.connect();
  ds.setOptions({ migrations: [join(project.dir, "migrations", file)] });
  await (ds as any).buildMetadatas();
  await ds.runMigrations();
  await ds.destroy();
}

/** TypeORM's migrations table, empty, under `migrationsTableName`, as its runner creates it. */
async function typeormTable(project: TestProject, migrationsTableName: string): Promise<void> {
  const ds = new DataSource({ ...project.dataSourceOptions(), migrationsTableName } as DataSourceOptions);
  await ds.initialize();
  try {
    await ds.showMigrations();
  } finally {
    await ds.destroy();
  }
}

for (const dialect of DIALECTS_AND_MARIADB as ProjectDialect[]) {
  describe(`${dialect}: the bookkeeping table's index on name`, () => {
    test("created with the table by run; generate --check, check and TypeORM's schema builder see nothing to do", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        await project.ok(["generate", "Init"]);
        await project.ok(["run"]);
        assert.deepEqual(await nameIndexes(project), ["migrations_name_idx"]);
        await assertNothingToDo(project);
        // A second run finds it and adds nothing.
        await project.ok(["run"]);
        assert.deepEqual(await nameIndexes(project), ["migrations_name_idx"]);
      } finally {
        await project.cleanup();
      }
    });

    test("added to the table TypeORM's runner created, and to a custom migrationsTableName; the rows are kept", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        writeTableMigrations(project, 2);
        await runWithTypeorm(project, "1700000000001-CreateT1.ts");
        assert.deepEqual(await nameIndexes(project), [], "TypeORM makes no index on name");
        await project.ok(["status"]);
        assert.deepEqual(await nameIndexes(project), [], "a read-only command changes nothing");
        await project.ok(["run"]);
        assert.deepEqual(await nameIndexes(project), ["migrations_name_idx"]);
        const rows = await project.query(`SELECT name FROM migrations ORDER BY id`);
        assert.deepEqual(
          rows.map((r: { name: string }) => r.name),
          ["CreateT11700000000001", "CreateT21700000000002"],
        );
        await project.ok(["generate", "Init"]);
        await project.ok(["run"]);
        await assertNothingToDo(project);

        // A custom table, its name longer than an index name may be with the suffix (63 bytes on PostgreSQL, 64 on MySQL).
        const long = `history_${"x".repeat(50)}`;
        useTable(project, long);
        await typeormTable(project, long);
        assert.deepEqual(await nameIndexes(project, long), []);
        await project.ok(["run", "--fake"]);
        const [index] = await nameIndexes(project, long);
        assert.match(index, /^history_x+_[0-9a-f]{8}_name_idx$/);
        assert.ok(index.length <= 63, index);
        await assertNothingToDo(project);
      } finally {
        await project.cleanup();
      }
    });

    test("stamp and run --sql: the index comes with the table", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeTableMigrations(project, 1);
        const script = (await project.ok(["run", "--sql"])).stdout;
        const q = dialect === "mariadb" ? "`" : '"';
        const index = `INDEX ${q}migrations_name_idx${q}`;
        assert.ok(script.includes(index), `the script creates ${index}:\n${script}`);
        await project.ok(["stamp", "head"]);
        assert.deepEqual(await nameIndexes(project), ["migrations_name_idx"]);
      } finally {
        await project.cleanup();
      }
    });
  });
}

describe("postgres: the index where the database has a say", () => {
  test("in the connection's schema (search_path): each schema's bookkeeping table gets one of its own", async () => {
    const project = await TestProject.create("postgres");
    try {
      writeTableMigrations(project, 1);
      await project.ok(["run"]);
      await project.query(`CREATE SCHEMA "app"`);
      project.addServerOptions(`extra: { options: "-c search_path=app" }`);
      await project.ok(["run"]);
      const rows = await project.query(
        `SELECT schemaname, tablename, indexname FROM pg_indexes WHERE indexname = 'migrations_name_idx' ORDER BY schemaname`,
      );
      assert.deepEqual(rows, [
        { schemaname: "app", tablename: "migrations", indexname: "migrations_name_idx" },
        { schemaname: "public", tablename: "migrations", indexname: "migrations_name_idx" },
      ]);
    } finally {
      await project.cleanup();
    }
  });

  test("an index the table already has on name is enough; a relation that takes the name leaves the table without one, and run goes on", async () => {
    const project = await TestProject.create("postgres");
    try {
      const [first] = writeTableMigrations(project, 3);
      await runWithTypeorm(project, `${first.timestamp}-${first.name}.ts`);
      await project.query(`CREATE UNIQUE INDEX "by_name" ON "migrations" ("name")`);
      await project.ok(["run", "--to", "1700000000002"]);
      assert.deepEqual(await nameIndexes(project), ["by_name"]);
      await project.query(`DROP INDEX "by_name"`);
      await project.query(`CREATE TABLE "migrations_name_idx" ("id" integer)`);
      const run = await project.ok(["run"]);
      assert.equal(run.stderr, "");
      assert.deepEqual(await nameIndexes(project), []);
      assert.equal((await project.query(`SELECT count(*)::int AS n FROM migrations`))[0].n, 3);
    } finally {
      await project.cleanup();
    }
  });

  test("a database user who may not create it (not the table's owner) runs without it", async () => {
    const project = await TestProject.create("postgres");
    const role = `athanor_writer_${randomBytes(3).toString("hex")}`;
    const admin = new Client({ connectionString: project.env.DATABASE_URL });
    await admin.connect();
    try {
      writeTableMigrations(project, 2);
      await project.ok(["run", "--to", "1700000000001"]);
      await admin.query(`DROP INDEX "migrations_name_idx"`);
      // Owned by postgres: this role may write its rows and create tables, not add an index to it.
      await admin.query(`CREATE ROLE "${role}" LOGIN`);
      await admin.query(`GRANT CREATE, USAGE ON SCHEMA public TO "${role}"`);
      await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "migrations" TO "${role}"`);
      await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "${role}"`);
      const url = new URL(project.env.DATABASE_URL!);
      url.username = role;
      const run = await project.cli(["run"], { env: { DATABASE_URL: url.toString() } });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.stderr, "");
      assert.match(run.stdout, /Applied 1 migration/);
      assert.deepEqual(await nameIndexes(project), []);
    } finally {
      await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await admin.end();
      await project.cleanup();
      const server = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await server.connect();
      await server.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
      await server.end();
    }
  });
});
