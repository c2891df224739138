/**
 * Lets Node require the user's TypeScript (DataSource, entities, migrations)
 * the way TypeORM's CLI does, but without type-checking, and fast:
 *
 * - Athanor's own TypeScript 5.x (typescript-compiler.ts), whatever
 *   TypeScript the project has (7, 5.x or none), transpiling file by file
 *   without type-checking, honouring the project's tsconfig.json (its
 *   `extends`, and its `"ts-node": { "compilerOptions" }` section as ts-node
 *   did), with `paths`, `baseUrl` and `rootDirs` resolved at run time
 *   (path-aliases.ts);
 * - an on-disk cache keyed by each file's content, so an unchanged file is
 *   not transpiled twice, and a run where nothing changed never even loads
 *   ts-node or TypeScript;
 * - on a cold cache, TypeScript 7's native compiler in a child process
 *   (native-transpile.ts) for the files it transpiles to the same code: an
 *   entity glob's files in the background while migrations load, a missed
 *   file with the files it imports (import-closure.ts), new migrations;
 *   TypeScript 5.x is then not loaded at all.
 *
 * Not swc by default: its CommonJS output exports classes through getters,
 * so the circular imports TypeORM relations usually have (Leaderboard ↔
 * LeaderboardEntry) throw "Cannot access 'Leaderboard' before
 * initialization" when decorator metadata names the other class. TypeScript
 * emits plain `exports.X =` assignments and loads them as TypeORM's own CLI
 * does. A project that opts in with `"ts-node": { "swc": true }` in its
 * tsconfig.json (or names a ts-node `transpiler`) gets it from ts-node, as
 * before, with Athanor's TypeScript as ts-node's compiler.
 *
 * Decorator metadata is always emitted, because TypeORM infers column types
 * from it.
 *
 * ESM projects ("type": "module", .mts files) are loaded the same way: their
 * TypeScript is transpiled to CommonJS, because TypeORM, Athanor and the
 * DataSource must share one module instance of each entity class, and
 * require() is what lets Athanor load them synchronously. What ESM sources
 * use that CommonJS lacks is bridged here: `import "./user.js"` finds
 * user.ts (see esm-resolution.ts), and `import.meta.url`/`dirname`/`filename`
 * are rewritten to the CommonJS equivalents.
 */
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { UsageError } from "../errors";
import { readTsconfigChain, TsconfigError, type TsconfigChain } from "./tsconfig-chain";
import { createTypeScriptCompiler, ownTypeScriptPath, ownTypeScriptVersion, writtenCompilerOptions } from "./typescript-compiler";
import { registerPathAliases } from "./path-aliases";
import { cacheDirectory, TranspileCache } from "./transpile-cache";
import { registerTypeScriptSpecifiers } from "./esm-resolution";
import { cacheTranspiledFile, codeCacheInstalled } from "./code-cache";
import { registerTranspiled } from "./stack-mapping";
import { collectGarbage, withHeapKeptSmall } from "./collect-garbage";
import { canTranspileTogether, transpileTogether, type SourceFileText, type TsNodeService } from "./batch-transpile";
import {
  findNativeCompiler,
  isNativeCandidate,
  nativeCompilerOptions,
  transpileNatively,
  transpileNativelyInBackground,
  type NativeCompiler,
} from "./native-transpile";
import { importClosure } from "./import-closure";
import { pinnedSource } from "./require-file";

/** Bump when the way output is produced changes, to retire old cache entries. */
const LOADER_VERSION = "4";

/**
 * Options forced on top of the project's tsconfig: CommonJS for require(),
 * decorators with metadata. An ESM project's tsconfig ("module": "NodeNext",
 * "verbatimModuleSyntax") would otherwise refuse CommonJS output.
 */
