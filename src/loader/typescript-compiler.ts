/**
 * Athanor's own TypeScript: the transpiler that turns the project's
 * DataSource, entities and migrations into CommonJS. It is Athanor's
 * dependency (TypeScript 5.x, resolved from Athanor's own location), never
 * the project's: npm gives a new project whatever `typescript` is latest,
 * and TypeScript 7's package has no JavaScript compiler API at its main
 * entry, so borrowing the project's (as ts-node does by default) broke
 * loading as soon as it came out. A project with TypeScript 7, 5.x or none
 * at all is loaded the same way; nothing is ever type-checked.
 *
 * The output is what ts-node's transpile-only mode gave (the loader used it
 * until then; batch-transpile.ts reproduces it too, and native-transpile.ts
 * its code): the project's
 * tsconfig.json parsed by TypeScript (`extends` arrays and packages
 * included), ts-node's `"ts-node": { "compilerOptions" }` on top, then the
 * options the loader forces and the ones ts-node forced for its source maps;
 * without a tsconfig.json, ts-node's default (@tsconfig/node16). Syntax
 * errors are thrown as ts-node's TSError was (load-error.ts reads its
 * `diagnosticText`). Option errors are not: a tsconfig written for a newer
 * TypeScript (an option or value 5.x does not know) still transpiles.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { UsageError } from "../errors";
import { withInlineSourceMap, type TsNodeService } from "./batch-transpile";
import type { TsconfigChain } from "./tsconfig-chain";

/** Where Athanor's own TypeScript is: resolved from Athanor's files, so a project's copy never shadows it. */
export function ownTypeScriptPath(): string {
  return require.resolve("typescript", { paths: [__dirname] });
}

/** Its version, read without loading it (the transpile cache's key names it). */
export function ownTypeScriptVersion(): string {
  try {
    return JSON.parse(readFileSync(join(dirname(ownTypeScriptPath()), "..", "package.json"), "utf8")).version ?? "unknown";
  } catch {
    return "none";
  }
}

/**
 * Athanor's TypeScript, checked: an `overrides` (npm) or `resolutions`
 * (yarn) entry that forces one `typescript` on the whole tree can hand
 * Athanor TypeScript 7 all the same, whose main entry has no compiler API.
 */
function loadOwnTypeScript(projectDir: string): typeof import("typescript") {
  const path = ownTypeScriptPath();
  const ts = require(path) as typeof import("typescript");
  if (typeof ts.transpileModule === "function" && typeof ts.parseJsonConfigFileContent === "function") return ts;
  const shown = relative(projectDir, path).startsWith("..") ? path : relative(projectDir, path);
  throw new LoaderSetupError(
    `Athanor needs TypeScript 5.x to load TypeScript files, but the typescript package it gets (${shown}) is version ${ts.version ?? "unknown"}, which has no compiler API: remove the override or resolution that forces this version on Athanor, and install again.`,
  );
}

/** What ts-node forced so that it could map stack traces. */
const TS_NODE_COMPILER_OPTIONS = {
  sourceMap: true,
  inlineSourceMap: false,
  inlineSources: true,
  declaration: false,
  noEmit: false,
  outDir: ".ts-node",
};

/** ts-node's default without a tsconfig.json on Node ≥ 16: @tsconfig/node16, plus Node's types. */
const DEFAULT_COMPILER_OPTIONS = {
  lib: ["es2021"],
  module: "commonjs",
  target: "es2021",
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  types: ["node"],
};

/** Diagnostics ts-node ignored: "no inputs", and two about JavaScript files. */
const IGNORED_DIAGNOSTICS = new Set([6059, 18002, 18003]);

/**
 * Config diagnostics that mean the tsconfig could not be read at all (the
 * rest, unknown options and values, only cost that option).
 */
const FATAL_CONFIG_DIAGNOSTICS = new Set([5083, 5092, 6053, 18001]);

/**
 * The compiler options the project's files are transpiled with, as written:
 * what `createTypeScriptCompiler` hands TypeScript to parse, the tsconfig
 * chain merged as TypeScript merges it. native-transpile.ts reads them
 * without loading TypeScript.
 */
export function writtenCompilerOptions(tsconfig: TsconfigChain | undefined, forced: Record<string, unknown>): Record<string, unknown> {
  const tsNodeOptions = (tsconfig?.tsNode.compilerOptions ?? {}) as Record<string, unknown>;
  return {
    ...(tsconfig ? {} : DEFAULT_COMPILER_OPTIONS),
    ...tsconfig?.compilerOptions,
    ...tsNodeOptions,
    ...forced,
    ...TS_NODE_COMPILER_OPTIONS,
  };
}

