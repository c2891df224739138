/**
 * The entity and subscriber globs a DataSource file's text names, read
 * before the file is run: on a cold cache the native compiler can then
 * transpile the entity files in the background while the DataSource (and
 * TypeORM with it) loads, instead of after (config/load.ts). Only a guess,
 * confirmed once the DataSource has loaded: the globs its options really
 * hold are transpiled then, less the files already under way. Reads the
 * usual shapes only, and leaves out anything else:
 *
 *   entities: ["src/entities/*.ts"]                 relative to the working directory, as TypeORM reads it
 *   entities: [__dirname + "/entities/*.ts"]        relative to the DataSource file
 *   entities: [`${__dirname}/entities/*.ts`]
 *   entities: [join(__dirname, "entities", "*.ts")] (also path.join, resolve, path.resolve)
 */
import { isAbsolute, join, resolve } from "node:path";

const LITERAL = String.raw`(?:"([^"\\\n]*)"|'([^'\\\n]*)')`;
const FORMS: { pattern: RegExp; path: (match: RegExpExecArray, dir: string, cwd: string) => string }[] = [
  { pattern: new RegExp(`^${LITERAL}$`), path: (m, _dir, cwd) => resolveFrom(cwd, m[1] ?? m[2]) },
  { pattern: new RegExp(String.raw`^__dirname\s*\+\s*${LITERAL}$`), path: (m, dir) => dir + (m[1] ?? m[2]) },
  { pattern: /^`\$\{__dirname\}([^`$\\]*)`$/, path: (m, dir) => dir + m[1] },
];
const JOIN = /^(?:path\s*\.\s*)?(join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:"[^"\\\n]*"|'[^'\\\n]*')\s*)*),?\s*\)$/;

/** Absolute glob patterns the `entities` and `subscribers` arrays of `source` name, in the shapes above. */
export function entityGlobsInSource(source: string, dataSourceDir: string, cwd: string): string[] {
  const patterns: string[] = [];
  const key = /["']?\b(?:entities|subscribers)\b["']?\s*:\s*\[/g;
  for (let match = key.exec(source); match; match = key.exec(source)) {
    for (const element of arrayElements(source, key.lastIndex)) {
      const pattern = globOf(element.trim(), dataSourceDir, cwd);
      if (pattern !== undefined) patterns.push(pattern.replace(/\\/g, "/"));
    }
  }
  return [...new Set(patterns)];
}

function globOf(element: string, dir: string, cwd: string): string | undefined {
  for (const form of FORMS) {
    const match = form.pattern.exec(element);
    if (match) return form.path(match, dir, cwd);
  }
  const joined = JOIN.exec(element);
  if (!joined) return undefined;
  const parts = [...joined[2].matchAll(/"([^"\\\n]*)"|'([^'\\\n]*)'/g)].map((m) => m[1] ?? m[2]);
  return joined[1] === "join" ? join(dir, ...parts) : resolve(dir, ...parts);
}

function resolveFrom(cwd: string, pattern: string): string {
  return isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
}

/**
 * The top-level elements of the array literal whose text starts at `start`
 * (just after its `[`), as text; none when it does not end (strings and
 * brackets inside elements are skipped over, comments are not understood:
 * an element with one is left out by `globOf`).
 */
function arrayElements(source: string, start: number): string[] {
  const elements: string[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === "`") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) return [];
      i = end;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "}") depth--;
    else if (c === "]" && depth === 0) {
      elements.push(source.slice(from, i));
      return elements.filter((element) => element.trim() !== "");
    } else if (c === "]") depth--;
    else if (c === "," && depth === 0) {
      elements.push(source.slice(from, i));
      from = i + 1;
    }
  }
  return [];
}
