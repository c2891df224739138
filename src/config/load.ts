/**
 * Loading the project's DataSource file (TypeORM's `-d/--dataSource`, default
 * `ormconfig.ts`) and resolving what Athanor needs from it. Knows no dialect:
 * what a failed load needs to know about database types (which ones Athanor
 * supports, which driver replaced which) comes from the caller as
 * `DatabaseTypes`, which the dialect registry (dialects/index.ts) provides.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { DataSource } from "typeorm";
import { UsageError } from "../errors";
import { describeLoadFailure, fileToFix, formatLoadFailure } from "../loader/load-error";
import { isTranspiled, registerTypeScript, transpileForRequire, transpileInBackground } from "../loader/typescript-loader";
import { LoaderSetupError } from "../loader/typescript-compiler";
import { globbedFiles, loadGlobbedClasses, transpileEntityGlobsEarly } from "./entity-globs";
import { sourceStyleOf, type SourceStyle } from "./source-style";
import { answerPgRuntimeProbe } from "../loader/pg-runtime-probe";
import { quietTypeOrmSqliteDriver } from "../loader/sqlite-traces";
import { deferUnusedTypeOrmModules } from "../loader/typeorm-deferred-modules";

export interface ProjectConfig {
  /** Directory commands run in; relative paths resolve from it. */
  cwd: string;
  /** Absolute path of the DataSource file (ormconfig.ts in cwd when a DataSource instance was given). */
  dataSourceFile: string;
  dataSource: DataSource;
  /** TypeORM's `type` option ("sqlite", "postgres", …). */
  databaseType: string;
  migrationsTableName: string;
  /** Glob patterns (absolute) from the DataSource's `migrations` option. */
  migrationGlobs: string[];
  /** Migration classes given directly in the `migrations` option. */
  migrationClasses: Function[];
  /** Where `generate` and `create` write new files. */
  migrationsDir: string;
  /** The language and module syntax new migration files are written in. */
  sourceStyle: SourceStyle;
  /** The entity and subscriber globs of the DataSource (absolute patterns), as given. */
  entityGlobs: string[];
  /**
   * Require the files of the DataSource's entity and subscriber globs and put
   * their classes in its options, if that was deferred; once.
   */
  loadEntityGlobs(): void;
}

/** What loading asks about database types; answered by the dialect registry, which config/ never imports. */
export interface DatabaseTypes {
  /** Whether a dialect speaks TypeORM's database type (or driver name) `type`. */
  supports(type: string): boolean;
  /** The sentence for a DataSource whose database type no dialect speaks. */
  unsupported(type: string, dataSourceFile: string): string;
  /**
   * The fix for TypeORM's "Wrong driver" error when the project's TypeORM
   * dropped the configured driver but supports its replacement, else undefined.
   */
  replacedDriverHint(typeormMessage: string): string | undefined;
}

export interface ConfigOptions {
  /** The database types Athanor supports (the dialect registry's answers). */
  databaseTypes: DatabaseTypes;
  /**
   * Leave entity and subscriber globs unloaded until `loadEntityGlobs()`:
   * a command that may never build entity metadata (a no-op `run`) then never
   * requires the entity files.
   */
  deferEntityGlobs?: boolean;
}

export interface LoadOptions {
  cwd?: string;
  /**
   * The DataSource file (default: the first of DEFAULT_DATA_SOURCE_FILES
   * that exists), or a DataSource instance (programmatic API).
   */
  dataSource?: string | DataSource;
}

export const DEFAULT_DATA_SOURCE_FILE = "ormconfig.ts";
/** Looked for in this order when no DataSource file is named. */
export const DEFAULT_DATA_SOURCE_FILES = [
  "ormconfig.ts",
  "ormconfig.js",
  "ormconfig.mts",
  "ormconfig.mjs",
  "ormconfig.cts",
  "ormconfig.cjs",
];

/** The DataSource file `-d` names (relative to `cwd`), else the first default one that exists. */
function dataSourceFileGiven(dataSource: string | undefined, cwd: string): { given: string; dataSourceFile: string } {
  const given = dataSource ?? DEFAULT_DATA_SOURCE_FILES.find((f) => existsSync(resolve(cwd, f))) ?? DEFAULT_DATA_SOURCE_FILE;
  return { given, dataSourceFile: isAbsolute(given) ? given : resolve(cwd, given) };
}

/** What a DataSource file imports that may be loaded before it is: TypeORM, and the polyfill it needs first. */
const LOADED_AHEAD = new Set(["reflect-metadata", "typeorm"]);

/**
 * On a cold transpile cache, what loading a TypeScript DataSource file waits
 * for can start before it is required: the native compiler transpiles it
 * (and, with `deferEntityGlobs`, its entity globs) in the background while
 * the packages it imports from LOADED_AHEAD load, typeorm being most of what
 * requiring it costs; `loadProjectConfig` then finds its output ready
 * instead of waiting for the compiler in the foreground. Does nothing
 * otherwise (a warm cache, a JavaScript DataSource, a DataSource object, no
 * native compiler). Throws only what registering the TypeScript loader
 * throws; whatever else fails here fails again, and is reported, where
 * `loadProjectConfig` does it.
 */