export interface TypeScriptCompiler {
  compile(source: string, fileName: string): string;
  service: TsNodeService;
}

/**
 * A transpiler with the project's compiler options on top of `forced`.
 * @param tsconfig the project's tsconfig chain, if it has one
 */
export function createTypeScriptCompiler(
  projectDir: string,
  tsconfig: TsconfigChain | undefined,
  forced: Record<string, unknown>,
): TypeScriptCompiler {
  const ts = loadOwnTypeScript(projectDir);
  let raw: any = { compilerOptions: {} };
  if (tsconfig) {
    const read = ts.readConfigFile(tsconfig.file, ts.sys.readFile);
    if (read.error) throw configError(ts, [read.error], tsconfig.file, projectDir);
    raw = read.config ?? {};
  }
  const tsNodeOptions = (tsconfig?.tsNode.compilerOptions ?? {}) as Record<string, unknown>;
  raw.compilerOptions = {
    ...(tsconfig ? {} : DEFAULT_COMPILER_OPTIONS),
    ...raw.compilerOptions,
    ...tsNodeOptions,
    ...forced,
    ...TS_NODE_COMPILER_OPTIONS,
  };
  const host = {
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    // Only "include"/"files" globbing uses it; nothing here needs the file list.
    readDirectory: () => [],
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
  };
  const parsed = ts.parseJsonConfigFileContent(raw, host, tsconfig ? dirname(tsconfig.file) : projectDir, undefined, tsconfig?.file);
  const fatal = parsed.errors.filter((diagnostic) => FATAL_CONFIG_DIAGNOSTICS.has(diagnostic.code));
  if (fatal.length > 0) throw configError(ts, fatal, tsconfig?.file ?? projectDir, projectDir);
  const options = withoutOutputOptions(ts, parsed.options);
  // A target newer than this TypeScript knows ("es2025", which TypeScript 6
  // and 7 accept) is dropped by the parser; ES5, the default, would
  // downlevel classes and iteration. The newest it knows is the nearest.
  if (parsed.options.target === undefined && typeof raw.compilerOptions.target === "string") options.target = ts.ScriptTarget.ESNext;

  const formatHost = {
    getCanonicalFileName: (fileName: string) => fileName,
    getCurrentDirectory: () => projectDir,
    getNewLine: () => "\n",
  };
  return {
    compile(source, fileName) {
      const result = ts.transpileModule(source, { compilerOptions: options, fileName, reportDiagnostics: true });
      // Syntax errors only: option diagnostics name no file, and ts-node's filter drops the usual noise.
      const errors = (result.diagnostics ?? []).filter((diagnostic) => diagnostic.file && !IGNORED_DIAGNOSTICS.has(diagnostic.code));
      if (errors.length > 0) throw new TypeScriptSyntaxError(ts.formatDiagnostics(errors, formatHost));
      return withInlineSourceMap(result.outputText, fileName, result.sourceMapText ?? "{}");
    },
    service: { ts, config: { options }, options: {} },
  };
}

/** ts-node's fixConfig: options that would redirect or suppress the output go, and its defaults. */
function withoutOutputOptions(
  ts: typeof import("typescript"),
  options: import("typescript").CompilerOptions,
): import("typescript").CompilerOptions {
  const fixed = { ...options };
  delete fixed.out;
  delete fixed.outFile;
  delete fixed.composite;
  delete fixed.declarationDir;
  delete fixed.declarationMap;
  delete fixed.emitDeclarationOnly;
  if (fixed.target === undefined) fixed.target = ts.ScriptTarget.ES5;
  if (fixed.module === undefined) fixed.module = ts.ModuleKind.CommonJS;
  return fixed;
}

/**
 * Athanor's loader could not be set up (its TypeScript, the project's
 * tsconfig.json): the user's sentence as it is, not wrapped in "Loading
 * <file> failed" as an error thrown by the file being required would be.
 */
export class LoaderSetupError extends UsageError {}

/** The error ts-node threw for a file TypeScript cannot parse; load-error.ts shows its first diagnostic. */
export class TypeScriptSyntaxError extends Error {
  constructor(readonly diagnosticText: string) {
    super(`⨯ Unable to compile TypeScript:\n${diagnosticText}`);
    this.name = "TSError";
  }
}

function configError(
  ts: typeof import("typescript"),
  diagnostics: readonly import("typescript").Diagnostic[],
  file: string,
  projectDir: string,
): LoaderSetupError {
  const message = ts.flattenDiagnosticMessageText(diagnostics[0].messageText, " ").replace(/[.\s]+$/, "");
  const shown = relative(projectDir, diagnostics[0].file?.fileName ?? file) || file;
  return new LoaderSetupError(`Reading ${shown} failed: ${message}: fix it and run again.`);
}
