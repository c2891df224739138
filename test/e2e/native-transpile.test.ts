/**
 * A cold cache's files transpiled by TypeScript 7's native compiler
 * (src/loader/native-transpile.ts) give the code the per-file path
 * (Athanor's TypeScript 5.x, as ts-node gave it) gives, on every
 * TypeScript file of the test corpus and the example app, under each
 * compiler option passed to TypeScript 7 — except that a decorated class
 * naming itself goes through an alias (`X_1`), as TypeScript's own full
 * program emits it — and source maps that send every position TypeScript 7
 * maps to the same TypeScript line (it leaves the assignment of an export,
 * `exports.X = X;`, unmapped).
 * Whatever it cannot reproduce goes to the old path: a script, global
 * declarations, a syntax error, `esModuleInterop` off with a default
 * import, options TypeScript 7 dropped or changed, a missing executable.
 * And the CLI on a cold cache loads the example app without ever loading
 * TypeScript 5.x.
 */
import { describe, test } from "node:test";
import { spawn, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createCompiler, nativeTranspilerOf } from "../../src/loader/typescript-loader";
import { isNativeCandidate, memoryRunPrefix, nativeCompilerOptions, transpileNatively } from "../../src/loader/native-transpile";
import type { SourceFileText } from "../../src/loader/batch-transpile";
import { cliEnv, createEmptyProject, createExampleApp, repoRoot, runCli, TSCONFIG } from "../support/project";
import { LEFT_TO_THE_PER_FILE_PATH as LEFT_OUT, TRICKY_SOURCES as TRICKY } from "../support/tricky-sources";

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.includes("node_modules"))
    .map((name) => join(dir, name))
    .sort();
}

/** The test corpus, the example app (DataSource, entities, migration) and TRICKY, in a new directory with `tsconfig`. */
function corpusProject(tsconfig: object | undefined): { dir: string; files: SourceFileText[] } {
  const dir = mkdtempSync(join(tmpdir(), "athanor-native-"));
  cpSync(join(repoRoot, "test", "corpus"), join(dir, "corpus"), { recursive: true });
  cpSync(join(repoRoot, "entities"), join(dir, "entities"), { recursive: true });
  cpSync(join(repoRoot, "migrations"), join(dir, "migrations"), { recursive: true });
  cpSync(join(repoRoot, "ormconfig.ts"), join(dir, "ormconfig.ts"));
  mkdirSync(join(dir, "tricky"));
  for (const [name, text] of Object.entries(TRICKY)) writeFileSync(join(dir, "tricky", name), text);
  if (tsconfig) writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  const files = tsFilesUnder(dir).map((fileName) => ({ fileName, source: readFileSync(fileName, "utf8") }));
  return { dir, files };
}

/** The repository's own tsconfig.json, as a TypeORM project's would be. */
const REPO_TSCONFIG = JSON.parse(readFileSync(join(repoRoot, "tsconfig.json"), "utf8"));

/**
 * The one code difference allowed: TypeScript 7 refers to a decorated class
 * that names itself through an alias, as a full program's emit does.
 */
function withoutClassAlias(output: string): string {
  const aliases = [...output.matchAll(/^var (\w+_1);$/gm)].map((match) => match[1]);
  let code = output;
  for (const alias of aliases) {
    const name = alias.slice(0, -2);
    code = code
      .replace(new RegExp(`^var ${alias};\\n`, "m"), "")
      .replace(new RegExp(`\\b${name} = ${alias} = `, "g"), `${name} = `)
      .replace(new RegExp(`\\b${alias}\\b`, "g"), name);
  }
  return code;
}

const code = (output: string) => output.slice(0, output.lastIndexOf("//# sourceMappingURL="));
const mapOf = (output: string) => JSON.parse(Buffer.from(output.slice(output.lastIndexOf("base64,") + 7), "base64").toString("utf8"));

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Each generated line's segments as [column, original line], from a source map's `mappings`. */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  let originalLine = 0;
  return mappings.split(";").map((line) => {
    let column = 0;
    const segments: Array<[number, number]> = [];
    for (const segment of line ? line.split(",") : []) {
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length >= 4) {
        originalLine += values[2];
        segments.push([column, originalLine]);
      }
    }
    return segments;
  });
}

