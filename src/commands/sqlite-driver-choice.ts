/**
 * Which SQLite driver a new project's DataSource should name. TypeORM 1.x
 * dropped the `sqlite` driver (the sqlite3 package) for `better-sqlite3`;
 * 0.3.x has both. The TypeORM the project has installed decides, else the
 * range its package.json asks for, else a driver package it already lists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type SqliteDriverChoice = { type: "sqlite"; packageName: "sqlite3" } | { type: "better-sqlite3"; packageName: "better-sqlite3" };

const SQLITE3: SqliteDriverChoice = { type: "sqlite", packageName: "sqlite3" };
const BETTER_SQLITE3: SqliteDriverChoice = { type: "better-sqlite3", packageName: "better-sqlite3" };

export function chooseSqliteDriver(cwd: string, listed: Record<string, unknown>): SqliteDriverChoice {
  const major = installedTypeormMajor(cwd) ?? majorOfRange(listed.typeorm);
  if (major !== undefined) return major >= 1 ? BETTER_SQLITE3 : SQLITE3;
  return "better-sqlite3" in listed && !("sqlite3" in listed) ? BETTER_SQLITE3 : SQLITE3;
}

function installedTypeormMajor(cwd: string): number | undefined {
  try {
    const manifest = require.resolve("typeorm/package.json", { paths: [cwd] });
    return majorOfRange(JSON.parse(readFileSync(manifest, "utf8")).version);
  } catch {
    try {
      // A package without "exports" for package.json, or a linked one: read it where npm puts it.
      return majorOfRange(JSON.parse(readFileSync(join(cwd, "node_modules", "typeorm", "package.json"), "utf8")).version);
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
