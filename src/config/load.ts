/**
 * Loading the project's DataSource file (TypeORM's `-d/--dataSource`, default
 * `ormconfig.ts`) and resolving what Athanor needs from it. Knows no dialect.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { DataSource } from "typeorm";
import { UsageError, redact } from "../errors";
import { registerTypeScript } from "./typescript-loader";
import { loadGlobbedClasses } from "./entity-globs";
import { sourceStyleOf, type SourceStyle } from "./source-style";

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
export const DEFAULT_DATA_SOURCE_FILES = ["ormconfig.ts", "ormconfig.js", "ormconfig.mts", "ormconfig.mjs", "ormconfig.cts", "ormconfig.cjs"];

export function loadProjectConfig(options: LoadOptions = {}): ProjectConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (typeof options.dataSource === "object" && options.dataSource !== null) {
    return resolveConfig(options.dataSource, cwd, resolve(cwd, DEFAULT_DATA_SOURCE_FILE), undefined);
  }
  const given =
    options.dataSource ?? DEFAULT_DATA_SOURCE_FILES.find((f) => existsSync(resolve(cwd, f))) ?? DEFAULT_DATA_SOURCE_FILE;
  const dataSourceFile = isAbsolute(given) ? given : resolve(cwd, given);
  const shown = relative(cwd, dataSourceFile) || given;

  if (!existsSync(dataSourceFile)) {
    throw new UsageError(
      `No DataSource file at ${shown}: create it (see the README) or point to yours with -d path/to/data-source.ts.`,
    );
  }

  if (/\.[cm]?tsx?$/.test(dataSourceFile)) registerTypeScript(cwd);

  let exported: Record<string, unknown>;
  try {
    exported = require(dataSourceFile);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`Loading ${shown} failed: ${redact(message)}`);
  }

  const dataSource = findDataSource(exported);
  if (!dataSource) {
    throw new UsageError(
      `${shown} does not export a TypeORM DataSource: export one, e.g. \`export default new DataSource({...})\`.`,
    );
  }

  return resolveConfig(dataSource, cwd, dataSourceFile, dataSourceFile);
}

function resolveConfig(dataSource: DataSource, cwd: string, dataSourceFile: string, styleFrom: string | undefined): ProjectConfig {
  const options_ = dataSource.options as any;
  // Globs are loaded here, not by TypeORM on connect (see entity-globs.ts);
  // a connected DataSource already has its metadata.
  if (!dataSource.isInitialized) dataSource.setOptions(loadGlobbedClasses(options_, cwd) as any);
  const migrations: unknown[] = Array.isArray(options_.migrations)
    ? options_.migrations
    : options_.migrations
      ? Object.values(options_.migrations)
      : [];
  const migrationGlobs = migrations
    .filter((m): m is string => typeof m === "string")
    .map((pattern) => (isAbsolute(pattern) ? pattern : resolve(cwd, pattern)));
  const migrationClasses = migrations.filter((m): m is Function => typeof m === "function");

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
  };
}

/** The DataSource among a module's exports (default export first). */
function findDataSource(exported: Record<string, unknown>): DataSource | undefined {
  const candidates = [exported?.default, ...Object.values(exported ?? {}), exported];
  return candidates.find(isDataSource) as DataSource | undefined;
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