/** The TypeScript line a stack frame at (line, column) of the output is shown at, as source maps look it up. */
function originalLineAt(segments: Array<Array<[number, number]>>, line: number, column: number): number | undefined {
  let found: number | undefined;
  for (const [start, original] of segments[line] ?? []) if (start <= column) found = original;
  return found;
}

/** Same code (but the class alias), same map fields, and every position TypeScript 7 maps, mapped to the same line. */
function assertSameOutput(native: string, perFile: string, fileName: string): void {
  assert.equal(withoutClassAlias(code(native)), code(perFile), `${fileName}: the code differs from the per-file path's`);
  const [nativeMap, perFileMap] = [mapOf(native), mapOf(perFile)];
  for (const field of ["version", "file", "sources", "sourcesContent", "names", "sourceRoot"]) {
    assert.deepEqual(nativeMap[field], perFileMap[field], `${fileName}: source map field ${field}`);
  }
  // Line by line only where the code is the same line for line (the alias adds one).
  if (code(native) !== code(perFile)) return;
  const [nativeSegments, perFileSegments] = [decodeMappings(nativeMap.mappings), decodeMappings(perFileMap.mappings)];
  const lines = code(perFile).split("\n");
  for (const [line, text] of lines.entries()) {
    for (let column = 0; column < text.length; column++) {
      const nativeLine = originalLineAt(nativeSegments, line, column);
      const perFileLine = originalLineAt(perFileSegments, line, column);
      if (nativeLine === undefined && perFileLine !== undefined) {
        // Only an export's assignment: `exports.X = X;`, or the `exports.X = ` before an expression TypeScript 7 maps.
        const assignment = /^exports\.[\w$]+ = /.exec(text)?.[0];
        const unmappedExport = assignment !== undefined && (column < assignment.length || /^exports\.[\w$]+ = [\w$]+;$/.test(text));
        assert.ok(unmappedExport, `${fileName}:${line + 1}:${column + 1} is not mapped by TypeScript 7: ${text}`);
        continue;
      }
      if (nativeLine !== undefined) assert.equal(nativeLine, perFileLine, `${fileName}:${line + 1}:${column + 1} maps to another line`);
    }
  }
}

/** The native outputs of every candidate of `files` in the project, each checked against the per-file path. */
function compareAll(dir: string, files: SourceFileText[]): { outputs: Map<string, string>; candidates: SourceFileText[] } {
  const tsconfig = existsSync(join(dir, "tsconfig.json")) ? join(dir, "tsconfig.json") : undefined;
  const native = nativeTranspilerOf(tsconfig);
  assert.ok(native, "this project's options should go to the native compiler");
  const compiler = createCompiler(dir, tsconfig);
  const candidates = files.filter((file) => isNativeCandidate(file, native.esModuleInterop));
  const outputs = transpileNatively(native.compiler, native.options, candidates, join(dir, "work"));
  for (const file of candidates) {
    const output = outputs.get(file.fileName);
    if (output === undefined) continue;
    assertSameOutput(output, compiler.compile(file.source, file.fileName), file.fileName);
  }
  assert.ok(!existsSync(join(dir, "work")) || readdirSync(join(dir, "work")).length === 0, "the run's directory is removed");
  assert.deepEqual(runsLeftInMemory(), [], "the run's directory is removed");
  return { outputs, candidates };
}

/** This process's run directories left in the memory-backed directory (Linux's /dev/shm), if runs go there. */
function runsLeftInMemory(): string[] {
  const prefix = memoryRunPrefix();
  if (!prefix) return [];
  return readdirSync(dirname(prefix)).filter((name) => join(dirname(prefix), name).startsWith(prefix));
}

