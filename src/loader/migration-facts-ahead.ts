/**
 * The migration files' checksums and facts read on the other core while the
 * DataSource, TypeORM and the entities load (#22). On a cold cache the
 * initial migration of a big project is read token by token to learn its
 * class name (migration-source-scan.ts: ≈ 40 ms for 919 KB at 200 tables,
 * ≈ 5 × that at 1000) on the main thread, where nothing else can run; the
 * TypeScript 7 child leaves the second core idle once it has transpiled the
 * entities. A worker thread started before the DataSource is required
 * globs the `migrations` patterns its text names
 * (config/entity-globs-in-source.ts), reads and hashes each file and scans
 * it; discovery (runner/discover.ts) then takes each file's result instead
 * of reading it itself.
 *
 * Only a head start, never a second source of truth: a file discovery finds
 * that the worker did not read (the guess missed a glob) is read as before;
 * a result is keyed by the checksum of the content the worker read, so facts
 * always describe the content they are stored under; a file the scan did not
 * accept is read by discovery's usual path (TypeScript's parser, or
 * loading). Results are taken once, by the discovery that follows the load
 * that started the worker; a new load drops any left unused.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { MigrationFacts } from "./migration-facts";

/** What the worker learned about one file. */
export interface ScannedAhead {
  checksum: string;
  /** The facts, when the token scan accepted the file; else discovery reads it itself. */
  facts?: MigrationFacts & { callsOnlyOperations: boolean };
}

/** What the worker posts: absolute path → result. */
export type ScannedAheadMessage = [string, ScannedAhead][];

interface Pending {
  port: import("node:worker_threads").MessagePort;
  /** Set to 1 by the worker once its message is posted (or it gave up). */
  done: Int32Array;
}

let pending: Pending | undefined;

/** How long discovery waits for a worker that has not finished, at most, before reading the files itself. */
const WAIT_MS = 5_000;

const WORKER = join(__dirname, "migration-facts-worker.js");

/**
 * Start reading the files of these absolute glob patterns in a worker.
 * Drops any result left from an earlier load.
 */
export function scanMigrationsAhead(patterns: string[]): void {
  dropScannedAhead();
  // Run from the sources (a test under a TypeScript loader) there is no compiled worker.
  if (patterns.length === 0 || process.env.ATHANOR_MIGRATIONS_AHEAD === "0" || !existsSync(WORKER)) return;
  try {
    const { Worker, MessageChannel } = require("node:worker_threads") as typeof import("node:worker_threads");
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER, { workerData: { patterns, port: port2, done }, transferList: [port2] });
    // Neither may keep the process alive; an error only costs the head start.
    worker.unref();
    worker.on("error", () => undefined);
    port1.unref();
    pending = { port: port1, done };
  } catch {
    pending = undefined;
  }
}

/** Forget any result not taken (a new load starts over). */
export function dropScannedAhead(): void {
  pending?.port.close();
  pending = undefined;
}

/**
 * The worker's results, waiting for it to finish if it has not (it runs
 * beside the main thread, so it normally has); undefined when no worker was
 * started for this load or it failed.
 */
export function takeScannedAhead(): Map<string, ScannedAhead> | undefined {
  const taken = pending;
  pending = undefined;
  if (!taken) return undefined;
  try {
    if (Atomics.wait(taken.done, 0, 0, WAIT_MS) === "timed-out") return undefined;
    const { receiveMessageOnPort } = require("node:worker_threads") as typeof import("node:worker_threads");
    const received = receiveMessageOnPort(taken.port)?.message as ScannedAheadMessage | undefined;
    return Array.isArray(received) ? new Map(received) : undefined;
  } catch {
    return undefined;
  } finally {
    taken.port.close();
  }
}
