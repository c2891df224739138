/**
 * `athanor init`: scaffold Athanor into a project — a DataSource file, the
 * entities/ and migrations/ directories, a tsconfig.json for TypeScript when
 * there is none, and the migration:* npm scripts. Writes nothing over an
 * existing file or script; refuses outright when a DataSource file exists.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { dataSourceFileText, tsconfigText } from "../codegen/scaffold";
import { DEFAULT_DATA_SOURCE_FILES } from "../config/load";
import type { ModuleSyntax, SourceLanguage } from "../config/source-style";
import { UsageError } from "../errors";
import { chooseSqliteDriver } from "./sqlite-driver-choice";

export interface InitOptions {
  cwd?: string;
  /** TypeScript (default) or JavaScript (`--js`). */
  language?: SourceLanguage;
}

export interface InitResult {
  language: SourceLanguage;
  /** ES modules when package.json says "type": "module". */
  module: ModuleSyntax;
  /** Files and directories written, relative to the project. */
  created: string[];
  /** Whether package.json was created, had scripts added, or was left as it was. */
  packageJson: "created" | "updated" | "unchanged";
  scriptsAdded: string[];
  /** Scripts that already existed under one of Athanor's names; left alone. */
  scriptsKept: string[];
  /**
   * Packages the DataSource needs that package.json does not list, as
   * `npm install` arguments: TypeORM of the line the SQLite driver belongs
   * to, the driver at a major that TypeORM accepts (`better-sqlite3@12`).
   */
  missingDependencies: string[];
}

/** The npm scripts from DESIGN.md; arguments after `--` reach Athanor. */
export const NPM_SCRIPTS: Record<string, string> = {
  "migration:generate": "athanor generate",
  "migration:run": "athanor run",
  "migration:revert": "athanor revert",
  "migration:create": "athanor create",
  "migration:status": "athanor status",
  "migration:history": "athanor history",
  "migration:check": "athanor check",
};

export function init(options: InitOptions = {}): InitResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const language = options.language ?? "ts";
  const packagePath = join(cwd, "package.json");
  const pkg = readPackageJson(packagePath);
  const module: ModuleSyntax = pkg?.json.type === "module" ? "esm" : "commonjs";

  const existing = DEFAULT_DATA_SOURCE_FILES.filter((file) => existsSync(join(cwd, file)));
  if (existing.length > 0) {
    throw new UsageError(
      `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}, and athanor init overwrites nothing: ` +
        `the project is set up already (try athanor status), or move ${existing.length === 1 ? "it" : "them"} away and run init again.`,
    );
  }

  const listed = { ...(pkg?.json.dependencies ?? {}), ...(pkg?.json.devDependencies ?? {}) };
  const sqlite = chooseSqliteDriver(cwd, listed);
  const created: string[] = [];
  const dataSourceFile = `ormconfig.${language}`;
  writeFileSync(join(cwd, dataSourceFile), dataSourceFileText({ language, module }, sqlite.type), { flag: "wx" });
  created.push(dataSourceFile);
  for (const dir of ["entities", "migrations"]) {
    if (existsSync(join(cwd, dir))) continue;
    mkdirSync(join(cwd, dir));
    created.push(`${dir}/`);
  }
  if (language === "ts" && !existsSync(join(cwd, "tsconfig.json"))) {
    writeFileSync(join(cwd, "tsconfig.json"), tsconfigText({ language, module }), { flag: "wx" });
    created.push("tsconfig.json");
  }

  const json: Record<string, any> = pkg?.json ?? { name: packageName(cwd), version: "0.0.0", private: true };
  const scripts: Record<string, string> = { ...(json.scripts ?? {}) };
  const scriptsAdded: string[] = [];
  const scriptsKept: string[] = [];
  for (const [name, command] of Object.entries(NPM_SCRIPTS)) {
    if (name in scripts) {
      if (scripts[name] !== command) scriptsKept.push(name);
      continue;
    }
    scripts[name] = command;
    scriptsAdded.push(name);
  }
  let packageJson: InitResult["packageJson"] = "unchanged";
  if (!pkg || scriptsAdded.length > 0) {
    json.scripts = scripts;
    writeFileSync(packagePath, JSON.stringify(json, null, pkg?.indent ?? 2) + "\n");
    packageJson = pkg ? "updated" : "created";
    if (!pkg) created.push("package.json");
  }

  const needed: Array<[name: string, installSpec: string]> = [
    ["athanor", "athanor"],
    ["typeorm", sqlite.typeormInstallSpec],
    ...(language === "ts" ? [["reflect-metadata", "reflect-metadata"] as [string, string]] : []),
    [sqlite.packageName, sqlite.installSpec],
  ];
  const missingDependencies = needed.filter(([name]) => !(name in listed)).map(([, installSpec]) => installSpec);

  return { language, module, created, packageJson, scriptsAdded, scriptsKept, missingDependencies };
}

function readPackageJson(path: string): { json: Record<string, any>; indent: string | number } | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`package.json is not valid JSON (${(error as Error).message}): fix it, then run athanor init again.`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new UsageError("package.json does not hold a JSON object: fix it, then run athanor init again.");
  }
  // Keep the file's own indentation when it is re-written.
  const indent = /^\{\r?\n(\s+)"/.exec(text)?.[1];
  return { json: json as Record<string, any>, indent: indent ?? 2 };
}

/** A valid npm package name from the directory name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name || "app";
}
