/**
 * `athanor create <name>`: write a blank migration to fill in by hand, and
 * re-write athanor.sum. Loads the DataSource file only to find the
 * migrations directory; never connects to the database.
 */
import { join, relative } from "node:path";
import { migrationClassName, migrationFileName } from "../codegen";
import { renderBlankMigrationFile } from "../codegen/blank-migration";
import { loadProjectConfig, type LoadOptions } from "../config/load";
import { databaseTypes } from "../dialects";
import { checkedMigrationName } from "./migration-name";
import { assertSumMatches, currentEntries, withSumFile, sumFilePath } from "../runner/sum";
import { writeFilesAtomically } from "../atomic-write";
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
  const pascal = checkedMigrationName(options.name ?? "", "create");
  const config = loadProjectConfig(options, { databaseTypes });
  const dir = config.migrationsDir;
  // A directory that no longer matches its sum must be reviewed before a new
  // file is recorded on top of it, or the re-written sum would hide that.
  assertSumMatches(dir, config.cwd);

  const timestamp = options.timestamp ?? nextTimestamp(dir);
  const className = migrationClassName(pascal, timestamp);
  const flavour = { ...config.sourceStyle, ...(options.language ? { language: options.language } : {}) };
  const filePath = join(dir, migrationFileName(timestamp, pascal, flavour.language));
  const content = renderBlankMigrationFile({ className, name: pascal, timestamp, flavour });
  writeFilesAtomically(withSumFile(dir, { path: filePath, content }), config.cwd);

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
