/**
 * The programmatic API as a team's deploy script uses it: a script in a
 * temporary project imports `Athanor` from the built package ("athanor"
 * resolves through the project's node_modules) and gets typed results back
 * instead of printed output.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, spawnProgram, TestProject } from "../support/project";
import { USER } from "../support/entities";

// An ES module script: named imports from the CommonJS package must work too.
const DEPLOY = `import { Athanor, UsageError } from "athanor";

const athanor = new Athanor();
const out = {};
out.check = await athanor.generate("AddUsers", { check: true });
out.generate = await athanor.generate("AddUsers", { timestamp: 1714000000000 });
out.pending = await athanor.status();
out.run = await athanor.run();
out.status = await athanor.status();
out.inSync = await athanor.check();
out.revert = await athanor.revert();
out.drift = await athanor.check();
try {
  await athanor.revert();
} catch (error) {
  out.error = { usage: error instanceof UsageError, exitCode: error.exitCode, message: error.message };
}
console.log(JSON.stringify(out));
`;

// A DataSource the caller built and connected: used as it is, left open.
const WITH_INSTANCE = `const { DataSource, EntitySchema } = require("typeorm");
const { Athanor } = require("athanor");

const Tag = new EntitySchema({
  name: "Tag",
  tableName: "tags",
  columns: { id: { type: Number, primary: true, generated: true }, label: { type: String } },
});

(async () => {
  const dataSource = new DataSource({
    type: "sqlite",
    database: "data/tags.sqlite",
    entities: [Tag],
    migrations: ["tag-migrations/*.js"],
  });
  await dataSource.initialize();
  const athanor = new Athanor({ dataSource });
  const generate = await athanor.generate("CreateTags", { language: "js", timestamp: 1714000000001 });
  const run = await athanor.run();
  const check = await athanor.check();
  const rows = await dataSource.query("SELECT name FROM sqlite_master WHERE name = 'tags'");
  console.log(JSON.stringify({ generate, run, check, open: dataSource.isInitialized, rows }));
  await dataSource.destroy();
})();
`;

async function node(cwd: string, script: string): Promise<any> {
  const { code, stdout, stderr } = await spawnProgram(process.execPath, [script], { cwd, env: cliEnv() }).result;
  if (code !== 0) throw new Error(`node ${script} exited ${code}\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("programmatic API", () => {
  let project: TestProject;
  after(async () => project?.cleanup());

  test("generate, run, status, check, revert from a script, with typed results and errors", async () => {
    project = await TestProject.create("sqlite", { "User.ts": USER });
    writeFileSync(join(project.dir, "deploy.mjs"), DEPLOY);
    const out = await node(project.dir, "deploy.mjs");

    assert.equal(out.check.changes, true);
    assert.equal(out.check.written, false);
    assert.deepEqual(out.check.operations, ["create table users"]);

    assert.equal(out.generate.written, true);
    assert.equal(out.generate.file, join("migrations", "1714000000000-AddUsers.ts"));
    assert.equal(out.generate.className, "AddUsers1714000000000");
    assert.deepEqual(project.migrationFiles(), ["1714000000000-AddUsers.ts"]);

    assert.equal(out.pending.pending, 1);
    assert.equal(out.pending.applied, 0);
    assert.deepEqual(out.run.planned, ["AddUsers1714000000000"]);
    assert.equal(out.run.applied[0].name, "AddUsers1714000000000");
    assert.equal(out.run.applied[0].direction, "up");
    assert.equal(out.status.current, "AddUsers1714000000000");
    assert.equal(out.status.migrations[0].applied, true);
    assert.equal(out.inSync.inSync, true);

    assert.equal(out.revert.reverted[0].name, "AddUsers1714000000000");
    assert.equal(out.revert.remaining, 0);
    assert.equal(out.drift.inSync, false);
    assert.deepEqual(out.drift.differences, ["create table users"]);

    assert.deepEqual(out.error, { usage: true, exitCode: 2, message: "Nothing to revert: no migration is applied." });
  });

  test("a connected DataSource instance is used as it is and left open", async () => {
    writeFileSync(join(project.dir, "with-instance.cjs"), WITH_INSTANCE);
    const out = await node(project.dir, "with-instance.cjs");
    assert.equal(out.generate.file, join("tag-migrations", "1714000000001-CreateTags.js"));
    assert.deepEqual(out.run.planned, ["CreateTags1714000000001"]);
    assert.equal(out.check.inSync, true);
    assert.equal(out.open, true);
    assert.deepEqual(out.rows, [{ name: "tags" }]);
  });
});
