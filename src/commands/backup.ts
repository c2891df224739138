/**
 * `run --backup`: a copy of the database taken just before migrating, made
 * by the dialect. Where the dialect cannot make one (PostgreSQL: that is
 * pg_dump's job), the run is refused with the command that makes one: a
 * user who asked for a backup and silently got none could lose data.
 */
import { relative } from "node:path";
import { AthanorError, UsageError } from "../errors";
import type { Project } from "./project";

/** Take the backup; resolves to its path relative to the project directory. */
export async function takeBackup(project: Project, at = new Date()): Promise<string> {
  const { dialect, config } = project;
  if (!dialect.backup) {
    throw new UsageError(
      `--backup cannot copy a ${dialect.name} database, so nothing was migrated: back it up with the database's own tools, then run again without --backup.`,
    );
  }
  const result = await dialect.backup(project.queryRunner, { connection: config.dataSource.options as any, at });
  if (!result.taken) throw new UsageError(result.advice);
  return relative(config.cwd, result.location) || result.location;
}

/** A migration failure that says where the copy from before the run is. */
export function withBackupLocation(error: unknown, location: string): unknown {
  if (!(error instanceof AthanorError)) return error;
  return new AthanorError(error.message, error.exitCode, [...error.details, `The database as it was before this run is in ${location}.`]);
}
