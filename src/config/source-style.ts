/**
 * Which language and module syntax new migration files are written in, so
 * they load the way the rest of the project does:
 *
 * - JavaScript when the DataSource file is JavaScript (ormconfig.js, .mjs,
 *   .cjs), TypeScript otherwise; `--js`/`--ts` override it;
 * - ES module syntax for .mjs/.mts DataSource files and inside a package with
 *   "type": "module", CommonJS for .cjs/.cts and otherwise.
 *
 * No setting to keep in sync: `athanor init --js` writes ormconfig.js, and
 * that is what makes every later migration JavaScript.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type SourceLanguage = "ts" | "js";
export type ModuleSyntax = "commonjs" | "esm";

export interface SourceStyle {
  language: SourceLanguage;
  module: ModuleSyntax;
}

export function sourceStyleOf(dataSourceFile: string | undefined, migrationsDir: string): SourceStyle {
  const extension = /\.([cm]?)([jt])sx?$/.exec(dataSourceFile ?? "");
  const language: SourceLanguage = extension?.[2] === "j" ? "js" : "ts";
  const marker = extension?.[1];
  const module: ModuleSyntax =
    marker === "m" ? "esm" : marker === "c" ? "commonjs" : packageTypeOf(migrationsDir) === "module" ? "esm" : "commonjs";
  return { language, module };
}

/** The "type" of the nearest package.json at or above `dir` (what Node uses for .js files). */
export function packageTypeOf(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    const file = join(current, "package.json");
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, "utf8")).type;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
