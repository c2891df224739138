/**
 * Writing files so that a failure (a full disk, a read-only directory, a
 * killed process) never leaves one half-written: each file goes to a
 * temporary file beside it, and only when every one is complete are they
 * renamed into place. A rename within a directory is atomic, so readers see
 * the old file or the new one, never a truncated one. Used for migration
 * files together with athanor.sum, so the two never disagree.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { AthanorError, ExitCode } from "./errors";

export interface FileToWrite {
  path: string;
  content: string;
}

/** Write every file or none; `cwd` only shortens paths in the error. */
export function writeFilesAtomically(files: readonly FileToWrite[], cwd = process.cwd()): void {
  const written: string[] = [];
  let current = files[0]?.path;
  try {
    for (const file of files) {
      current = file.path;
      mkdirSync(dirname(file.path), { recursive: true });
      const temporary = `${file.path}.${process.pid}.tmp`;
      written.push(temporary);
      writeFileSync(temporary, file.content, { encoding: "utf8", flag: "wx" });
    }
  } catch (error) {
    for (const temporary of written) rmSync(temporary, { force: true });
    throw writeFailed(error, relative(cwd, current ?? "") || String(current));
  }
  files.forEach((file, i) => renameSync(written[i], file.path));
}

/** Why a write failed, as a sentence with the fix; exit 3 like other failures of the environment. */
function writeFailed(error: unknown, shown: string): AthanorError {
  const code = (error as { code?: string } | undefined)?.code;
  const why: Record<string, string> = {
    ENOSPC: "the disk is full",
    EDQUOT: "the disk quota is exceeded",
    EFBIG: "the file would be larger than the system allows",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "the file system is read-only",
  };
  const reason = (code && why[code]) ?? (error instanceof Error ? error.message.replace(/[.\s]+$/, "") : String(error));
  return new AthanorError(
    `Could not write ${shown} (${reason}${code ? `, ${code}` : ""}), so nothing was written: free space or fix the directory's permissions, then run again.`,
    ExitCode.database,
  );
}