/** A --require script that records each native compiler run as it starts (background or not, its files) in PROBE_OUT at exit. */
const NATIVE_RUNS_PROBE =
  `const cp = require("node:child_process"), fs = require("node:fs"), runs = [];\n` +
  `for (const name of ["spawn", "spawnSync"]) {\n  const original = cp[name];\n  cp[name] = function (exe, args, ...rest) {\n` +
  `    const config = Array.isArray(args) && args[0] === "-p" ? JSON.parse(fs.readFileSync(args[1], "utf8")) : undefined;\n` +
  `    if (config) runs.push({ background: name === "spawn", files: config.files.map((f) => require("node:path").relative(process.cwd(), f)).sort() });\n` +
  `    return original.call(this, exe, args, ...rest);\n  };\n}\n` +
  `process.on("exit", () => fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(runs)));\n`;

describe("transpiling a cold cache's files with TypeScript 7's native compiler", () => {
  test("gives the per-file path's code and source lines on every file of the corpus and the example app, and leaves out what it cannot reproduce", () => {
    const { dir, files } = corpusProject(REPO_TSCONFIG);
    try {
      assert.ok(files.length > 80, `${files.length} files`);
      const { outputs } = compareAll(dir, files);
      for (const file of files) {
        const name = file.fileName.slice(dir.length + 1);
        if (LEFT_OUT.some((left) => name === join("tricky", left)))
          assert.ok(!outputs.has(file.fileName), `${name} should be left to the old path`);
        else assert.ok(outputs.has(file.fileName), `${name} was not transpiled natively`);
      }
      // The alias is the only normalization, and only for classes that name themselves.
      const aliased = [...outputs].filter(([, output]) => /^var \w+_1;$/m.test(output)).map(([fileName]) => fileName);
      assert.ok(aliased.length > 0 && aliased.length < 10, `${aliased.length} files with a class alias`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("under each compiler option it is given, and without a tsconfig.json, gives the per-file path's output", () => {
    const variants: Array<[string, object | undefined]> = [
      ["no tsconfig.json (ts-node's defaults)", undefined],
      ["ES2015", { compilerOptions: { ...REPO_TSCONFIG.compilerOptions, target: "ES2015" } }],
      [
        "ESNext, no class fields",
        { compilerOptions: { ...REPO_TSCONFIG.compilerOptions, target: "ESNext", useDefineForClassFields: false } },
      ],
      [
        "ES2021 with class fields",
        { compilerOptions: { ...REPO_TSCONFIG.compilerOptions, target: "es2021", useDefineForClassFields: true } },
      ],
      [
        "helpers, comments, const enums",
        {
          compilerOptions: {
            ...REPO_TSCONFIG.compilerOptions,
            importHelpers: true,
            removeComments: true,
            preserveConstEnums: true,
            noEmitHelpers: false,
          },
        },
      ],
      [
        "esModuleInterop off",
        { compilerOptions: { ...REPO_TSCONFIG.compilerOptions, esModuleInterop: false, allowSyntheticDefaultImports: true } },
      ],
    ];
    for (const [variant, tsconfig] of variants) {
      const { dir, files } = corpusProject(tsconfig);
      try {
        const { outputs, candidates } = compareAll(dir, files);
        assert.ok(outputs.size > 80, `${variant}: ${outputs.size} files`);
        const interop = candidates.some((file) => file.fileName.endsWith("Interop.ts"));
        // Off, TypeScript 7 (where it is always on) would wrap the default and namespace imports.
        assert.equal(interop, variant !== "esModuleInterop off", `${variant}: Interop.ts goes to the native compiler`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test("options TypeScript 7 dropped or reads differently, and a project's own transpiler, keep the old path", () => {
    const options = {
      target: "es2021",
      module: "commonjs",
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    };
    assert.ok(nativeCompilerOptions(options));
    const refused: Record<string, Record<string, unknown>> = {
      "no target (ES5 in TypeScript 5.x)": { ...options, target: undefined },
      ES5: { ...options, target: "ES5" },
      "a target TypeScript 5.x does not know": { ...options, target: "es2025" },
      importsNotUsedAsValues: { ...options, importsNotUsedAsValues: "preserve" },
      preserveValueImports: { ...options, preserveValueImports: true },
      moduleDetection: { ...options, moduleDetection: "force" },
      mapRoot: { ...options, mapRoot: "maps" },
      "an option added later": { ...options, someFutureOption: true },
      "a non-boolean value": { ...options, removeComments: "yes" },
    };
    for (const [name, refusedOptions] of Object.entries(refused)) assert.equal(nativeCompilerOptions(refusedOptions), undefined, name);

    const dir = mkdtempSync(join(tmpdir(), "athanor-native-options-"));
    try {
      const write = (tsconfig: object) => writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
      write({ compilerOptions: { target: "ES2021" }, "ts-node": { swc: true } });
      assert.equal(nativeTranspilerOf(join(dir, "tsconfig.json")), undefined, "swc");
      write({ compilerOptions: { target: "ES2021" }, "ts-node": { compilerOptions: { target: "ES5" } } });
      assert.equal(nativeTranspilerOf(join(dir, "tsconfig.json")), undefined, "ts-node's compilerOptions");
      // A base config's options count as the top one's do.
      writeFileSync(join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "ES5", importsNotUsedAsValues: "remove" } }));
      write({ extends: "./base.json", compilerOptions: { strict: true } });
      assert.equal(nativeTranspilerOf(join(dir, "tsconfig.json")), undefined, "an extended config's option");
      writeFileSync(join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "ES5", strict: true } }));
      assert.equal(nativeTranspilerOf(join(dir, "tsconfig.json")), undefined, "an extended config's target");
      write({ extends: "./base.json", compilerOptions: { target: "ES2021" } });
      assert.ok(nativeTranspilerOf(join(dir, "tsconfig.json")), "the top config's value wins");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a run that finds a script after all, cannot start, or reads a file edited meanwhile keeps nothing of it", () => {
    const dir = mkdtempSync(join(tmpdir(), "athanor-native-run-"));
    try {
      const native = nativeTranspilerOf(undefined);
      assert.ok(native);
      const entity = { fileName: join(dir, "Owner.ts"), source: TRICKY["Owner.ts"] };
      // It says "import" in a comment, so it looks like a module, but is not: its globals were visible to the run.
      const script = { fileName: join(dir, "globals.ts"), source: `// no import here\ndeclare const shared: number;\n` };
      for (const file of [entity, script]) writeFileSync(file.fileName, file.source);
      assert.ok(isNativeCandidate(script, true));
      assert.equal(transpileNatively(native.compiler, native.options, [entity], dir).size, 1);
      assert.equal(transpileNatively(native.compiler, native.options, [entity, script], dir).size, 0);
      const missing = { ...native.compiler, exe: join(dir, "no-such-tsc") };
      assert.equal(transpileNatively(missing, native.options, [entity], dir).size, 0);
      // Edited after it was read: the output would belong to other content than the cache key's.
      assert.equal(transpileNatively(native.compiler, native.options, [{ ...entity, source: `${entity.source}\n` }], dir).size, 0);
      assert.deepEqual(readdirSync(dir).sort(), ["Owner.ts", "globals.ts"], "every run's directory is removed");
      assert.deepEqual(runsLeftInMemory(), [], "every run's directory is removed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a cold generate hands the entity files its DataSource's text names to the native compiler before the DataSource loads, the DataSource file in the background while typeorm loads, and the rest after", async () => {
    const dir = createEmptyProject("native-early");
    const entity = (name: string) =>
      `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n@Entity()\nexport class ${name} {\n  @PrimaryGeneratedColumn() id: number;\n  @Column() title: string;\n}\n`;
    try {
      writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
      for (const sub of ["entities", "more", "migrations", "data"]) mkdirSync(join(dir, sub));
      for (const name of ["Alpha", "Beta"]) writeFileSync(join(dir, "entities", `${name}.ts`), entity(name));
      writeFileSync(join(dir, "more", "Gamma.ts"), entity("Gamma"));
      // The first glob is read from the text; the second only exists once the file has run.
      writeFileSync(
        join(dir, "ormconfig.ts"),
        `import "reflect-metadata";\nimport { join } from "node:path";\nimport { DataSource } from "typeorm";\nconst more = ["more"].map((d) => d + "/*.ts");\n` +
          `export default new DataSource({\n  type: "sqlite",\n  database: "data/app.sqlite",\n  entities: [join(__dirname, "entities", "*.ts"), ...more],\n  migrations: ["migrations/*.ts"],\n});\n`,
      );
      writeFileSync(join(dir, "probe.cjs"), NATIVE_RUNS_PROBE);
      const cache = mkdtempSync(join(tmpdir(), "athanor-native-cache-"));
      const probe = join(cache, "probe.json");
      const env = cliEnv({ ATHANOR_CACHE_DIR: cache, NODE_OPTIONS: `--require ${join(dir, "probe.cjs")}`, PROBE_OUT: probe });
      try {
        const cold = await runCli(dir, ["generate", "Init", "--no-interactive"], env);
        assert.equal(cold.code, 0, cold.stdout + cold.stderr);
        for (const table of ["alpha", "beta", "gamma"]) assert.match(cold.stdout, new RegExp(`create table ${table}\\b`));
        assert.deepEqual(JSON.parse(readFileSync(probe, "utf8")), [
          { background: true, files: [join("entities", "Alpha.ts"), join("entities", "Beta.ts")] },
          { background: true, files: ["ormconfig.ts"] },
          { background: true, files: [join("more", "Gamma.ts")] },
        ]);
        assert.equal((await runCli(dir, ["run"], env)).code, 0);
        const warm = await runCli(dir, ["generate", "--no-interactive"], env);
        assert.match(warm.stdout, /No changes/, warm.stdout + warm.stderr);
        assert.deepEqual(JSON.parse(readFileSync(probe, "utf8")), [], "a warm cache runs no native compiler");
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a cold cache's batch is kept in one pack file: an edited entity is then transpiled alone, and a damaged pack only costs a new run", async () => {
    const dir = createEmptyProject("native-pack");
    const names = Array.from({ length: 20 }, (_, i) => `Item${String(i).padStart(2, "0")}`);
    const entity = (name: string, extra = "") =>
      `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n@Entity()\nexport class ${name} {\n  @PrimaryGeneratedColumn() id: number;\n  @Column() title: string;\n${extra}}\n`;
    try {
      writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
      for (const sub of ["entities", "migrations", "data"]) mkdirSync(join(dir, sub));
      for (const name of names) writeFileSync(join(dir, "entities", `${name}.ts`), entity(name));
      writeFileSync(
        join(dir, "ormconfig.ts"),
        `import "reflect-metadata";\nimport { DataSource } from "typeorm";\n` +
          `export default new DataSource({\n  type: "sqlite",\n  database: "data/app.sqlite",\n  entities: ["entities/*.ts"],\n  migrations: ["migrations/*.ts"],\n});\n`,
      );
      writeFileSync(join(dir, "probe.cjs"), NATIVE_RUNS_PROBE);
      const cache = mkdtempSync(join(tmpdir(), "athanor-native-cache-"));
      const probe = join(cache, "probe.json");
      const env = cliEnv({ ATHANOR_CACHE_DIR: cache, NODE_OPTIONS: `--require ${join(dir, "probe.cjs")}`, PROBE_OUT: probe });
      const runs = () => JSON.parse(readFileSync(probe, "utf8")) as Array<{ background: boolean; files: string[] }>;
      const entries = (pattern: RegExp) => readdirSync(cache).filter((f) => pattern.test(f));
      const entityFiles = names.map((name) => join("entities", `${name}.ts`));
      try {
        const cold = await runCli(dir, ["generate", "Init", "--no-interactive"], env);
        assert.equal(cold.code, 0, cold.stdout + cold.stderr);
        assert.deepEqual(runs(), [
          { background: true, files: entityFiles },
          { background: true, files: ["ormconfig.ts"] },
        ]);
        assert.equal(entries(/^transpiled-.*\.pack$/).length, 1, "one pack");
        // Files of their own: the DataSource's output and the new migration's (rememberTranspiled).
        assert.equal(entries(/\.js$/).length, 2, entries(/\.js$/).join(", "));
        assert.equal((await runCli(dir, ["run"], env)).code, 0);
        // What the cold run recorded for the entity model cache names no file of a run's directory: it answers.
        const warm = await runCli(dir, ["generate", "--no-interactive"], { ...env, ATHANOR_PROFILE: "1" });
        assert.match(warm.stdout, /No changes/, warm.stdout + warm.stderr);
        assert.match(warm.stderr, /entity model \(cache: nothing changed\)/);

        // The model cache misses, every entity is required: 19 from the pack, the edited one transpiled alone.
        writeFileSync(join(dir, "entities", "Item07.ts"), entity("Item07", "  @Column({ nullable: true }) note: string;\n"));
        const edited = await runCli(dir, ["generate", "Note", "--no-interactive"], env);
        assert.equal(edited.code, 0, edited.stdout + edited.stderr);
        assert.match(edited.stdout, /add column item07\.note/);
        assert.deepEqual(runs(), [{ background: false, files: [join("entities", "Item07.ts")] }]);
        assert.equal((await runCli(dir, ["run"], env)).code, 0);

        // A pack cut short is not read: the entities are transpiled again, and the answer is the same.
        const [pack] = entries(/^transpiled-.*\.pack$/);
        writeFileSync(join(cache, pack), readFileSync(join(cache, pack)).subarray(0, 2000));
        writeFileSync(join(dir, "entities", "Item03.ts"), entity("Item03") + "// edited\n");
        const damaged = await runCli(dir, ["generate", "--no-interactive"], env);
        assert.match(damaged.stdout, /No changes/, damaged.stdout + damaged.stderr);
        assert.deepEqual(runs(), [{ background: true, files: entityFiles.filter((file) => !file.endsWith("Item07.ts")) }]);
        const again = await runCli(dir, ["generate", "--no-interactive"], env);
        assert.match(again.stdout, /No changes/, again.stdout + again.stderr);
        assert.deepEqual(runs(), [], "the pack written again is read");
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a cold run removes the run directories a killed process left in /dev/shm an hour ago, and keeps a live process's and a recent one's; a warm run does not look", async () => {
    const prefix = memoryRunPrefix();
    assert.ok(prefix, "runs go to /dev/shm on Linux");
    const shm = dirname(prefix);
    const dir = createEmptyProject("native-dead-runs");
    const cache = mkdtempSync(join(tmpdir(), "athanor-native-cache-"));
    // Which directories each run listed: other test files' cold runs may sweep /dev/shm at any moment, so
    // whether a leftover still exists does not tell whether this run looked.
    const listedLog = join(cache, "..", `${basename(cache)}-listed.log`);
    // A process that has exited, as a kill -9 leaves it; and one alive while the CLI runs.
    const dead = spawnSync("true").pid;
    const live = spawn("sleep", ["60"], { stdio: "ignore" });
    const left = {
      dead: join(shm, `athanor-tsc-${dead}-Ab3xYz`),
      live: join(shm, `athanor-tsc-${live.pid}-Cd4wVu`),
      // Not a run directory's name (mkdtemp adds six characters): not ours to remove.
      other: join(shm, `athanor-tsc-${dead}-notours`),
      // No process of that pid here, but written to a minute ago: another PID namespace's live run, as far as anyone can tell.
      recent: join(shm, `athanor-tsc-${dead}-Ef5vUt`),
    };
    /** Everything but `recent` last changed an hour and a minute ago. */
    const age = () => {
      const long = new Date(Date.now() - 61 * 60 * 1000);
      const minute = new Date(Date.now() - 60 * 1000);
      for (const [name, leftover] of Object.entries(left))
        utimesSync(leftover, name === "recent" ? minute : long, name === "recent" ? minute : long);
    };
    try {
      for (const leftover of Object.values(left)) {
        mkdirSync(join(leftover, "out", "entities"), { recursive: true });
        writeFileSync(join(leftover, "out", "entities", "Item.js"), "x".repeat(100_000));
      }
      writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
      for (const sub of ["entities", "migrations", "data"]) mkdirSync(join(dir, sub));
      writeFileSync(
        join(dir, "entities", "Item.ts"),
        `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n@Entity()\nexport class Item {\n  @PrimaryGeneratedColumn() id: number;\n  @Column() title: string;\n}\n`,
      );
      writeFileSync(
        join(dir, "ormconfig.ts"),
        `import "reflect-metadata";\nimport { DataSource } from "typeorm";\n` +
          `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: ["entities/*.ts"], migrations: ["migrations/*.ts"] });\n`,
      );
      const env = cliEnv({
        ATHANOR_CACHE_DIR: cache,
        NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "listed-directories.cjs")}`,
        ATHANOR_TEST_LISTED_LOG: listedLog,
      });
      /** Whether the run listed /dev/shm. */
      const generate = async (expect: RegExp): Promise<boolean> => {
        rmSync(listedLog, { force: true });
        const result = await runCli(dir, ["generate", "Init", "--no-interactive"], env);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, expect);
        return existsSync(listedLog) && readFileSync(listedLog, "utf8").split("\n").includes(shm);
      };
      await generate(/create table item\b/);
      assert.equal((await runCli(dir, ["run"], env)).code, 0);
      // The cold run above swept before the leftovers' check below could see them gone: make them again, then go warm.
      for (const leftover of Object.values(left)) mkdirSync(join(leftover, "out"), { recursive: true });
      age();
      assert.equal(await generate(/No changes/), false, "a warm run, which spawns no compiler, does not read /dev/shm");

      // Cold again (an empty cache): the dead process's directory goes, the rest stay.
      rmSync(cache, { recursive: true, force: true });
      assert.equal(await generate(/No changes/), true, "a cold run looks through /dev/shm");
      // The removal runs off the main thread: give it the moment the CLI's exit may not have.
      for (let i = 0; i < 50 && existsSync(left.dead); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(!existsSync(left.dead), "the directory of a process that is gone is removed");
      assert.ok(existsSync(left.live), "a live process's directory is kept");
      assert.ok(existsSync(left.other), "a name that is not a run directory's is kept");
      assert.ok(existsSync(left.recent), "a directory changed within the hour is kept, whatever its pid says");
    } finally {
      live.kill();
      for (const leftover of Object.values(left)) rmSync(leftover, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
      rmSync(listedLog, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the CLI on a cold cache loads the example app (DataSource importing its entities, a generated migration) without TypeScript 5.x", async () => {
    const dir = createExampleApp("native-cold", { withMigrations: true });
    mkdirSync(join(dir, "data"));
    // Written when the CLI exits: which copies of TypeScript's compiler it loaded.
    writeFileSync(
      join(dir, "probe.cjs"),
      `process.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_OUT, JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f)))));\n`,
    );
    const coldRun = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const cache = mkdtempSync(join(tmpdir(), "athanor-native-cache-"));
      try {
        const probe = join(cache, "probe.json");
        const result = await runCli(
          dir,
          args,
          cliEnv({ ATHANOR_CACHE_DIR: cache, NODE_OPTIONS: `--require ${join(dir, "probe.cjs")}`, PROBE_OUT: probe, ...extra }),
        );
        assert.equal(result.code, 0, result.stdout + result.stderr);
        return { result, typescript: JSON.parse(readFileSync(probe, "utf8")) as string[] };
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    };
    try {
      const run = await coldRun(["run"]);
      assert.match(run.result.stdout, /InitialSchema/);
      assert.deepEqual(run.typescript, [], "run loaded TypeScript 5.x");
      const generate = await coldRun(["generate", "--check"]);
      assert.match(generate.result.stdout, /No changes/);
      assert.deepEqual(generate.typescript, [], "generate loaded TypeScript 5.x");
      // The probe can tell: without the native compiler TypeScript 5.x is loaded.
      const without = await coldRun(["generate", "--check"], { ATHANOR_NATIVE_TRANSPILE: "0" });
      assert.match(without.result.stdout, /No changes/);
      assert.equal(without.typescript.length, 1, "without the native compiler, TypeScript 5.x transpiles");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
