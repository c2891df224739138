/**
 * `athanor revert`: undo the most recently applied migration, or several
 * (`--step N`), or all after a revision (`--to <rev>|base`).
 */
import { UsageError } from "../errors";
import { executeMigration, type ExecutionResult } from "../runner/execute";
import { planMigrations, revertOrder } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { withProject, type ProjectOptions } from "./project";

export interface RevertOptions extends ProjectOptions {
  /** Revert everything applied after this revision (`base`: everything). */
  to?: string;
  /** Revert this many migrations (default 1). */
  step?: number;
  onStart?: (name: string, index: number, total: number) => void;
  onDone?: (result: ExecutionResult, index: number, total: number) => void;
}

export interface RevertResult {
  reverted: ExecutionResult[];
  remaining: number;
  target: string;
}

export async function revert(options: RevertOptions): Promise<RevertResult> {
  return withProject(options, async (project) => {
    const { bookkeeping, dialect, queryRunner } = project;
    const release = await project.lock();
    try {
      await bookkeeping.ensure();
      const plan = planMigrations(project.migrations, await bookkeeping.applied());
      const order = revertOrder(plan);
      if (order.length === 0) {
        throw new UsageError("Nothing to revert: no migration is applied.");
      }

      let selected = order.slice(0, options.step ?? 1);
      if (options.to) {
        if (options.step !== undefined) throw new UsageError("Give either --to or --step, not both.");
        const revision = resolveRevision(options.to, plan.states);
        if (revision.kind === "head") selected = [];
        else if (revision.kind === "base") selected = order;
        else {
          if (!revision.state.applied) {
            throw new UsageError(`${revision.state.name} is not applied: revert --to names an applied migration to keep.`);
          }
          selected = order.filter((s) => s.timestamp > revision.state.timestamp);
        }
      }

      const missing = selected.find((s) => !s.source);
      if (missing) {
        throw new UsageError(
          `Migration ${missing.name} is applied but its file is missing, so its down() cannot run: restore the file (from version control), or use \`athanor stamp\` to forget it.`,
        );
      }

      const results: ExecutionResult[] = [];
      for (const [index, state] of selected.entries()) {
        options.onStart?.(state.name, index, selected.length);
        results.push(await executeMigration({ queryRunner, dialect, bookkeeping }, state.source!, "down"));
        options.onDone?.(results[results.length - 1], index, selected.length);
      }
      return { reverted: results, remaining: order.length - results.length, target: project.target };
    } finally {
      await release();
    }
  });
}
