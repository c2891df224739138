/**
 * `athanor edit [rev]`: open a migration file in the user's editor ($VISUAL,
 * else $EDITOR) and wait for it to close.
 *
 * It neither connects nor loads the migrations — a file with a syntax error
 * is exactly one you may want to open — so revisions are resolved from the
 * file names. It does not re-write athanor.sum: a changed file shows up as a
 * sum mismatch until the user runs `athanor sum`, and a changed *applied*
 * migration is still refused by its checksum in the bookkeeping table.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadProjectConfig, type LoadOptions } from "../config/load";
import { databaseTypes } from "../dialects";
import { UsageError } from "../errors";
import { checksumOf } from "../runner/checksum";
import { parseTimestamp } from "../runner/discover";
import type { MigrationState } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { currentEntries, sumFilePath, verifySumFile } from "../runner/sum";

export interface EditOptions extends LoadOptions {
  /** Revision to open; defaults to head. */
  revision?: string;
  /** The environment to read VISUAL/EDITOR from (tests). */
  env?: NodeJS.ProcessEnv;
}

export interface EditResult {
  /** The opened file, relative to cwd. */
  file: string;
  editor: string;
  /** Whether the file's content (line endings aside) changed. */
  changed: boolean;
  /** athanor.sum now differs from the directory because of this edit. */
  sumOutdated: boolean;
  sumFile: string;
}

export async function edit(options: EditOptions): Promise<EditResult> {
  const env = options.env ?? process.env;
  const editor = (env.VISUAL || env.EDITOR || "").trim();
  if (!editor) {
    throw new UsageError('Neither $VISUAL nor $EDITOR is set: set one to your editor\'s command, e.g. EDITOR=vim or EDITOR="code --wait".');
  }
  const config = loadProjectConfig(options, { databaseTypes });
  const dir = config.migrationsDir;
  const states = statesFromFileNames(dir);
  const revision = resolveRevision(options.revision ?? "head", states);
  let state: MigrationState | undefined;
  if (revision.kind === "migration") state = revision.state;
  else if (revision.kind === "head") state = states.at(-1);
  if (revision.kind === "base") {
    throw new UsageError("base is the empty database, not a migration: name the migration to open, or use head.");
  }
  if (!state?.source?.file) {
    throw new UsageError(
      `There are no migrations in ${relative(config.cwd, dir) || "."} to open: write one with athanor generate or athanor create <name>.`,
    );
  }

  const path = state.source.file;
  const before = checksumOf(readFileSync(path, "utf8"));
  await runEditor(editor, path, env);
  const changed = checksumOf(readFileSync(path, "utf8")) !== before;
  return {
    file: relative(config.cwd, path),
    editor,
    changed,
    sumOutdated: changed && verifySumFile(dir, config.cwd)?.severity === "error",
    sumFile: relative(config.cwd, sumFilePath(dir)),
  };
}

/**
 * Migration states built from `<13-digit timestamp>-<Name>.ts` file names:
 * enough for resolveRevision (timestamp, file name, and the class name
 * Athanor gives such a file) without loading any file.
 */
function statesFromFileNames(dir: string): MigrationState[] {
  const states: MigrationState[] = [];
  for (const { file } of currentEntries(dir)) {
    const match = /^(\d{13})-?(.*?)\.[^.]+$/.exec(file);
    const timestamp = match ? parseTimestamp(match[1]) : undefined;
    if (timestamp === undefined) continue;
    const name = `${match![2]}${timestamp}`;
    states.push({
      name,
      timestamp,
      source: { name, timestamp, file: join(dir, file), transaction: true, instance: undefined as any },
      missing: false,
      edited: false,
      outOfOrder: false,
    });
  }
  return states.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Run the editor through the shell, as git does, so "code --wait" or an
 * editor with flags works; the file name is passed quoted.
 */
function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  const quoted = process.platform === "win32" ? `"${file}"` : `'${file.replace(/'/g, `'\\''`)}'`;
  return new Promise((resolve, reject) => {
    const child = spawn(`${editor} ${quoted}`, { shell: true, stdio: "inherit", env });
    child.on("error", (error) =>
      reject(new UsageError(`Could not start the editor "${editor}": ${error.message}. Set $VISUAL or $EDITOR to an editor command.`)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was stopped by ${signal}` : code === 127 ? "was not found (exit 127)" : `exited with code ${code}`;
      reject(new UsageError(`The editor "${editor}" ${how}: check $VISUAL or $EDITOR; the file is ${file}.`));
    });
  });
}
