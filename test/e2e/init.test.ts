/**
 * `athanor init` in temporary projects: what it writes, that a project it
 * scaffolded generates and runs a first migration through its npm scripts,
 * and that it overwrites nothing.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { cliEnv, createEmptyProject, runCli, spawnProgram, type CliResult } from "../support/project";
import { USER } from "../support/entities";

const SCRIPTS = [
  "migration:generate",
  "migration:run",
  "migration:revert",
  "migration:create",
  "migration:status",
  "migration:history",
  "migration:check",
];

/** `npm run <script> -- args` in the project, as a user would. */
function npmRun(cwd: string, script: string, args: string[] = []): Promise<CliResult> {
  return spawnProgram("npm", ["run", "--silent", script, "--", ...args], { cwd, env: cliEnv() }).result;
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function emptyProject(): string {
  const dir = createEmptyProject("init");
  dirs.push(dir);
  return dir;
}
/** A directory with nothing installed: no node_modules, so no TypeORM to ask. */
function bareDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "athanor-init-bare-"));
  dirs.push(dir);
  return dir;
}
/** The `npm install …` line init printed, or undefined when it printed none. */
function installLine(stdout: string): string | undefined {
  return /^ {2}(npm install .*)$/m.exec(stdout)?.[1];
}

describe("athanor init", () => {
  test("in an empty project: writes the DataSource, directories, tsconfig and package.json, then generate and run work", async () => {
    const dir = emptyProject();
    const init = await runCli(dir, ["init"], cliEnv());
    assert.equal(init.code, 0, init.stderr);
    for (const created of ["ormconfig.ts", "entities/", "migrations/", "tsconfig.json", "package.json"]) {
      assert.match(init.stdout, new RegExp(`created ${created}`), init.stdout);
    }
    assert.match(init.stdout, /TypeScript, CommonJS/);
    assert.match(init.stdout, /npm run migration:generate -- Init/);
    // The linked TypeORM is 0.3 (and unlisted): its line, and the sqlite3 major it accepts.
    assert.match(init.stdout, /^  npm install athanor typeorm@0\.3 reflect-metadata sqlite3@5$/m);

    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.deepEqual(Object.keys(pkg.scripts), SCRIPTS);
    assert.equal(pkg.scripts["migration:generate"], "athanor generate");
    const tsconfig = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8"));
    assert.equal(tsconfig.compilerOptions.experimentalDecorators, true);
    assert.equal(tsconfig.compilerOptions.emitDecoratorMetadata, true);
    const ormconfig = readFileSync(join(dir, "ormconfig.ts"), "utf8");
    assert.match(ormconfig, /process\.env\.DATABASE_URL/);
    assert.match(ormconfig, /type: "sqlite"/);

    writeFileSync(join(dir, "entities", "User.ts"), USER);
    const generated = await npmRun(dir, "migration:generate", ["Init"]);
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(generated.stdout, /Wrote migrations\/\d{13}-Init\.ts/);
    const run = await npmRun(dir, "migration:run");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Applied 1 migration/);

    const ds = new DataSource({ type: "sqlite", database: join(dir, "data", "app.sqlite") });
    await ds.initialize();
    try {
      const columns = await ds.query(`SELECT name FROM pragma_table_info('users') ORDER BY cid`);
      assert.deepEqual(
        columns.map((c: { name: string }) => c.name),
        ["id", "name"],
      );
    } finally {
      await ds.destroy();
    }
    const check = await npmRun(dir, "migration:check");
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /In sync/);
  });

  test("keeps an existing package.json's scripts and indentation, adds the missing ones, and says which it kept", async () => {
    const dir = emptyProject();
    const original = { name: "shop", version: "1.2.3", scripts: { build: "tsc", "migration:run": "typeorm migration:run -d dist/ds.js" } };
    writeFileSync(join(dir, "package.json"), JSON.stringify(original, null, 4) + "\n");
    const init = await runCli(dir, ["init"], cliEnv());
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /added npm scripts to package\.json: migration:generate, migration:revert/);
    assert.match(init.stdout, /already has a "migration:run" script; left it as it is/);
    const text = readFileSync(join(dir, "package.json"), "utf8");
    assert.match(text, /^\{\n {4}"name": "shop"/);
    const pkg = JSON.parse(text);
    assert.equal(pkg.version, "1.2.3");
    assert.equal(pkg.scripts.build, "tsc");
    assert.equal(pkg.scripts["migration:run"], "typeorm migration:run -d dist/ds.js");
    assert.equal(pkg.scripts["migration:status"], "athanor status");
    assert.ok(!init.stdout.includes("created package.json"));
  });

  test("refuses to overwrite an existing DataSource file (exit 2), changing nothing", async () => {
    const dir = emptyProject();
    writeFileSync(join(dir, "ormconfig.js"), "module.exports = {};\n");
    const init = await runCli(dir, ["init"], cliEnv());
    assert.equal(init.code, 2, init.stdout + init.stderr);
    assert.match(init.stderr, /^error: ormconfig\.js already exists, and athanor init overwrites nothing/);
    assert.equal(readFileSync(join(dir, "ormconfig.js"), "utf8"), "module.exports = {};\n");
    for (const path of ["ormconfig.ts", "package.json", "entities", "migrations", "tsconfig.json"]) {
      assert.ok(!existsSync(join(dir, path)), `${path} should not exist`);
    }

    // A second init in a scaffolded project is refused the same way.
    const again = emptyProject();
    assert.equal((await runCli(again, ["init"], cliEnv())).code, 0);
    const second = await runCli(again, ["init", "--js"], cliEnv());
    assert.equal(second.code, 2);
    assert.match(second.stderr, /ormconfig\.ts already exists/);
    assert.ok(!existsSync(join(again, "ormconfig.js")));
  });

  describe("names exactly the packages still missing, for the TypeORM it finds", () => {
    test("nothing installed or listed: the TypeORM 1.x line that npm install typeorm gives, with better-sqlite3@12", async () => {
      const dir = bareDirectory();
      const init = await runCli(dir, ["init"], cliEnv());
      assert.equal(init.code, 0, init.stdout + init.stderr);
      assert.equal(installLine(init.stdout), "npm install athanor typeorm reflect-metadata better-sqlite3@12");
      assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /type: "better-sqlite3"/);
    });

    test("package.json lists sqlite3 and no TypeORM: TypeORM 0.3, the line that has the sqlite driver", async () => {
      const dir = bareDirectory();
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", dependencies: { sqlite3: "^5.1.7" } }));
      const init = await runCli(dir, ["init", "--js"], cliEnv());
      assert.equal(init.code, 0, init.stdout + init.stderr);
      assert.equal(installLine(init.stdout), "npm install athanor typeorm@0.3");
      assert.match(readFileSync(join(dir, "ormconfig.js"), "utf8"), /type: "sqlite"/);
    });

    test("package.json lists TypeORM 1.x only: its SQLite driver at the major it accepts", async () => {
      const dir = bareDirectory();
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: "app", dependencies: { typeorm: "^1.1.3", "reflect-metadata": "^0.2.2" } }),
      );
      const init = await runCli(dir, ["init"], cliEnv());
      assert.equal(init.code, 0, init.stdout + init.stderr);
      assert.equal(installLine(init.stdout), "npm install athanor better-sqlite3@12");
    });

    test("everything listed: no install line", async () => {
      const dir = emptyProject();
      const dependencies = { athanor: "^0.1.0", typeorm: "0.3.28", "reflect-metadata": "^0.2.2", sqlite3: "^5.1.7" };
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", dependencies }));
      const init = await runCli(dir, ["init"], cliEnv());
      assert.equal(init.code, 0, init.stdout + init.stderr);
      assert.equal(installLine(init.stdout), undefined, init.stdout);
      assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /type: "sqlite"/);
    });
  });
});
