/**
 * Writing one of Athanor's cache files (node_modules/.cache/athanor/ts):
 * whole, to a temporary file beside it, then renamed into place, so that a
 * process reading it at the same time (two commands at once) sees the old
 * file or the new one, never half of one. A failure — a read-only or full
 * disk — only costs the next run some speed, so it is not an error.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeCacheFile(path: string, content: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch {
    // The next run does the work again.
  }
}
