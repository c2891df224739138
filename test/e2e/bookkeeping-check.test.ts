/**
 * The bookkeeping check every command makes looks at the migrations table
 * only, and commands that only read or write the bookkeeping do not build
 * TypeORM's entity metadata unless migration code that may use it is about
 * to run: so a lock on an unrelated table does not hold up `run`, and a
 * half-edited entity does not stop `status`, a no-op `run`, or a run of
 * migrations that call only op() and queryRunner.query.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { DIALECTS, TestProject } from "../support/project";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeMigration, writeTableMigrations } from "../support/migrations";
import { writeSumFile } from "../../src/runner/sum";

// TypeORM refuses this entity when it builds metadata: it has no primary column.
const NO_PRIMARY_COLUMN = `import { Column, Entity } from "typeorm";

@Entity("drafts")
export class Draft {
  @Column()
  title: string;
}
`;

const projects: TestProject[] = [];
after(async () => {
  for (const project of projects) await project.cleanup();
});

describe("postgres: a lock on an unrelated table", () => {
  test("run, status and history do not wait for it", async () => {
    const project = await TestProject.create("postgres");
    projects.push(project);
    await project.query(`CREATE TABLE "busy" ("id" integer)`);
    writeTableMigrations(project, 1);

    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      // Should anything hang, the server ends this transaction (and its lock) on its own.
      await holder.query(`SET idle_in_transaction_session_timeout = '60s'`);
      await holder.query(`BEGIN`);
      await holder.query(`LOCK TABLE "busy" IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      const run = await project.cli(["run"]);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /Applied 1 migration/);
      assert.match((await project.ok(["status"])).stdout, /1 applied, 0 pending/);
      await project.ok(["history"]);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 30_000, `the commands took ${elapsed} ms with the lock held`);
    } finally {
      await holder.query(`ROLLBACK`).catch(() => undefined);
      await holder.end();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: an entity TypeORM refuses`, () => {
    test("status and a run with nothing pending work; a run with migrations to apply reports it", async () => {
      const project = await TestProject.create(dialect);
      projects.push(project);
      writeTableMigrations(project, 1);
      await project.ok(["run"]);

      project.writeEntity("Draft.ts", NO_PRIMARY_COLUMN);
      assert.match((await project.ok(["status"])).stdout, /1 applied, 0 pending/);
      assert.match((await project.ok(["run"])).stdout, /Nothing to run/);

      // Code that calls only queryRunner.query (or op()) runs without the entities built.
      writeMigration(project, {
        timestamp: 1700000000100,
        name: "CreateT100",
        up: ["CREATE TABLE t100 (id integer)"],
        down: ["DROP TABLE t100"],
      });
      assert.match((await project.ok(["run"])).stdout, /Applied 1 migration/);

      // Code that may use repositories runs only with valid entities; a
      // broken entity is a configuration error (exit 2).
      writeFileSync(
        join(project.dir, "migrations", "1700000000200-UsesEntities.ts"),
        `import { MigrationInterface, QueryRunner } from "typeorm";

export class UsesEntities1700000000200 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("SELECT " + queryRunner.connection.entityMetadatas.length);
  }

  public async down(): Promise<void> {}
}
`,
      );
      writeSumFile(join(project.dir, "migrations"));
      const pending = await project.cli(["run"]);
      assert.equal(pending.code, 2, `${pending.stdout}\n${pending.stderr}`);
      assert.match(pending.stderr, /Draft.*primary column/);
      assert.match((await project.ok(["status"])).stdout, /2 applied, 1 pending/);
    });
  });
}
