/**
 * `athanor revert`: undo the most recently applied migration, or several
 * (`--step N`), or all after a revision (`--to <rev>|base`).
 */
import { UsageError } from "../errors";
import { executeMigrations, type ExecutionOptions, type ExecutionResult } from "../runner/execute";
import { planPartialRevert } from "../runner/operation-steps";
import { planRevert, revertOrder } from "../runner/targets";
import { refuseEdited } from "./edited-migrations";
import { lockedPlan } from "./locked-plan";
import { withProject, type ProjectOptions } from "./project";

export interface RevertOptions extends ProjectOptions {
  /** Revert everything applied after this revision (`base`: everything). */
  to?: string;
  /** Revert this many migrations (default 1). */
  step?: number;
  /** Plan and report, execute nothing. */
  dryRun?: boolean;
  /** How long to wait for a concurrent runner's lock, in milliseconds. */
  lockTimeoutMs?: number;
  /** Transaction mode, --fake, progress callbacks. */
  execution?: ExecutionOptions;
  /** Run the down() of a migration whose file changed since it was applied. */
  allowEdited?: boolean;
  /** Revert even though migrations/athanor.sum is missing or does not match the migration files. */
  allowSumMismatch?: boolean;
}

export interface RevertResult {
  reverted: ExecutionResult[];
  /** What the revert set out to undo (with dryRun: what it would undo). */
  planned: string[];
  remaining: number;
  target: string;
}

export async function revert(options: RevertOptions): Promise<RevertResult> {
  return withProject(
    options,
    async (project) => {
      const { bookkeeping, dialect, queryRunner } = project;
      // down() is migration code like up(): the same integrity gate and lock as run.
      const { lock, plan } = await lockedPlan(project, options);
      try {
        const { steps: selected, applied: order } = planRevert(plan, options);

        const missing = selected.find((s) => !s.source);
        if (missing) {
          throw new UsageError(
            `Migration ${missing.name} is applied but its file is missing, so its down() cannot run: restore the file (from version control), or use \`athanor stamp\` to forget it.`,
          );
        }

        // Only the down() methods about to run matter; --fake runs none.
        if (!options.allowEdited && !options.execution?.fake) refuseEdited(selected, project.config.cwd, "down");

        // A partly applied migration: refused before anything runs when its down() cannot undo just that part.
        // (A complete migration's revert that stopped half-way runs the rest of its down(), whatever it holds.)
        const partlyApplied = selected.find((s) => s.partial && !s.partial.wholeRevert);
        if (partlyApplied && !options.execution?.fake) {
          const before = revertOrder(plan)[0]?.name ?? "base";
          await planPartialRevert(partlyApplied.source!, partlyApplied.partial!, dialect, bookkeeping.tableName, before);
        }

        if (options.dryRun) {
          return { reverted: [], planned: selected.map((s) => s.name), remaining: order.length, target: project.target };
        }
        // down() may use repositories (unless it calls only op() and
        // queryRunner.query); --fake never loads entities.
        if (selected.length > 0 && !options.execution?.fake) await project.loadEntityMetadataFor(selected.map((s) => s.source!));
        const results = await executeMigrations(
          { queryRunner, dialect, bookkeeping, lock },
          selected.map((s) => s.source!),
          "down",
          options.execution,
        );
        return {
          reverted: results,
          planned: selected.map((s) => s.name),
          remaining: order.length - results.length,
          target: project.target,
        };
      } finally {
        await lock.release();
      }
    },
    { deferEntityMetadata: true },
  );
}
