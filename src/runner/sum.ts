/**
 * The integrity file `migrations/athanor.sum`: one line per migration file
 * (its name and checksum) under a first line holding a hash of the whole
 * directory.
 *
 * Why: two branches that each add a migration both rewrite the first line,
 * so git reports a conflict in athanor.sum instead of merging the two
 * migrations silently into an order nobody reviewed. A file added, removed
 * or changed without going through Athanor is noticed the same way.
 *
 *     sha256:<hash of the directory>
 *     1763790000000-AddTimezoneToUsers.ts sha256:<hash of the file>
 *
 * File hashes are runner/checksum.ts checksums (line endings normalized), so
 * a CRLF checkout matches an LF one.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { writeFilesAtomically, type FileToWrite } from "../atomic-write";
import { UsageError } from "../errors";
import { checksumOf } from "./checksum";
import { SOURCE_EXTENSIONS, type MigrationSource } from "./discover";

export const SUM_FILE_NAME = "athanor.sum";

const HASH_PREFIX = "sha256:";
const CONFLICT_MARKER = /^(<{7}|={7}|>{7})( |$)/m;

export interface SumEntry {
  /** File name inside the migrations directory. */
  file: string;
  /** checksumOf the file's text. */
  hash: string;
}

export interface SumProblem {
  /**
   * missing: migration files exist but athanor.sum does not (a project
   * adopting Athanor, or a sum deleted to get past the check). An error like
   * the others: otherwise deleting the sum would switch the check off, and
   * the next `generate` would record an unreviewed file as reviewed.
   * mismatch: files were added, removed or changed since the sum was written,
   * or the sum itself was edited.
   * conflict: the sum holds git merge conflict markers.
   */
  kind: "missing" | "mismatch" | "conflict";
  /** Every problem makes `run`, `revert`, `generate` and `create` refuse; "hint" is kept for advice that is not one. */
  severity: "hint" | "error";
  /** One sentence naming what differs, with the fix. */
  message: string;
  added: string[];
  removed: string[];
  changed: string[];
}

export function sumFilePath(migrationsDir: string): string {
  return join(migrationsDir, SUM_FILE_NAME);
}

/**
 * Checksums this command already computed, by absolute path: discovery's
 * (`checksumsOf`), read from the same files moments before. `run` of 2,000
 * migrations read and hashed each file twice without them (≈ 40 ms of CPU
 * per 1,000 files, bench/RESULTS.md session 12).
 */
export type KnownChecksums = ReadonlyMap<string, string>;

/** The checksums discovery computed for `migrations`' files. */
export function checksumsOf(migrations: readonly MigrationSource[]): KnownChecksums {
  const known = new Map<string, string>();
  for (const { file, checksum } of migrations) if (file && checksum) known.set(resolve(file), checksum);
  return known;
}

/** The migration files of the directory (top level, as `generate` and `create` write them), with their hashes. */
export function currentEntries(migrationsDir: string, known?: KnownChecksums): SumEntry[] {
  if (!existsSync(migrationsDir)) return [];
  return (
    readdirSync(migrationsDir, { withFileTypes: true })
      .filter(({ name }) => SOURCE_EXTENSIONS.test(name) && !name.endsWith(".d.ts"))
      // A link counts as what it points to.
      .filter((entry) => entry.isFile() || (entry.isSymbolicLink() && statSync(join(migrationsDir, entry.name)).isFile()))
      .map(({ name }) => name)
      .sort()
      .map((file) => {
        const path = join(migrationsDir, file);
        return { file, hash: known?.get(resolve(path)) ?? checksumOf(readFileSync(path, "utf8")) };
      })
  );
}

/** The hash of the whole directory: over the sorted file names and their hashes. */
export function directoryHash(entries: readonly SumEntry[]): string {
  const hash = createHash("sha256");
  for (const entry of [...entries].sort((a, b) => compareNames(a.file, b.file))) {
    hash.update(`${entry.file} ${entry.hash}\n`, "utf8");
  }
  return hash.digest("hex");
}

export function renderSumFile(entries: readonly SumEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareNames(a.file, b.file));
  const lines = [`${HASH_PREFIX}${directoryHash(sorted)}`, ...sorted.map((e) => `${e.file} ${HASH_PREFIX}${e.hash}`)];
  return lines.join("\n") + "\n";
}

/** Write athanor.sum for the directory as it is now; returns what it recorded. */
export function writeSumFile(migrationsDir: string): SumEntry[] {
  const entries = currentEntries(migrationsDir);
  // Atomically, so an interrupted write never leaves a truncated sum that
  // would then read as a mismatch.
  writeFilesAtomically([{ path: sumFilePath(migrationsDir), content: renderSumFile(entries) }]);
  return entries;
}

/**
 * A new migration file together with the athanor.sum that records it, to be
 * written as one (writeFilesAtomically): both appear, or neither.
 */
