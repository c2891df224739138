/**
 * Transpiling a cold cache's files together (src/loader/batch-transpile.ts)
 * gives, byte for byte, what the per-file path (Athanor's own TypeScript,
 * as ts-node's transpile-only `compile` gave) gives file by file — decorator metadata included, which TypeORM reads column types
 * from — on every TypeScript file of the test corpus and the example app
 * (entities and migration), and on files whose types could leak between
 * files in one program. What it cannot reproduce (a script, global or module
 * declarations, a syntax error) it leaves to the per-file path. And the CLI
 * on a cold cache loads the example app the same as on a warm one, its
 * migrations too.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCompiler } from "../../src/loader/typescript-loader";
import { canTranspileTogether, transpileTogether, type SourceFileText } from "../../src/loader/batch-transpile";
import { repoRoot, TestProject } from "../support/project";
import { LEFT_TO_THE_PER_FILE_PATH, TRICKY_SOURCES as TRICKY } from "../support/tricky-sources";

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(dir, name))
    .sort();
}

describe("transpiling a cold cache's files together", () => {
  test("gives what the per-file path gives (itself what ts-node gave), and leaves what it cannot reproduce to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "athanor-batch-"));
    try {
      mkdirSync(join(dir, "corpus"));
      cpSync(join(repoRoot, "test", "corpus"), join(dir, "corpus"), { recursive: true });
      cpSync(join(repoRoot, "entities"), join(dir, "entities"), { recursive: true });
      cpSync(join(repoRoot, "migrations"), join(dir, "migrations"), { recursive: true });
      mkdirSync(join(dir, "tricky"));
      for (const [name, text] of Object.entries(TRICKY)) writeFileSync(join(dir, "tricky", name), text);
      writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(repoRoot, "tsconfig.json"), "utf8"));

      const compiler = createCompiler(dir, join(dir, "tsconfig.json"));
      assert.ok(canTranspileTogether(compiler.service), "this project's setup should be transpiled together");
      const files: SourceFileText[] = tsFilesUnder(dir).map((fileName) => ({ fileName, source: readFileSync(fileName, "utf8") }));
      assert.ok(files.length > 80, `${files.length} files`);
      const together = transpileTogether(compiler.service, files);

      const leftOut = LEFT_TO_THE_PER_FILE_PATH.map((name) => join(dir, "tricky", name));
      for (const file of files) {
        if (leftOut.includes(file.fileName)) {
          assert.ok(!together.has(file.fileName), `${file.fileName} should be left to the per-file path`);
          continue;
        }
        const output = together.get(file.fileName);
        assert.ok(output !== undefined, `${file.fileName} was not transpiled together`);
        assert.equal(output, compiler.compile(file.source, file.fileName), `${file.fileName}: output differs from the per-file path's`);
      }
      // The per-file path still reports the broken file.
      assert.throws(() => compiler.compile(TRICKY["Broken.ts"], join(dir, "tricky", "Broken.ts")), /Unable to compile TypeScript/);

      // And the per-file path gives what the loader gave when it was ts-node in
      // transpile-only mode (with the same TypeScript): the cache's entries, the
      // stack traces' lines and the decorator metadata are as they were.
      const tsNode = (require("ts-node") as typeof import("ts-node")).create({
        cwd: dir,
        transpileOnly: true,
        project: join(dir, "tsconfig.json"),
        compiler: require.resolve("typescript"),
        compilerOptions: {
          module: "commonjs",
          moduleResolution: "node10",
          verbatimModuleSyntax: false,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
        },
      });
      for (const file of files) {
        if (file.fileName.endsWith("Broken.ts")) continue;
        assert.equal(
          compiler.compile(file.source, file.fileName),
          tsNode.compile(file.source, file.fileName),
          `${file.fileName}: output differs from ts-node's`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a project with its own transpiler (swc, or another) is transpiled file by file", () => {
    const dir = mkdtempSync(join(tmpdir(), "athanor-batch-transpiler-"));
    try {
      // A ts-node transpiler module, as `"ts-node": { "transpiler": ... }` names one.
      writeFileSync(
        join(dir, "transpiler.js"),
        `const ts = require(${JSON.stringify(require.resolve("typescript"))});\n` +
          `exports.create = ({ service }) => ({ transpile: (input, { fileName }) => ts.transpileModule(input, { fileName, compilerOptions: service.config.options }) });\n`,
      );
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { target: "ES2021" }, "ts-node": { transpiler: join(dir, "transpiler.js") } }),
      );
      assert.equal(canTranspileTogether(createCompiler(dir, join(dir, "tsconfig.json")).service), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the CLI on a cold cache finds the same schema as on a warm one (the example app, entities by glob)", async () => {
    // The TypeScript 5.x path: the native compiler (native-transpile.test.ts) is the first choice where installed.
    const project = await TestProject.create("sqlite", {}, { env: { ATHANOR_NATIVE_TRANSPILE: "0" } });
    try {
      writeFileSync(
        join(project.dir, "ormconfig.ts"),
        `import "reflect-metadata";\nimport { DataSource } from "typeorm";\n` +
          `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: ["entities/*.ts"], migrations: ["migrations/*.ts"] });\n`,
      );
      mkdirSync(join(project.dir, "data"));
      cpSync(join(repoRoot, "entities"), join(project.dir, "entities"), { recursive: true });
      // The first generate runs on a cold cache (a new project): the entities are transpiled together.
      await project.ok(["generate", "Init"]);
      await project.ok(["run"]);
      const warm = await project.cli(["generate", "--check"], { env: { ATHANOR_MODEL_CACHE: "0" } });
      assert.equal(warm.code, 0, warm.stdout + warm.stderr);
      rmSync(join(project.dir, "node_modules", ".cache"), { recursive: true, force: true });
      const cold = await project.cli(["generate", "--check"], { env: { ATHANOR_MODEL_CACHE: "0" } });
      assert.equal(cold.code, 0, cold.stdout + cold.stderr);
      assert.match(cold.stdout, /No changes/);
    } finally {
      await project.cleanup();
    }
  });
});
