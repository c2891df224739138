/**
 * Module resolution within one run, cheaper than Node's on a cold cache.
 * A cold `generate` resolves some 1,700 requests (typeorm's several hundred
 * `require("./…")`, `require("typeorm")` from every entity file), each a few
 * stat calls and package-scope lookups in Node's resolver, still running as
 * cold JavaScript: ≈ 0.1 ms apiece, a tenth of the command
 * (bench/RESULTS.md, session 15). Two shortcuts, each giving the file Node
 * would:
 *
 * - Every resolution is remembered for the rest of the run, by the
 *   requiring file's directory and the request (the key of Node's own
 *   `relativeResolveCache`, which Node fills only when that very require
 *   loaded the module, so a second entity file requiring "typeorm" resolves
 *   it all over again).
 * - A relative request (`./x`, `../y/z`) is answered from a listing of the
 *   target directory, read once: the file itself if it is a regular file,
 *   else the first of the extensions Node tries, in its order (`.js`,
 *   `.json`, `.node`, then the TypeScript loader's), that names one. Only in
 *   real directories (their real path is themselves) and for regular files,
 *   so no symlink can make Node's answer differ; anything else (a
 *   directory's package.json or index, a symlink, no such file) goes to
 *   Node.
 *
 * Off under `--preserve-symlinks`, where Node returns paths unresolved.
 * Files created or deleted during the run may be missed by a listing read
 * before; Node's own path cache (`Module._pathCache`) has the same property.
 */
import fs = require("node:fs");
import Module = require("node:module");
import { basename, dirname, resolve } from "node:path";

type ResolveFilename = (request: string, parent: any, isMain: boolean, options?: unknown) => string;

/** A directory's entries: "file" for a regular file, "other" for the rest. */
type Listing = Map<string, "file" | "other">;

export function installRunResolution(): void {
  const moduleInternals = Module as unknown as { _resolveFilename?: ResolveFilename; _extensions: Record<string, unknown> };
  const resolveFilename = moduleInternals._resolveFilename;
  if (typeof resolveFilename !== "function" || preservesSymlinks()) return;
  const remembered = new Map<string, string>();
  const listings = new Map<string, Listing | undefined>();
  const realDirectories = new Map<string, boolean>();

  const isRealDirectory = (directory: string): boolean => {
    let real = realDirectories.get(directory);
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(directory) === directory;
      } catch {
        real = false;
      }
      realDirectories.set(directory, real);
    }
    return real;
  };

  const listingOf = (directory: string): Listing | undefined => {
    if (listings.has(directory)) return listings.get(directory);
    let listing: Listing | undefined;
    if (isRealDirectory(directory)) {
      try {
        listing = new Map(
          fs.readdirSync(directory, { withFileTypes: true }).map((entry) => [entry.name, entry.isFile() ? "file" : "other"]),
        );
      } catch {
        listing = undefined;
      }
    }
    listings.set(directory, listing);
    return listing;
  };

  /** Node's answer for a relative request, where the target directory's listing gives it; else undefined. */
  const fromListing = (request: string, from: string): string | undefined => {
    if (request.endsWith("/") || request.endsWith(".") || !isRealDirectory(dirname(from))) return undefined;
    const target = resolve(dirname(from), request);
    const listing = listingOf(dirname(target));
    if (!listing) return undefined;
    const name = basename(target);
    if (listing.get(name) === "file") return target;
    // Then each extension in the order require.extensions lists them, as
    // Node does; an entry that is not a regular file leaves it to Node.
    for (const extension of Object.keys(moduleInternals._extensions)) {
      const entry = listing.get(name + extension);
      if (entry === "file") return target + extension;
      if (entry !== undefined) return undefined;
    }
    return undefined;
  };

  moduleInternals._resolveFilename = function (this: unknown, request: string, parent: any, isMain: boolean, options?: unknown) {
    const from: unknown = parent?.filename;
    if (options !== undefined || isMain || typeof from !== "string" || request.startsWith("node:")) {
      return resolveFilename.call(this, request, parent, isMain, options);
    }
    const key = dirname(from) + "\0" + request;
    const known = remembered.get(key);
    if (known !== undefined) return known;
    const result = (isRelative(request) && fromListing(request, from)) || resolveFilename.call(this, request, parent, isMain, options);
    remembered.set(key, result);
    return result;
  };
}

/** Node's test for a relative request: ".", "..", or starting with "./" or "../". */
function isRelative(request: string): boolean {
  return request === "." || request === ".." || request.startsWith("./") || request.startsWith("../");
}

function preservesSymlinks(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return flags.includes("--preserve-symlinks") || process.env.NODE_PRESERVE_SYMLINKS === "1";
}
