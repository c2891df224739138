/**
 * `athanor run`: apply pending migrations in timestamp order, each in its own
 * transaction together with its bookkeeping row.
 */
import { relative } from "node:path";
import { UsageError } from "../errors";
import { executeMigration, type ExecutionResult } from "../runner/execute";
import { planMigrations, type MigrationState } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { withProject, type ProjectOptions } from "./project";

export interface RunOptions extends ProjectOptions {
  /** Stop after applying this revision. */
  to?: string;
  /** Apply at most this many migrations. */
  step?: number;
  allowOutOfOrder?: boolean;
  allowEdited?: boolean;
  /** Called before each migration starts, for progress output. */
  onStart?: (name: string, index: number, total: number) => void;
  onDone?: (result: ExecutionResult, index: number, total: number) => void;
}

export interface RunResult {
  applied: ExecutionResult[];
  /** Migrations that were already applied before this run. */
  alreadyApplied: number;
  target: string;
}

export async function run(options: RunOptions): Promise<RunResult> {
  return withProject(options, async (project) => {
    const { bookkeeping, dialect, queryRunner } = project;
    const release = await project.lock();
    try {
      await bookkeeping.ensure();
      // Read the bookkeeping only once the lock is held: another runner may
      // have applied migrations while we waited.
      const plan = planMigrations(project.migrations, await bookkeeping.applied());
      refuseAbnormal(plan.states, options, project.config.cwd);

      let selected = plan.pending;
      if (options.to) {
        const revision = resolveRevision(options.to, plan.states);
        if (revision.kind === "base") {
          throw new UsageError("`run --to base` would apply nothing: use `athanor revert --to base` to undo everything.");
        }
        if (revision.kind === "migration") {
          if (revision.state.applied) {
            throw new UsageError(`${revision.state.name} is already applied: nothing to run up to it.`);
          }
          selected = selected.filter((s) => s.timestamp <= revision.state.timestamp);
        }
      }
      if (options.step !== undefined) selected = selected.slice(0, options.step);

      const results: ExecutionResult[] = [];
      for (const [index, state] of selected.entries()) {
        options.onStart?.(state.name, index, selected.length);
        const result = await executeMigration({ queryRunner, dialect, bookkeeping }, state.source!, "up");
        results.push(result);
        options.onDone?.(result, index, selected.length);
      }
      return { applied: results, alreadyApplied: plan.applied.length, target: project.target };
    } finally {
      await release();
    }
  });
}

function refuseAbnormal(states: MigrationState[], options: RunOptions, cwd: string): void {
  const edited = states.filter((s) => s.edited);
  if (edited.length > 0 && !options.allowEdited) {
    const s = edited[0];
    throw new UsageError(
      `Migration ${s.source?.file ? relative(cwd, s.source.file) : s.name} was edited after it was applied${
        s.applied?.appliedAt ? ` on ${s.applied.appliedAt.toISOString()}` : ""
      }: restore the applied version, or pass --allow-edited if the change is deliberate.`,
    );
  }
  const outOfOrder = states.filter((s) => s.outOfOrder);
  if (outOfOrder.length > 0 && !options.allowOutOfOrder) {
    throw new UsageError(
      `Pending migration ${outOfOrder.map((s) => s.name).join(", ")} is older than the newest applied one, so it would run out of order: give it a newer timestamp, or pass --allow-out-of-order.`,
    );
  }
}