const FORCED_COMPILER_OPTIONS = {
  module: "commonjs",
  moduleResolution: "node10",
  verbatimModuleSyntax: false,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

const EXTENSIONS = [".ts", ".tsx", ".cts", ".mts"];

/**
 * Files transpiled in one program (transpileAhead). A program's memory is
 * garbage once its files are emitted, and V8 collects it while the next
 * programs run (collect-garbage.ts `withHeapKeptSmall`), so the peak follows
 * the size of one program: at 1000 entity files a cold-cache generate peaked
 * at ≈ 630 MB in one program, 370 MB in programs of 500 with a forced
 * collection after each (session 7), ≈ 270 MB in programs of 250 now, for
 * ≈ 0.7 s more CPU (bench/RESULTS.md, session 8).
 */
const BATCH_SIZE = 250;

let registered = false;

export function registerTypeScript(projectDir: string): void {
  if (registered) return;
  registered = true;
  // A process that already transpiles TypeScript (ts-node, a test runner
  // started with --require ts-node/register) must not get a second hook.
  if ((process as any)[Symbol.for("ts-node.register.instance")]) return;

  const tsconfig = tsconfigChainOf(projectDir);
  if (tsconfig) registerPathAliases(tsconfig.aliases);
  const native = nativeTranspilerFor(tsconfig);
  const salt = [
    LOADER_VERSION,
    `typescript@${ownTypeScriptVersion()}`,
    // Its output is the same code as TypeScript 5.x's, but not always the same bytes.
    ...(native ? [`native@${native.compiler.version}`] : []),
    ...(usesTsNode(tsconfig) ? [`swc@${versionOf(projectDir, "@swc/core")}`, `ts-node@${versionOf(projectDir, "ts-node")}`] : []),
    // Every file of the chain: a base config shapes the output as much as the top one.
    ...(tsconfig?.files ?? []).flatMap((file) => [file.path, file.text]),
    JSON.stringify(FORCED_COMPILER_OPTIONS),
  ].join("\n");
  const cache = new TranspileCache(cacheDirectory(projectDir), salt);

  let compile: Compiler | undefined;
  const compiler = () => (compile ??= createCompilerFor(projectDir, tsconfig));

  // Outputs transpiled ahead of their require (the native compiler's),
  // kept here too in case the cache cannot be written.
  const ahead = new Map<string, string>();
  /** Keep a native run's outputs for their require, and in the cache (a batch in one file: transpile-cache.ts). */
  const storeAll = (files: SourceFileText[], outputs: Map<string, string>) => {
    const entries: Array<[string, string]> = [];
    for (const file of files) {
      const output = outputs.get(file.fileName);
      if (output === undefined) continue;
      const key = cache.keyOf(file.fileName, file.source);
      const code = withoutImportMeta(output);
      ahead.set(key, code);
      entries.push([key, code]);
    }
    cache.setAll(entries);
  };
  /** Transpile `files` with the native compiler, if set up; the files it did not transpile are returned. */
  const transpileNativelyNow = (files: SourceFileText[]): SourceFileText[] => {
    if (!native) return files;
    const candidates = files.filter((file) => isNativeCandidate(file, native.esModuleInterop));
    const outputs = transpileNatively(native.compiler, native.options, candidates, cache.directory);
    storeAll(candidates, outputs);
    return files.filter((file) => !outputs.has(file.fileName));
  };

  /** The files of `files` the cache lacks; none when the first one read is cached. */
  const missingFrom = (files: string[]): SourceFileText[] => {
    const missing: SourceFileText[] = [];
    for (const fileName of new Set(files)) {
      if (!EXTENSIONS.some((extension) => fileName.endsWith(extension))) continue;
      let source: string;
      try {
        source = readFileSync(fileName, "utf8");
      } catch {
        continue;
      }
      if (!cache.has(cache.keyOf(fileName, source))) missing.push({ fileName, source });
      // The first file cached: the cache is warm, and the few files an edit
      // changed are transpiled on their own (reading them all here would
      // only slow down the usual case).
      else if (missing.length === 0) return [];
    }
    return missing;
  };

  // Files a background run is transpiling: a later call for the same glob
  // (the DataSource's entities, once it has loaded, after the run its text
  // named them for) does not read or transpile them again. An output keyed
  // on content read before an edit is simply not found at require time.
  const inFlight = new Set<string>();
  /** A background run of the native compiler for `files` (already filtered); its outputs go where a native run's go. */
  const inBackground = (files: SourceFileText[]): Promise<void> => {
    const candidates = files.filter((file) => isNativeCandidate(file, native!.esModuleInterop));
    if (candidates.length === 0) return Promise.resolve();
    for (const file of candidates) inFlight.add(file.fileName);
    const job = transpileNativelyInBackground(native!.compiler, native!.options, candidates, cache.directory).then((outputs) => {
      for (const file of candidates) inFlight.delete(file.fileName);
      storeAll(candidates, outputs);
    });
    background.push(job);
    return job;
  };
  transpileInBackgroundHook = (files) => {
    if (native) void inBackground(missingFrom(files.filter((file) => !inFlight.has(file))));
  };

  transpileForRequireHook = (fileName) => {
    if (!native) return undefined;
    let source: string;
    try {
      source = readFileSync(fileName, "utf8");
    } catch {
      return undefined;
    }
    if (cache.has(cache.keyOf(fileName, source))) return undefined;
    // What `load` would hand the native compiler when the file is required.
    return inBackground(importClosure({ fileName, source }, (file, text) => !cache.has(cache.keyOf(file, text))));
  };

  isCachedHook = (fileName) => {
    try {
      return cache.has(cache.keyOf(fileName, readFileSync(fileName, "utf8")));
    } catch {
      return false;
    }
  };

  transpileAheadHook = (files) => {
    const missing = new Map(transpileNativelyNow(missingFrom(files)).map((file) => [file.fileName, file]));
    // One file gains nothing; TypeScript itself is loaded only on a miss.
    if (missing.size < 2) return;
    try {
      const { service } = compiler();
      if (!canTranspileTogether(service)) return;
      // In programs of BATCH_SIZE files, each garbage once its files are written.
      const all = [...missing.values()];
      const transpileAll = () => {
        for (let start = 0; start < all.length; start += BATCH_SIZE) {
          const entries: Array<[string, string]> = [];
          for (const [fileName, output] of transpileTogether(service, all.slice(start, start + BATCH_SIZE))) {
            entries.push([cache.keyOf(fileName, missing.get(fileName)!.source), withoutImportMeta(output)]);
          }
          cache.setAll(entries);
        }
      };
      // Where programs follow one another the heap is kept small while they
      // run. One program alone is collected once it is done, as before: the
      // collections V8 makes while the heap is kept small cost ≈ 0.2 s of CPU
      // at 200 files (bench/RESULTS.md, session 8) for a program whose
      // memory is live until it ends anyway.
      if (all.length > BATCH_SIZE) {
        withHeapKeptSmall(transpileAll);
      } else {
        transpileAll();
        collectGarbage();
      }
    } catch {
      // Only a speed-up: whatever went wrong, each file is transpiled on its
      // own when it is required, and any error is reported from there.
    }
  };

  rememberHook = (fileName, source, output) => {
    if (EXTENSIONS.some((extension) => fileName.endsWith(extension))) cache.set(cache.keyOf(fileName, source), output);
  };

  const load = (module: any, fileName: string) => {
    // The text discovery checked, where requireFile was given it.
    const source = pinnedSource(fileName) ?? readFileSync(fileName, "utf8");
    const key = cache.keyOf(fileName, source);
    let output = ahead.get(key);
    ahead.delete(key);
    // Read back from the cache, not transpiled in this run (see below).
    let stored = false;
    if (output === undefined) {
      output = cache.get(key);
      stored = output !== undefined;
    }
    if (output === undefined && native) {
      // With the files it imports that the cache lacks: what requiring it requires next.
      transpileNativelyNow(importClosure({ fileName, source }, (file, text) => !cache.has(cache.keyOf(file, text))));
      output = ahead.get(key);
      ahead.delete(key);
    }
    if (output === undefined) {
      output = withoutImportMeta(compiler().compile(source, fileName));
      cache.set(key, output);
    }
    if (lazyStackMapping) {
      registerTranspiled(fileName, output);
      // V8's code for a file transpiled in this run is not kept: on a cold
      // cache that is every entity file, which the next runs answer without
      // (from the entity model cache), and making it cost the cold run
      // ≈ a third of the code cache's bytes and of its time at exit
      // (bench/RESULTS.md, session 11). A run that requires it again from
      // the transpile cache keeps it.
      if (stored) cacheTranspiledFile(fileName);
      // The map stays with stack-mapping.ts; V8 is not given it to read:
      // compiling an entity's output with its inline map took ≈ 2–3 × as
      // long as without (bench/RESULTS.md, session 11). The lines are the same.
      module._compile((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ? output : withoutInlineMap(output), fileName);
    } else {
      withSourceMaps(true, () => module._compile(output, fileName));
    }
  };
  // Output carries an inline source map for stack traces (ts-node's
  // source-map-support is not loaded on a cache hit). With Athanor's code
  // cache (Node 20, the CLI) the output is compiled through it and frames are
  // mapped only when a stack is shown (stack-mapping.ts); otherwise Node's
  // own source-map support maps them.
  const lazyStackMapping = codeCacheInstalled();
  if (!lazyStackMapping) setSourceMaps(true);
  for (const extension of EXTENSIONS) require.extensions[extension] = load;
  registerTypeScriptSpecifiers();
  // But not for packages: with source maps on, Node reads and measures the
  // .js.map file of every module it compiles, and typeorm alone ships
  // hundreds (≈ 0.2 s of every command). Nobody debugs typeorm's internals
  // from an athanor stack trace.
  const loadJs = require.extensions[".js"];
  require.extensions[".js"] = (module: any, fileName: string) =>
    fileName.includes(`${sep}node_modules${sep}`) ? withSourceMaps(false, () => loadJs(module, fileName)) : loadJs(module, fileName);
}

/**
 * `import.meta` is a syntax error in CommonJS; ESM sources use it to find
 * their own directory (`new URL("./entities", import.meta.url)`), so it is
 * rewritten to an object with the same fields.
 */
function withoutImportMeta(output: string): string {
  if (!output.includes("import.meta")) return output;
  const meta = '({ url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname })';
  return output.replace(/\bimport\.meta\b/g, meta);
}

const INLINE_MAP = "\n//# sourceMappingURL=data:application/json;";

/** `output` without its last line's inline source map (the line itself stays, empty). */
function withoutInlineMap(output: string): string {
  const at = output.lastIndexOf(INLINE_MAP);
  if (at < 0) return output;
  const end = output.indexOf("\n", at + 1);
  return end < 0 || output.slice(end).trim() === "" ? output.slice(0, at + 1) : output;
}

let sourceMaps = false;

function setSourceMaps(enabled: boolean): void {
  if (sourceMaps === enabled) return;
  process.setSourceMapsEnabled?.(enabled);
  sourceMaps = enabled;
}

/** Compile (and run) a module with Node's source-map support on or off, then restore it. */
function withSourceMaps<T>(enabled: boolean, body: () => T): T {
  const before = sourceMaps;
  setSourceMaps(enabled);
  try {
    return body();
  } finally {
    setSourceMaps(before);
  }
}

let transpileAheadHook: ((files: string[]) => void) | undefined;
let transpileInBackgroundHook: ((files: string[]) => void) | undefined;
const background: Promise<void>[] = [];

/**
 * Before requiring `files` (an entity glob's matches, the migrations not
 * seen before), transpile those the cache lacks in one go
 * (batch-transpile.ts), so that a cold cache costs one TypeScript program
 * instead of one per file. Does nothing when the loader is not registered,
 * or when at most one file is missing from the cache.
 */
export function transpileAhead(files: string[]): void {
  transpileAheadHook?.(files);
}

/**
 * `files` (an entity glob's matches) will be required later in this run:
 * those the cache lacks are transpiled by the native compiler in a child
 * process meanwhile. Await `transpiledInBackground()` before requiring them.
 * Does nothing without the native compiler, or when the cache has the first
 * file read; files a background run is already transpiling are left out.
 */
export function transpileInBackground(files: string[]): void {
  transpileInBackgroundHook?.(files);
}

let transpileForRequireHook: ((fileName: string) => Promise<void> | undefined) | undefined;

/**
 * `fileName` (a DataSource file) is about to be required and the cache
 * lacks it: the native compiler transpiles it and the files it imports in
 * the background, as its require would in the foreground. The promise
 * settles once their outputs are kept for their require (never rejects);
 * undefined when there is nothing to start (the loader not registered, no
 * native compiler, the file cached or unreadable).
 */
export function transpileForRequire(fileName: string): Promise<void> | undefined {
  return transpileForRequireHook?.(fileName);
}

let isCachedHook: ((fileName: string) => boolean) | undefined;

/**
 * Whether the transpile cache has `fileName`'s output for its current
 * content: a DataSource file it lacks means a cold cache (a fresh clone, CI),
 * where the entity files are worth transpiling before the DataSource has
 * even loaded. False when the loader is not registered.
 */
export function isTranspiled(fileName: string): boolean {
  return isCachedHook?.(fileName) ?? false;
}

/** Once every `transpileInBackground` run has finished and its outputs are in the cache. */
export async function transpiledInBackground(): Promise<void> {
  while (background.length > 0) await background.shift();
}

let rememberHook: ((fileName: string, source: string, output: string) => void) | undefined;

/**
 * Record `output` as what `fileName` with the content `source` runs as,
 * where the caller wrote both: `generate` gives a migration's TypeScript and
 * the same migration rendered as CommonJS JavaScript, line for line
 * (codegen/migration-file.ts `renderCompiledMigration`), so the first `run`
 * of a 4 MB initial migration neither loads TypeScript nor transpiles it.
 * The entry is keyed on the content like every other: a file edited since
 * is transpiled as usual. Does nothing when the loader is not registered.
 */
export function rememberTranspiled(fileName: string, source: string, output: string): void {
  rememberHook?.(fileName, source, output);
}

export interface Compiler {
  compile(source: string, fileName: string): string;
  service: TsNodeService;
}

/** The project's tsconfig.json chain, read without TypeScript; a broken one is the user's to fix. */
function tsconfigChainOf(projectDir: string): TsconfigChain | undefined {
  try {
    return readTsconfigChain(join(projectDir, "tsconfig.json"));
  } catch (error) {
    if (!(error instanceof TsconfigError)) throw error;
    const shown = (path: string) => (relative(projectDir, path).startsWith("..") ? path : relative(projectDir, path));
    const message = error.message.split(error.file).join(shown(error.file));
    throw new UsageError(`${message}: fix ${shown(error.file)} and run again.`);
  }
}

/**
 * The native compiler and the options it gets for a project (its
 * tsconfig.json, if any, at `tsconfigFile`), or undefined when its files
 * take the TypeScript 5.x path.
 */
export function nativeTranspilerOf(tsconfigFile: string | undefined): NativeTranspiler | undefined {
  return nativeTranspilerFor(tsconfigFile ? readTsconfigChain(tsconfigFile) : undefined);
}

export interface NativeTranspiler {
  compiler: NativeCompiler;
  options: Record<string, unknown>;
  esModuleInterop: boolean;
}

/**
 * TypeScript 7's native compiler, for a cold cache, when it is installed and
 * emits for the project's compiler options what TypeScript 5.x does
 * (native-transpile.ts); never for a project with its own ts-node transpiler.
 */
function nativeTranspilerFor(tsconfig: TsconfigChain | undefined): NativeTranspiler | undefined {
  if (usesTsNode(tsconfig)) return undefined;
  const compiler = findNativeCompiler();
  const options = compiler && nativeCompilerOptions(writtenCompilerOptions(tsconfig, FORCED_COMPILER_OPTIONS));
  return compiler && options ? { compiler, ...options } : undefined;
}

/** Whether the project asked ts-node for another transpiler (`"ts-node": { "swc": true }` or a `transpiler`). */
function usesTsNode(tsconfig: TsconfigChain | undefined): boolean {
  return !!tsconfig && (!!tsconfig.tsNode.swc || !!tsconfig.tsNode.transpiler);
}

/** The transpiler for the project's files (its tsconfig.json, if any, at `tsconfigFile`), created only on a cache miss. */
export function createCompiler(projectDir: string, tsconfigFile: string | undefined): Compiler {
  return createCompilerFor(projectDir, tsconfigFile ? readTsconfigChain(tsconfigFile) : undefined);
}

function createCompilerFor(projectDir: string, tsconfig: TsconfigChain | undefined): Compiler {
  const compiler = usesTsNode(tsconfig)
    ? createTsNodeCompiler(projectDir, tsconfig!.file)
    : createTypeScriptCompiler(projectDir, tsconfig, FORCED_COMPILER_OPTIONS);
  // TypeScript always emits ES module syntax for a .mts file, whatever
  // "module" says; named .ts, it gets the CommonJS every file here needs.
  return {
    compile: (source, fileName) => compiler.compile(source, fileName.replace(/\.mts$/, ".ts")),
    service: compiler.service,
  };
}

/** ts-node in transpile-only mode with its swc or other transpiler, but Athanor's TypeScript as its compiler. */
function createTsNodeCompiler(projectDir: string, tsconfig: string): Compiler {
  const tsNode = require("ts-node") as typeof import("ts-node");
  const service = tsNode.create({
    cwd: projectDir,
    transpileOnly: true,
    project: tsconfig,
    compiler: ownTypeScriptPath(),
    compilerOptions: FORCED_COMPILER_OPTIONS,
  });
  return { compile: (source, fileName) => service.compile(source, fileName), service: service as unknown as TsNodeService };
}

/** Resolve a package from the project first, then from Athanor's own dependencies. */
function resolveFrom(projectDir: string, name: string): string | undefined {
  try {
    return require.resolve(name, { paths: [projectDir, __dirname] });
  } catch {
    return undefined;
  }
}

function versionOf(projectDir: string, name: string): string {
  const path = resolveFrom(projectDir, `${name}/package.json`);
  if (!path) return "none";
  try {
    return JSON.parse(readFileSync(path, "utf8")).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
