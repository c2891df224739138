/**
 * Entity and subscriber globs in the DataSource (`entities: ["entities/*.ts"]`)
 * loaded by Athanor instead of TypeORM. TypeORM import()s a file natively when
 * it is .mts/.mjs or lives in a "type": "module" package, and Node cannot
 * import TypeScript; require() goes through Athanor's loader (and loads ES
 * modules itself on Node ≥ 20.19). Same files, same exports as TypeORM would
 * pick up, so the metadata is the same.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { explainEntityError } from "./entity-errors";
import { entityGlobsInSource } from "./entity-globs-in-source";
import { isTranspiled, transpileAhead, transpileInBackground } from "../loader/typescript-loader";
import { globFiles } from "../loader/project-glob";

const LOADABLE = /\.(js|mjs|cjs|ts|mts|cts)$/;

/** Replace each glob string in `entities` and `subscribers` with what its files export. */
export function loadGlobbedClasses(options: Record<string, unknown>, cwd: string, dataSourceShown: string): Record<string, unknown[]> {
  const replaced: Record<string, unknown[]> = {};
  for (const key of ["entities", "subscribers"]) {
    const list = options[key];
    if (!Array.isArray(list) || !list.some((entry) => typeof entry === "string")) continue;
    replaced[key] = list.flatMap((entry) => (typeof entry === "string" ? exportsOfGlob(entry, cwd, dataSourceShown) : [entry]));
  }
  return replaced;
}

/** The files the entity and subscriber globs of `options` match, for transpiling ahead. */
export function globbedFiles(options: Record<string, unknown>, cwd: string): string[] {
  return ["entities", "subscribers"].flatMap((key) => {
    const list = options[key];
    return Array.isArray(list) ? list.flatMap((entry) => (typeof entry === "string" ? filesOfGlob(entry, cwd) : [])) : [];
  });
}

/**
 * On a cold cache (the DataSource file itself not transpiled yet), start
 * transpiling the files of the entity and subscriber globs its text names,
 * in the background, before it is loaded: the native compiler's run then
 * overlaps loading the DataSource and TypeORM, where it followed them
 * (#22: ≈ 0.2 s of a cold `generate` at 200 entities). What the DataSource's
 * options really hold is transpiled once it has loaded, less these files.
 */
export function transpileEntityGlobsEarly(dataSourceFile: string, cwd: string): void {
  if (isTranspiled(dataSourceFile)) return;
  let source: string;
  try {
    source = readFileSync(dataSourceFile, "utf8");
  } catch {
    return;
  }
  const patterns = entityGlobsInSource(source, dirname(dataSourceFile), cwd);
  if (patterns.length > 0) transpileInBackground(patterns.flatMap((pattern) => filesOfGlob(pattern, cwd)));
}

function filesOfGlob(pattern: string, cwd: string): string[] {
  const absolute = (isAbsolute(pattern) ? pattern : resolve(cwd, pattern)).replace(/\\/g, "/");
  return globFiles(absolute)
    .filter((file) => LOADABLE.test(file) && !file.endsWith(".d.ts"))
    .sort();
}

function exportsOfGlob(pattern: string, cwd: string, dataSourceShown: string): unknown[] {
  const files = filesOfGlob(pattern, cwd);
  // A cold cache transpiles them together: one run of the native compiler
  // or one TypeScript program, not one per file.
  transpileAhead(files);
  const found: unknown[] = [];
  for (const file of files) {
    let exported: unknown;
    try {
      exported = require(file);
    } catch (error) {
      // The same sentence as a failure while TypeORM loads entities itself.
      throw explainEntityError(error, cwd, dataSourceShown);
    }
    collect(exported, found);
  }
  return found;
}

/** TypeORM's rule (importClassesFromDirectories): every class or EntitySchema exported, at any depth. */
function collect(value: unknown, into: unknown[]): void {
  if (typeof value === "function" || isEntitySchema(value)) into.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) collect(item, into);
}

function isEntitySchema(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as any)["@instanceof"] === Symbol.for("EntitySchema");
}
