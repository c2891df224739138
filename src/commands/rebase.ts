/**
 * `athanor rebase [migration…]`: after two branches that each added a
 * migration are merged, the branch whose migrations were applied second
 * finds the other's older files pending and out of order. Rebasing gives
 * each of them a new timestamp just after the newest applied migration —
 * file name, class name and `name` property — keeping their relative order,
 * and re-writes athanor.sum, so `run`, `revert` and a later `run` need no
 * flag. An applied migration is never touched: its name is in the
 * bookkeeping of every database it ran on.
 *
 * Then it proves, with `verify` on a scratch database, that the rebased
 * line still builds the entities' schema (unless told not to).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { writeFilesAtomically, type FileToWrite } from "../atomic-write";
import { AthanorError, UsageError } from "../errors";
import { checksumOf } from "../runner/checksum";
import { planMigrations, type MigrationState } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { currentEntries, renderSumFile, sumFilePath, verifySumFile, type SumEntry } from "../runner/sum";
import { withProject, type ProjectOptions } from "./project";
import type { VerifyResult } from "./verify";

export interface RebaseOptions extends ProjectOptions {
  /** The pending migrations to rebase (any revision form); default every out-of-order one. */
  migrations?: string[];
  /** Say what would be renamed, change nothing. */
  dryRun?: boolean;
  /** Skip the check on a scratch database afterwards (default: run it). */
  verify?: boolean;
}

export interface RebasedMigration {
  /** The migration's name before and after (class name and `name` property). */
  from: string;
  to: string;
  /** Its file before and after, relative to cwd. */
  fromFile: string;
  toFile: string;
  timestamp: number;
}

export interface RebaseResult {
  /** Renamed (with dryRun: to be renamed), in their new order. */
  rebased: RebasedMigration[];
  /** The newest applied migration they now follow. */
  after?: string;
  /** athanor.sum, relative to cwd; re-written unless dryRun or nothing was rebased and it matched. */
  sumFile: string;
  /** Whether athanor.sum was (re-)written. */
  sumWritten: boolean;
  /** What the previous sum said, if it did not match (as `athanor sum` reports). */
  sumPreviously?: "missing" | "mismatch" | "conflict";
  /** The check of the rebased line on a scratch database; absent with dryRun or verify: false. */
  verify?: VerifyResult;
  target: string;
}

export async function rebase(options: RebaseOptions): Promise<RebaseResult> {
  const result: RebaseResult = await withProject(
    options,
    async (project): Promise<RebaseResult> => {
      const { config } = project;
      const cwd = config.cwd;
      const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
      const plan = planMigrations(project.migrations, applied);
      const chosen = chooseMigrations(plan.states, options.migrations ?? [], cwd);
      const newestApplied = [...plan.applied].sort((a, b) => b.timestamp - a.timestamp)[0];

      const stamps = newTimestamps(chosen, newestApplied?.timestamp ?? 0, plan.states);
      const rebased: RebasedMigration[] = [];
      const files: FileToWrite[] = [];
      const removed: string[] = [];
      chosen.forEach((state, i) => {
        const change = renameMigration(state, stamps[i], cwd);
        rebased.push(change.rebased);
        files.push(change.file);
        removed.push(state.source!.file!);
      });

      const dir = config.migrationsDir;
      const sumBefore = verifySumFile(dir, cwd);
      const sumFile = relative(cwd, sumFilePath(dir));
      if (options.dryRun || (rebased.length === 0 && !sumBefore)) {
        return { rebased, after: newestApplied?.name, sumFile, sumWritten: false, sumPreviously: sumBefore?.kind, target: project.target };
      }
      // The directory as it will be: the renamed files in, the old names out.
      const gone = new Set(removed.map((file) => basename(file)));
      const entries: SumEntry[] = currentEntries(dir).filter((e) => !gone.has(e.file));
      for (const file of files) {
        if (dirname(file.path) === dir) entries.push({ file: basename(file.path), hash: checksumOf(file.content) });
      }
      writeFilesAtomically([...files, { path: sumFilePath(dir), content: renderSumFile(entries) }], cwd);
      // The new files are in place, so removing the old ones loses nothing.
      for (const file of removed) if (!files.some((f) => f.path === file)) rmSync(file, { force: true });
      return { rebased, after: newestApplied?.name, sumFile, sumWritten: true, sumPreviously: sumBefore?.kind, target: project.target };
    },
    { deferEntityMetadata: true },
  );

  if (!options.dryRun && options.verify !== false && result.rebased.length > 0) {
    const { verify } = require("./verify") as typeof import("./verify");
    try {
      result.verify = await verify({ dataSource: options.dataSource, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs });
    } catch (error) {
      // The renames are written; say so, or the user would redo them by hand.
      if (!(error instanceof AthanorError)) throw error;
      throw new AthanorError(error.message, error.exitCode, [
        ...error.details,
        `The migrations were renamed and ${result.sumFile} re-written; only the check failed: fix it and run athanor verify.`,
      ]);
    }
  }
  return result;
}

