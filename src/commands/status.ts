/**
 * `athanor status` (alias `current`): what is applied, what is pending, and
 * anything abnormal. Reads the bookkeeping without creating it.
 */
import { relative } from "node:path";
import { planMigrations, type MigrationState } from "../runner/plan";
import { checksumsOf, verifySumFile } from "../runner/sum";
import { withProject, type ProjectOptions } from "./project";

export interface StatusEntry {
  name: string;
  timestamp: number;
  file?: string;
  applied: boolean;
  appliedAt?: string;
  executionMs?: number;
  missing: boolean;
  edited: boolean;
  outOfOrder: boolean;
  /**
   * Pending, with part of it applied by a run that failed outside a
   * transaction; `reverted`: how many statements a revert of that part
   * already undid (a revert that stopped half-way); `wholeRevert`: that
   * revert started from the complete migration (`applied`/`total` then
   * count its up(), and all of its down() runs).
   */
  partial?: { applied: number; total?: number; reverted?: number; wholeRevert?: boolean };
}

export interface StatusResult {
  target: string;
  migrations: StatusEntry[];
  applied: number;
  pending: number;
  /** The most recently applied migration (by timestamp), if any. */
  current?: string;
  /** Sentences describing anything abnormal. */
  problems: string[];
  /** Advice that is not a problem (a SumProblem of severity "hint"; a missing athanor.sum is a problem). */
  notes: string[];
}

export async function status(options: ProjectOptions): Promise<StatusResult> {
  return withProject(
    options,
    async (project) => {
      const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
      const plan = planMigrations(project.migrations, applied);
      const cwd = project.config.cwd;
      const sum = verifySumFile(project.config.migrationsDir, cwd, checksumsOf(project.migrations));
      const entries = plan.states.map((s) => toEntry(s, cwd));
      const problems = problemsOf(plan.states, cwd);
      if (sum && sum.severity === "error") problems.push(sum.message);
      // Which one command fixes it: rebase renames and re-writes the sum; sum alone when nothing is out of order.
      if (plan.states.some((s) => s.outOfOrder)) problems.push(REBASE_ADVICE);
      const current = [...plan.applied].sort((a, b) => b.timestamp - a.timestamp)[0];
      return {
        target: project.target,
        migrations: entries,
        applied: plan.applied.length,
        pending: plan.pending.length,
        current: current?.name,
        problems,
        notes: sum && sum.severity === "hint" ? [sum.message] : [],
      };
    },
    { deferEntityMetadata: true },
  );
}

const REBASE_ADVICE =
  "Run `athanor rebase`: it gives the out-of-order migrations timestamps after the newest applied one and re-writes athanor.sum (no `athanor sum` needed).";

function toEntry(state: MigrationState, cwd: string): StatusEntry {
  return {
    name: state.name,
    timestamp: state.timestamp,
    file: state.source?.file ? relative(cwd, state.source.file) : undefined,
    applied: Boolean(state.applied),
    appliedAt: state.applied?.appliedAt?.toISOString(),
    executionMs: state.applied?.executionMs,
    missing: state.missing,
    edited: state.edited,
    outOfOrder: state.outOfOrder,
    ...(state.partial ? { partial: partialShown(state.partial) } : {}),
  };
}

export function problemsOf(states: MigrationState[], cwd: string): string[] {
  const problems: string[] = [];
  for (const s of states) {
    const where = s.source?.file ? relative(cwd, s.source.file) : s.name;
    if (s.missing) problems.push(`${s.name} is applied but its file is missing.`);
    if (s.edited) problems.push(`${where} was edited after it was applied.`);
    if (s.outOfOrder) problems.push(`${where} is pending but older than the newest applied migration (out of order).`);
  }
  return problems;
}

function partialShown(partial: NonNullable<MigrationState["partial"]>): NonNullable<StatusEntry["partial"]> {
  const { applied, total, reverted, wholeRevert } = partial;
  return { applied, ...(total === undefined ? {} : { total }), ...(reverted ? { reverted } : {}), ...(wholeRevert ? { wholeRevert } : {}) };
}
