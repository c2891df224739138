/**
 * Transpiling many files at once, for a cold cache (a fresh checkout, CI):
 * the entity files a glob matches, the migrations not seen before, where
 * TypeScript 7's native compiler (native-transpile.ts) does not apply:
 * not installed, or compiler options it reads differently. Each gets
 * what the per-file path gives (typescript-compiler.ts, itself what ts-node's
 * transpile-only `compile` gave), byte for byte, but from one TypeScript
 * program instead of one program per file. Per file, most of the
 * time went into building a program and a type checker (decorator metadata
 * needs one) for a few dozen lines: ≈ 5.5 ms a file, 1000 entity files in
 * 5.6 s.
 *
 * The program is set up exactly as ts-node's per-file transpiler sets up its
 * own (same options, same host answers), with imports left unresolved so
 * that no file sees another's types: decorator metadata comes out as it does
 * file by file. A file that could see others anyway is left to the per-file
 * path: one that is not a module (its declarations are global), one that
 * declares globals or modules, and one with any diagnostic (the per-file
 * path reports it as it always has). test/e2e/batch-transpile.test.ts compares
 * both outputs on every TypeScript file of the test corpus and the example
 * app.
 */
import { basename, dirname } from "node:path";

/** The parts of a ts-node service this reads (Athanor's own compiler has the same shape). */
export interface TsNodeService {
  ts: any;
  config: { options: Record<string, unknown> };
  options: { transpiler?: unknown; swc?: boolean; transformers?: unknown; moduleTypes?: Record<string, unknown> };
}

export interface SourceFileText {
  fileName: string;
  source: string;
}

/**
 * Whether `service` transpiles the way this module reproduces: TypeScript's
 * own transpiler (≥ 4.7, ts-node's createTsTranspileModule), no swc or other
 * transpiler, no custom transformers or module type overrides.
 */
export function canTranspileTogether(service: TsNodeService): boolean {
  const { ts, options } = service;
  const [major, minor] = String(ts.version).split(".").map(Number);
  const required = [
    "createProgram",
    "createSourceFile",
    "fixupCompilerOptions",
    "transpileOptionValueCompilerOptions",
    "getImpliedNodeFormatForFile",
    "getSetExternalModuleIndicator",
    "isExternalModule",
  ];
  return (
    (major > 4 || (major === 4 && minor >= 7)) &&
    required.every((name) => ts[name] !== undefined) &&
    !options.transpiler &&
    !options.swc &&
    !options.transformers &&
    Object.keys(options.moduleTypes ?? {}).length === 0
  );
}

/**
 * The output ts-node's `compile(source, fileName)` would give, for each of
 * `files` this can transpile with the others (`.ts` modules without global
 * or module declarations and without diagnostics); the rest are left out.
 */
