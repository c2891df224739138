/**
 * A cold cache's files transpiled by TypeScript 7, the native (Go) compiler,
 * in one child process: ≈ 0.4 s of CPU for 200 entity files, where loading
 * TypeScript 5.x alone took ≈ 0.5 s and its program ≈ 1.5 s more
 * (bench/RESULTS.md, session 9). Each file gets what the per-file path
 * (typescript-compiler.ts) gives it, which test/e2e/native-transpile.test.ts
 * checks on every TypeScript file of the test corpus and the example app,
 * with one difference in code that behaves the same: a decorated class
 * that names itself is referred to through an alias (`let X = X_1 = class
 * X {…}`, `() => X_1`), as TypeScript's own full program emits it. Source
 * maps send every position to the same TypeScript line, except that
 * TypeScript 7 leaves the assignment of an export (`exports.X = X;`)
 * unmapped.
 *
 * TypeScript 7 comes as an optional dependency: the platform package with
 * the compiler's executable (`@typescript/typescript-linux-x64` and so on,
 * never the `typescript` package itself, whose `tsc` bin would replace the
 * project's). Without it (another platform, an install without optional
 * dependencies), or with `ATHANOR_NATIVE_TRANSPILE=0`, every file takes the
 * TypeScript 5.x path, as before.
 *
 * The compiler reads the files where they are and writes into a temporary
 * directory, memory-backed where the system has one (Linux's /dev/shm,
 * `memoryRunPrefix`), else inside Athanor's cache (neither's files are
 * inputs of the entity model cache, model-cache/input-recorder.ts), removed
 * after the run. No import resolves to another file of the run (a module suffix no
 * file has, `moduleSuffixes`): file by
 * file, an import never resolves, and decorator metadata serializes an
 * imported type guardedly (`typeof (_a = typeof User_1.User !== "undefined"
 * && User_1.User) === "function" ? _a : Object`); one program that resolved
 * it would emit `User_1.User`, `undefined` at run time when imports are
 * circular. Left to the TypeScript 5.x path, as batch-transpile.ts leaves
 * them: anything but a `.ts` file, a file that does not look like a module
 * (a script's declarations are global, so would be seen by the others), one
 * that declares globals or modules, and one TypeScript 7 reports an error in
 * (the per-file path reports it as it always has). And a project whose
 * compiler options TypeScript 7 would read differently (`nativeCompilerOptions`).
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rm, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, parse, relative, resolve } from "node:path";
import { withInlineSourceMap, type SourceFileText } from "./batch-transpile";
import { removeDeadRunDirectories } from "./dead-runs";

export interface NativeCompiler {
  /** The compiler's executable. */
  exe: string;
  /** Its version (part of the transpile cache's key). */
  version: string;
}

/**
 * TypeScript 7's executable for this platform, resolved from Athanor's own
 * location; undefined when it is not installed or turned off.
 */
export function findNativeCompiler(): NativeCompiler | undefined {
  if (process.env.ATHANOR_NATIVE_TRANSPILE === "0") return undefined;
  try {
    const manifest = require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, { paths: [__dirname] });
    const version = String(JSON.parse(readFileSync(manifest, "utf8")).version ?? "");
    const exe = join(dirname(manifest), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
    // The options and output this module relies on are TypeScript 7's.
    return /^7\./.test(version) && existsSync(exe) ? { exe, version } : undefined;
  } catch {
    return undefined;
  }
}

/** Targets both TypeScripts know by the same name (ES5 and ES3 are gone from TypeScript 7). */
const TARGETS = new Set([
  "es6",
  "es2015",
  "es2016",
  "es2017",
  "es2018",
  "es2019",
  "es2020",
  "es2021",
  "es2022",
  "es2023",
  "es2024",
  "esnext",
]);

/** Options whose value TypeScript 7 is given as the project sets it: both emit the same for each value. */
const PASSED = new Set(["useDefineForClassFields", "importHelpers", "noEmitHelpers", "removeComments", "preserveConstEnums"]);

