/**
 * What makes a command with nothing to do start fast, and the guarantees
 * users rely on while it does: a no-op `run` or `status` requires no
 * migration and no entity file (their facts are cached by checksum); an
 * edited migration file is read again; the V8 code cache (Node 20) never
 * runs stale code and ignores a damaged file, and keeps a project file's
 * code only once its transpiled output is read back; remembered module resolution
 * follows an install that changed a package's files, and a file gone since;
 * everything lives under ATHANOR_CACHE_DIR when it is set.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";
import { BOOK } from "../support/entities";

/** Node ≥ 22.1 keeps its own compile cache; before, Athanor writes one. */
const ownCodeCache = typeof (Module as any).enableCompileCache !== "function";

// Entities by glob, as TypeORM's docs write it, plus a package of the
// project's own whose value the CLI prints (to see which code ran).
const ORMCONFIG = `import "reflect-metadata";
import { DataSource } from "typeorm";
const probe: string = require("startup-probe");
if (process.env.PRINT_PROBE) process.stderr.write("probe: " + probe + "\\n");

export default new DataSource({
  type: "sqlite",
  database: "data/app.sqlite",
  entities: ["entities/*.ts"],
  migrations: ["migrations/*.ts"],
});
`;

const cacheFiles = (dir: string, pattern: RegExp) => (existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)) : []);
const CODE_CACHE = /^v8-code-cache-.*\.bin$/;
const FACTS_CACHE = /^migrations-.*\.json$/;
const RESOLUTIONS = /^resolutions-.*\.json$/;

