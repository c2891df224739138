/**
 * What loading the project's entities depends on, recorded while it happens:
 * the files read (every CommonJS module, TypeScript file and JSON Node or
 * Athanor's loader reads goes through `fs.readFileSync`), the directories
 * listed, the paths whose existence was asked, and the environment variables
 * read. The entity model cache (metadata/model-cache.ts) keys its entry on
 * the current state of exactly these inputs.
 *
 * Recording patches `fs.readFileSync`, `fs.readdirSync`, `fs.existsSync` and
 * replaces `process.env` with a proxy of it, only between `resume()` and
 * `pause()`; outside those windows everything is as Node made it. Code that
 * took a reference to those functions before recording started is not seen:
 * that is Node's own module loader for ES modules, and packages, whose files
 * the cache checks by their node_modules path (a version change replaces
 * them) rather than by what they read.
 */
import fs = require("node:fs");
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface RecordedInputs {
  /** Files read whole. */
  files: string[];
  /** Directories listed. */
  directories: string[];
  /** Paths whose existence was checked. */
  probes: string[];
  /** Environment variables read (names only: values never leave the process). */
  env: string[];
  /** The whole environment was enumerated (`Object.keys(process.env)`, a spread). */
  wholeEnv: boolean;
}

export class InputRecorder {
  private readonly files = new Set<string>();
  private readonly directories = new Set<string>();
  private readonly probes = new Set<string>();
  private readonly env = new Set<string>();
  private wholeEnv = false;
  private depth = 0;
  private restore?: () => void;

  /**
   * @param ignored directories whose files are not inputs: Athanor's cache,
   *   whose entries are derived from files that are (a transpiled file is
   *   keyed by its source), and which the first run fills in
   */
  constructor(private readonly ignored: string[] = []) {}

  /** Start (or nest) a recording window. */
  resume(): void {
    if (this.depth++ > 0) return;
    this.restore = this.install();
  }

  /** End the innermost window; the outermost puts Node's functions back. */
  pause(): void {
    if (this.depth === 0 || --this.depth > 0) return;
    this.restore?.();
    this.restore = undefined;
  }

  /** Run `body` (sync or async) inside a recording window. */
  async during<T>(body: () => T | Promise<T>): Promise<T> {
    this.resume();
    try {
      return await body();
    } finally {
      this.pause();
    }
  }

  inputs(): RecordedInputs {
    const sorted = (set: Set<string>) => [...set].sort();
    return {
      files: sorted(this.files),
      directories: sorted(this.directories),
      probes: sorted(this.probes),
      env: sorted(this.env),
      wholeEnv: this.wholeEnv,
    };
  }

  private install(): () => void {
    const { readFileSync, readdirSync, existsSync } = fs;
    const realEnv = process.env;
    const patched = fs as unknown as Record<string, unknown>;
    const { files, directories, probes, env } = this;
    const ignored = this.ignored.map((directory) => resolve(directory) + sep);
    // What a package reads is its own business (TypeScript's compile cache
    // in /tmp, say), written behind the scenes; what Node's module loader,
    // Athanor's TypeScript loader (tsconfig.json, the sources) and the
    // project read is input.
    const record = (into: Set<string>, path: unknown, trap: Function) => {
      const name = pathName(path);
      if (name === undefined || into.has(name) || ignored.some((prefix) => name.startsWith(prefix))) return;
      // A package's own files are kept whoever reads them (they are checked
      // by a stat, and asking who called costs a stack capture).
      if (name.includes(NODE_MODULES) || callerOf(trap) !== "package") into.add(name);
    };
    patched.readFileSync = function readFileSyncRecorded(path: unknown, ...rest: unknown[]) {
      record(files, path, readFileSyncRecorded);
      return (readFileSync as Function).call(fs, path, ...rest);
    };
    patched.readdirSync = function readdirSyncRecorded(path: unknown, ...rest: unknown[]) {
      record(directories, path, readdirSyncRecorded);
      return (readdirSync as Function).call(fs, path, ...rest);
    };
    patched.existsSync = function existsSyncRecorded(path: unknown) {
      record(probes, path, existsSyncRecorded);
      return existsSync.call(fs, path as fs.PathLike);
    };
    const onWholeEnv = () => (this.wholeEnv = true);
    // Only the project's own code counts as reading the environment: packages
    // read it to set themselves up (colours, debug output, the driver's
    // PG* defaults), and some enumerate all of it, which would make every
    // change of an unrelated variable ($_, $OLDPWD) miss the cache. A
    // package's behaviour is keyed by its files.
    const read = (key: string | symbol, trap: Function) => {
      if (typeof key === "string" && !env.has(key) && callerOf(trap) === "project") env.add(key);
    };
    process.env = new Proxy(realEnv, {
      get: function get(target, key, receiver) {
        read(key, get);
        return Reflect.get(target, key, receiver);
      },
      has: function has(target, key) {
        read(key, has);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor: function getOwnPropertyDescriptor(target, key) {
        read(key, getOwnPropertyDescriptor);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      // Writes go to the environment itself, exactly as without the proxy
      // (values become strings; dotenv and friends set variables here).
      set(target, key, value) {
        return Reflect.set(target, key, value);
      },
      ownKeys: function ownKeys(target) {
        if (callerOf(ownKeys) === "project") onWholeEnv();
        return Reflect.ownKeys(target);
      },
    });
    return () => {
      patched.readFileSync = readFileSync;
      patched.readdirSync = readdirSync;
      patched.existsSync = existsSync;
      process.env = realEnv;
    };
  }
}

const NODE_MODULES = `${sep}node_modules${sep}`;

/** Athanor's own files (dist/), which read the environment for their own settings. */
const OWN_ROOT = resolve(__dirname, "..");

/**
 * Whose code called `trap`: the nearest frame with a file name decides —
 * Node's (node:…), a package's (node_modules), Athanor's, or else the
 * project's. Uses V8's structured call sites, not a formatted stack (which
 * source-map support would map, slowly).
 */
function callerOf(trap: Function): "node" | "package" | "athanor" | "project" {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = 4;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, trap);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (!file || file === __filename) continue;
    if (file.startsWith("node:")) return "node";
    if (file.includes(NODE_MODULES)) return "package";
    if (file.startsWith(OWN_ROOT + sep)) return "athanor";
    return "project";
  }
  return "node";
}

/** A path argument as a string; a file descriptor names nothing. */
function pathName(path: unknown): string | undefined {
  if (typeof path === "string") return resolve(path);
  if (Buffer.isBuffer(path)) return resolve(path.toString());
  if (path instanceof URL) return path.protocol === "file:" ? fileURLToPath(path) : undefined;
  return undefined;
}