/** The named migrations, or every out-of-order one; an applied or unknown one is refused. */
function chooseMigrations(states: MigrationState[], names: string[], _cwd: string): MigrationState[] {
  const chosen =
    names.length === 0
      ? states.filter((s) => s.outOfOrder)
      : names.map((name) => {
          const revision = resolveRevision(name, states);
          if (revision.kind !== "migration") {
            throw new UsageError(`athanor rebase takes pending migrations, not "${name}": name a migration file, class or timestamp.`);
          }
          return revision.state;
        });
  for (const state of chosen) {
    if (state.applied) {
      throw new UsageError(
        `${state.name} is applied, so rebase leaves it alone (its name is in the bookkeeping of the databases it ran on): rebase only pending migrations.`,
      );
    }
    if (!state.outOfOrder) {
      throw new UsageError(
        `${state.name} is not out of order (no applied migration is newer), so it already runs in its place: rebase only migrations that \`athanor status\` reports out of order.`,
      );
    }
    if (!state.source?.file) {
      throw new UsageError(
        `${state.name} is a class listed in the DataSource, not a file, so rebase cannot rename it: give it a newer timestamp by hand.`,
      );
    }
  }
  const unique = [...new Map(chosen.map((s) => [s.name, s])).values()];
  return unique.sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name));
}

/**
 * Timestamps just after the newest applied migration, in a row, free of
 * every other migration's, so the rebased ones run next and in their old
 * order. If a pending migration that is not rebased sits in the way, they go
 * after the newest migration of all instead: rebasing never interleaves.
 */
function newTimestamps(chosen: MigrationState[], newestApplied: number, states: MigrationState[]): number[] {
  const count = chosen.length;
  if (count === 0) return [];
  const moving = new Set(chosen.map((s) => s.name));
  const others = states.filter((s) => !moving.has(s.name)).map((s) => s.timestamp);
  const blocked = (start: number) => others.some((t) => t >= start && t < start + count);
  let start = newestApplied + 1;
  if (blocked(start)) start = Math.max(...others) + 1;
  return Array.from({ length: count }, (_, i) => start + i);
}

/** The file with every mention of the old name replaced, under its new name. */
function renameMigration(state: MigrationState, timestamp: number, cwd: string): { rebased: RebasedMigration; file: FileToWrite } {
  const path = state.source!.file!;
  const oldStamp = String(state.timestamp).padStart(13, "0");
  const newStamp = String(timestamp).padStart(13, "0");
  const newName = state.name.slice(0, -13) + newStamp;
  const text = readFileSync(path, "utf8");
  if (!text.includes(state.name)) {
    throw new UsageError(
      `${relative(cwd, path)} does not mention its migration name ${state.name} (the class name or its name property), so rebase cannot rename it: rename it by hand.`,
    );
  }
  // The name only where it stands alone, not inside a longer identifier.
  const mention = new RegExp(`(?<![A-Za-z0-9_$])${escapeRegExp(state.name)}(?![A-Za-z0-9_$])`, "g");
  const content = text.replace(mention, newName);
  const fileName = basename(path);
  const newFileName = fileName.includes(oldStamp) ? fileName.replace(oldStamp, newStamp) : fileName;
  const newPath = join(dirname(path), newFileName);
  if (newPath !== path && existsSync(newPath)) {
    throw new UsageError(
      `rebase would rename ${relative(cwd, path)} to ${relative(cwd, newPath)}, which exists: move that file away first.`,
    );
  }
  return {
    rebased: { from: state.name, to: newName, fromFile: relative(cwd, path), toFile: relative(cwd, newPath), timestamp },
    file: { path: newPath, content },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
