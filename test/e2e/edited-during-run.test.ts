/**
 * A migration file edited while `run` is applying the ones before it (a
 * `git checkout` in the working tree during a long run). `run` checks every
 * file against athanor.sum when it starts, but loads each one only when its
 * turn comes (runner/load-ahead.ts): what runs must be the text it checked,
 * and whose checksum its row records, never the edit (loader/require-file.ts).
 * The edit is then what `status` says it is: a file edited after it was
 * applied. Both loaders: the TypeScript one and Node's own for .js. And
 * `revert`, which loads each `down` as lazily.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject, type SpawnedCli } from "../support/project";
import { writeMigration } from "../support/migrations";
import { writeSumFile } from "../../src/runner/sum";
import { findDialect } from "../../src/dialects";

/**
 * A migration that creates a table, then waits (in `up`, or in `down` with
 * `waitsIn: "down"`) until the test has edited the files after it.
 */
function writeWaitingMigration(project: TestProject, table: string, timestamp = 1700000000001, waitsIn: "up" | "down" = "up"): void {
  const wait = `    writeFileSync("started", "");
    while (!existsSync("edited")) await new Promise((resolve) => setTimeout(resolve, 20));
`;
  writeFileSync(
    join(project.dir, "migrations", `${timestamp}-Waits.ts`),
    `import { existsSync, writeFileSync } from "node:fs";
import { MigrationInterface, QueryRunner } from "typeorm";

export class Waits${timestamp} implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${JSON.stringify(`CREATE TABLE ${table} (id integer)`)});
${waitsIn === "up" ? wait : ""}  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${waitsIn === "down" ? wait : ""}    await queryRunner.query(${JSON.stringify(`DROP TABLE ${table}`)});
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

/** Wait until the waiting migration has started (it wrote `started`). */
async function untilStarted(project: TestProject, running: SpawnedCli): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(project.dir, "started"))) {
    assert.ok(Date.now() < deadline, `the waiting migration never started: ${JSON.stringify(running.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
        await untilStarted(project, running);
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

    test("revert runs the down it checked against athanor.sum, not one edited while it reverts the migrations after it", async () => {
      const project = await TestProject.create(dialect);
      try {
        const q = findDialect(dialect)!.quote;
        writeMigration(project, {
          timestamp: 1700000000001,
          name: "CreateA",
          up: [`CREATE TABLE ${q("a")} (id integer)`],
          down: [`DROP TABLE ${q("a")}`],
        });
        writeMigration(project, {
          timestamp: 1700000000002,
          name: "CreateB",
          up: [`CREATE TABLE ${q("b")} (id integer)`],
          down: [`DROP TABLE ${q("b")}`],
        });
        writeWaitingMigration(project, q("waited"), 1700000000003, "down");
        writeSumFile(join(project.dir, "migrations"));
        await project.ok(["run"]);

        // Reverted in turn: the waiting one, CreateB (loaded while it waits), then CreateA, edited meanwhile.
        const running = project.spawn(["revert", "--to", "base"]);
        await untilStarted(project, running);
        const path = join(project.dir, "migrations", "1700000000001-CreateA.ts");
        const text = readFileSync(path, "utf8");
        const down = text.indexOf("public async down");
        // As the file spells them: JSON string literals.
        const literal = (sql: string) => JSON.stringify(sql).slice(1, -1);
        const edited =
          text.slice(0, down) +
          text.slice(down).replace(literal(`DROP TABLE ${q("a")}`), literal(`CREATE TABLE ${q("edited")} (id integer)`));
        assert.notEqual(edited, text);
        writeFileSync(path, edited);
        writeFileSync(join(project.dir, "edited"), "");
        const result = await running.result;
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /Reverted 3 migrations/);
        assert.deepEqual(Object.keys((await project.introspect()).tables), []);
      } finally {
        await project.cleanup();
      }
    });
  });
}
