/**
 * tsconfig's `paths`, `baseUrl` and `rootDirs` at run time. TypeScript only
 * uses them to type-check: the JavaScript it emits still says
 * `require("@app/common/base")`, which Node cannot find (NestJS projects
 * alias their libraries this way). Where Node finds nothing for a request
 * from one of the project's files, this tries what TypeScript would have
 * found, in its order:
 *
 * - a non-relative request: the `paths` patterns it matches (an exact one
 *   first, else the longest prefix before the `*`), each substitution from
 *   `baseUrl`, or from the config that set `paths`; then `baseUrl`/request;
 * - a relative request from a file in one of the `rootDirs`: the same path
 *   from each of the others.
 *
 * Only after Node failed, and only for requests from outside node_modules:
 * a package's own requires (and the resolution cache that remembers them)
 * never see an alias, and an installed package wins over an alias of the
 * same name, as it does for TypeScript's `paths` when no substitution exists.
 */
import { relative, resolve, sep } from "node:path";
import type { PathAliases } from "./tsconfig-chain";
import { TYPESCRIPT_FOR } from "./esm-resolution";
import { addResolutionFallback } from "./resolve-fallback";

const NODE_MODULES = `${sep}node_modules${sep}`;

let installed: PathAliases | undefined;

export function registerPathAliases(aliases: PathAliases): void {
  if (installed || (!aliases.paths && !aliases.baseUrl && !aliases.rootDirs)) return;
  installed = aliases;
  addResolutionFallback((request, parent) => {
    const from = parent?.filename;
    if (typeof from !== "string" || from.includes(NODE_MODULES)) return [];
    return candidatesFor(aliases, request, from);
  });
}

/** The absolute paths TypeScript would try for `request` from the file `from`, in order. */
export function candidatesFor(aliases: PathAliases, request: string, from: string): string[] {
  if (request.startsWith("node:")) return [];
  const relativeRequest = request === "." || request === ".." || request.startsWith("./") || request.startsWith("../");
  if (relativeRequest) return rootDirCandidates(aliases, request, from);
  if (request.startsWith("/")) return [];
  const candidates: string[] = [];
  const match = aliases.paths ? bestPattern(Object.keys(aliases.paths), request) : undefined;
  if (match !== undefined) {
    const star = match.indexOf("*");
    const captured = star < 0 ? "" : request.slice(star, request.length - (match.length - star - 1));
    for (const substitution of aliases.paths![match] ?? []) {
      if (typeof substitution !== "string") continue;
      const path = substitution.replace("*", captured).replace(/^\$\{configDir\}/, aliases.configDir);
      candidates.push(...withTypeScriptExtension(resolve(aliases.pathsBase, path)));
    }
  }
  if (aliases.baseUrl) candidates.push(...withTypeScriptExtension(resolve(aliases.baseUrl, request)));
  return candidates;
}

/** TypeScript's matchPatternOrExact: the exact pattern, else the matching pattern with the longest prefix. */
function bestPattern(patterns: string[], request: string): string | undefined {
  if (patterns.includes(request)) return request;
  let best: string | undefined;
  let bestPrefix = -1;
  for (const pattern of patterns) {
    const star = pattern.indexOf("*");
    if (star < 0 || pattern.indexOf("*", star + 1) >= 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (
      request.length >= prefix.length + suffix.length &&
      request.startsWith(prefix) &&
      request.endsWith(suffix) &&
      prefix.length > bestPrefix
    ) {
      best = pattern;
      bestPrefix = prefix.length;
    }
  }
  return best;
}

function rootDirCandidates(aliases: PathAliases, request: string, from: string): string[] {
  const rootDirs = aliases.rootDirs ?? [];
  const target = resolve(from, "..", request);
  // The rootDir the requested path falls in (the longest), and the path inside it…
  const containing = rootDirs.filter((dir) => isInside(target, dir)).sort((a, b) => b.length - a.length)[0];
  if (!containing) return [];
  const inside = relative(containing, target);
  // …tried inside each of the others.
  return rootDirs.filter((dir) => dir !== containing).flatMap((dir) => withTypeScriptExtension(resolve(dir, inside)));
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** An ESM-style `.js` ending names the TypeScript file it becomes (as esm-resolution.ts does for relative requests). */
function withTypeScriptExtension(path: string): string[] {
  const extension = /\.[mc]?js$/.exec(path)?.[0];
  if (!extension) return [path];
  const stem = path.slice(0, -extension.length);
  return [path, ...TYPESCRIPT_FOR[extension].map((replacement) => stem + replacement)];
}
