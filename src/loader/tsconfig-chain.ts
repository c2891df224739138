/**
 * The project's tsconfig.json as users write it, read without loading
 * TypeScript: comments and trailing commas, `extends` (a relative path, a
 * package such as `@tsconfig/node20`, or an array of them, each possibly
 * extending others), and what the loader needs at run time from the merged
 * `compilerOptions`: `baseUrl`, `paths` and `rootDirs` (path-aliases.ts),
 * plus the merged `"ts-node"` section. The text of every file of the chain
 * goes into the transpile cache's key, so editing a base config the top one
 * extends retires the outputs it shaped.
 *
 * TypeScript itself still parses the compiler options when a file is
 * transpiled (typescript-compiler.ts); this reader only has to agree with it
 * on which files the chain holds and on the three path options, so that a
 * warm run, which never loads TypeScript, resolves aliases the same.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

export interface PathAliases {
  /** `baseUrl`, absolute: non-relative imports resolve from it. */
  baseUrl?: string;
  /** `paths` as written; substitutions resolve from `pathsBase`. */
  paths?: Record<string, string[]>;
  /** `baseUrl` when set, else the directory of the config that set `paths` (TypeScript ≥ 4.1). */
  pathsBase: string;
  /** `rootDirs`, absolute: directories whose contents are merged as one. */
  rootDirs?: string[];
  /** The top config's directory, which `${configDir}` in a substitution names. */
  configDir: string;
}

export interface TsconfigChain {
  /** The project's tsconfig.json. */
  file: string;
  /** Every file of the chain (the top one first) and its text. */
  files: { path: string; text: string }[];
  /** The merged `"ts-node"` section (a nearer config's keys win). */
  tsNode: Record<string, unknown>;
  /**
   * The merged `compilerOptions` as written (a nearer config's keys win, as
   * TypeScript merges them): native-transpile.ts reads which options the
   * project sets without TypeScript 5.x. Path-valued options are left
   * relative to the config that set them.
   */
  compilerOptions: Record<string, unknown>;
  aliases: PathAliases;
}

/** Thrown for a tsconfig that cannot be read: unparseable, or extending a file that is not there. */
export class TsconfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The chain starting at `file`, or undefined when there is no such file. */
export function readTsconfigChain(file: string): TsconfigChain | undefined {
  if (!existsSync(file)) return undefined;
  const top = resolve(file);
  const files: TsconfigChain["files"] = [];
  const aliases: PathAliases = { pathsBase: dirname(top), configDir: dirname(top) };
  const tsNode: Record<string, unknown> = {};
  const compilerOptions: Record<string, unknown> = {};
  // `${configDir}` (TypeScript ≥ 5.5) always means the top config's directory.
  const expand = (value: string, dir: string) => resolve(dir, value.replace(/^\$\{configDir\}/, dirname(top)));

  const visit = (path: string, seen: string[]) => {
    if (seen.includes(path))
      throw new TsconfigError(seen[seen.length - 1], `${seen[seen.length - 1]} extends ${path}, which extends it back`);
    const text = readFileSync(path, "utf8");
    files.push({ path, text });
    let config: any;
    try {
      config = parseJsonc(text);
    } catch (error) {
      throw new TsconfigError(path, `${path} is not valid JSON (${(error as Error).message})`);
    }
    if (!config || typeof config !== "object") return;
    const dir = dirname(path);
    // Bases first, in order: a later base, then the file itself, wins.
    const bases = config.extends === undefined ? [] : Array.isArray(config.extends) ? config.extends : [config.extends];
    for (const base of bases) {
      if (typeof base !== "string") continue;
      visit(findExtended(base, dir, path), [...seen, path]);
    }
    const options = config.compilerOptions && typeof config.compilerOptions === "object" ? config.compilerOptions : {};
    Object.assign(compilerOptions, options);
    if (typeof options.baseUrl === "string") aliases.baseUrl = expand(options.baseUrl, dir);
    if (options.paths && typeof options.paths === "object") {
      aliases.paths = options.paths;
      aliases.pathsBase = dir;
    }
    if (Array.isArray(options.rootDirs)) aliases.rootDirs = options.rootDirs.map((rootDir: string) => expand(rootDir, dir));
    if (config["ts-node"] && typeof config["ts-node"] === "object") Object.assign(tsNode, config["ts-node"]);
  };
  visit(top, []);
  if (aliases.baseUrl) aliases.pathsBase = aliases.baseUrl;
  return { file: top, files, tsNode, compilerOptions, aliases };
}

/**
 * Where `extends` points, as TypeScript finds it: a path relative to the
 * config (".json" added when missing), else a package's file
 * ("@tsconfig/node20/tsconfig.json"), a package's own tsconfig.json
 * ("@tsconfig/node20"), or the file its package.json's "tsconfig" names.
 */
function findExtended(specifier: string, dir: string, from: string): string {
  if (isAbsolute(specifier) || specifier.startsWith("./") || specifier.startsWith("../")) {
    const path = resolve(dir, specifier);
    if (existsSync(path)) return path;
    if (!path.endsWith(".json") && existsSync(`${path}.json`)) return `${path}.json`;
  } else {
    const found = (request: string) => {
      try {
        return require.resolve(request, { paths: [dir] });
      } catch {
        return undefined;
      }
    };
    const manifest = found(`${specifier}/package.json`);
    const named = manifest ? JSON.parse(readFileSync(manifest, "utf8")).tsconfig : undefined;
    const path =
      (typeof named === "string" ? resolve(dirname(manifest!), named) : undefined) ??
      (specifier.endsWith(".json") ? found(specifier) : found(`${specifier}.json`)) ??
      found(`${specifier}/tsconfig.json`);
    if (path) return path;
  }
  throw new TsconfigError(from, `${from} extends "${specifier}", which does not exist (a missing package, or a wrong path)`);
}

/** JSON with comments and trailing commas, as tsconfig.json allows. */
export function parseJsonc(text: string): unknown {
  // Comments go first, then the commas they may have hidden; strings are kept whole in both passes.
  const withoutComments = scan(text.replace(/^\uFEFF/, ""), (rest) => {
    if (rest.startsWith("//")) return rest.indexOf("\n") < 0 ? rest.length : rest.indexOf("\n");
    if (rest.startsWith("/*")) return rest.indexOf("*/") < 0 ? rest.length : rest.indexOf("*/") + 2;
    return 0;
  });
  const withoutTrailingCommas = scan(withoutComments, (rest) => (/^,\s*[}\]]/.test(rest) ? 1 : 0));
  return JSON.parse(withoutTrailingCommas);
}

/** `text` without the spans `skip` measures (0: keep the character), never looking inside strings. */
function scan(text: string, skip: (rest: string) => number): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      out += text.slice(start, ++i);
      continue;
    }
    const skipped = skip(text.slice(i, i + 2) === "/*" || text.slice(i, i + 2) === "//" || text[i] === "," ? text.slice(i) : "");
    if (skipped > 0) {
      // A block comment still separates tokens.
      out += " ";
      i += skipped;
    } else {
      out += text[i++];
    }
  }
  return out;
}
