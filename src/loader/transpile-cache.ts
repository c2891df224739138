/**
 * An on-disk cache of transpiled TypeScript, keyed by the file's content (and
 * everything else that changes the output), so an unchanged entity or
 * migration is transpiled once and then only read back. Loading the
 * transpiler itself is the slow part, so a run where every file hits the
 * cache never loads it.
 */
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { writeCacheFile } from "./cache-file";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";

export class TranspileCache {
  /**
   * @param directory where entries live
   * @param salt what besides the file changes the output (transpiler and its
   *   version, compiler options, tsconfig text); part of every key
   */
  constructor(
    readonly directory: string,
    private readonly salt: string,
  ) {}

  keyOf(fileName: string, source: string): string {
    // The file name is part of the key because the inline source map names it.
    return createHash("sha256").update(this.salt).update("\0").update(fileName).update("\0").update(source).digest("hex");
  }

  get(key: string): string | undefined {
    try {
      return readFileSync(this.pathOf(key), "utf8");
    } catch {
      return undefined;
    }
  }

  /** Whether an entry exists (without reading it). */
  has(key: string): boolean {
    return existsSync(this.pathOf(key));
  }

  set(key: string, output: string): void {
    // Two processes filling the cache at once never leave a half-written
    // entry for a third to read; a failed write only costs speed.
    writeCacheFile(this.pathOf(key), output);
  }

  private pathOf(key: string): string {
    return join(this.directory, `${key}.js`);
  }
}

/**
 * Where the cache lives: `ATHANOR_CACHE_DIR` when set, else
 * node_modules/.cache/athanor/ts of the nearest node_modules above the
 * project (the convention babel, eslint and others follow), else the
 * system's temporary directory.
 */
export function cacheDirectory(projectDir: string): string {
  const configured = process.env.ATHANOR_CACHE_DIR;
  if (configured) return resolve(configured);
  let dir = resolve(projectDir);
  for (;;) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules", ".cache", "athanor", "ts");
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(tmpdir(), "athanor-cache", "ts");
}
