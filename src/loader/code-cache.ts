/**
 * A V8 code cache for Node versions without `module.enableCompileCache()`
 * (before 22.1): the CommonJS modules the CLI requires from node_modules
 * (typeorm and its dependencies, the driver, Athanor itself when installed)
 * are compiled with the bytecode V8 produced on an earlier run instead of
 * being parsed and compiled again, which is most of what requiring typeorm
 * costs.
 *
 * One file per Node/V8 version and architecture in the cache directory
 * (ATHANOR_CACHE_DIR, else node_modules/.cache/athanor/ts), holding for each
 * module the hash of the source it was made from: a changed file, another
 * Node or V8 never gets stale code. The file is written whole and renamed
 * into place; one that is unreadable, truncated or corrupt counts as empty,
 * and an entry whose bytes do not match their checksum is not used.
 *
 * The project's own files are compiled by Node as usual, except the
 * TypeScript Athanor's loader transpiled (`cacheTranspiledFile`): their
 * stack traces are then mapped by stack-mapping.ts instead of Node's
 * source-map support, which would parse every file's map as it loads.
 */
import { writeCacheFile as writeWhole } from "./cache-file";
import { readFileSync } from "node:fs";
import Module = require("node:module");
import { dirname, join, sep } from "node:path";
import vm = require("node:vm");
import { cacheDirectory } from "./transpile-cache";
import { hexDigest } from "./digest";

/** Bump when the file layout changes. */
const FORMAT = "athanor-v8-2";
const MAGIC = Buffer.from("ATHV8C01");
/** Past this size the file starts over rather than keep entries of files long gone. */
const MAX_BYTES = 64 * 1024 * 1024;

interface Entry {
  /** sha256 of the module's source. */
  source: string;
  /** sha256 of the cached data. */
  data: string;
  offset: number;
  length: number;
}

interface Produced {
  source: string;
  script?: vm.Script;
  data?: Buffer;
}

// sha256: faster than sha1 or md5 where the CPU has SHA extensions (most
// x64 and arm64 today).
const hash = (input: string | Buffer) => hexDigest("sha256", input);

/** The cache file for this Node, V8 and architecture. */
export function codeCacheFile(directory: string): string {
  const tag = hash([FORMAT, process.version, process.versions.v8, process.arch].join("\0")).slice(0, 16);
  return join(directory, `v8-code-cache-${tag}.bin`);
}

let installed = false;
const transpiledFiles = new Set<string>();

/** Whether this process compiles through the code cache (Node 20, the CLI). */
export function codeCacheInstalled(): boolean {
  return installed;
}

/**
 * Let the code cache compile a project file the TypeScript loader transpiled
 * (its `module._compile(output)` follows); keyed by the output like any other.
 */
export function cacheTranspiledFile(filename: string): void {
  transpiledFiles.add(filename);
}

/**
 * Compile the modules the CLI requires from node_modules (and from
 * `ownRoot`, Athanor's package) through the cache, and save what is new
 * when the process exits. Does nothing where it cannot help or might not be
 * transparent.
 */
export function installCodeCache(ownRoot: string, directory = cacheDirectory(process.cwd())): void {
  const importModuleDynamically = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)
    ?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  // Without it, code compiled here could not import() (typeorm does, for
  // ESM projects); Node ≥ 22.1 has its own cache.
  if (!importModuleDynamically || typeof (Module as any).enableCompileCache === "function") return;

  installed = true;
  const file = codeCacheFile(directory);
  const stored = readCacheFile(file);
  const produced = new Map<string, Produced>();
  const modulePrototype = Module.prototype as any;
  const compile = modulePrototype._compile;

  modulePrototype._compile = function (this: any, content: string, filename: string, format?: string) {
    if (!cacheable(filename, ownRoot) || (format !== undefined && format !== "commonjs") || (process as any).sourceMapsEnabled) {
      return compile.call(this, content, filename, format);
    }
    const source = hash(content);
    const entry = stored.entries.get(filename);
    const cachedData = entry && entry.source === source ? stored.dataOf(entry) : undefined;
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(withoutHashbang(content)), {
        filename,
        cachedData,
        importModuleDynamically: importModuleDynamically as any,
      });
    } catch {
      // Not CommonJS (Node may load it as an ES module), or a genuine syntax
      // error: Node's own path decides and reports.
      return compile.call(this, content, filename, format);
    }
    if (!cachedData || script.cachedDataRejected) produced.set(filename, { source, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };

  process.once("exit", () => {
    if (produced.size === 0) return;
    for (const item of produced.values()) {
      try {
        // After the module ran: the data then holds the functions V8
        // compiled lazily too, not just the top level.
        item.data = item.script!.createCachedData();
      } catch {
        // Leave it out; the next run produces it.
      }
      item.script = undefined;
    }
    writeCacheFile(file, stored, produced);
  });
}

