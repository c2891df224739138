/**
 * PostgreSQL: a run that commits outside one transaction (`--transaction
 * none`, `transaction = false`) lets those commits return before they are
 * durable, and ends with one durable write that makes them all durable
 * (runner/deferred-flush.ts). What users can see of it: the statements
 * `--verbose` prints, the stored times, and the session's own
 * synchronous_commit put back when the run ends (a caller's DataSource
 * gets its connection back as it lent it).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnProgram, TestProject } from "../support/project";
import { writeSumFile } from "../../src/runner/sum";
import { appliedNames, q, writeMigrationBody } from "../support/faults";

/** `count` migrations, each creating table t<i> and putting a row in it (two commits each outside a transaction). */
function writeCreates(project: TestProject, count: number, options: { transaction?: boolean } = {}): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + 1;
    return writeMigrationBody(project, {
      timestamp: 1700000000000 + i,
      name: `CreateT${i}`,
      transaction: options.transaction,
      up: [
        q(`CREATE TABLE "t${i}" ("id" integer PRIMARY KEY)`),
        q(`INSERT INTO "t${i}" ("id") VALUES (${i})`),
        q(`INSERT INTO "seen" ("migration", "setting") SELECT ${i}, current_setting('synchronous_commit')`),
      ].join("\n"),
    });
  });
}

function shownTimes(stdout: string): Map<string, number> {
  return new Map([...stdout.matchAll(/✓ (\S+) \((\d+) ms\)/g)].map((m) => [m[1], Number(m[2])]));
}

async function storedTimes(project: TestProject): Promise<Map<string, number>> {
  const rows = await project.query(`SELECT "name", "execution_ms" FROM "migrations" ORDER BY "id"`);
  return new Map(rows.map((r: any) => [String(r.name), Number(r.execution_ms)]));
}

async function seenSettings(project: TestProject): Promise<string[]> {
  return (await project.query(`SELECT "setting" FROM "seen" ORDER BY "migration"`)).map((r: any) => String(r.setting));
}

describe("postgres: commits outside a transaction wait for no flush until the run's last, durable write", () => {
  test("--transaction none --verbose: synchronous_commit off for the session before the first migration; after the last ✓, the session's own setting back and the last migration's time stored again", async () => {
    const project = await TestProject.create("postgres");
    try {
      await project.query(`CREATE TABLE "seen" ("migration" integer, "setting" text)`);
      const names = writeCreates(project, 3);
      const result = await project.cli(["run", "--transaction", "none", "--verbose"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const out = result.stdout;
      const off = out.indexOf(`set_config('synchronous_commit', 'off', false)`);
      assert.ok(off >= 0 && off < out.indexOf(`CREATE TABLE "t1"`), out);
      assert.equal(out.match(/synchronous_commit', 'off'/g)?.length, 1, out);
      // The migrations' own statements ran with it off.
      assert.deepEqual(await seenSettings(project), ["off", "off", "off"]);
      const tail = out.slice(out.lastIndexOf("✓"));
      assert.match(
        tail,
        new RegExp(
          `SELECT set_config\\('synchronous_commit', 'on', false\\);?\\s+UPDATE "migrations" SET "execution_ms" = \\d+ WHERE "name" = '${names[2]}';?\\s+Applied 3 migrations`,
        ),
      );
      assert.deepEqual(await appliedNames(project), names);
      assert.deepEqual(await storedTimes(project), shownTimes(out));
    } finally {
      await project.cleanup();
    }
  });

  test("transaction = false in the default mode: the same, and the transactional migrations' own deferred flush is unchanged", async () => {
    const project = await TestProject.create("postgres");
    try {
      await project.query(`CREATE TABLE "seen" ("migration" integer, "setting" text)`);
      const [first] = writeCreates(project, 1, { transaction: false });
      const second = writeMigrationBody(project, { timestamp: 1700000000009, name: "CreateT9", up: q(`CREATE TABLE "t9" ("id" integer)`) });
      const result = await project.cli(["run", "--verbose"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stdout.match(/set_config\('synchronous_commit', 'off', false\)/g)?.length, 1, result.stdout);
      assert.match(result.stdout, /SELECT set_config\('synchronous_commit', 'off', true\), pg_advisory_xact_lock/);
      // The transactional migration's time is the one storeCommitTime writes, durably, once the setting is back.
      const tail = result.stdout.slice(result.stdout.lastIndexOf("✓"));
      assert.match(
        tail,
        new RegExp(
          `SELECT set_config\\('synchronous_commit', 'on', false\\);?\\s+START TRANSACTION;?\\s+UPDATE "migrations" SET "execution_ms" = \\d+ WHERE "name" = '${second}';?\\s+COMMIT`,
        ),
      );
      assert.deepEqual(await appliedNames(project), [first, second]);
      assert.deepEqual(await seenSettings(project), ["off"]);
    } finally {
      await project.cleanup();
    }
  });
});

// A deploy script that lends Athanor its own connected DataSource: two
// pooled connections (the migrations' and the lock's), whose sessions chose
// synchronous_commit = local; after the run, both are asked at once.
const LEND = `const { DataSource } = require("typeorm");
const { Athanor } = require("athanor");

(async () => {
  const dataSource = new DataSource({
    type: "postgres",
    url: process.env.DATABASE_URL,
    migrations: ["migrations/*.js"],
    extra: { max: 2, options: "-c synchronous_commit=local" },
  });
  await dataSource.initialize();
  const run = await new Athanor({ dataSource }).run({ execution: { mode: "none" } });
  const runners = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
  const after = [];
  for (const runner of runners) after.push((await runner.query("SHOW synchronous_commit"))[0].synchronous_commit);
  for (const runner of runners) await runner.release();
  console.log(JSON.stringify({ applied: run.applied.map((r) => r.name), after }));
  await dataSource.destroy();
})();
`;

describe("postgres: the session's own synchronous_commit after a run outside a transaction", () => {
  test("a caller's DataSource gets its connections back with the setting they had (local), not off and not the server's default", async () => {
    const project = await TestProject.create("postgres");
    try {
      await project.query(`CREATE TABLE "seen" ("migration" integer, "setting" text)`);
      // JavaScript: the caller's DataSource loads its migrations itself when it connects.
      const names = [1, 2].map((i) => {
        const name = `CreateT${i}170000000000${i}`;
        writeFileSync(
          join(project.dir, "migrations", `170000000000${i}-CreateT${i}.js`),
          `exports.${name} = class ${name} {
  async up(queryRunner) {
    await queryRunner.query('CREATE TABLE "t${i}" ("id" integer PRIMARY KEY)');
    await queryRunner.query(\`INSERT INTO "seen" ("migration", "setting") SELECT ${i}, current_setting('synchronous_commit')\`);
  }
  async down() {}
};
`,
        );
        return name;
      });
      writeSumFile(join(project.dir, "migrations"));
      writeFileSync(join(project.dir, "lend.js"), LEND);
      const { code, stdout, stderr } = await spawnProgram(process.execPath, ["lend.js"], { cwd: project.dir, env: project.env }).result;
      assert.equal(code, 0, stdout + stderr);
      const out = JSON.parse(stdout.trim().split("\n").pop()!);
      assert.deepEqual(out, { applied: names, after: ["local", "local"] });
      assert.deepEqual(await seenSettings(project), ["off", "off"]);
    } finally {
      await project.cleanup();
    }
  });
});