export function withSumFile(migrationsDir: string, migration: FileToWrite): FileToWrite[] {
  const name = basename(migration.path);
  const entries = currentEntries(migrationsDir).filter((e) => e.file !== name);
  entries.push({ file: name, hash: checksumOf(migration.content) });
  return [migration, { path: sumFilePath(migrationsDir), content: renderSumFile(entries) }];
}

/**
 * Compare athanor.sum with the directory. Undefined when they agree (or when
 * there is neither a sum nor any migration file).
 */
export function verifySumFile(migrationsDir: string, cwd: string = process.cwd(), known?: KnownChecksums): SumProblem | undefined {
  const path = sumFilePath(migrationsDir);
  const shown = relative(cwd, path) || SUM_FILE_NAME;
  const current = currentEntries(migrationsDir, known);

  if (!existsSync(path)) {
    // A brand-new project: its first `generate` or `create` writes the sum.
    if (current.length === 0) return undefined;
    const files = `${current.length} migration file${current.length === 1 ? "" : "s"}`;
    return {
      kind: "missing",
      severity: "error",
      message: `There is no ${shown}, so nothing says the ${files} in ${relative(cwd, migrationsDir) || "."} were reviewed: review them, then run \`athanor sum\` to write it (and commit it).`,
      added: [],
      removed: [],
      changed: [],
    };
  }

  const text = readFileSync(path, "utf8");
  if (CONFLICT_MARKER.test(text)) {
    return {
      kind: "conflict",
      severity: "error",
      message: `${shown} has git merge conflict markers, so two branches added or changed migrations: finish the merge, check that the migrations from both branches make sense in timestamp order, then run \`athanor sum\` to re-write it.`,
      added: [],
      removed: [],
      changed: [],
    };
  }

  const recorded = parseSumFile(text);
  const recordedByFile = new Map(recorded.entries.map((e) => [e.file, e.hash]));
  const currentByFile = new Map(current.map((e) => [e.file, e.hash]));
  const added = current.filter((e) => !recordedByFile.has(e.file)).map((e) => e.file);
  const removed = recorded.entries.filter((e) => !currentByFile.has(e.file)).map((e) => e.file);
  const changed = current.filter((e) => recordedByFile.has(e.file) && recordedByFile.get(e.file) !== e.hash).map((e) => e.file);

  const filesDiffer = added.length + removed.length + changed.length > 0;
  // The first line also covers the file lines, so a sum edited by hand (a
  // line added or changed without its directory hash) is caught too.
  const sumEditedByHand = !recorded.wellFormed || recorded.directoryHash !== directoryHash(recorded.entries);
  if (!filesDiffer && !sumEditedByHand) return undefined;

  const message = filesDiffer
    ? `${shown} does not match the migrations directory (${describeDifferences(added, removed, changed)}): run \`athanor sum\` to re-write it after reviewing ${
        added.length + removed.length + changed.length === 1
          ? "that file, or resolve the merge that changed it"
          : "those files, or resolve the merge that changed them"
      }.`
    : `${shown} was edited by hand (its first line does not hash the lines below it): run \`athanor sum\` to re-write it after reviewing the migrations.`;
  return { kind: "mismatch", severity: "error", message, added, removed, changed };
}

/**
 * Throw the problem as a usage error (exit 2) unless the sum matches.
 * `override` names the flag that skips the check.
 */
export function assertSumMatches(migrationsDir: string, cwd: string, override?: string, known?: KnownChecksums): void {
  const problem = verifySumFile(migrationsDir, cwd, known);
  if (!problem || problem.severity === "hint") return;
  throw new UsageError(problem.message, override ? [`To go ahead anyway, pass ${override}.`] : []);
}

function describeDifferences(added: string[], removed: string[], changed: string[]): string {
  const parts: string[] = [];
  if (added.length) parts.push(`added: ${added.join(", ")}`);
  if (removed.length) parts.push(`removed: ${removed.join(", ")}`);
  if (changed.length) parts.push(`changed: ${changed.join(", ")}`);
  return parts.join("; ");
}

interface ParsedSum {
  directoryHash?: string;
  entries: SumEntry[];
  /** False when a line could not be read; treated like a hand edit. */
  wellFormed: boolean;
}

function parseSumFile(text: string): ParsedSum {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  let wellFormed = true;
  const first = lines.shift()?.trim() ?? "";
  const directoryHash = first.startsWith(HASH_PREFIX) ? first.slice(HASH_PREFIX.length) : undefined;
  if (!directoryHash) wellFormed = false;
  const entries: SumEntry[] = [];
  for (const line of lines) {
    // The hash is the last field; a file name may contain spaces.
    const match = /^(.+) sha256:([0-9a-f]{64})$/.exec(line.trim());
    if (!match) {
      wellFormed = false;
      continue;
    }
    entries.push({ file: match[1], hash: match[2] });
  }
  return { directoryHash, entries, wellFormed };
}

/** Byte order, not locale order, so every machine sorts the same way. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
