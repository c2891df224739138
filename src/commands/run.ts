/**
 * `athanor run`: apply pending migrations in timestamp order, each atomic
 * together with its bookkeeping row (runner/execute.ts says how they commit).
 */
import { UsageError } from "../errors";
import { executeMigrations, type ExecutionOptions, type ExecutionResult } from "../runner/execute";
import type { MigrationState } from "../runner/plan";
import { planRun } from "../runner/targets";
import { transpileAhead } from "../loader/typescript-loader";
import { takeBackup, withBackupLocation } from "./backup";
import { refuseEdited } from "./edited-migrations";
import { lockedPlan } from "./locked-plan";
import { withProject, type ProjectOptions } from "./project";

export interface RunOptions extends ProjectOptions {
  /** Stop after applying this revision. */
  to?: string;
  /** Apply at most this many migrations. */
  step?: number;
  allowOutOfOrder?: boolean;
  allowEdited?: boolean;
  /** Run even though migrations/athanor.sum does not match the directory. */
  allowSumMismatch?: boolean;
  /** Called before each migration starts, for progress output. */
  /** Plan and report, execute nothing. */
  dryRun?: boolean;
  /** How long to wait for a concurrent runner's lock, in milliseconds. */
  lockTimeoutMs?: number;
  /** Transaction mode, --fake, progress callbacks. */
  execution?: ExecutionOptions;
  /** Copy the database before applying anything (refused where the dialect cannot). */
  backup?: boolean;
  /** Where `backup` puts the copy (relative to the project); default beside the SQLite file, or the project directory. */
  backupDir?: string;
  /** Called with the copy's path once it is taken, before the first migration. */
  onBackup?: (path: string) => void;
}

export interface RunResult {
  applied: ExecutionResult[];
  /** What the run set out to apply (with dryRun: what it would apply). */
  planned: string[];
  /** Migrations that were already applied before this run. */
  alreadyApplied: number;
  target: string;
  /** Where `backup` put the copy (relative to the project); absent when nothing was applied. */
  backup?: string;
}

export async function run(options: RunOptions): Promise<RunResult> {
  return withProject(
    options,
    async (project) => {
      const { bookkeeping, dialect, queryRunner } = project;
      const { lock, plan } = await lockedPlan(project, options);
      try {
        refuseAbnormal(plan.states, options, project.config.cwd);

        const selected = planRun(plan, options);

        if (options.dryRun) {
          return { applied: [], planned: selected.map((s) => s.name), alreadyApplied: plan.applied.length, target: project.target };
        }
        // Taken under the lock, once the plan is known: a copy of the database
        // exactly as this run found it, and none when there is nothing to apply.
        const backup = options.backup && selected.length > 0 ? await takeBackup(project, options.backupDir) : undefined;
        if (backup) options.onBackup?.(backup);
        // Migration code may use repositories (unless it calls only op() and
        // queryRunner.query); a no-op or --fake run never loads entities.
        if (selected.length > 0 && !options.execution?.fake) await project.loadEntityMetadataFor(selected.map((s) => s.source!));
        // Migrations described without loading them (a fresh checkout's), transpiled together before they run.
        if (!options.execution?.fake) transpileAhead(selected.flatMap((s) => (s.source?.file ? [s.source.file] : [])));
        const results = await executeMigrations(
          { queryRunner, dialect, bookkeeping, lock },
          selected.map((s) => s.source!),
          "up",
          options.execution,
        ).catch((error) => {
          throw backup ? withBackupLocation(error, backup) : error;
        });
        return {
          applied: results,
          planned: selected.map((s) => s.name),
          alreadyApplied: plan.applied.length,
          target: project.target,
          backup,
        };
      } finally {
        await lock.release();
      }
    },
    { deferEntityMetadata: true },
  );
}

function refuseAbnormal(states: MigrationState[], options: RunOptions, cwd: string): void {
  if (!options.allowEdited) refuseEdited(states, cwd, "up");
  const outOfOrder = states.filter((s) => s.outOfOrder);
  if (outOfOrder.length > 0 && !options.allowOutOfOrder) {
    throw new UsageError(
      `Pending migration ${outOfOrder.map((s) => s.name).join(", ")} is older than the newest applied one, so it would run out of order: give it a newer timestamp with \`athanor rebase\`, or pass --allow-out-of-order.`,
    );
  }
}
