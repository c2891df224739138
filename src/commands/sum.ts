/**
 * `athanor sum`: re-write migrations/athanor.sum from the directory as it is,
 * after the user has reviewed what changed. Needs no database.
 */
import { relative } from "node:path";
import { loadProjectConfig, type LoadOptions } from "../config/load";
import { databaseTypes } from "../dialects";
import { sumFilePath, verifySumFile, writeSumFile } from "../runner/sum";

export interface SumResult {
  /** athanor.sum, relative to cwd. */
  sumFile: string;
  /** Number of migration files recorded. */
  files: number;
  /** What the previous sum said, if it did not match: missing, mismatch or conflict. */
  previously?: "missing" | "mismatch" | "conflict";
  /** Files the new sum records that the old one did not, or recorded differently. */
  added: string[];
  removed: string[];
  changed: string[];
}

export function sum(options: LoadOptions): SumResult {
  const config = loadProjectConfig(options, { databaseTypes });
  const dir = config.migrationsDir;
  const before = verifySumFile(dir, config.cwd);
  const entries = writeSumFile(dir);
  return {
    sumFile: relative(config.cwd, sumFilePath(dir)),
    files: entries.length,
    previously: before?.kind,
    added: before?.added ?? [],
    removed: before?.removed ?? [],
    changed: before?.changed ?? [],
  };
}