export async function prepareProjectConfig(options: LoadOptions, configOptions: Pick<ConfigOptions, "deferEntityGlobs">): Promise<void> {
  if (typeof options.dataSource === "object" && options.dataSource !== null) return;
  const cwd = resolve(options.cwd ?? process.cwd());
  const { dataSourceFile } = dataSourceFileGiven(options.dataSource, cwd);
  if (
    !/\.[cm]?tsx?$/.test(dataSourceFile) ||
    !existsSync(dataSourceFile) ||
    statSync(dataSourceFile, { throwIfNoEntry: false })?.isDirectory()
  ) {
    return;
  }
  // What stops it (a broken tsconfig.json) is reported from here, as
  // loadProjectConfig would: a second call would find it registered.
  registerTypeScript(cwd);
  try {
    if (isTranspiled(dataSourceFile)) return;
    // The longer run first: it has the most to do.
    if (configOptions.deferEntityGlobs) transpileEntityGlobsEarly(dataSourceFile, cwd);
    const transpiled = transpileForRequire(dataSourceFile);
    if (!transpiled) return;
    const requireHere = createRequire(dataSourceFile);
    deferUnusedTypeOrmModules(cwd);
    for (const match of readFileSync(dataSourceFile, "utf8").matchAll(/(?:\bfrom|\bimport|\brequire\s*\()\s*["']([^"'\n]+)["']/g)) {
      if (!LOADED_AHEAD.has(match[1])) continue;
      try {
        requireHere(match[1]);
      } catch {
        // The DataSource's own import fails the same way, and says so.
      }
    }
    await transpiled;
  } catch {
    // loadProjectConfig does it all again, and reports what fails.
  }
}

export function loadProjectConfig(options: LoadOptions, configOptions: ConfigOptions): ProjectConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (typeof options.dataSource === "object" && options.dataSource !== null) {
    return resolveConfig(options.dataSource, cwd, resolve(cwd, DEFAULT_DATA_SOURCE_FILE), undefined, configOptions);
  }
  const { given, dataSourceFile } = dataSourceFileGiven(options.dataSource, cwd);
  const shown = relative(cwd, dataSourceFile) || given;

  if (!existsSync(dataSourceFile)) {
    throw new UsageError(`No DataSource file at ${shown}: create it (see the README) or point to yours with -d path/to/data-source.ts.`);
  }
  if (statSync(dataSourceFile).isDirectory()) {
    throw new UsageError(
      `${shown} is a directory, not a DataSource file: point -d to the file that exports the DataSource, e.g. -d ${join(shown, "data-source.ts")}.`,
    );
  }

  if (/\.[cm]?tsx?$/.test(dataSourceFile)) {
    registerTypeScript(cwd);
    // Required only once their metadata is built: on a cold cache their
    // transpiling can start now, while the DataSource loads.
    if (configOptions.deferEntityGlobs) transpileEntityGlobsEarly(dataSourceFile, cwd);
  }

  // The DataSource's constructor loads the driver.
  answerPgRuntimeProbe(cwd);
  deferUnusedTypeOrmModules(cwd);
  const restoreSqliteVerbose = quietTypeOrmSqliteDriver(cwd);
  let exported: Record<string, unknown>;
  try {
    exported = require(dataSourceFile);
  } catch (error) {
    if (error instanceof LoaderSetupError) throw error;
    // A driver this TypeORM line no longer has (sqlite under 1.x) is named first:
    // TypeORM's own "wrong driver" error would point the wrong way.
    const hint = configOptions.databaseTypes.replacedDriverHint(error instanceof Error ? error.message.split("\n")[0] : String(error));
    if (hint) throw new UsageError(`Loading ${shown} failed: ${hint}`);
    const failure = describeLoadFailure(error, cwd);
    throw (
      driverError(error, shown, configOptions.databaseTypes) ??
      new UsageError(`Loading ${shown} failed: ${formatLoadFailure(failure)}: fix ${fileToFix(failure, shown)} and run again.`)
    );
  } finally {
    restoreSqliteVerbose();
  }

  const dataSource = findDataSource(exported, shown);
  if (!dataSource) {
    throw new UsageError(`${shown} does not export a TypeORM DataSource: export one, e.g. \`export default new DataSource({...})\`.`);
  }

  return resolveConfig(dataSource, cwd, dataSourceFile, dataSourceFile, configOptions);
}

