/**
 * Requiring typeorm loads what one DataSource never uses: every driver
 * TypeORM has (its DriverFactory requires all eighteen, each with its query
 * runner, to pick one), and in TypeORM 0.3 the `sha.js` package (with the
 * thirty small modules `to-buffer` pulls in) for a SHA-1 that Node's crypto
 * computes. Together ≈ 40 ms of a cold `generate`, a tenth of the time
 * TypeORM and Athanor take to load at N = 200 (bench/RESULTS.md, session 14).
 *
 * Before the project's typeorm loads, each of those modules gets a stand-in
 * in Node's module cache, under the very file name the real one would have:
 * - a driver module, exports that load the real module on first use (any
 *   property read, `in`, key listing), then answer as it does. Only the
 *   DataSource's own driver is ever loaded. The real module replaces the
 *   stand-in in the cache as it loads.
 * - `sha.js`, the same function for the algorithms Node's crypto has (its
 *   Hash objects answer `update` and `digest` as sha.js's do, with the same
 *   bytes), the real package for any other and for its constructors.
 * Nothing is put in place where the file is not where this TypeORM line
 * keeps it, or is already loaded. An ES module project gets them too:
 * TypeORM 1.x's `index.mjs` loads its CommonJS files, through this cache.
 */
import crypto = require("node:crypto");
import { existsSync, readFileSync } from "node:fs";
import Module = require("node:module");
import { dirname, join } from "node:path";

const done = new Set<string>();

/** Put the stand-ins in place for the typeorm `cwd` resolves; once per typeorm. */
export function deferUnusedTypeOrmModules(cwd: string): void {
  let root: string;
  try {
    // Its main file, at the package's root (0.3 does not export package.json).
    root = dirname(require.resolve("typeorm", { paths: [cwd] }));
  } catch {
    return;
  }
  if (done.has(root)) return;
  done.add(root);
  const cache = (Module as unknown as { _cache: Record<string, NodeJS.Module | undefined> })._cache;
  try {
    deferDrivers(root, cache);
    replaceShaJs(root, cache);
  } catch {
    // Left as TypeORM loads it.
  }
}

/** Each module DriverFactory requires from a driver's folder (`./postgres/PostgresDriver`), loaded on first use. */
function deferDrivers(root: string, cache: Record<string, NodeJS.Module | undefined>): void {
  const factory = join(root, "driver", "DriverFactory.js");
  if (cache[factory]) return;
  const source = readFileSync(factory, "utf8");
  for (const [, request] of source.matchAll(/require\("(\.\/[\w-]+\/\w+)"\)/g)) {
    const filename = join(root, "driver", `${request}.js`);
    if (cache[filename] || !existsSync(filename)) continue;
    cache[filename] = standIn(filename, cache, (load) => onFirstUse(load));
  }
}

/** TypeORM 0.3's StringUtils hashes with sha.js; give it Node's crypto where the algorithm is one crypto has. */
function replaceShaJs(root: string, cache: Record<string, NodeJS.Module | undefined>): void {
  const user = join(root, "util", "StringUtils.js");
  if (cache[user] || !/require\("sha\.js"\)/.test(readFileSync(user, "utf8"))) return;
  const filename = require.resolve("sha.js", { paths: [dirname(user)] });
  if (cache[filename]) return;
  cache[filename] = standIn(filename, cache, shaJs);
}

/** A module in the cache under `filename` whose exports `exportsOf` makes, given how to load the real module. */
function standIn(
  filename: string,
  cache: Record<string, NodeJS.Module | undefined>,
  exportsOf: (load: () => any) => unknown,
): NodeJS.Module {
  const module = new Module(filename) as NodeJS.Module;
  module.filename = filename;
  module.loaded = true;
  let real: any;
  const load = () => {
    if (real === undefined) {
      if (cache[filename] === module) delete cache[filename];
      real = require(filename);
    }
    return real;
  };
  module.exports = exportsOf(load);
  return module;
}

/** Exports that are the real module's, loaded at the first question asked of them. */
function onFirstUse(load: () => object): object {
  return new Proxy(
    {},
    {
      get: (_target, key) => Reflect.get(load(), key),
      has: (_target, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      // Reported configurable: the empty target has no such property, and a proxy may not say otherwise.
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
      set: (_target, key, value) => Reflect.set(load(), key, value),
      defineProperty: (_target, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
      deleteProperty: (_target, key) => Reflect.deleteProperty(load(), key),
    },
  );
}

/** sha.js's names for the algorithms Node's crypto computes the same way. */
const CRYPTO_ALGORITHMS = new Set(["sha1", "sha224", "sha256", "sha384", "sha512"]);

/** `require("sha.js")`: `shaJs("sha1")` is Node's Hash; any other algorithm and the constructors (`.sha256`) are the package's. */
function shaJs(load: () => any): unknown {
  const sha = function (algorithm: string) {
    const name = typeof algorithm === "string" ? algorithm.toLowerCase() : undefined;
    return name && CRYPTO_ALGORITHMS.has(name) ? crypto.createHash(name) : load()(algorithm);
  };
  for (const key of ["sha", "sha1", "sha224", "sha256", "sha384", "sha512"]) {
    Object.defineProperty(sha, key, { enumerable: true, configurable: true, get: () => load()[key] });
  }
  return sha;
}
