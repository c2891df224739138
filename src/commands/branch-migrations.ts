/**
 * Which migrations a branch adds, for the pull-request report (`check
 * --format markdown|github`): the migration files that are not in the tree
 * of a base commit. The base is `--base <git ref>`, else where the branch
 * left main: `git merge-base HEAD origin/main`, else `git merge-base HEAD main`.
 * A file not committed yet counts as added, so the report also works before
 * a commit. Outside a git repository the caller falls back to the migrations
 * pending on the configured database.
 */
import { spawnSync } from "node:child_process";
import { relative, sep } from "node:path";
import { UsageError } from "../errors";
import type { MigrationSource } from "../runner/discover";

export interface BranchMigrations {
  /** The ref the branch is compared with, as given or chosen ("origin/main"). */
  base: string;
  /** Its commit, abbreviated. */
  commit: string;
  /** The repository's top directory. */
  root: string;
  /** Migrations whose file the base commit does not have, in file order. */
  added: MigrationSource[];
  /** Migrations the base commit has, whose file the branch changed (edited after they may have run). */
  edited: MigrationSource[];
}

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, out: (result.stdout ?? "").trim() };
}

/** The repository's top directory, or undefined outside git (or without git installed). */
export function gitRoot(cwd: string): string | undefined {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  return top.ok && top.out ? top.out : undefined;
}

/** The base commit: `base` when given (E260 when git does not know it), else where HEAD left origin/main or main (E261). */
function resolveBase(root: string, base: string | undefined): { base: string; commit: string } {
  if (base !== undefined) {
    const commit = git(root, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
    if (!commit.ok) {
      throw new UsageError(
        `--base ${base} is not a commit git knows here: name a branch, tag or commit (in CI, fetch it first, e.g. actions/checkout with fetch-depth: 0).`,
      );
    }
    return { base, commit: commit.out };
  }
  for (const candidate of ["origin/main", "main"]) {
    const mergeBase = git(root, ["merge-base", "HEAD", candidate]);
    if (mergeBase.ok && mergeBase.out) return { base: candidate, commit: mergeBase.out };
  }
  throw new UsageError(
    "The report compares the branch with origin/main or main, and this repository has neither (or no commit on HEAD): pass --base <branch or commit>, e.g. --base origin/develop.",
  );
}

export function branchMigrations(root: string, migrations: MigrationSource[], base?: string): BranchMigrations {
  const resolved = resolveBase(root, base);
  const tree = git(root, ["ls-tree", "-r", "--full-tree", "--name-only", "-z", resolved.commit]);
  const inBase = new Set(tree.out.split("\0").filter(Boolean));
  const pathOf = (file: string) => relative(root, file).split(sep).join("/");
  const files = migrations.filter((m) => m.file);
  const existing = files.filter((m) => inBase.has(pathOf(m.file!)));
  // Compared with the working tree: an uncommitted edit is an edit too.
  const changed = existing.length
    ? new Set(git(root, ["diff", "--name-only", resolved.commit, "--", ...existing.map((m) => pathOf(m.file!))]).out.split("\n"))
    : new Set<string>();
  return {
    ...resolved,
    commit: resolved.commit.slice(0, 12),
    root,
    // A class listed in the DataSource has no file of its own: it counts as the base's.
    added: files.filter((m) => !inBase.has(pathOf(m.file!))),
    edited: existing.filter((m) => changed.has(pathOf(m.file!))),
  };
}