function resolveConfig(
  dataSource: DataSource,
  cwd: string,
  dataSourceFile: string,
  styleFrom: string | undefined,
  configOptions: ConfigOptions,
): ProjectConfig {
  const options_ = dataSource.options as any;
  // Globs are loaded by Athanor, not by TypeORM on connect (see
  // entity-globs.ts); a connected DataSource already has its metadata.
  let globsLoaded = dataSource.isInitialized;
  const entityGlobs = [options_.entities, options_.subscribers]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .filter((entry): entry is string => typeof entry === "string")
    .map((pattern) => (isAbsolute(pattern) ? pattern : resolve(cwd, pattern)).replace(/\\/g, "/"));
  const loadEntityGlobs = () => {
    if (globsLoaded) return;
    globsLoaded = true;
    const shown = styleFrom ? relative(cwd, dataSourceFile) : "the DataSource given to Athanor";
    dataSource.setOptions(loadGlobbedClasses(dataSource.options as any, cwd, shown) as any);
  };
  if (!configOptions.deferEntityGlobs) loadEntityGlobs();
  // Loaded later (with the entity metadata): a cold cache has them
  // transpiled meanwhile, while migrations load and the database connects.
  else if (entityGlobs.length > 0) transpileInBackground(globbedFiles(dataSource.options as any, cwd));
  const migrations: unknown[] = Array.isArray(options_.migrations)
    ? options_.migrations
    : options_.migrations
      ? Object.values(options_.migrations)
      : [];
  const migrationGlobs = migrations
    .filter((m): m is string => typeof m === "string")
    .map((pattern) => (isAbsolute(pattern) ? pattern : resolve(cwd, pattern)));
  const migrationClasses = migrations.filter((m): m is Function => typeof m === "function");
  if (migrations.length === 0) {
    // Without it, generate would write files that run never finds.
    const which = styleFrom ? `The DataSource in ${relative(cwd, dataSourceFile)}` : "The DataSource given to Athanor";
    throw new UsageError(
      `${which} has no migrations option, so Athanor does not know where migrations live: add e.g. migrations: ["migrations/*.ts"].`,
    );
  }

  const migrationsDir = migrationsDirectory(migrationGlobs, cwd);
  return {
    cwd,
    dataSourceFile,
    dataSource,
    databaseType: String(options_.type),
    migrationsTableName: options_.migrationsTableName ?? "migrations",
    migrationGlobs,
    migrationClasses,
    migrationsDir,
    sourceStyle: sourceStyleOf(styleFrom, migrationsDir),
    entityGlobs,
    loadEntityGlobs,
  };
}

/**
 * TypeORM builds the driver as the DataSource is constructed, so a database
 * type it does not know, or whose driver package is missing, fails while the
 * file loads. Athanor's own answer (which types it supports) is the useful one.
 */
function driverError(error: unknown, shown: string, databaseTypes: DatabaseTypes): UsageError | undefined {
  const e = error as { name?: string; message?: string } | undefined;
  const message = e?.message ?? "";
  if (e?.name === "MissingDriverError") {
    const type = /Wrong driver: "([^"]*)"/.exec(message)?.[1] ?? "?";
    return new UsageError(databaseTypes.unsupported(type, shown));
  }
  if (e?.name === "DriverPackageNotInstalledError") {
    // TypeORM names the driver, sometimes in two words ("SQL Server package has not been found…").
    const driver = /^(.+?) package has not been found/.exec(message)?.[1] ?? "";
    const install = /npm install ([^"\s]+)/.exec(message)?.[1];
    if (!databaseTypes.supports(driver.toLowerCase())) return new UsageError(databaseTypes.unsupported(driver || "?", shown));
    return new UsageError(
      `The DataSource in ${shown} needs the ${driver} driver, which is not installed: run npm install ${install ?? "its driver package"}.`,
    );
  }
  return undefined;
}

/**
 * The DataSource among a module's exports: the default export, else the one
 * named export that is a DataSource (or the module itself, `module.exports =`).
 * Two different ones without a default leave the choice open, and picking the
 * first would migrate a database the user may not have meant: refused, as
 * TypeORM's CLI refuses it.
 */
function findDataSource(exported: Record<string, unknown>, shown: string): DataSource | undefined {
  if (isDataSource(exported?.default)) return exported.default as DataSource;
  const named = Object.entries(exported ?? {}).filter(([, value]) => isDataSource(value));
  const distinct = [...new Set(named.map(([, value]) => value))];
  if (distinct.length > 1) {
    const names = named.map(([name]) => name);
    throw new UsageError(
      `${shown} exports ${distinct.length} DataSources (${names.join(", ")}) and no default one, so it is unclear which database to use: ` +
        `make the one to migrate the default export (export default ${names[0]}), or give it a file of its own.`,
    );
  }
  if (distinct.length === 1) return distinct[0] as DataSource;
  return isDataSource(exported) ? (exported as unknown as DataSource) : undefined;
}

function isDataSource(value: unknown): boolean {
  // instanceof fails when the project and Athanor resolve different copies
  // of typeorm, so recognise the shape instead.
  const v = value as any;
  return (
    !!v &&
    typeof v === "object" &&
    typeof v.initialize === "function" &&
    typeof v.options === "object" &&
    v.options !== null &&
    "type" in v.options
  );
}

/** The directory part of the first migrations glob ("migrations/*.ts" → migrations). */
function migrationsDirectory(globs: string[], cwd: string): string {
  const first = globs[0];
  if (!first) return resolve(cwd, "migrations");
  const magic = first.search(/[*?[{]/);
  const prefix = magic < 0 ? first : first.slice(0, magic);
  return prefix.endsWith("/") ? prefix.slice(0, -1) : dirname(prefix);
}