export function transpileTogether(service: TsNodeService, files: SourceFileText[]): Map<string, string> {
  const outputs = new Map<string, string>();
  const candidates = files.filter(
    (file) => file.fileName.endsWith(".ts") && !file.fileName.endsWith(".d.ts") && !/\bdeclare\s+(global|module)\b/.test(file.source),
  );
  if (candidates.length === 0) return outputs;
  const { ts } = service;

  // As ts-node's createTsTranspileModule prepares them.
  const optionsDiagnostics: unknown[] = [];
  const options = ts.fixupCompilerOptions({ ...service.config.options }, optionsDiagnostics);
  const defaults = ts.getDefaultCompilerOptions();
  for (const key of Object.keys(defaults)) if (options[key] === undefined) options[key] = defaults[key];
  for (const option of ts.transpileOptionValueCompilerOptions) options[option.name] = option.transpileOptionValue;
  options.suppressOutputPathCheck = true;
  options.allowNonTsExtensions = true;
  if (optionsDiagnostics.length > 0) return outputs;

  const packageJsons = new Set(candidates.map((file) => `${dirname(file.fileName)}/package.json`));
  const newLine = ts.getNewLineCharacter(options);
  const written = new Map<string, string>();
  const host = {
    getSourceFile: (fileName: string) => sourceFiles.get(fileName),
    writeFile: (name: string, text: string) => written.set(name, text),
    getDefaultLibFileName: () => "lib.d.ts",
    useCaseSensitiveFileNames: () => true,
    getCanonicalFileName: (fileName: string) => fileName,
    getCurrentDirectory: () => "",
    getNewLine: () => newLine,
    fileExists: (fileName: string) => packageJsons.has(fileName),
    readFile: (fileName: string) => (packageJsons.has(fileName) ? '{"type": "commonjs"}' : ""),
    directoryExists: () => true,
    getDirectories: () => [],
    // Per file, no import resolves (only the file itself exists): the same here.
    resolveModuleNameLiterals: (literals: readonly unknown[]) => literals.map(() => ({ resolvedModule: undefined })),
    resolveTypeReferenceDirectiveReferences: (references: readonly unknown[]) =>
      references.map(() => ({ resolvedTypeReferenceDirective: undefined })),
  };
  const sourceFiles = new Map<string, any>();
  for (const file of candidates) {
    const sourceFile = ts.createSourceFile(file.fileName, file.source, {
      languageVersion: ts.getEmitScriptTarget(options),
      impliedNodeFormat: ts.getImpliedNodeFormatForFile(ts.toPath(file.fileName, "", host.getCanonicalFileName), undefined, host, options),
      setExternalModuleIndicator: ts.getSetExternalModuleIndicator(options),
    });
    // A script's declarations are global: it would see, and be seen by, the others.
    if (ts.isExternalModule(sourceFile)) sourceFiles.set(file.fileName, sourceFile);
  }
  if (sourceFiles.size === 0) return outputs;
  const program = ts.createProgram([...sourceFiles.keys()], options, host);
  if (program.getOptionsDiagnostics().length > 0) return outputs;

  for (const [fileName, sourceFile] of sourceFiles) {
    if (program.getSyntacticDiagnostics(sourceFile).length > 0) continue;
    written.clear();
    program.emit(sourceFile);
    let js: string | undefined;
    let map: string | undefined;
    for (const [name, text] of written) {
      if (name.endsWith(".map")) map = text;
      else js = text;
    }
    if (js === undefined || map === undefined || written.size !== 2) continue;
    outputs.set(fileName, withInlineSourceMap(js, fileName, map));
  }
  return outputs;
}

/** The extension TypeScript gives each source's output (a .tsx file's is .jsx only under "jsx": "preserve"). */
const EMITTED: Record<string, string> = { ".ts": ".js", ".tsx": ".js", ".cts": ".cjs", ".mts": ".mjs" };

/**
 * ts-node's updateOutput and updateSourceMap for a `.ts` file: the map names
 * the file itself, and replaces the `//# sourceMappingURL=` line TypeScript
 * wrote as a base64 data URL.
 */
export function withInlineSourceMap(js: string, fileName: string, map: string | Record<string, unknown>): string {
  // Parsed already where the caller had to read it (native-transpile.ts); it is changed here.
  const sourceMap = typeof map === "string" ? JSON.parse(map) : map;
  sourceMap.file = fileName;
  sourceMap.sources = [fileName];
  delete sourceMap.sourceRoot;
  const content = `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(sourceMap), "utf8").toString("base64")}`;
  const prefix = "//# sourceMappingURL=";
  const extension = /\.[cm]?tsx?$/.exec(fileName)?.[0] ?? "";
  const mapName = `${basename(fileName).slice(0, basename(fileName).length - extension.length)}${EMITTED[extension] ?? ".js"}.map`;
  for (const written of [mapName, encodeURI(mapName)]) {
    const length = prefix.length + written.length;
    if (js.substr(-length, prefix.length) === prefix) return js.slice(0, -length) + content;
  }
  return `${js}\n${content}`;
}
