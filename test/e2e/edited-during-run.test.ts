/**
 * A migration file edited while `run` is applying the ones before it (a
 * `git checkout` in the working tree during a long run). `run` checks every
 * file against athanor.sum when it starts, but loads each one only when its
 * turn comes (runner/load-ahead.ts): what runs must be the text it checked,
 * and whose checksum its row records, never the edit (loader/require-file.ts).
 * The edit is then what `status` says it is: a file edited after it was
 * applied. Both loaders: the TypeScript one and Node's own for .js.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";
import { writeSumFile } from "../../src/runner/sum";
import { findDialect } from "../../src/dialects";

/** A first migration that creates a table, then waits until the test has edited the files after it. */
function writeWaitingMigration(project: TestProject, table: string): void {
  writeFileSync(
    join(project.dir, "migrations", "1700000000001-Waits.ts"),
    `import { existsSync, writeFileSync } from "node:fs";
import { MigrationInterface, QueryRunner } from "typeorm";

export class Waits1700000000001 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${JSON.stringify(`CREATE TABLE ${table} (id integer)`)});
    writeFileSync("started", "");
    while (!existsSync("edited")) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${JSON.stringify(`DROP TABLE ${table}`)});
  }
}
`,
  );
}

/** A CommonJS migration in plain JavaScript, loaded by Node's own loader. */
function writeJsMigration(project: TestProject, timestamp: number, table: string): string {
  const file = `${timestamp}-CreateJs.js`;
  writeFileSync(
    join(project.dir, "migrations", file),
    `"use strict";
exports.CreateJs${timestamp} = class CreateJs${timestamp} {
  async up(queryRunner) {
    await queryRunner.query(${JSON.stringify(`CREATE TABLE ${table} (id integer)`)});
  }
  async down(queryRunner) {
    await queryRunner.query(${JSON.stringify(`DROP TABLE ${table}`)});
  }
};
`,
  );
  return file;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: migration files edited while run applies the ones before them`, () => {
    test("run applies the text it checked against athanor.sum, and status then reports the files as edited", async () => {
      const project = await TestProject.create(dialect);
      try {
        const q = findDialect(dialect)!.quote;
        const config = join(project.dir, "ormconfig.ts");
        writeFileSync(config, readFileSync(config, "utf8").replace(`["migrations/*.ts"]`, `["migrations/*.ts", "migrations/*.js"]`));
        writeWaitingMigration(project, q("waited"));
        // The next one is loaded while the first runs (load ahead); these two only once their turn comes.
        writeMigration(project, {
          timestamp: 1700000000002,
          name: "CreateT2",
          up: [`CREATE TABLE ${q("t2")} (id integer)`],
          down: [`DROP TABLE ${q("t2")}`],
        });
        const jsFile = writeJsMigration(project, 1700000000003, q("t3"));
        const tsFile = writeMigration(project, {
          timestamp: 1700000000004,
          name: "CreateT4",
          up: [`CREATE TABLE ${q("t4")} (id integer)`],
          down: [`DROP TABLE ${q("t4")}`],
        });
        writeSumFile(join(project.dir, "migrations"));
        // A first command learns the facts of the .js file by loading it, so run loads it only when its turn comes.
        await project.ok(["status"]);

        const running = project.spawn(["run"]);
        const deadline = Date.now() + 60_000;
        while (!existsSync(join(project.dir, "started"))) {
          assert.ok(Date.now() < deadline, `the first migration never started: ${JSON.stringify(running.output())}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        for (const file of [jsFile, tsFile]) {
          const path = join(project.dir, "migrations", file);
          writeFileSync(path, readFileSync(path, "utf8").replace(/\bt([34])\b/g, "edited$1"));
          assert.match(readFileSync(path, "utf8"), /edited/);
        }
        writeFileSync(join(project.dir, "edited"), "");
        const result = await running.result;
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /Applied 4 migrations/);

        const tables = Object.keys((await project.introspect()).tables).sort();
        assert.deepEqual(tables, ["t2", "t3", "t4", "waited"]);
        const status = await project.cli(["status"]);
        assert.match(status.stdout, /CreateJs1700000000003 .*EDITED/);
        assert.match(status.stdout, /CreateT41700000000004 .*EDITED/);
        assert.doesNotMatch(status.stdout, /CreateT21700000000002 .*EDITED/);
      } finally {
        await project.cleanup();
      }
    });
  });
}