/** Files in a package (node_modules) or in Athanor itself, in CommonJS, and transpiled project files. */
function cacheable(filename: string, ownRoot: string): boolean {
  if (transpiledFiles.has(filename)) return true;
  if (!/\.c?js$/.test(filename)) return false;
  return filename.includes(`${sep}node_modules${sep}`) || filename.startsWith(ownRoot + sep);
}

/** Node strips a leading `#!` line; inside the wrapper it would be a syntax error. Keeps line numbers. */
function withoutHashbang(content: string): string {
  return content.startsWith("#!") ? "//" + content.slice(2) : content;
}

/** The `require` Node gives a CommonJS module, built from the public Module API. */
function requireFor(module: any): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    (Module as any)._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => (Module as any)._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = (Module as any)._extensions;
  require.cache = (Module as any)._cache;
  return require;
}

interface StoredCache {
  entries: Map<string, Entry>;
  blob: Buffer;
  dataOf(entry: Entry): Buffer | undefined;
}

/** The cache file's entries; a missing or damaged file counts as empty. */
function readCacheFile(file: string): StoredCache {
  const empty: StoredCache = { entries: new Map(), blob: Buffer.alloc(0), dataOf: () => undefined };
  let blob: Buffer;
  try {
    blob = readFileSync(file);
  } catch {
    return empty;
  }
  try {
    if (blob.length < MAGIC.length + 4 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return empty;
    const headerLength = blob.readUInt32LE(MAGIC.length);
    const dataStart = MAGIC.length + 4 + headerLength;
    if (dataStart > blob.length) return empty;
    const header = JSON.parse(blob.toString("utf8", MAGIC.length + 4, dataStart));
    const entries = new Map<string, Entry>();
    for (const [filename, entry] of Object.entries<any>(header)) {
      const valid =
        typeof entry?.source === "string" &&
        typeof entry.data === "string" &&
        Number.isInteger(entry.offset) &&
        Number.isInteger(entry.length) &&
        entry.offset >= 0 &&
        entry.length > 0 &&
        dataStart + entry.offset + entry.length <= blob.length;
      if (valid) entries.set(filename, { source: entry.source, data: entry.data, offset: dataStart + entry.offset, length: entry.length });
    }
    return {
      entries,
      blob,
      // V8 checks the data's version and flags but not every byte: a
      // damaged entry is refused here instead of reaching V8.
      dataOf(entry) {
        const data = blob.subarray(entry.offset, entry.offset + entry.length);
        return hash(data) === entry.data ? data : undefined;
      },
    };
  } catch {
    return empty;
  }
}

/** Keep what was stored and not replaced, add what this run produced; write then rename. */
function writeCacheFile(file: string, stored: StoredCache, produced: Map<string, Produced>): void {
  const chunks: Buffer[] = [];
  const header: Record<string, Omit<Entry, "offset"> & { offset: number }> = {};
  let offset = 0;
  const add = (filename: string, source: string, data: Buffer, dataHash?: string) => {
    header[filename] = { source, data: dataHash ?? hash(data), offset, length: data.length };
    chunks.push(data);
    offset += data.length;
  };
  for (const [filename, item] of produced) if (item.data?.length) add(filename, item.source, item.data);
  if (offset === 0) return;
  for (const [filename, entry] of stored.entries) {
    if (header[filename] || offset > MAX_BYTES) continue;
    add(filename, entry.source, stored.blob.subarray(entry.offset, entry.offset + entry.length), entry.data);
  }
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  writeWhole(file, Buffer.concat([MAGIC, length, headerBytes, ...chunks]));
}
