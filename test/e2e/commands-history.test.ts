/**
 * `athanor create`, `history` and `edit` with the real CLI, on SQLite and
 * PostgreSQL where a database is involved.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";
import { writeTableMigrations } from "../support/migrations";

async function tableNames(project: TestProject): Promise<string[]> {
  return Object.keys((await project.introspect()).tables).sort();
}

/** The names in `history` output, top to bottom, with their markers. */
function historyLines(stdout: string): string[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => line.replace(/\s{2,}(applied|pending).*$/, "").trim());
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: athanor create`, () => {
    test("writes a blank migration in the generated layout that runs and reverts", async () => {
      const project = await TestProject.create(dialect);
      try {
        const created = await project.ok(["create", "seed countries"]);
        const [file] = project.migrationFiles();
        assert.match(file, /^\d{13}-SeedCountries\.ts$/);
        assert.match(created.stdout, new RegExp(`Wrote migrations/${file}`));
        const source = project.readMigration(file);
        const timestamp = file.slice(0, 13);
        assert.match(source, /^\/\*\*\n \* SeedCountries\n/);
        assert.match(source, new RegExp(`export class SeedCountries${timestamp} implements MigrationInterface`));
        assert.match(source, new RegExp(`name = "SeedCountries${timestamp}";`));
        assert.match(source, /public async up\(queryRunner: QueryRunner\): Promise<void> \{\n\s+\/\/ Make the change here/);
        assert.match(source, /await op\(queryRunner\)\.addColumn/);
        assert.match(source, /await queryRunner\.query\(/);

        const run = await project.ok(["run"]);
        assert.match(run.stdout, new RegExp(`SeedCountries${timestamp}`));
        const rows = await project.query(`SELECT name FROM migrations`);
        assert.deepEqual(
          rows.map((r: any) => r.name),
          [`SeedCountries${timestamp}`],
        );
        await project.ok(["revert"]);
        assert.deepEqual(await project.query(`SELECT name FROM migrations`), []);

        // A filled-in migration works like any other.
        writeFileSync(
          join(project.dir, "migrations", file),
          source
            .replace(
              "// Make the change here",
              `await queryRunner.query('CREATE TABLE "countries" ("code" varchar(2) PRIMARY KEY)');\n    // Make the change here`,
            )
            .replace("// Undo what up() does", `await queryRunner.query('DROP TABLE "countries"');\n    // Undo what up() does`),
        );
        await project.ok(["sum"]);
        await project.ok(["run"]);
        assert.deepEqual(await tableNames(project), ["countries"]);
        await project.ok(["revert"]);
        assert.deepEqual(await tableNames(project), []);
      } finally {
        await project.cleanup();
      }
    });
  });

  describe(`${dialect}: athanor history`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      writeTableMigrations(project, 4);
    });
    after(async () => project.cleanup());

    test("before anything ran: all pending, newest first, and no bookkeeping table is created", async () => {
      const history = await project.ok(["history", "-i"]);
      assert.deepEqual(historyLines(history.stdout), [
        "[ ] CreateT41700000000004 (head)",
        "[ ] CreateT31700000000003",
        "[ ] CreateT21700000000002",
        "[ ] CreateT11700000000001",
      ]);
      assert.doesNotMatch(history.stdout, /\(current\)/);
      assert.equal((await project.introspect()).tables.migrations, undefined);
      const everything = await project.connect();
      try {
        const dialectTables =
          dialect === "sqlite"
            ? await everything.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`)
            : await everything.query(`SELECT tablename FROM pg_tables WHERE tablename = 'migrations'`);
        assert.deepEqual(dialectTables, []);
      } finally {
        await everything.destroy();
      }
    });

    test("applied markers and times, (head) always, (current) with -i", async () => {
      await project.ok(["run", "--step", "2"]);
      const plain = await project.ok(["history"]);
      assert.doesNotMatch(plain.stdout, /\(current\)/);
      const history = await project.ok(["history", "--indicate-current"]);
      assert.deepEqual(historyLines(history.stdout), [
        "[ ] CreateT41700000000004 (head)",
        "[ ] CreateT31700000000003",
        "[x] CreateT21700000000002 (current)",
        "[x] CreateT11700000000001",
      ]);
      assert.match(history.stdout, /CreateT21700000000002 \(current\)\s+applied \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      assert.match(history.stdout, /CreateT41700000000004 \(head\)\s+pending/);
    });

    test("-r start:end ranges, inclusive, either side empty", async () => {
      const names = async (range: string) =>
        historyLines((await project.ok(["history", "-r", range])).stdout).map((l) => l.replace(/^\[.\] /, "").split(" ")[0]);
      assert.deepEqual(await names("1700000000002:1700000000003"), ["CreateT31700000000003", "CreateT21700000000002"]);
      assert.deepEqual(await names(":CreateT2"), ["CreateT21700000000002", "CreateT11700000000001"]);
      assert.deepEqual(await names("current:"), ["CreateT41700000000004", "CreateT31700000000003", "CreateT21700000000002"]);
      assert.deepEqual(await names("1700000000004-CreateT4.ts:head"), ["CreateT41700000000004"]);
      assert.equal((await names("base:head")).length, 4);
      assert.equal((await names(":")).length, 4);

      const backwards = await project.cli(["history", "-r", "CreateT3:CreateT1"]);
      assert.equal(backwards.code, 2);
      assert.match(backwards.stderr, /starts after it ends/);
      const unknown = await project.cli(["history", "-r", "Nope:"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /No migration matches "Nope"/);
      const malformed = await project.cli(["history", "-r", "CreateT1"]);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /is not start:end/);
    });

    test("--json", async () => {
      const result = JSON.parse((await project.ok(["history", "--json", "-r", "CreateT2:CreateT3"])).stdout);
      assert.equal(result.current, "CreateT21700000000002");
      assert.equal(result.head, "CreateT41700000000004");
      assert.deepEqual(
        result.migrations.map((m: any) => [m.name, m.applied, m.current, m.head, m.file]),
        [
          ["CreateT31700000000003", false, false, false, "migrations/1700000000003-CreateT3.ts"],
          ["CreateT21700000000002", true, true, false, "migrations/1700000000002-CreateT2.ts"],
        ],
      );
      assert.ok(!Number.isNaN(Date.parse(result.migrations[1].appliedAt)));
      assert.equal(result.migrations[0].appliedAt, undefined);
    });
  });
}

describe("--help", () => {
  test("create, history, edit and sum each have help with examples", async () => {
    const project = await TestProject.create("sqlite");
    try {
      for (const command of ["create", "history", "edit", "sum"]) {
        const help = await project.ok([command, "--help"]);
        assert.match(help.stdout, new RegExp(`athanor ${command}`));
        assert.match(help.stdout, /Examples:/);
      }
    } finally {
      await project.cleanup();
    }
  });
});

describe("athanor create needs no database", () => {
  test("works with an unreachable DATABASE_URL, and each new file sorts last", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeTableMigrations(project, 1, 4102444800000); // a migration dated 2100
      const env = { DATABASE_URL: "postgres://nobody:secret@127.0.0.1:1/nowhere" };
      const result = await project.cli(["create", "Offline", "--json"], { env });
      assert.equal(result.code, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      assert.equal(json.timestamp, 4102444800002);
      assert.equal(json.file, "migrations/4102444800002-Offline.ts");
      assert.equal(json.className, "Offline4102444800002");
      assert.equal(json.sumFile, "migrations/athanor.sum");
    } finally {
      await project.cleanup();
    }
  });

  test("a name without letters or digits: exit 2", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const result = await project.cli(["create", "!!!"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /has no letters or digits/);
    } finally {
      await project.cleanup();
    }
  });
});

describe("athanor edit", () => {
  let project: TestProject;
  let editor: string;
  before(async () => {
    project = await TestProject.create("sqlite");
    writeTableMigrations(project, 3);
    await project.ok(["sum"]);
    // A stand-in editor: appends a line to the file it is given, and leaves
    // a trace of its arguments.
    editor = join(project.dir, "fake-editor.sh");
    writeFileSync(editor, `#!/bin/sh\necho "// edited by the test" >> "$1"\necho "$1" > "${project.dir}/editor-was-called-with"\n`);
    chmodSync(editor, 0o755);
  });
  after(async () => project.cleanup());

  const withEditor = (value: string) => ({ EDITOR: value, VISUAL: "" });

  test("opens head by default, waits, and says to re-write the sum", async () => {
    const result = await project.cli(["edit"], { env: withEditor(editor) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Edited migrations\/1700000000003-CreateT3\.ts/);
    assert.match(result.stdout, /run `athanor sum`/);
    assert.match(project.readMigration("1700000000003-CreateT3.ts"), /\/\/ edited by the test\n$/);
    assert.match(readFileSync(join(project.dir, "editor-was-called-with"), "utf8"), /migrations\/1700000000003-CreateT3\.ts/);
    // The edit is visible to the integrity check until `athanor sum`.
    assert.equal((await project.cli(["run"])).code, 2);
    await project.ok(["sum"]);
  });

  test("opens a revision by prefix or class name; $VISUAL wins over $EDITOR; editor with arguments", async () => {
    const byPrefix = await project.cli(["edit", "1700000000001"], { env: withEditor(editor) });
    assert.equal(byPrefix.code, 0, byPrefix.stderr);
    assert.match(byPrefix.stdout, /1700000000001-CreateT1\.ts/);
    const visual = await project.cli(["edit", "CreateT21700000000002", "--json"], {
      env: { VISUAL: `sh ${editor}`, EDITOR: "false" },
    });
    assert.equal(visual.code, 0, visual.stderr);
    const json = JSON.parse(visual.stdout);
    assert.equal(json.file, "migrations/1700000000002-CreateT2.ts");
    assert.equal(json.changed, true);
    assert.equal(json.editor, `sh ${editor}`);
  });

  test("no editor, a failing editor, base, unknown: exit 2 with the fix", async () => {
    const none = await project.cli(["edit"], { env: { EDITOR: "", VISUAL: "" } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Neither \$VISUAL nor \$EDITOR is set: set one/);
    const failing = await project.cli(["edit"], { env: withEditor("false") });
    assert.equal(failing.code, 2);
    assert.match(failing.stderr, /The editor "false" exited with code 1/);
    const missing = await project.cli(["edit"], { env: withEditor("no-such-editor-athanor") });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /was not found/);
    const base = await project.cli(["edit", "base"], { env: withEditor(editor) });
    assert.equal(base.code, 2);
    assert.match(base.stderr, /base is the empty database/);
    const unknown = await project.cli(["edit", "Nope"], { env: withEditor(editor) });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No migration matches "Nope"/);
  });
});
