/**
 * `athanor create <name>`: write a blank migration to fill in by hand, and
 * re-write athanor.sum. Loads the DataSource file only to find the
 * migrations directory; never connects to the database.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { migrationClassName, migrationFileName, toPascalCase } from "../codegen";
import { renderBlankMigrationFile } from "../codegen/blank-migration";
import { loadProjectConfig, type LoadOptions } from "../config/load";
import { UsageError } from "../errors";
import { assertSumMatches, currentEntries, writeSumFile, sumFilePath } from "../runner/sum";
import { parseTimestamp } from "../runner/discover";
import type { SourceLanguage } from "../config/source-style";

export interface CreateOptions extends LoadOptions {
  name: string;
  /** Fixed timestamp (tests); defaults to now, or just after the newest migration. */
  timestamp?: number;
  /** TypeScript or JavaScript; by default the DataSource file's language. */
  language?: SourceLanguage;
}

export interface CreateResult {
  /** Path of the written file, relative to cwd. */
  file: string;
  className: string;
  timestamp: number;
  /** athanor.sum, relative to cwd. */
  sumFile: string;
}

export function create(options: CreateOptions): CreateResult {
  const pascal = toPascalCase(options.name ?? "");
  if (!/[A-Za-z0-9]/.test(options.name ?? "")) {
    throw new UsageError(`The name "${options.name ?? ""}" has no letters or digits to build a class name from: pick another, e.g. athanor create SeedCountries.`);
  }
  const config = loadProjectConfig(options);
  const dir = config.migrationsDir;
  // A directory that no longer matches its sum must be reviewed before a new
  // file is recorded on top of it, or the re-written sum would hide that.
  assertSumMatches(dir, config.cwd);

  const timestamp = options.timestamp ?? nextTimestamp(dir);
  const className = migrationClassName(pascal, timestamp);
  const flavour = { ...config.sourceStyle, ...(options.language ? { language: options.language } : {}) };
  const filePath = join(dir, migrationFileName(timestamp, pascal, flavour.language));
  mkdirSync(dir, { recursive: true });
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, renderBlankMigrationFile({ className, name: pascal, timestamp, flavour }), { encoding: "utf8", flag: "wx" });
  renameSync(temporary, filePath);
  writeSumFile(dir);

  return {
    file: relative(config.cwd, filePath),
    className,
    timestamp,
    sumFile: relative(config.cwd, sumFilePath(dir)),
  };
}

/**
 * Now, unless a migration already has that timestamp or a later one (clock
 * skew, or two creates in one millisecond): a new migration always sorts
 * last, so it never lands out of order.
 */
function nextTimestamp(dir: string): number {
  const newest = currentEntries(dir).reduce((max, e) => Math.max(max, parseTimestamp(e.file.split("-")[0]) ?? 0), 0);
  return Math.max(Date.now(), newest + 1);
}
