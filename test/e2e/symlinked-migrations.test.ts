/**
 * Migration files reached through symbolic links: a migrations directory
 * that is a link to another, and a file in it that is a link to a file
 * elsewhere. Discovery requires each file without Node's resolution of the
 * request (loader/require-file.ts), so this is what keeps it Node's: each
 * runs once, as the file its links lead to (`__filename` is the real path,
 * as `require` gives it), and a run of them applies them all.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, realpathSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { writeTableMigrations } from "../support/migrations";
import { writeSumFile } from "../../src/runner/sum";

describe("sqlite: migrations reached through symbolic links", () => {
  test("run applies them all, each loaded once as the file its links lead to", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeTableMigrations(project, 2);
      // A file kept outside the migrations directory, linked into it.
      mkdirSync(join(project.dir, "shared"));
      const where = join(project.dir, "shared", "1700000000003-Where.ts");
      writeFileSync(
        where,
        `import { MigrationInterface, QueryRunner } from "typeorm";

const loads = ((globalThis as any).__whereLoads = ((globalThis as any).__whereLoads ?? 0) + 1);

export class Where1700000000003 implements MigrationInterface {
  name = "Where1700000000003";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "where_am_i" ("file" varchar(1000), "loads" integer)');
    await queryRunner.query('INSERT INTO "where_am_i" VALUES (?, ?)', [__filename, loads]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "where_am_i"');
  }
}
`,
      );
      symlinkSync(where, join(project.dir, "migrations", "1700000000003-Where.ts"));
      // The migrations directory itself a link to the real one.
      renameSync(join(project.dir, "migrations"), join(project.dir, "real-migrations"));
      symlinkSync(join(project.dir, "real-migrations"), join(project.dir, "migrations"));
      writeSumFile(join(project.dir, "migrations"));
      // A first command caches the files' facts: `run` then loads each when its turn comes.
      await project.ok(["status"]);

      const result = await project.cli(["run"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /✓ CreateT11700000000001 .*\n.*✓ CreateT21700000000002 .*\n.*✓ Where1700000000003 /);
      const tables = Object.keys((await project.introspect()).tables).sort();
      assert.deepEqual(tables, ["t1", "t2", "where_am_i"]);
      assert.deepEqual(await project.query(`SELECT "file", "loads" FROM "where_am_i"`), [{ file: realpathSync(where), loads: 1 }]);

      const again = await project.cli(["run"]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.doesNotMatch(again.stdout, /✓/);
    } finally {
      await project.cleanup();
    }
  });
});
