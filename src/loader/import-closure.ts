/**
 * The project files a TypeScript file imports by relative path, and the
 * files those import, read from the text without a parser: what requiring
 * the file will require next. A cold cache's DataSource file that imports
 * its entities (`import { User } from "./entities/User"`) is transpiled
 * with them in one run of the native compiler (native-transpile.ts) instead
 * of one run per file as each is required.
 *
 * Only a guess, erring both ways at no cost to correctness: an import in a
 * comment adds a file that may never be required (it is only transpiled
 * early), and an import this does not see (a path alias, a computed path)
 * is transpiled when it is required, as before.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import type { SourceFileText } from "./batch-transpile";

/** `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`. */
const RELATIVE_SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*["'](\.{1,2}\/[^"'\n]*)["']/g;

/** What Node and TypeScript would try for a specifier, TypeScript sources only. */
const CANDIDATE_SUFFIXES = [".ts", ".tsx", ".cts", ".mts", "/index.ts", "/index.tsx"];

/** At most this many files in one closure. */
const LIMIT = 5000;

/**
 * `root` and the TypeScript files it imports, transitively, for which
 * `wanted` says yes (files it says no to are not followed further).
 */
export function importClosure(root: SourceFileText, wanted: (fileName: string, source: string) => boolean): SourceFileText[] {
  const found: SourceFileText[] = [root];
  const seen = new Set([root.fileName]);
  for (let index = 0; index < found.length && found.length < LIMIT; index++) {
    const { fileName, source } = found[index];
    for (const match of source.matchAll(RELATIVE_SPECIFIER)) {
      const file = resolveTypeScript(resolve(dirname(fileName), match[1]));
      if (!file || seen.has(file)) continue;
      seen.add(file);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      if (wanted(file, text)) found.push({ fileName: file, source: text });
    }
  }
  return found;
}

function resolveTypeScript(path: string): string | undefined {
  if (path.includes(`${sep}node_modules${sep}`)) return undefined;
  // ESM style names the output: "./user.js" is user.ts.
  const written = /\.[cm]?js$/.test(path)
    ? [
        path
          .replace(/\.js$/, ".ts")
          .replace(/\.mjs$/, ".mts")
          .replace(/\.cjs$/, ".cts"),
      ]
    : [];
  const direct = /\.[cm]?tsx?$/.test(path) && !path.endsWith(".d.ts") ? [path] : [];
  for (const candidate of [...direct, ...written, ...CANDIDATE_SUFFIXES.map((suffix) => path + suffix)]) {
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
