/**
 * What `run` and `revert` both do first: refuse a migrations folder that
 * does not match athanor.sum, take the migration lock, then read the
 * bookkeeping under it (another runner may have applied migrations while
 * this one waited) and plan from it.
 */
import { planMigrations, type Plan } from "../runner/plan";
import { assertSumMatches, checksumsOf } from "../runner/sum";
import type { MigrationLock, Project } from "./project";

export interface LockedPlanOptions {
  allowSumMismatch?: boolean;
  lockTimeoutMs?: number;
  /** A dry run changes nothing, not even by creating the bookkeeping table. */
  dryRun?: boolean;
  execution?: { signal?: AbortSignal };
}

/** The held lock and the plan read under it; the caller releases the lock (here only when reading fails). */
export async function lockedPlan(project: Project, options: LockedPlanOptions): Promise<{ lock: MigrationLock; plan: Plan }> {
  const { bookkeeping, config } = project;
  if (!options.allowSumMismatch) {
    assertSumMatches(config.migrationsDir, config.cwd, "--allow-sum-mismatch", checksumsOf(project.migrations));
  }
  const lock = await project.lock(options.lockTimeoutMs, options.execution?.signal);
  try {
    if (!options.dryRun) await bookkeeping.ensure();
    const appliedRows = options.dryRun && !(await bookkeeping.exists()) ? [] : await bookkeeping.applied();
    return { lock, plan: planMigrations(project.migrations, appliedRows) };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
