/**
 * `athanor history`: every migration, newest first, with whether and when it
 * was applied — like `alembic history`. Reads the bookkeeping table when it
 * exists and never creates it.
 */
import { relative } from "node:path";
import { planMigrations, type MigrationState } from "../runner/plan";
import { planHistory } from "../runner/targets";
import { withProject, type ProjectOptions } from "./project";

export interface HistoryOptions extends ProjectOptions {
  /** `start:end`, either side optional; revisions as `resolveRevision` reads them, plus `current` (runner/targets.ts). */
  range?: string;
}

export interface HistoryEntry {
  name: string;
  timestamp: number;
  file?: string;
  applied: boolean;
  appliedAt?: string;
  executionMs?: number;
  /** The newest applied migration (by timestamp). */
  current: boolean;
  /** The newest migration. */
  head: boolean;
  /** Applied, but its file is gone. */
  missing: boolean;
  /** Applied, but its file changed since. */
  edited: boolean;
}

export interface HistoryResult {
  target: string;
  /** Newest first. */
  migrations: HistoryEntry[];
  current?: string;
  head?: string;
}

export async function history(options: HistoryOptions): Promise<HistoryResult> {
  return withProject(
    options,
    async (project) => {
      const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
      const { migrations, current, head } = planHistory(planMigrations(project.migrations, applied), options.range);
      const cwd = project.config.cwd;
      return {
        target: project.target,
        migrations: migrations.map((s) => toEntry(s, cwd, s === current, s === head)),
        current: current?.name,
        head: head?.name,
      };
    },
    { deferEntityMetadata: true },
  );
}

function toEntry(state: MigrationState, cwd: string, current: boolean, head: boolean): HistoryEntry {
  return {
    name: state.name,
    timestamp: state.timestamp,
    file: state.source?.file ? relative(cwd, state.source.file) : undefined,
    applied: Boolean(state.applied),
    appliedAt: state.applied?.appliedAt?.toISOString(),
    executionMs: state.applied?.executionMs,
    current,
    head,
    missing: state.missing,
    edited: state.edited,
  };
}