describe("sqlite: startup caches", () => {
  let project: TestProject;
  let cacheDir: string;
  let probeFile: string;
  const log = () => join(project.dir, "loaded.log");

  /** Run the CLI and return the project files it required (besides node_modules). */
  async function loadedBy(args: string[]): Promise<string[]> {
    rmSync(log(), { force: true });
    const result = await project.cli(args, {
      env: {
        NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "loaded-files.cjs")}`,
        ATHANOR_TEST_LOADED_UNDER: project.dir,
        ATHANOR_TEST_LOADED_LOG: log(),
      },
    });
    assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
    return readFileSync(log(), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((file) => file.slice(project.dir.length + 1))
      .sort();
  }

  before(async () => {
    project = await TestProject.create("sqlite", { "Book.ts": BOOK });
    writeFileSync(join(project.dir, "ormconfig.ts"), ORMCONFIG);
    const probeDir = join(project.dir, "node_modules", "startup-probe");
    mkdirSync(probeDir);
    writeFileSync(join(probeDir, "package.json"), JSON.stringify({ name: "startup-probe", version: "1.0.0", main: "index.js" }));
    probeFile = join(probeDir, "index.js");
    writeFileSync(probeFile, `module.exports = "one";\n`);
    cacheDir = join(project.dir, "node_modules", ".cache", "athanor", "ts");
    await project.ok(["generate", "Init"]);
    await project.ok(["run"]);
  });
  after(async () => project.cleanup());

  test("a no-op run and status require no migration and no entity file; revert loads what it reverts", async () => {
    const [init] = project.migrationFiles();
    assert.deepEqual(await loadedBy(["run"]), ["ormconfig.ts"]);
    assert.deepEqual(await loadedBy(["status"]), ["ormconfig.ts"]);
    // A generated migration calls only op(): no entity file either (test/e2e/entity-metadata-for-code.test.ts).
    assert.deepEqual(await loadedBy(["revert"]), [`migrations/${init}`, "ormconfig.ts"]);
    assert.deepEqual(await loadedBy(["run"]), [`migrations/${init}`, "ormconfig.ts"]);
    assert.deepEqual(await project.query("SELECT count(*) AS n FROM books"), [{ n: 0 }]);
  });

  test("an edited migration file is read again: its new class name and transaction flag count", async () => {
    const step = { timestamp: 1900000000001, up: ["CREATE TABLE t1 (id integer)"], down: ["DROP TABLE t1"] };
    const file = writeMigration(project, { ...step, name: "First" });
    let status = await project.ok(["status"]);
    assert.match(status.stdout, /\[ \] First1900000000001/);

    // The same file, its class renamed and taken out of the transaction.
    const renamed = join(project.dir, "migrations", writeMigration(project, { ...step, name: "Renamed", transaction: false }));
    writeFileSync(join(project.dir, "migrations", file), readFileSync(renamed));
    rmSync(renamed);
    status = await project.ok(["status"]);
    assert.match(status.stdout, /\[ \] Renamed1900000000001/);
    assert.doesNotMatch(status.stdout, /First1900000000001/);
    const shown = await project.ok(["show", "Renamed1900000000001"]);
    assert.match(shown.stdout, /Runs outside a transaction/);

    await project.ok(["sum"]);
    await project.ok(["run"]);
    assert.deepEqual(await project.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1"), [{ name: "Renamed1900000000001" }]);
    await project.ok(["revert"]);
    rmSync(join(project.dir, "migrations", file));
    await project.ok(["sum"]);
  });

  test("a damaged migration facts cache is ignored and rewritten", async () => {
    const [facts] = cacheFiles(cacheDir, FACTS_CACHE);
    assert.ok(facts, `no migrations-*.json in ${cacheDir}`);
    for (const damage of ["{ not json", JSON.stringify({ format: 1, entries: { x: { name: 3 } } }), ""]) {
      writeFileSync(join(cacheDir, facts), damage);
      const status = await project.ok(["status"]);
      assert.match(status.stdout, /\[x\] Init\d{13}/);
      assert.match(readFileSync(join(cacheDir, facts), "utf8"), /"Init\d{13}"/);
    }
  });

  test("a package file changed after it was cached runs its new code", async () => {
    const first = await project.cli(["status"], { env: { PRINT_PROBE: "1" } });
    assert.match(first.stderr, /probe: one/);
    if (ownCodeCache) assert.equal(cacheFiles(cacheDir, CODE_CACHE).length, 1);
    // Same length: V8's own check of cached data compares only the length.
    writeFileSync(probeFile, `module.exports = "two";\n`);
    const second = await project.cli(["status"], { env: { PRINT_PROBE: "1" } });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /probe: two/);
  });

  test("a damaged or truncated code cache is ignored, never fatal", async () => {
    await project.ok(["status"]);
    const [name] = cacheFiles(cacheDir, CODE_CACHE);
    if (ownCodeCache) assert.ok(name, `no v8-code-cache-*.bin in ${cacheDir}`);
    if (!name) return;
    const path = join(cacheDir, name);
    const good = readFileSync(path);
    // Garbage in the cached code itself (the second half of the file), cut
    // in half, and not a cache file at all.
    const flipped = Buffer.from(good);
    for (let i = flipped.length >> 1; i < flipped.length; i++) flipped[i] ^= 0xff;
    for (const damaged of [flipped, good.subarray(0, good.length >> 1), Buffer.from("not a cache")]) {
      writeFileSync(path, damaged);
      const status = await project.cli(["status"], { env: { PRINT_PROBE: "1" } });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /\[x\] Init\d{13}/);
      assert.match(status.stderr, /probe: two/);
    }
    // And the next command writes a sound one again.
    assert.equal(readFileSync(path).subarray(0, 8).toString(), "ATHV8C01");
  });

  test("a package's remembered resolution follows an install, and a file gone since", async () => {
    const probeDir = join(project.dir, "node_modules", "startup-probe");
    const printed = async () => {
      const result = await project.cli(["status"], { env: { PRINT_PROBE: "1" } });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      return /probe: (.+)/.exec(result.stderr)?.[1];
    };
    // The package's entry point requires "./impl", which is impl.js.
    writeFileSync(probeFile, `module.exports = require("./impl");\n`);
    writeFileSync(join(probeDir, "impl.js"), `module.exports = "file";\n`);
    assert.equal(await printed(), "file");
    const [resolutions] = cacheFiles(cacheDir, RESOLUTIONS);
    assert.ok(resolutions, `no resolutions-*.json in ${cacheDir}`);
    assert.match(readFileSync(join(cacheDir, resolutions), "utf8"), /impl\.js/);

    // An install turns impl.js into impl/index.js and rewrites npm's marker.
    rmSync(join(probeDir, "impl.js"));
    mkdirSync(join(probeDir, "impl"));
    writeFileSync(join(probeDir, "impl", "index.js"), `module.exports = "directory";\n`);
    writeFileSync(join(project.dir, "node_modules", ".package-lock.json"), JSON.stringify({ name: "x", lockfileVersion: 3 }));
    assert.equal(await printed(), "directory");

    // Removed by hand, without an install: resolved again, not an error.
    rmSync(join(probeDir, "impl"), { recursive: true });
    writeFileSync(join(probeDir, "impl.js"), `module.exports = "file again";\n`);
    assert.equal(await printed(), "file again");

    // A damaged file is ignored and replaced.
    for (const damage of ["{ not json", JSON.stringify({ format: 1, node: process.version, roots: [], resolved: 3 }), ""]) {
      writeFileSync(join(cacheDir, resolutions), damage);
      assert.equal(await printed(), "file again");
      assert.match(readFileSync(join(cacheDir, resolutions), "utf8"), /impl\.js/);
    }
    writeFileSync(probeFile, `module.exports = "two";\n`);
  });

  test("the code cache (Node 20) keeps a project file's code from a run that read its transpiled output back, not from the run that transpiled it", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "athanor-cache-"));
    /** The project files the code cache has V8's code of (its header names each file). */
    const projectFilesCached = () => {
      const [name] = cacheFiles(elsewhere, CODE_CACHE);
      if (!name) return [];
      const bytes = readFileSync(join(elsewhere, name));
      const header = JSON.parse(bytes.toString("utf8", 12, 12 + bytes.readUInt32LE(8)));
      return Object.keys(header)
        .filter((file) => file.startsWith(project.dir) && !file.includes("node_modules"))
        .map((file) => file.slice(project.dir.length + 1))
        .sort();
    };
    const generate = async (env: NodeJS.ProcessEnv = {}) => {
      const result = await project.cli(["generate", "--check"], { env: { ATHANOR_CACHE_DIR: elsewhere, ...env } });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /No changes/);
    };
    try {
      // A cold cache: the DataSource and the entity are transpiled, their code not kept.
      await generate();
      if (ownCodeCache) assert.ok(cacheFiles(elsewhere, CODE_CACHE).length === 1);
      assert.deepEqual(projectFilesCached(), []);
      // The entity model cache answers: only the DataSource is required, from the transpile cache.
      await generate();
      assert.deepEqual(projectFilesCached(), ownCodeCache ? ["ormconfig.ts"] : []);
      // Without the model cache the entity is required too, from the transpile cache.
      await generate({ ATHANOR_MODEL_CACHE: "0" });
      assert.deepEqual(projectFilesCached(), ownCodeCache ? ["entities/Book.ts", "ormconfig.ts"] : []);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("ATHANOR_CACHE_DIR holds every cache", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "athanor-cache-"));
    try {
      const result = await project.cli(["status"], { env: { ATHANOR_CACHE_DIR: elsewhere } });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(cacheFiles(elsewhere, FACTS_CACHE).length, 1);
      assert.equal(cacheFiles(elsewhere, CODE_CACHE).length, ownCodeCache ? 1 : 0);
      assert.equal(cacheFiles(elsewhere, RESOLUTIONS).length, 1);
      assert.ok(cacheFiles(elsewhere, /\.js$/).length > 0);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