/**
 * Options that change nothing in the output of a `.ts` module transpiled on
 * its own (type checking, resolution, types, declaration files, the build's
 * output place: per file, TypeScript resolves nothing and writes no file),
 * or that the loader sets itself (`module`, decorators, source maps).
 */
const NO_EFFECT = new Set([
  // Forced by the loader (typescript-loader.ts, typescript-compiler.ts) or by this module.
  "module",
  "moduleResolution",
  "verbatimModuleSyntax",
  "experimentalDecorators",
  "emitDecoratorMetadata",
  "sourceMap",
  "inlineSourceMap",
  "inlineSources",
  "declaration",
  "noEmit",
  "outDir",
  "isolatedModules",
  // Changes only ES5 and ES3 output, which never comes here.
  "downlevelIteration",
  // Removed by the loader as ts-node removed them.
  "out",
  "outFile",
  "composite",
  "declarationDir",
  "declarationMap",
  "emitDeclarationOnly",
  // Resolution, types and libraries: per file nothing resolves.
  "baseUrl",
  "paths",
  "rootDir",
  "rootDirs",
  "typeRoots",
  "types",
  "lib",
  "noLib",
  "noResolve",
  "resolveJsonModule",
  "allowJs",
  "checkJs",
  "maxNodeModuleJsDepth",
  "allowArbitraryExtensions",
  "allowImportingTsExtensions",
  "resolvePackageJsonExports",
  "resolvePackageJsonImports",
  "customConditions",
  "moduleSuffixes",
  "preserveSymlinks",
  "allowSyntheticDefaultImports",
  "allowUmdGlobalAccess",
  "noUncheckedSideEffectImports",
  // Checking.
  "strict",
  "noImplicitAny",
  "strictNullChecks",
  "strictFunctionTypes",
  "strictBindCallApply",
  "strictPropertyInitialization",
  "strictBuiltinIteratorReturn",
  "noImplicitThis",
  "useUnknownInCatchVariables",
  "alwaysStrict",
  "noUnusedLocals",
  "noUnusedParameters",
  "exactOptionalPropertyTypes",
  "noImplicitReturns",
  "noFallthroughCasesInSwitch",
  "noUncheckedIndexedAccess",
  "noImplicitOverride",
  "noPropertyAccessFromIndexSignature",
  "allowUnusedLabels",
  "allowUnreachableCode",
  "skipLibCheck",
  "skipDefaultLibCheck",
  "forceConsistentCasingInFileNames",
  "noErrorTruncation",
  "noStrictGenericChecks",
  "erasableSyntaxOnly",
  "isolatedDeclarations",
  "libReplacement",
  "noCheck",
  "noEmitOnError",
  "stripInternal",
  "ignoreDeprecations",
  // The build and the editor.
  "incremental",
  "tsBuildInfoFile",
  "disableSizeLimit",
  "plugins",
  "assumeChangesOnlyAffectDirectDependencies",
  "disableSourceOfProjectReferenceRedirect",
  "disableSolutionSearching",
  "disableReferencedProjectLoad",
  "diagnostics",
  "extendedDiagnostics",
  "listFiles",
  "listEmittedFiles",
  "traceResolution",
  "explainFiles",
  "pretty",
  "preserveWatchOutput",
  "generateCpuProfile",
  "generateTrace",
  // JSX: only `.ts` files are transpiled here.
  "jsx",
  "jsxFactory",
  "jsxFragmentFactory",
  "jsxImportSource",
  "reactNamespace",
]);

/**
 * The options to give TypeScript 7 so that it emits what TypeScript 5.x
 * emits for the project's `options` (its tsconfig.json chain merged, with
 * the loader's on top, as written), or undefined when it would not: an
 * option or value this module does not know to be the same in both (ES5,
 * `importsNotUsedAsValues`, `moduleDetection`, a
 * `mapRoot`, any option added later), so that the project keeps its
 * TypeScript 5.x output. `esModuleInterop` off (TypeScript 7 has it always
 * on) keeps only the files it changes nothing in (`interopChangesNothing`).
 */
