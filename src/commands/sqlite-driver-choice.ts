/**
 * Which SQLite driver a new project's DataSource should name, and how to
 * install it and TypeORM. TypeORM 1.x dropped the `sqlite` driver (the
 * sqlite3 package) for `better-sqlite3`; 0.3.x has both. The TypeORM the
 * project has installed decides, else the range its package.json asks for,
 * else a driver package it already lists, else TypeORM 1.x: what
 * `npm install typeorm` gives today.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface SqliteDriverChoice {
  /** The DataSource's `type`. */
  type: "sqlite" | "better-sqlite3";
  packageName: "sqlite3" | "better-sqlite3";
  /**
   * The driver as `npm install` should name it: at the newest major the
   * project's TypeORM accepts as a peer and this Node can load
   * (better-sqlite3 13, in TypeORM 1.1.4's range, needs Node 22: on Node 20
   * it is 12).
   */
  installSpec: string;
  /** TypeORM as `npm install` should name it, for the line the driver belongs to. */
  typeormInstallSpec: string;
}

/** A driver major every TypeORM of its line accepts: for when no installed TypeORM says which. */
const DEFAULT_MAJOR = { sqlite3: 5, "better-sqlite3": 12 } as const;

/**
 * The Node major a driver major needs, where it is newer than 20 (its
 * package's `engines`): a major this Node cannot load is not offered, as
 * npm would install it with a warning and it would crash on the first
 * connection.
 */
const NODE_MAJOR_NEEDED: Record<string, Record<number, number>> = { "better-sqlite3": { 13: 22 } };

export function chooseSqliteDriver(cwd: string, listed: Record<string, unknown>): SqliteDriverChoice {
  const installed = installedTypeorm(cwd);
  const major = installed ? majorOfRange(installed.version) : majorOfRange(listed.typeorm);
  // A project that lists sqlite3 but no TypeORM needs 0.3: 1.x cannot use it.
  const onTypeorm03 = major !== undefined ? major < 1 : "sqlite3" in listed && !("better-sqlite3" in listed);
  const packageName = onTypeorm03 ? "sqlite3" : "better-sqlite3";
  const peerMajor = newestLoadableMajor(packageName, installed?.peerDependencies?.[packageName]) ?? DEFAULT_MAJOR[packageName];
  return {
    type: onTypeorm03 ? "sqlite" : "better-sqlite3",
    packageName,
    installSpec: `${packageName}@${peerMajor}`,
    typeormInstallSpec: onTypeorm03 ? "typeorm@0.3" : major === undefined ? "typeorm" : `typeorm@${major}`,
  };
}

interface TypeormManifest {
  version: string;
  peerDependencies?: Record<string, string>;
}

function installedTypeorm(cwd: string): TypeormManifest | undefined {
  try {
    return JSON.parse(readFileSync(require.resolve("typeorm/package.json", { paths: [cwd] }), "utf8"));
  } catch {
    try {
      // A package without "exports" for package.json, or a linked one: read it where npm puts it.
      return JSON.parse(readFileSync(join(cwd, "node_modules", "typeorm", "package.json"), "utf8"));
    } catch {
      return undefined;
    }
  }
}

/** "0.3.28", "^1.1.1", "~0.3.20" → 0 / 1; anything else (a tag, a URL) → undefined. */
function majorOfRange(range: unknown): number | undefined {
  const match = typeof range === "string" ? /^[\^~>=v\s]*(\d+)\./.exec(range) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * "^12.0.0 || ^13.0.0" → 13 on Node 22, 12 on Node 20; undefined when the
 * range names no major this Node can load.
 */
function newestLoadableMajor(packageName: string, range: string | undefined): number | undefined {
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  const majors = [...(range ?? "").matchAll(/(?:^|[\s|^~>=])(\d+)\./g)]
    .map((m) => Number(m[1]))
    .filter((major) => (NODE_MAJOR_NEEDED[packageName]?.[major] ?? 0) <= nodeMajor);
  return majors.length > 0 ? Math.max(...majors) : undefined;
}
