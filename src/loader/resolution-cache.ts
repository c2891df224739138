/**
 * Remembered module resolution for packages' own requires. Loading typeorm
 * resolves several hundred `require("./…")` and `require("tslib")` calls,
 * each a series of stat calls and package.json reads: about a tenth of a
 * no-op command. Where a package's file resolved a request to a file in the
 * last run, it resolves to the same file in this one — unless the installed
 * packages changed.
 *
 * What is remembered: for a parent module inside a node_modules directory
 * and a request without options, the file Node resolved it to. What keeps it
 * right: each node_modules tree the files live in is stamped by its
 * directory's modification time and those of the files package managers
 * rewrite on every install (npm's .package-lock.json, pnpm's .modules.yaml,
 * yarn's .yarn-state.yml and .yarn-integrity); a different stamp drops every
 * remembered resolution in that tree. A remembered file that no longer
 * exists is resolved again. The project's own requires, and Athanor's, are
 * always resolved by Node.
 *
 * One file in the cache directory, written whole and renamed into place when
 * the run learned something; unreadable or malformed counts as empty.
 */
import { writeCacheFile } from "./cache-file";
import fs = require("node:fs");
import Module = require("node:module");
import { join, sep } from "node:path";

/** Bump when the file's layout changes. */
const FORMAT = 1;
const NODE_MODULES = `${sep}node_modules${sep}`;
/** Files a package manager rewrites whenever it changes a node_modules tree. */
const INSTALL_MARKERS = [".package-lock.json", ".modules.yaml", ".yarn-state.yml", ".yarn-integrity"];

interface Stored {
  format: number;
  node: string;
  /** node_modules root → its stamp when the resolutions were made. */
  roots: Record<string, string>;
  /** parent file → request → resolved file. */
  resolved: Record<string, Record<string, string>>;
}

export function installResolutionCache(directory: string): void {
  const moduleInternals = Module as unknown as {
    _resolveFilename?: (request: string, parent: any, isMain: boolean, options?: unknown) => string;
  };
  const resolveFilename = moduleInternals._resolveFilename;
  if (typeof resolveFilename !== "function") return;

  const file = join(directory, `resolutions-${process.platform}-${process.arch}.json`);
  const stored = read(file);
  const stamps = new Map<string, string>();
  const stampOf = (root: string) => {
    let stamp = stamps.get(root);
    if (stamp === undefined) {
      stamp = stampOfRoot(root);
      stamps.set(root, stamp);
    }
    return stamp;
  };
  // Trees whose stamp changed are forgotten whole.
  const valid = new Set(Object.keys(stored.roots).filter((root) => stored.roots[root] === stampOf(root)));
  const resolved = stored.resolved;
  let learned = false;

  moduleInternals._resolveFilename = function (this: unknown, request: string, parent: any, isMain: boolean, options?: unknown) {
    const from: unknown = parent?.filename;
    if (options !== undefined || isMain || typeof from !== "string" || !from.includes(NODE_MODULES) || request.startsWith("node:")) {
      return resolveFilename.call(this, request, parent, isMain, options);
    }
    const known = resolved[from]?.[request];
    if (known !== undefined && valid.has(rootOf(known)!) && valid.has(rootOf(from)!) && isFile(known)) return known;
    const result = resolveFilename.call(this, request, parent, isMain, options);
    // Built-in modules (a bare "fs") resolve to themselves; not worth remembering.
    const resultRoot = rootOf(result);
    const parentRoot = rootOf(from);
    if (resultRoot && parentRoot) {
      for (const root of [resultRoot, parentRoot]) {
        if (!valid.has(root)) {
          // A tree seen for the first time, or whose stamp changed: start it afresh.
          for (const parentFile of Object.keys(resolved)) if (rootOf(parentFile) === root) delete resolved[parentFile];
          stored.roots[root] = stampOf(root);
          valid.add(root);
        }
      }
      (resolved[from] ??= {})[request] = result;
      learned = true;
    }
    return result;
  };

  process.once("exit", () => {
    if (!learned) return;
    const roots: Record<string, string> = {};
    for (const root of valid) roots[root] = stored.roots[root];
    const kept: Stored["resolved"] = {};
    for (const [parentFile, requests] of Object.entries(resolved)) {
      if (valid.has(rootOf(parentFile)!)) kept[parentFile] = requests;
    }
    writeCacheFile(file, JSON.stringify({ format: FORMAT, node: process.version, roots, resolved: kept }));
  });
}

/** The outermost node_modules directory of a path inside one, else undefined. */
function rootOf(path: string): string | undefined {
  const at = path.indexOf(NODE_MODULES);
  return at < 0 ? undefined : path.slice(0, at + NODE_MODULES.length - 1);
}

/** The directory's and the install markers' modification times (missing ones count as such). */
function stampOfRoot(root: string): string {
  return [root, ...INSTALL_MARKERS.map((marker) => join(root, marker))]
    .map((path) => {
      const stat = fs.statSync(path, { throwIfNoEntry: false, bigint: true });
      return stat ? `${stat.mtimeNs}:${stat.ino}` : "-";
    })
    .join(",");
}

function isFile(path: string): boolean {
  return fs.statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function read(file: string): Stored {
  const empty = (): Stored => ({ format: FORMAT, node: process.version, roots: {}, resolved: {} });
  try {
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Stored;
    const valid =
      stored?.format === FORMAT &&
      stored.node === process.version &&
      typeof stored.roots === "object" &&
      stored.roots !== null &&
      typeof stored.resolved === "object" &&
      stored.resolved !== null &&
      Object.values(stored.roots).every((stamp) => typeof stamp === "string") &&
      Object.values(stored.resolved).every(
        (requests) => typeof requests === "object" && requests !== null && Object.values(requests).every((to) => typeof to === "string"),
      );
    return valid ? stored : empty();
  } catch {
    return empty();
  }
}
