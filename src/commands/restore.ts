/**
 * `athanor restore <file>`: put back the copy `run --backup` took, replacing
 * everything in the database (SQLite: the file; PostgreSQL: every schema,
 * through pg_restore). The file is checked first, then `confirm` is asked
 * (the CLI asks at a terminal; `--yes` in CI), and only then is anything
 * changed. PostgreSQL restores under the migration lock, so no `run` can
 * start half-way through.
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { UsageError } from "../errors";
import { withProject, type ProjectOptions } from "./project";

export interface RestoreOptions extends ProjectOptions {
  /** The backup file, relative to cwd. */
  file: string;
  /**
   * Asked once the file is checked, before anything changes, with where the
   * database is (no credentials); false leaves the database as it is.
   * Without it the restore goes ahead.
   */
  confirm?: (target: string, file: string) => Promise<boolean>;
  /** How long to wait for a concurrent runner's lock, in milliseconds. */
  lockTimeoutMs?: number;
}

export interface RestoreResult {
  /** False when `confirm` said no. */
  restored: boolean;
  /** The backup file, relative to cwd. */
  file: string;
  target: string;
}

export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const path = resolve(cwd, options.file);
  const shown = relative(cwd, path) || path;
  if (!existsSync(path)) throw new UsageError(`There is no backup file ${shown}: name a file that \`run --backup\` wrote.`);

  let replaceFile: (() => Promise<void>) | undefined;
  const result = await withProject(
    options,
    async (project): Promise<RestoreResult> => {
      const { dialect, queryRunner, config } = project;
      if (!dialect.restore) {
        throw new UsageError(
          `athanor restore cannot restore a ${dialect.name} database, so nothing was restored: use the database's own tools.`,
        );
      }
      const restoreOptions = { connection: config.dataSource.options as any, file: path };
      await dialect.checkBackup?.(queryRunner, restoreOptions);
      if (options.confirm && !(await options.confirm(project.target, shown))) {
        return { restored: false, file: shown, target: project.target };
      }
      if (dialect.databaseFile) {
        // The file is replaced once this process has closed its connections.
        const databaseFile = await dialect.databaseFile(queryRunner);
        const restoreFile = dialect.restore.bind(dialect);
        replaceFile = () => restoreFile(undefined, { ...restoreOptions, databaseFile });
      } else {
        const lock = await project.lock(options.lockTimeoutMs);
        try {
          await dialect.restore(queryRunner, restoreOptions);
        } finally {
          await lock.release();
        }
      }
      return { restored: true, file: shown, target: project.target };
    },
    { deferEntityMetadata: true },
  );
  if (replaceFile) await replaceFile();
  return result;
}
