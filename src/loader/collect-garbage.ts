/**
 * Keeping the heap close to what is live during a burst of work whose every
 * object is garbage by its end (batch-transpile.ts's TypeScript programs of a
 * few hundred files each). V8 otherwise lets the heap grow to a multiple of
 * what is live before collecting: a cold-cache `generate` at 1000 entities
 * peaked at 630 MB of RSS with under 180 MB live (it ran within
 * `--max-old-space-size=180`).
 *
 * How, measured on that `generate` (bench/RESULTS.md, session 8):
 *
 * - One forced full collection at the start, so the burst starts from what
 *   is live: the syntax tree of a 4 MB initial migration, read just before
 *   (migration-source-facts.ts), was ≈ 90 MB of garbage still on the heap.
 * - Then V8's heap growing factor lowered to 1.2 (`--heap-growing-percent`)
 *   until the burst ends, so that V8's own collections come often enough.
 *   Not a forced collection after every program, as before: a forced one
 *   also drops the maps that TypeScript's optimized code depends on
 *   ("reduce memory" mode), and each program after it ran ≈ 0.6 s slower
 *   while V8 optimized that code again (600 deoptimizations); V8's own
 *   collections keep them.
 *
 * Node exposes `gc` only with `--expose-gc`; setting the flag at run time
 * and reading `gc` from a new context is the usual way around that, and it
 * changes nothing else. Where that fails, nothing is collected early. A
 * process started with its own `--heap-growing-percent` keeps it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Heap growth during the burst: the heap may grow to 1.2 × what the last collection left live. */
const BURST_HEAP_GROWING_PERCENT = 20;

let gc: (() => void) | null | undefined;

/** A full, forced garbage collection (where Node allows one). */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** Run `body` with the heap kept close to what is live (see above), then let V8 size it as usual again. */
export function withHeapKeptSmall<T>(body: () => T): T {
  const own = ownHeapGrowingPercent();
  if (!own) setFlagsFromString(`--heap-growing-percent=${BURST_HEAP_GROWING_PERCENT}`);
  try {
    // Collected with the lower factor set: the next limit is computed from it.
    collectGarbage();
    return body();
  } finally {
    // 0 is V8's default: its own factor, from 1.1 to 4 depending on the heap and its speed.
    if (!own) setFlagsFromString("--heap-growing-percent=0");
  }
}

/** Whether the process was started with a heap growing factor of its own (node flag or NODE_OPTIONS). */
function ownHeapGrowingPercent(): boolean {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return /heap[-_]growing[-_]percent/.test(flags);
}
