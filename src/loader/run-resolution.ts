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
 * - A relative request (`./x`, `../y/z`) is answered by one `lstat` per
 *   name Node would try, in its order: the file itself, then with each
 *   extension (`.js`, `.json`, `.node`, then the TypeScript loader's), the
 *   first regular file. Only in real directories (their real path is
 *   themselves, asked once each) and for regular files, so no symlink can
 *   make Node's answer differ; anything else (a directory's package.json or
 *   index, a symlink, no such file) goes to Node, whose search also
 *   realpaths and reads package scopes.
 *
 * Off under `--preserve-symlinks`, where Node returns paths unresolved. An
 * answer remembered stays for the run even if its file is deleted, as
 * Node's own path cache (`Module._pathCache`) keeps it.
 */
import fs = require("node:fs");
import Module = require("node:module");
import { dirname, resolve, sep } from "node:path";

type ResolveFilename = (request: string, parent: any, isMain: boolean, options?: unknown) => string;

export function installRunResolution(): void {
  const moduleInternals = Module as unknown as { _resolveFilename?: ResolveFilename; _extensions: Record<string, unknown> };
  const resolveFilename = moduleInternals._resolveFilename;
  if (typeof resolveFilename !== "function" || preservesSymlinks()) return;
  const remembered = new Map<string, string>();
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

  /** What is at `path` itself (a symlink is not followed). */
  const kindOf = (path: string): "file" | "none" | "other" => {
    try {
      const stats = fs.lstatSync(path, { throwIfNoEntry: false });
      return stats === undefined ? "none" : stats.isFile() ? "file" : "other";
    } catch {
      // Not ours to explain (a name too long, a permission): Node's search meets it and says so.
      return "other";
    }
  };

  /** Node's answer for a relative request where it is a regular file in a real directory; else undefined. */
  const fromRealFile = (request: string, from: string): string | undefined => {
    const directory = dirname(from);
    if (request.endsWith("/") || request.endsWith(".") || !isRealDirectory(directory)) return undefined;
    const target = besideIn(directory, request) ?? resolve(directory, request);
    if (!isRealDirectory(dirname(target))) return undefined;
    const itself = kindOf(target);
    if (itself === "file") return target;
    // Then each extension in the order require.extensions lists them, as
    // Node does (a directory of that name comes after them); anything but
    // a regular file or nothing at all leaves it to Node.
    for (const extension of Object.keys(moduleInternals._extensions)) {
      const kind = kindOf(target + extension);
      if (kind === "file") return target + extension;
      if (kind === "other") return undefined;
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
    const result = (isRelative(request) && fromRealFile(request, from)) || resolveFilename.call(this, request, parent, isMain, options);
    remembered.set(key, result);
    return result;
  };
}

/**
 * `resolve(directory, request)` for the commonest request, a file beside
 * the requiring one (`./name`, nothing to normalize), without path.resolve's
 * work; undefined for any other.
 */
function besideIn(directory: string, request: string): string | undefined {
  if (sep !== "/" || directory === "/" || !request.startsWith("./")) return undefined;
  const name = request.slice(2);
  return name === "" || name.includes("/") || name === "." || name === ".." ? undefined : `${directory}/${name}`;
}

/** Node's test for a relative request: ".", "..", or starting with "./" or "../". */
function isRelative(request: string): boolean {
  return request === "." || request === ".." || request.startsWith("./") || request.startsWith("../");
}

function preservesSymlinks(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return flags.includes("--preserve-symlinks") || process.env.NODE_PRESERVE_SYMLINKS === "1";
}
