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
import { cliEnv, DIALECTS, spawnProgram, TestProject } from "../support/project";
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

async function node(cwd: string, script: string, env: NodeJS.ProcessEnv = cliEnv()): Promise<any> {
  const { code, stdout, stderr } = await spawnProgram(process.execPath, [script], { cwd, env }).result;
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

// The commands that read migrations, the bookkeeping or the directory, in the
// order a team meets them: generate one migration, look at it offline (show,
// lint, the --sql script), prove it on a scratch database (verify), adopt it
// without running it (stamp), list it (history), edit it and record the edit
// (edit, sum). Each result is what the CLI prints with --json.
const REVIEW = `const { Athanor, UsageError, AthanorError } = require("athanor");

// An "editor" for edit(): appends a comment to the file it is given.
const EDITOR = JSON.stringify(process.execPath) + " editor.cjs";

async function failure(call) {
  try {
    await call();
    return { thrown: false };
  } catch (error) {
    return { usage: error instanceof UsageError, athanor: error instanceof AthanorError, exitCode: error.exitCode, message: error.message };
  }
}

(async () => {
  const athanor = new Athanor();
  const out = {};
  out.generate = await athanor.generate("AddUsers", { timestamp: 1714000000000 });
  out.show = await athanor.show("head");
  out.showPostgres = await athanor.show("AddUsers", { databaseType: "postgres" });
  out.showBase = await failure(() => athanor.show("base"));
  out.lint = await athanor.lint();
  out.lintUnknownDialect = await failure(() => athanor.lint({ dialect: "oracle" }));
  out.up = await athanor.offlineSql("up");
  out.down = await athanor.offlineSql("down", { to: "base" });
  out.progress = [];
  out.verify = await athanor.verify({
    onStart: (scratch, count) => out.progress.push("start " + count),
    onStep: (step) => out.progress.push(step.phase + " " + (step.name ?? "") + " " + step.ok),
  });
  out.historyBefore = await athanor.history();
  out.stamp = await athanor.stamp("head");
  out.stampAgain = await athanor.stamp("head");
  out.stampUnknown = await failure(() => athanor.stamp("NoSuchMigration"));
  out.historyAfter = await athanor.history({ range: "current:" });
  out.badRange = await failure(() => athanor.history({ range: "a:b:c" }));
  out.status = await athanor.status();
  out.unstamp = await athanor.stamp("base");
  out.sumMatching = await athanor.sum();
  out.edit = await athanor.edit("head", { env: { ...process.env, VISUAL: "", EDITOR } });
  out.noEditor = await failure(() => athanor.edit("head", { env: { PATH: process.env.PATH } }));
  out.sumAfterEdit = await athanor.sum();
  console.log(JSON.stringify(out));
})();
`;

const APPENDING_EDITOR = `require("node:fs").appendFileSync(process.argv[2], "// reviewed\\n");\n`;

for (const dialect of DIALECTS) {
  describe(`programmatic API for the reviewing commands (${dialect})`, () => {
    let project: TestProject;
    after(async () => project?.cleanup());

    test("show, lint, offlineSql, verify, history, stamp, edit and sum return typed results and throw AthanorErrors", async () => {
      project = await TestProject.create(dialect, { "User.ts": USER });
      writeFileSync(join(project.dir, "review.cjs"), REVIEW);
      writeFileSync(join(project.dir, "editor.cjs"), APPENDING_EDITOR);
      const out = await node(project.dir, "review.cjs", project.env);
      const name = "AddUsers1714000000000";
      const file = join("migrations", "1714000000000-AddUsers.ts");
      assert.equal(out.generate.file, file);

      // show: offline, for the project's dialect or another one.
      assert.equal(out.show.name, name);
      assert.equal(out.show.file, file);
      assert.equal(out.show.dialect, dialect);
      assert.equal(out.show.transaction, true);
      assert.deepEqual(out.show.operations, ["create table users"]);
      assert.match(out.show.upSql.join("\n"), /CREATE TABLE "users"/);
      assert.match(out.show.downSql.join("\n"), /DROP TABLE "users"/);
      assert.match(out.show.header, /^\/\*\*/);
      assert.equal(out.showPostgres.dialect, "postgres");
      assert.match(out.showPostgres.upSql.join("\n"), /"id" serial NOT NULL/);
      assert.deepEqual(out.showBase, {
        usage: true,
        athanor: true,
        exitCode: 2,
        message: "base is the empty schema before the first migration, not a migration: name one (or head).",
      });

      // lint: a new table is nothing to report.
      assert.equal(out.lint.dialect, dialect);
      assert.equal(out.lint.failed, false);
      assert.deepEqual(
        out.lint.migrations.map((m: any) => [m.name, m.file, m.findings]),
        [[name, file, []]],
      );
      assert.deepEqual(out.lint.counts, { error: 0, warning: 0, info: 0, silenced: 0 });
      assert.equal(out.lintUnknownDialect.usage, true);
      assert.equal(out.lintUnknownDialect.exitCode, 2);
      assert.match(out.lintUnknownDialect.message, /^Athanor has no dialect "oracle" to lint for: use one of [a-z0-9, -]+\.$/);

      // offlineSql: the scripts of run --sql and revert --sql.
      assert.equal(out.up.direction, "up");
      assert.equal(out.up.dialect, dialect);
      assert.ok(out.up.preamble.length > 0, "a script from base creates the bookkeeping table first");
      assert.deepEqual(
        out.up.migrations.map((m: any) => m.name),
        [name],
      );
      assert.match(
        out.up.script,
        /^-- Athanor offline SQL for \w+, up from base to AddUsers1714000000000: 1 migration\. Nothing was executed\.\n/,
      );
      assert.match(out.up.migrations[0].statements.join("\n"), /CREATE TABLE "users"/);
      assert.equal(out.down.direction, "down");
      assert.deepEqual(out.down.preamble, []);
      assert.match(out.down.migrations[0].statements.join("\n"), /DROP TABLE "users"/);

      // verify: each step reported as it happens, and in the result.
      assert.equal(out.verify.ok, true);
      assert.equal(out.verify.migrations, 1);
      assert.equal(out.verify.failure, undefined);
      assert.deepEqual(out.progress, ["start 1", `up ${name} true`, `down ${name} true`, "reapply  true", "entities  true"]);
      assert.deepEqual(
        out.verify.steps.map((s: any) => s.phase),
        ["up", "down", "reapply", "entities"],
      );
      assert.deepEqual(out.verify.notes, []);

      // history and stamp: the bookkeeping, never the schema.
      assert.deepEqual(
        out.historyBefore.migrations.map((m: any) => [m.name, m.applied, m.head, m.current, m.file]),
        [[name, false, true, false, file]],
      );
      assert.equal(out.historyBefore.current, undefined);
      assert.deepEqual(out.stamp, { recorded: [name], removed: [], target: out.status.target, revision: "head" });
      assert.deepEqual(out.stampAgain.recorded, []);
      assert.deepEqual(out.stampUnknown.usage, true);
      assert.equal(out.stampUnknown.exitCode, 2);
      assert.match(out.stampUnknown.message, /NoSuchMigration/);
      assert.deepEqual(
        out.historyAfter.migrations.map((m: any) => [m.name, m.applied, m.current]),
        [[name, true, true]],
      );
      assert.equal(out.historyAfter.current, name);
      assert.match(out.historyAfter.migrations[0].appliedAt, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(out.badRange, {
        usage: true,
        athanor: true,
        exitCode: 2,
        message:
          'The range "a:b:c" is not start:end: write e.g. -r base:head, -r 1763790000000: or -r :current (either side may be empty).',
      });
      assert.equal(out.status.applied, 1);
      assert.deepEqual(out.unstamp, { recorded: [], removed: [name], target: out.status.target, revision: "base" });
      // stamp ran no migration code: the table verify built was on a scratch database.
      assert.deepEqual(Object.keys((await project.introspect()).tables), []);

      // edit and sum: the file changes, the sum records it once asked to.
      assert.deepEqual(out.sumMatching, {
        sumFile: join("migrations", "athanor.sum"),
        files: 1,
        added: [],
        removed: [],
        changed: [],
      });
      assert.deepEqual(out.edit, {
        file,
        editor: out.edit.editor,
        changed: true,
        sumOutdated: true,
        sumFile: join("migrations", "athanor.sum"),
      });
      assert.match(project.readMigration("1714000000000-AddUsers.ts"), /\/\/ reviewed\n$/);
      assert.deepEqual(out.noEditor, {
        usage: true,
        athanor: true,
        exitCode: 2,
        message: 'Neither $VISUAL nor $EDITOR is set: set one to your editor\'s command, e.g. EDITOR=vim or EDITOR="code --wait".',
      });
      assert.equal(out.sumAfterEdit.previously, "mismatch");
      assert.deepEqual(out.sumAfterEdit.changed, ["1714000000000-AddUsers.ts"]);
    });
  });
}
