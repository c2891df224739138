/**
 * Run directories of TypeScript 7's child (native-transpile.ts) that a
 * killed process left in memory (/dev/shm): an orderly exit removes its own,
 * but a kill -9 or a crash leaves a few MB each, which nothing else would
 * ever free until the machine restarts. A later cold run that makes a run
 * directory there removes those whose process is gone: the name says whose
 * it is (`athanor-tsc-<pid>-XXXXXX`, mkdtemp's six characters), and
 * `process.kill(pid, 0)` whether that process is alive (EPERM: alive, but
 * another user's). Once per process, only where a child is spawned (never on
 * a warm run): one readdir of /dev/shm, asynchronous like the removal, so
 * off the main thread and not seen by the entity model cache's recorder
 * (model-cache/input-recorder.ts records `readdirSync`: /dev/shm's listing
 * would become an input that changes at every run). A pid taken again by a
 * new process keeps its directory until that one is gone too.
 *
 * A pid is only this PID namespace's: containers that share /dev/shm
 * (`--ipc=host`, a pod's shared memory volume) see each other's
 * directories, where another container's live run looks dead. A run
 * directory lives for one transpile, seconds, so only one untouched for an
 * hour (STALE_AFTER_MS) is taken for a leftover; a killed run's waits that
 * long to be removed.
 */
import { readdir, rm, stat } from "node:fs";
import { join } from "node:path";

const RUN_DIRECTORY = /^athanor-tsc-(\d+)-[A-Za-z0-9]{6}$/;

/** How long a run directory must have been left unchanged to be taken for a dead run's. */
const STALE_AFTER_MS = 60 * 60 * 1000;

let swept = false;

/** Remove, in the background, the run directories in `parent` whose process is gone (once per process). */
export function removeDeadRunDirectories(parent: string): void {
  if (swept) return;
  swept = true;
  readdir(parent, (error, names) => {
    if (error) return;
    for (const name of names) {
      const match = RUN_DIRECTORY.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || alive(pid)) continue;
      const path = join(parent, name);
      stat(path, (failed, stats) => {
        if (failed || Date.now() - stats.mtimeMs < STALE_AFTER_MS) return;
        rm(path, { recursive: true, force: true }, () => {
          // Not removable (another user's): left as it is.
        });
      });
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
