/**
 * What the CLI prints, as a CI log or a pipe sees it: a line per finished
 * migration with its time, colour only when asked for (FORCE_COLOR) and
 * never with NO_COLOR or in a pipe, --quiet, and --verbose SQL with
 * credentials hidden. The output does not depend on the dialect, so SQLite
 * stands for both.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DIALECTS, repoRoot, spawnProgram, TestProject } from "../support/project";
import { writeMigration, writeTableMigrations } from "../support/migrations";
import { q, writeMigrationBody } from "../support/faults";

const ESCAPE = "\x1b[";
// Neither variable from the environment the tests run in.
const PLAIN = { NO_COLOR: undefined, FORCE_COLOR: undefined };

describe("output", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
    writeTableMigrations(project, 3);
  });
  after(async () => project.cleanup());

  test("run and revert print one line per migration, with its time, as each finishes; no colour in a pipe", async () => {
    const run = await project.cli(["run"], { env: PLAIN });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 4, run.stdout);
    lines.slice(0, 3).forEach((line, i) => assert.match(line, new RegExp(`^  ✓ CreateT${i + 1}170000000000${i + 1} \\(\\d+ ms\\)$`)));
    assert.match(lines[3], /^Applied 3 migrations to .* in \d+ ms\.$/);
    assert.ok(!run.stdout.includes(ESCAPE) && !run.stderr.includes(ESCAPE), JSON.stringify(run.stdout));

    const revert = await project.cli(["revert", "--step", "2"], { env: PLAIN });
    assert.equal(revert.code, 0, revert.stderr);
    assert.match(revert.stdout, /^  ✓ reverted CreateT31700000000003 \(\d+ ms\)\n  ✓ reverted CreateT21700000000002 \(\d+ ms\)\n/);
    await project.ok(["revert", "--to", "base"]);
  });

  test("FORCE_COLOR colours even a pipe; NO_COLOR turns colour off", async () => {
    const forced = await project.cli(["run", "--step", "1"], { env: { ...PLAIN, FORCE_COLOR: "1" } });
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(forced.stdout.includes(`${ESCAPE}32m✓`), JSON.stringify(forced.stdout));
    const forcedError = await project.cli(["run", "--to", "Nope"], { env: { ...PLAIN, FORCE_COLOR: "1" } });
    assert.equal(forcedError.code, 2);
    assert.ok(forcedError.stderr.includes(`${ESCAPE}31merror:`), JSON.stringify(forcedError.stderr));

    const plain = await project.cli(["run", "--to", "Nope"], { env: { ...PLAIN, NO_COLOR: "1" } });
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /^error: No migration matches "Nope"/);
    assert.ok(!plain.stderr.includes(ESCAPE));
    const status = await project.cli(["status"], { env: { ...PLAIN, NO_COLOR: "1" } });
    assert.ok(!status.stdout.includes(ESCAPE));
    await project.ok(["revert", "--to", "base"]);
  });

  test("--quiet prints nothing on success, and the error on failure", async () => {
    const run = await project.cli(["run", "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr, "");
    const status = await project.cli(["status", "-q"]);
    assert.equal(status.code, 0);
    assert.equal(status.stdout, "");
    // --json is data the caller asked for, so --quiet leaves it.
    assert.equal(JSON.parse((await project.ok(["status", "--quiet", "--json"])).stdout).migrations.length, 3);

    writeMigration(project, { timestamp: 1700000000009, name: "Broken", up: [`CREATE TABLE "t1" ("id" integer)`], down: [] });
    const failed = await project.cli(["run", "--quiet"]);
    assert.equal(failed.code, 3);
    assert.equal(failed.stdout, "");
    assert.match(failed.stderr, /^error: Migration Broken1700000000009 failed/);
  });
});

describe("output: --verbose", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
  });
  after(async () => project.cleanup());

  test("prints each statement of a migration as it runs, before its line, with passwords hidden", async () => {
    writeMigration(project, {
      timestamp: 1700000000001,
      name: "AddFeeds",
      up: [
        `CREATE TABLE "feeds" ("id" integer PRIMARY KEY, "source" varchar)`,
        `INSERT INTO "feeds" ("source") VALUES ('postgres://reader:hunter2@feeds.example.com/db')`,
      ],
      down: [`DROP TABLE "feeds"`],
    });
    const run = await project.cli(["run", "--verbose"], { env: PLAIN });
    assert.equal(run.code, 0, run.stderr);
    const create = run.stdout.indexOf(`CREATE TABLE "feeds" ("id" integer PRIMARY KEY, "source" varchar);`);
    const insert = run.stdout.indexOf(`VALUES ('postgres://reader:***@feeds.example.com/db');`);
    const done = run.stdout.indexOf("✓ AddFeeds1700000000001");
    assert.ok(create >= 0 && insert > create && done > insert, run.stdout);
    assert.ok(!run.stdout.includes("hunter2"), run.stdout);
    assert.ok(!run.stdout.includes(ESCAPE));

    const revert = await project.cli(["revert", "--verbose"], { env: PLAIN });
    assert.match(revert.stdout, /DROP TABLE "feeds";\n[\s\S]*✓ reverted AddFeeds1700000000001/);
  });
});

// The runner's lines are written at the end of the event loop's turn (cli/output.ts deferLines): whatever else is written goes after them.
for (const dialect of DIALECTS) {
  describe(`${dialect}: output of the migrations' own code`, () => {
    test(`a migration's own console output and the runner's lines keep their order, on stdout and stderr alike`, async () => {
      const other = await TestProject.create(dialect);
      try {
        for (const i of [1, 2, 3]) {
          writeMigrationBody(other, {
            timestamp: 1700000000000 + i,
            name: `Noisy${i}`,
            up: [
              `    console.log("up of Noisy${i}");`,
              `    console.error("warning from Noisy${i}");`,
              q(`CREATE TABLE "n${i}" ("id" integer)`),
            ].join("\n"),
          });
        }
        // One commit per migration (no SQLite commit group), so each is reported before the next starts; on
        // PostgreSQL once the query that carried its COMMIT returned, just before the next migration's code runs.
        const { result } = spawnProgram("bash", ["-c", `"${process.execPath}" "${join(repoRoot, "bin", "athanor")}" run 2>&1`], {
          cwd: other.dir,
          env: { ...other.env, ...PLAIN, NO_COLOR: "1", ATHANOR_COMMIT_GROUP_MS: "0" },
        });
        const run = await result;
        assert.equal(run.code, 0, run.stdout);
        const lines = run.stdout.trimEnd().split("\n");
        const expected = [1, 2, 3].flatMap((i) => [
          `up of Noisy${i}`,
          `warning from Noisy${i}`,
          new RegExp(`^  ✓ Noisy${i}170000000000${i} \\(\\d+ ms\\)$`),
        ]);
        assert.equal(lines.length, expected.length + 1, run.stdout);
        expected.forEach((line, i) => (typeof line === "string" ? assert.equal(lines[i], line, run.stdout) : assert.match(lines[i], line)));
        assert.match(lines[lines.length - 1], /^Applied 3 migrations to .* in \d+ ms\.$/);
      } finally {
        await other.cleanup();
      }
    });
  });
}
