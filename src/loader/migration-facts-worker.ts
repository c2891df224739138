/**
 * The worker of migration-facts-ahead.ts: glob, read, hash and scan the
 * migration files, post the results, then raise the flag the main thread
 * waits on (always, even on failure: then with nothing posted).
 */
import { readFileSync } from "node:fs";
import { workerData, type MessagePort } from "node:worker_threads";
import { globSync } from "glob";
import type { ScannedAheadMessage } from "./migration-facts-ahead";
import { scanGeneratedMigrationCalls } from "./migration-source-scan";
import { checksumOf } from "./source-checksum";

const { patterns, port, done } = workerData as { patterns: string[]; port: MessagePort; done: Int32Array };

/** discover.ts's SOURCE_EXTENSIONS: the files it reads. */
const SOURCE = /\.(ts|js|cjs|mjs|cts|mts)$/;

try {
  const files = new Set<string>();
  for (const pattern of patterns) {
    for (const file of globSync(pattern, { absolute: true, nodir: true })) {
      if (SOURCE.test(file) && !file.endsWith(".d.ts")) files.add(file);
    }
  }
  const results: ScannedAheadMessage = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    // The scan reads only TypeScript in the generated layout (migration-source-facts.ts's first refusals).
    const facts = /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file) ? scanGeneratedMigrationCalls(text) : undefined;
    results.push([file, facts ? { checksum: checksumOf(text), facts } : { checksum: checksumOf(text) }]);
  }
  port.postMessage(results);
} catch {
  // Nothing posted: discovery reads the files itself.
} finally {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
