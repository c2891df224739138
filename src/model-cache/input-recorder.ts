/**
 * What loading the project's entities depends on, recorded while it happens:
 * the files read (every CommonJS module, TypeScript file and JSON Node or
 * Athanor's loader reads goes through `fs.readFileSync`), the directories
 * listed, the paths whose existence was asked, and the environment variables
 * read. The entity model cache (model-cache.ts) keys its entry on
 * the current state of exactly these inputs.
 *
 * Who reads matters: a file is input unless a package's code read it from
 * outside the project and outside node_modules; an environment variable
 * only when the project's code read it (see `callerOf`).
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
import Module = require("node:module");
import { dirname, resolve, sep } from "node:path";
import { packageTypeOf } from "../config/source-style";
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
  /**
   * False when a project file was loaded as a native ES module (.mjs, or .js
   * in a "type": "module" package): Node's ES module loader reads files
   * without `fs.readFileSync`, so what such a module imports is not seen.
   */
  complete: boolean;
}

export class InputRecorder {
  private readonly files = new Set<string>();
  private readonly directories = new Set<string>();
  private readonly probes = new Set<string>();
  private readonly env = new Set<string>();
  private wholeEnv = false;
  private complete = true;
  private depth = 0;
  private restore?: () => void;

  /**
   * @param projectDir the project's directory: a file in it is input even
   *   when a package reads it (a settings package reading config/*.json)
   * @param ignored directories whose files are not inputs: Athanor's cache,
   *   whose entries are derived from files that are (a transpiled file is
   *   keyed by its source), and which the first run fills in
   * @param ignoredPrefixes paths starting with these are not inputs either
   *   (the native compiler's run directories outside the cache)
   */
  constructor(
    private readonly projectDir: string,
    private readonly ignored: string[] = [],
    private readonly ignoredPrefixes: string[] = [],
  ) {}

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
      complete: this.complete,
    };
  }

  private install(): () => void {
    const { readFileSync, readdirSync, existsSync } = fs;
    const realEnv = process.env;
    const patched = fs as unknown as Record<string, unknown>;
    const { files, directories, probes, env } = this;
    const ignored = [...this.ignored.map((directory) => resolve(directory) + sep), ...this.ignoredPrefixes];
    // Whatever is installed here stays a plain pass-through once the window
    // closes, in case other code wrapped it meanwhile (the TypeScript loader
    // hooks module resolution while the DataSource file loads): that code's
    // wrapper is kept, and ours is put back only where it is still on top.
    let active = true;
    // What Node's module loader, Athanor's TypeScript loader (tsconfig.json,
    // the sources) and the project's code read is input, and so is every
    // file in the project or in a package, whoever reads it. What a package
    // reads elsewhere is its own business (TypeScript's compile cache in
    // /tmp, say), rewritten behind the scenes.
    const project = resolve(this.projectDir) + sep;
    const record = (into: Set<string>, path: unknown, trap: Function) => {
      if (!active) return;
      const name = pathName(path);
      if (name === undefined || into.has(name) || ignored.some((prefix) => name.startsWith(prefix))) return;
      // Those need no stack capture to ask who called.
      if (name.includes(NODE_MODULES) || name.startsWith(project) || callerOf(trap) !== "package") into.add(name);
    };
    const readFileSyncRecorded = function readFileSyncRecorded(path: unknown, ...rest: unknown[]) {
      record(files, path, readFileSyncRecorded);
      return (readFileSync as Function).call(fs, path, ...rest);
    };
    const readdirSyncRecorded = function readdirSyncRecorded(path: unknown, ...rest: unknown[]) {
      record(directories, path, readdirSyncRecorded);
      return (readdirSync as Function).call(fs, path, ...rest);
    };
    const existsSyncRecorded = function existsSyncRecorded(path: unknown) {
      record(probes, path, existsSyncRecorded);
      return existsSync.call(fs, path as fs.PathLike);
    };
    patched.readFileSync = readFileSyncRecorded;
    patched.readdirSync = readdirSyncRecorded;
    patched.existsSync = existsSyncRecorded;
    // Every module required, whatever reads it: a project file Node loads
    // as an ES module means the recording cannot be complete.
    const moduleInternals = Module as unknown as { _resolveFilename: (...args: unknown[]) => unknown };
    const resolveFilename = moduleInternals._resolveFilename;
    const onNativeModule = () => (this.complete = false);
    const resolveFilenameRecorded = function (this: unknown, ...args: unknown[]) {
      const resolved = resolveFilename.apply(this, args);
      if (active && typeof resolved === "string" && !resolved.includes(NODE_MODULES) && isNativeEsModule(resolved)) onNativeModule();
      return resolved;
    };
    moduleInternals._resolveFilename = resolveFilenameRecorded;
    const onWholeEnv = () => (this.wholeEnv = true);
    // Only the project's own code counts as reading the environment: packages
    // read it to set themselves up (colours, debug output, the driver's
    // PG* defaults), and some enumerate all of it, which would make every
    // change of an unrelated variable ($_, $OLDPWD) miss the cache. A
    // package's behaviour is keyed by its files.
    const read = (key: string | symbol, trap: Function) => {
      if (active && typeof key === "string" && !env.has(key) && callerOf(trap) === "project") env.add(key);
    };
    const recordedEnv = new Proxy(realEnv, {
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
        if (active && callerOf(ownKeys) === "project") onWholeEnv();
        return Reflect.ownKeys(target);
      },
    });
    process.env = recordedEnv;
    return () => {
      active = false;
      if (moduleInternals._resolveFilename === resolveFilenameRecorded) moduleInternals._resolveFilename = resolveFilename;
      if (patched.readFileSync === readFileSyncRecorded) patched.readFileSync = readFileSync;
      if (patched.readdirSync === readdirSyncRecorded) patched.readdirSync = readdirSync;
      if (patched.existsSync === existsSyncRecorded) patched.existsSync = existsSync;
      if (process.env === recordedEnv) process.env = realEnv;
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
  let sites: NodeJS.CallSite[];
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
    // Before the node_modules test: installed, Athanor lives in one, and
    // what its TypeScript loader reads (tsconfig.json, the sources) is input.
    if (file.startsWith(OWN_ROOT + sep)) return "athanor";
    if (file.includes(NODE_MODULES)) return "package";
    return "project";
  }
  return "node";
}

const packageTypes = new Map<string, string | undefined>();

/** Whether Node loads `file` as an ES module itself (not through Athanor's TypeScript loader). */
function isNativeEsModule(file: string): boolean {
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js") || file.startsWith(OWN_ROOT + sep)) return false;
  const directory = dirname(file);
  if (!packageTypes.has(directory)) packageTypes.set(directory, packageTypeOf(directory));
  return packageTypes.get(directory) === "module";
}

/** A path argument as a string; a file descriptor names nothing. */
function pathName(path: unknown): string | undefined {
  if (typeof path === "string") return resolve(path);
  if (Buffer.isBuffer(path)) return resolve(path.toString());
  if (path instanceof URL) return path.protocol === "file:" ? fileURLToPath(path) : undefined;
  return undefined;
}
