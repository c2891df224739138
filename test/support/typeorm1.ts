/**
 * The TypeORM 1.x line for the compat tests: compat/typeorm1 is a package of
 * its own (typeorm 1.x, pg, reflect-metadata) installed next to the suite's
 * TypeORM 0.3. A temporary project linked to it is a TypeORM 1.x project.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, type ProjectOptions } from "./project";
import type { DataSourceClass } from "./typeorm-agrees";

export const TYPEORM1_DIR = join(repoRoot, "compat", "typeorm1");

/**
 * Options for TestProject.create that make a TypeORM 1.x + better-sqlite3
 * project. better-sqlite3 comes from this checkout (a root devDependency,
 * within TypeORM 1.x's peer range ^12), so it is compiled once. Throws — the
 * test fails, never skips — when compat/typeorm1 is not installed.
 */
export function typeorm1Project(extra: ProjectOptions = {}): ProjectOptions {
  return {
    ...extra,
    sqliteDriver: "better-sqlite3",
    nodeModules: typeorm1NodeModules(),
    repoPackages: ["better-sqlite3", ...(extra.repoPackages ?? [])],
  };
}

export function typeorm1NodeModules(): string {
  const nodeModules = join(TYPEORM1_DIR, "node_modules");
  const manifest = join(nodeModules, "typeorm", "package.json");
  if (!existsSync(manifest)) {
    throw new Error(
      "TypeORM 1.x for the compat tests is not installed: run `npm ci --prefix compat/typeorm1` " +
        "(`npm test` does it when it is missing).",
    );
  }
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  if (!String(version).startsWith("1.")) {
    throw new Error(`compat/typeorm1 holds typeorm ${version}, not 1.x: run \`npm ci --prefix compat/typeorm1\`.`);
  }
  return nodeModules;
}

/** Where the 1.x typeorm package really lives (what require.cache records). */
export function typeorm1PackageRoot(): string {
  return realpathSync(join(typeorm1NodeModules(), "typeorm"));
}

/** TypeORM 1.x's DataSource, loaded into this process (it reads the same global decorator storage as 0.3). */
export function typeorm1DataSource(): DataSourceClass {
  return (require(typeorm1PackageRoot()) as { DataSource: DataSourceClass }).DataSource;
}
