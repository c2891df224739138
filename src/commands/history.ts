/**
 * `athanor history`: every migration, newest first, with whether and when it
 * was applied — like `alembic history`. Reads the bookkeeping table when it
 * exists and never creates it.
 */
import { relative } from "node:path";
import { UsageError } from "../errors";
import { planMigrations, type MigrationState } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { withProject, type ProjectOptions } from "./project";

export interface HistoryOptions extends ProjectOptions {
  /** `start:end`, either side optional; revisions as `resolveRevision` reads them, plus `current`. */
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
  return withProject(options, async (project) => {
    const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
    const plan = planMigrations(project.migrations, applied);
    const newestFirst = [...plan.states].reverse();
    const current = newestFirst.find((s) => s.applied);
    const head = newestFirst[0];

    const [from, to] = options.range === undefined ? [-Infinity, Infinity] : parseRange(options.range, plan.states, current);
    const cwd = project.config.cwd;
    return {
      target: project.target,
      migrations: newestFirst
        .filter((s) => s.timestamp >= from && s.timestamp <= to)
        .map((s) => toEntry(s, cwd, s === current, s === head)),
      current: current?.name,
      head: head?.name,
    };
  }, { deferEntityMetadata: true });
}

/** `start:end` → an inclusive timestamp interval. */
function parseRange(range: string, states: MigrationState[], current: MigrationState | undefined): [number, number] {
  const parts = range.split(":");
  if (parts.length !== 2) {
    throw new UsageError(
      `The range "${range}" is not start:end: write e.g. -r base:head, -r 1763790000000: or -r :current (either side may be empty).`,
    );
  }
  const [start, end] = parts.map((p) => p.trim());
  const from = start === "" ? -Infinity : boundOf(start, states, current, -Infinity);
  const to = end === "" ? Infinity : boundOf(end, states, current, Infinity);
  if (from > to) {
    throw new UsageError(`The range "${range}" starts after it ends: put the older revision first.`);
  }
  return [from, to];
}

function boundOf(query: string, states: MigrationState[], current: MigrationState | undefined, open: number): number {
  if (query === "current") return current ? current.timestamp : -Infinity;
  const revision = resolveRevision(query, states);
  if (revision.kind === "migration") return revision.state.timestamp;
  // base and head are the ends of the history; either side may use them.
  if (revision.kind === "base") return -Infinity;
  return open === -Infinity ? (states.at(-1)?.timestamp ?? Infinity) : Infinity;
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
