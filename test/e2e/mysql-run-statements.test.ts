/**
 * What `run` sends per migration on MariaDB, where every statement commits
 * and each bookkeeping write is a durable write of its own: the progress
 * rows of the migrations a run completes go in one DELETE at its end, not
 * one each. A kill before that DELETE leaves rows that change nothing: the
 * complete row wins for status and run, and revert removes both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";

function threeTables(project: TestProject): void {
  for (let i = 1; i <= 3; i++) {
    writeMigration(project, {
      timestamp: 1700000000000 + i,
      name: `Table${i}`,
      up: [`CREATE TABLE \`t${i}\` (\`id\` integer)`],
      down: [`DROP TABLE \`t${i}\``],
    });
  }
}

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

test("mariadb: a run of three one-statement migrations deletes their progress rows in one statement at the end", async () => {
  const project = await TestProject.create("mariadb");
  try {
    threeTables(project);
    const run = await project.ok(["run", "--verbose"]);
    const sent = run.stdout + run.stderr;
    assert.equal(count(sent, /^INSERT INTO `migrations` /gm), 3, sent);
    assert.equal(count(sent, /^DELETE FROM `migrations_progress`/gm), 1, sent);
    assert.match(
      sent,
      /✓ Table31700000000003[^\n]*\n(?:[^\n]*\n)*DELETE FROM `migrations_progress` WHERE `name` IN \('Table11700000000001', 'Table21700000000002', 'Table31700000000003'\)/,
    );
    assert.deepEqual(await project.query("SELECT name FROM migrations_progress"), []);
    assert.equal((await project.query("SELECT name FROM migrations")).length, 3);
  } finally {
    await project.cleanup();
  }
});

test("mariadb: killed after two migrations were recorded, before the progress rows go: status and run are right, revert removes both rows", async () => {
  const project = await TestProject.create("mariadb");
  try {
    threeTables(project);
    const killed = await project.cli(["run"], { env: { ATHANOR_FAULT_POINT: "after-commit:2" } });
    assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
    assert.equal((await project.query("SELECT name FROM migrations_progress")).length, 2, "the kill left the two progress rows");

    const status = JSON.parse((await project.ok(["status", "--json"])).stdout);
    assert.equal(status.pending, 1, JSON.stringify(status));
    assert.doesNotMatch(JSON.stringify(status), /partial/i);

    const run = await project.ok(["run"]);
    assert.match(run.stdout, /Applied 1 migration/);
    assert.deepEqual(
      (await project.query("SELECT name FROM migrations ORDER BY id")).map((r: { name: string }) => r.name),
      ["Table11700000000001", "Table21700000000002", "Table31700000000003"],
    );

    await project.ok(["revert", "--to", "base"]);
    assert.deepEqual(await project.query("SELECT name FROM migrations_progress"), []);
    assert.deepEqual(await project.query("SHOW TABLES LIKE 't%'"), []);
    // Run again from base: nothing left behind stands in the way.
    await project.ok(["run"]);
    assert.equal((await project.query("SELECT name FROM migrations")).length, 3);
  } finally {
    await project.cleanup();
  }
});
