/**
 * A migration `generate` just wrote is described and run from what
 * `generate` itself remembered (its class name and transaction flag, and the
 * JavaScript it runs as), so the first `run` of a big initial migration
 * neither loads TypeScript nor transpiles the file. What was remembered is
 * keyed on the file's content: a generated file edited by hand (class
 * renamed, taken out of the transaction) is read and transpiled again, and
 * its new name and flag are the ones that count.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { BOOK } from "../support/entities";

// Preloaded into the CLI: lists, at exit, the migration files and whether
// Athanor's TypeScript compiler was loaded at all.
const PROBE = `const { appendFileSync } = require("node:fs");
process.on("exit", () => {
  const loaded = Object.keys(require.cache);
  const lines = loaded.filter((f) => f.includes("/migrations/")).map((f) => "migration " + f.split("/migrations/")[1]);
  if (loaded.some((f) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(f))) lines.push("typescript");
  appendFileSync(process.env.PROBE_LOG, lines.map((l) => l + "\\n").join(""));
});
`;

describe("sqlite: a migration generate just wrote", () => {
  let project: TestProject;
  const log = () => join(project.dir, "probe.log");

  /** Run the CLI; return its output and what the probe saw. */
  async function probed(args: string[]) {
    rmSync(log(), { force: true });
    writeFileSync(log(), "");
    const result = await project.cli(args, { env: { NODE_OPTIONS: `--require ${join(project.dir, "probe.cjs")}`, PROBE_LOG: log() } });
    assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
    return { ...result, seen: readFileSync(log(), "utf8").split("\n").filter(Boolean).sort() };
  }

  before(async () => {
    project = await TestProject.create("sqlite", { "Book.ts": BOOK });
    writeFileSync(join(project.dir, "probe.cjs"), PROBE);
  });
  after(async () => project.cleanup());

  test("is listed without being loaded, and runs without TypeScript", async () => {
    await project.ok(["generate", "Init"]);
    const [file] = project.migrationFiles();
    const status = await probed(["status"]);
    assert.match(status.stdout, /\[ \] Init\d{13}/);
    assert.deepEqual(status.seen, []);

    const run = await probed(["run"]);
    assert.deepEqual(run.seen, [`migration ${file}`]);
    assert.deepEqual(await project.query("SELECT count(*) AS n FROM books"), [{ n: 0 }]);
    const [{ name }] = await project.query("SELECT name FROM migrations");
    assert.match(name, /^Init\d{13}$/);

    // Taken back and run again: the same file, from the same remembered output.
    await project.ok(["revert"]);
    assert.deepEqual((await probed(["run"])).seen, [`migration ${file}`]);
    await project.ok(["revert"]);
    rmSync(join(project.dir, "migrations", file));
    await project.ok(["sum"]);
  });

  test("edited by hand (class renamed, transaction = false added) is read again: the edit counts", async () => {
    await project.ok(["generate", "Init"]);
    const [file] = project.migrationFiles();
    const path = join(project.dir, "migrations", file);
    const generated = readFileSync(path, "utf8");
    const className = /export class (Init\d{13})/.exec(generated)![1];
    const renamed = className.replace("Init", "Edited");
    const edited = generated
      .split(className)
      .join(renamed)
      .replace(`  name = "${renamed}";\n`, `  name = "${renamed}";\n  transaction = false;\n`);
    assert.notEqual(edited, generated);
    writeFileSync(path, edited);
    await project.ok(["sum"]);

    const status = await probed(["status"]);
    assert.match(status.stdout, new RegExp(`\\[ \\] ${renamed}`));
    assert.doesNotMatch(status.stdout, new RegExp(className));
    // New content in the generated shape: its facts read from its syntax, not from what generate
    // remembered, token by token (loader/migration-source-scan.ts): neither TypeScript nor the file is loaded.
    assert.deepEqual(status.seen, []);
    const shown = await project.ok(["show", renamed]);
    assert.match(shown.stdout, /Runs outside a transaction/);

    await project.ok(["run"]);
    assert.deepEqual(await project.query("SELECT name FROM migrations"), [{ name: renamed }]);
    assert.deepEqual(await project.query("SELECT count(*) AS n FROM books"), [{ n: 0 }]);
    await project.ok(["revert"]);
  });

  test("edited outside the generated shape (transaction set in a constructor) is loaded to learn its facts", async () => {
    const [file] = project.migrationFiles();
    const path = join(project.dir, "migrations", file);
    const before = readFileSync(path, "utf8");
    const edited = before.replace(
      "  transaction = false;\n",
      "  constructor() {\n    this.transaction = true;\n  }\n  transaction?: boolean;\n",
    );
    assert.notEqual(edited, before);
    writeFileSync(path, edited);
    await project.ok(["sum"]);

    const status = await probed(["status"]);
    assert.ok(status.seen.includes(`migration ${file}`), status.seen.join(", "));
    const shown = await project.ok(["show", /export class (\w+)/.exec(edited)![1]]);
    assert.doesNotMatch(shown.stdout, /Runs outside a transaction/);
  });
});
