/**
 * `require()` of a file whose absolute path a glob just listed (a migration
 * discovery found), without Node's resolution of the request. For an
 * absolute path Node's `require` stats the file, looks for a package.json
 * above the requiring module (self-reference by package name), resolves its
 * real path and keeps the answer under a cache key of its own: ≈ 25 µs of
 * CPU per plain .js file, more where system calls are slow (a loaded
 * machine), for each of the 2,000 tiny migrations a `run` may load one by
 * one (bench/RESULTS.md, session 13: with transpile-cache.ts's one-shot
 * key, −0.12 ms of CPU per migration loaded, under load). Here the path is
 * known to name a file: only its real path is worked out (the directory's
 * once, then the file's own only where the listing did not say it is no
 * symbolic link: one lstat), and the module is
 * created, cached and loaded as `Module._load` does, through the same
 * `require.extensions` (the TypeScript loader, Node's own for .js).
 *
 * Given the file's text as it was read and checked (`source`: discovery's,
 * against athanor.sum), the module is compiled from that text, not from what
 * the file holds by the time its turn comes: a `run` loads each migration
 * just before it starts, and a file edited meanwhile (a `git checkout` in
 * the working tree during a long run) must not run unreviewed while its row
 * records the reviewed checksum. TypeScript files take it through the
 * loader (typescript-loader.ts reads `pinnedSource`); a .js or .cjs file
 * whose loader hands Node's compiler the file's text as it is now is given
 * the checked text instead (another loader's transformed output is left as
 * it is).
 *
 * What stays as it was: a module already required by its real path is
 * returned from `require.cache`; one whose top level throws is removed from
 * the cache again (the next require runs it again, as Node's does); symlinks
 * are followed unless Node was told to preserve them. Anything this cannot
 * do as Node would (no Module internals, an ES module, a path that is gone)
 * goes to Node's `require`.
 */
import Module = require("node:module");
import { lstatSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";

interface ModuleInternals {
  _cache: Record<string, NodeJS.Module | undefined>;
  new (id: string, parent?: NodeJS.Module): NodeJS.Module & { load(filename: string): void };
}

const internals = Module as unknown as ModuleInternals;
/** Directory → its real path (a run's migrations share one or a few). */
const realDirectories = new Map<string, string>();

/** Real path → the text its module is to be compiled from, while it loads (requireFile's `source`). */
const pinned = new Map<string, string>();

/** The checked text `fileName` is being required with, if any (typescript-loader.ts). */
export function pinnedSource(fileName: string): string | undefined {
  return pinned.get(fileName);
}

const preserveSymlinks = () => process.env.NODE_PRESERVE_SYMLINKS === "1" || process.execArgv.includes("--preserve-symlinks");

function realPathOf(file: string, notALink: boolean): string {
  if (preserveSymlinks()) return file;
  const directory = dirname(file);
  let real = realDirectories.get(directory);
  if (real === undefined) {
    real = realpathSync(directory);
    realDirectories.set(directory, real);
  }
  return !notALink && lstatSync(file).isSymbolicLink() ? realpathSync(file) : join(real, basename(file));
}

/**
 * `require(file)` for an absolute `file` that names a file; `notALink`: the
 * directory listing that found it said it is no symbolic link (glob's file
 * types), so its real path is its directory's plus its name; `source`: the
 * text to compile it from (see above).
 */
export function requireFile(file: string, notALink = false, source?: string): unknown {
  if (!isAbsolute(file) || typeof internals._cache !== "object" || typeof internals.prototype?.load !== "function" || /\.mjs$/.test(file)) {
    return require(file);
  }
  let real: string;
  try {
    real = realPathOf(file, notALink);
  } catch {
    // Gone since it was listed: Node's require says so in its own words.
    return require(file);
  }
  const cached = internals._cache[real];
  if (cached) return cached.exports;
  const created = new internals(real, module);
  internals._cache[real] = created;
  let loaded = false;
  if (source !== undefined) {
    pinned.set(real, source);
    if (/\.c?js$/.test(real)) compileFrom(created, real, source);
  }
  try {
    created.load(real);
    loaded = true;
  } finally {
    pinned.delete(real);
    if (!loaded) {
      delete internals._cache[real];
      const children = module.children;
      const at = children.indexOf(created);
      if (at !== -1) children.splice(at, 1);
    }
  }
  return created.exports;
}

/**
 * Have `module` compiled from `source` where its loader hands Node's compiler
 * the file's current text (Node's own .js loader does): the file changed
 * since `source` was read. Anything else (another loader's output) is
 * compiled as it is. Only this module's first compile; the prototype's is
 * back after it.
 */
function compileFrom(module: NodeJS.Module, real: string, source: string): void {
  const target = module as NodeJS.Module & { _compile(content: string, filename: string): unknown };
  const compile = target._compile;
  target._compile = function (this: typeof target, content: string, filename: string, ...rest: unknown[]) {
    delete (this as Partial<typeof target>)._compile;
    let replaced = content;
    if (filename === real && content !== source) {
      try {
        if (readFileSync(real, "utf8") === content) replaced = source;
      } catch {
        // Gone meanwhile: the checked text is what it held.
        replaced = source;
      }
    }
    return (compile as (...args: unknown[]) => unknown).call(this, replaced, filename, ...rest);
  };
}