export function nativeCompilerOptions(
  options: Record<string, unknown>,
): { options: Record<string, unknown>; esModuleInterop: boolean } | undefined {
  const target = typeof options.target === "string" ? options.target.toLowerCase() : undefined;
  // Without a target TypeScript 5.x transpiles to ES5.
  if (!target || !TARGETS.has(target)) return undefined;
  if (typeof options.module === "string" && options.module.toLowerCase() !== "commonjs") return undefined;
  const passed: Record<string, unknown> = { target };
  for (const [name, value] of Object.entries(options)) {
    if (name === "target" || name === "esModuleInterop" || NO_EFFECT.has(name)) continue;
    if (!PASSED.has(name) || (value !== undefined && value !== null && typeof value !== "boolean")) return undefined;
    if (typeof value === "boolean") passed[name] = value;
  }
  return { options: passed, esModuleInterop: options.esModuleInterop === true };
}

/**
 * Whether a file's CommonJS output is the same with `esModuleInterop` on and
 * off: no default or namespace import, dynamic `import()`, `export * as` or
 * re-exported default. Read from the text, erring towards no: a comment
 * that says "import" sends the file to TypeScript 5.x, which costs only time.
 */
export function interopChangesNothing(source: string): boolean {
  return (
    !/\bimport\b(?!\s*[{"'])(?!\s+type\s*\{)/.test(source) &&
    !/\bexport\s*\*\s*as\b/.test(source) &&
    !/\bexport\s*(?:type\s*)?\{[^}]*\bdefault\b[^}]*\}\s*from\b/.test(source)
  );
}

/**
 * Whether a file can be transpiled here at all: a `.ts` file that looks like
 * a module (says import or export: one that is a script after all is caught
 * from its output) and declares no globals or modules.
 */
export function isNativeCandidate(file: SourceFileText, esModuleInterop: boolean): boolean {
  return (
    file.fileName.endsWith(".ts") &&
    !file.fileName.endsWith(".d.ts") &&
    /\b(?:import|export)\b/.test(file.source) &&
    !/\bdeclare\s+(global|module)\b/.test(file.source) &&
    (esModuleInterop || interopChangesNothing(file.source))
  );
}

/** A run of the native compiler: its files, where its outputs go, and its command line. */
interface Run {
  dir: string;
  root: string;
  args: string[];
  files: SourceFileText[];
}

/** The marker every CommonJS module's output carries and a script's does not. */
const MODULE_MARKER = 'Object.defineProperty(exports, "__esModule", { value: true });';

const INLINE_MAP = "//# sourceMappingURL=data:application/json;base64,";

/**
 * A module suffix no file has: TypeScript then resolves no import at all
 * (`./user` would have to be `./user.athanor-unresolved.ts`), as file by
 * file, where nothing but the file itself exists.
 */
const UNRESOLVABLE_SUFFIX = ".athanor-unresolved";

/** How long a run may take before its files go to TypeScript 5.x instead. */
const TIMEOUT_MS = 120_000;

/**
 * Runs of up to this many files get Go's collector off until the heap
 * reaches GO_MEMORY_LIMIT: a run lives for a fraction of a second, and
 * collecting as it goes was ≈ a quarter of its CPU (200 entity files: 0.30 s
 * of CPU, 0.22 s without; bench/RESULTS.md, session 10). At 1000 entity
 * files what a run keeps alive stays well under the limit, and its peak
 * RSS with it (≈ 210 MB, ≈ 240 MB collecting as it goes); a larger run keeps
 * Go's default, where a heap alive beyond the limit would collect nonstop.
 */
const GO_COLLECTOR_OFF_UP_TO = 1000;
const GO_MEMORY_LIMIT = "200MiB";

/**
 * The process's environment object as Node made it, taken when this module
 * loads: the entity model cache's recorder later puts a proxy in its place
 * (model-cache/input-recorder.ts) that asks, for each variable read, who
 * read it, which copying all of it for a child would pay for every variable
 * (≈ 10 ms). Variables the project sets later are set on this object too.
 */
const processEnv = process.env;

/** The child's environment: the process's own, with the collector settings above unless the user set Go's. */
function childEnvironment(files: number): NodeJS.ProcessEnv {
  const env = processEnv;
  if (files > GO_COLLECTOR_OFF_UP_TO || env.GOGC !== undefined || env.GOMEMLIMIT !== undefined) return env;
  return { ...env, GOGC: "off", GOMEMLIMIT: GO_MEMORY_LIMIT };
}

/** Linux's memory-backed directory for temporary files. */
const MEMORY_BACKED = "/dev/shm";

let memoryPrefix: string | null | undefined;

/**
 * Where this process's run directories go when memory-backed (Linux's
 * /dev/shm, when it is a directory this process may write), else
 * undefined. A run writes an output per file and removes them all once
 * read: on ext4, in the cache directory, 200 of them cost the compiler
 * ≈ 0.1 s of system time, and as much again to the Node process's next
 * files (ext4 looks for free inodes past those just freed); in memory they
 * cost a cold `generate` at N = 200 ≈ 0.15 s less CPU (bench/RESULTS.md,
 * session 11). The process id is part of the name, so that what a killed
 * process left behind can be told from a live one's and removed by a later
 * cold run (dead-runs.ts); model-cache/input-recorder.ts ignores
 * these files as it ignores the cache directory.
 */
export function memoryRunPrefix(): string | undefined {
  if (memoryPrefix === undefined) {
    memoryPrefix = null;
    try {
      if (process.platform === "linux" && statSync(MEMORY_BACKED).isDirectory()) {
        accessSync(MEMORY_BACKED, constants.W_OK | constants.X_OK);
        memoryPrefix = join(MEMORY_BACKED, `athanor-tsc-${process.pid}-`);
      }
    } catch {
      // Inside the cache directory, as before.
    }
  }
  return memoryPrefix ?? undefined;
}

/** A new directory for a run: memory-backed where there is one, else inside `workDir`. */
function runDirectory(workDir: string): string {
  const prefix = memoryRunPrefix();
  if (prefix) {
    try {
      const dir = mkdtempSync(prefix);
      removeDeadRunDirectories(MEMORY_BACKED);
      return dir;
    } catch {
      // Full or refused: the cache directory will do.
    }
  }
  mkdirSync(workDir, { recursive: true });
  return mkdtempSync(join(workDir, "tsc-run-"));
}

function prepare(workDir: string, options: Record<string, unknown>, files: SourceFileText[]): Run {
  // One root for the outputs' tree (on Windows, files on another drive are left out).
  const root = parse(files[0].fileName).root;
  const onRoot = files.filter((file) => parse(file.fileName).root === root);
  const dir = runDirectory(workDir);
  const tsconfig = {
    compilerOptions: {
      ...options,
      module: "commonjs",
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      // As TypeScript 5.x's transpileModule: one file, nothing resolved, nothing checked.
      isolatedModules: true,
      noResolve: true,
      moduleSuffixes: [UNRESOLVABLE_SUFFIX],
      noCheck: true,
      noLib: true,
      types: [],
      inlineSourceMap: true,
      inlineSources: true,
      declaration: false,
      noEmitOnError: false,
      rootDir: root,
      outDir: join(dir, "out"),
    },
    files: onRoot.map((file) => file.fileName),
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  return { dir, root, args: ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], files: onRoot };
}

/**
 * The outputs of a finished run: each file's JavaScript with its inline
 * source map as the per-file path writes it, except files with a
 * diagnostic, files emitted as scripts, and files whose content changed
 * since they were read. Exit status 2 is TypeScript's "errors, outputs
 * written" (noLib's missing global types, reported without a file name);
 * any other failure gives none.
 */
function collect(run: Run, status: number | null, stdout: string): Map<string, string> {
  const outputs = new Map<string, string>();
  if (status !== 0 && status !== 2) return outputs;
  // "../../src/User.ts(4,3): error TS1005: …", relative to the run's directory.
  const reported = new Set<string>();
  for (const line of stdout.split("\n")) {
    const match = /^(.+)\(\d+,\d+\): error/.exec(line);
    if (match) reported.add(resolve(run.dir, match[1]));
    // An option TypeScript 7 refused: what it emitted may follow other rules.
    else if (/error TS[56]\d{3}:/.test(line)) return outputs;
  }
  for (const file of run.files) {
    if (reported.has(file.fileName)) continue;
    let js: string;
    try {
      js = readFileSync(join(run.dir, "out", relative(run.root, file.fileName)).replace(/\.ts$/, ".js"), "utf8");
    } catch {
      continue;
    }
    // A script after all (its declarations were global to the run): the
    // others may have seen them, so none of this run's outputs is kept.
    if (!js.includes(MODULE_MARKER)) return new Map();
    const at = js.lastIndexOf(INLINE_MAP);
    if (at < 0) continue;
    const map = JSON.parse(Buffer.from(js.slice(at + INLINE_MAP.length).trim(), "base64").toString("utf8"));
    // Edited since it was read: the output belongs to other content than the cache key's.
    if (map.sourcesContent?.[0] !== file.source) continue;
    const mapName = `${basename(file.fileName).slice(0, -3)}.js.map`;
    outputs.set(file.fileName, withInlineSourceMap(`${js.slice(0, at)}//# sourceMappingURL=${mapName}`, file.fileName, map));
  }
  return outputs;
}

function cleanUp(run: Run): void {
  rmSync(run.dir, { recursive: true, force: true });
}

/** Run directories being removed in the background; any left when the process exits is removed then. */
const removing = new Set<string>();

/**
 * Remove a background run's directory off the main thread (unlinking 200
 * outputs took ≈ 15 ms of it, while the entity files could be loading), and
 * at exit whatever has not been removed yet.
 */
function cleanUpInBackground(run: Run): void {
  if (removing.size === 0) process.once("exit", removeLeftOver);
  removing.add(run.dir);
  rm(run.dir, { recursive: true, force: true }, () => {
    removing.delete(run.dir);
    if (removing.size === 0) process.removeListener("exit", removeLeftOver);
  });
}

function removeLeftOver(): void {
  for (const dir of removing) rmSync(dir, { recursive: true, force: true });
  removing.clear();
}

/**
 * Transpile `files` now, in a temporary directory inside `workDir`; the
 * files missing from the result are left to TypeScript 5.x.
 */
export function transpileNatively(
  compiler: NativeCompiler,
  options: Record<string, unknown>,
  files: SourceFileText[],
  workDir: string,
): Map<string, string> {
  if (files.length === 0) return new Map();
  let run: Run | undefined;
  try {
    run = prepare(workDir, options, files);
    const result = spawnSync(compiler.exe, run.args, {
      cwd: run.dir,
      env: childEnvironment(run.files.length),
      encoding: "utf8",
      timeout: TIMEOUT_MS,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    if (result.error) return new Map();
    return collect(run, result.status, result.stdout ?? "");
  } catch {
    return new Map();
  } finally {
    if (run) cleanUp(run);
  }
}

/**
 * Transpile `files` in the background while the process does other work;
 * the promise gives what `transpileNatively` would (never rejects). The
 * child is killed if the process exits first.
 */
export function transpileNativelyInBackground(
  compiler: NativeCompiler,
  options: Record<string, unknown>,
  files: SourceFileText[],
  workDir: string,
): Promise<Map<string, string>> {
  if (files.length === 0) return Promise.resolve(new Map());
  let run: Run;
  try {
    run = prepare(workDir, options, files);
  } catch {
    return Promise.resolve(new Map());
  }
  return new Promise((resolve) => {
    let stdout = "";
    let settled = false;
    const child = spawn(compiler.exe, run.args, {
      cwd: run.dir,
      env: childEnvironment(run.files.length),
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    });
    const onExit = () => {
      child.kill();
      cleanUp(run);
    };
    process.once("exit", onExit);
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    timer.unref();
    const finish = (status: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      let outputs = new Map<string, string>();
      try {
        outputs = collect(run, status, stdout);
      } catch {
        // The files go to TypeScript 5.x.
      }
      cleanUpInBackground(run);
      resolve(outputs);
    };
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => (stdout += chunk));
    child.on("error", () => finish(null));
    child.on("close", (code) => finish(code));
  });
}
