/**
 * The dialect registry: TypeORM's `type` option → the Dialect that speaks it.
 * Adding a dialect means adding a folder and one line here.
 */
import type { Dialect } from "./dialect";

// Each dialect's modules are required only when a project uses it: a
// PostgreSQL project never loads the SQLite rebuild code, and the reverse.
const sqlite = (): Dialect => (require("./sqlite") as typeof import("./sqlite")).sqliteDialect;
const postgres = (): Dialect => (require("./postgres") as typeof import("./postgres")).postgresDialect;
const mysql = (): Dialect => (require("./mysql") as typeof import("./mysql")).mysqlDialect;
const mariadb = (): Dialect => (require("./mysql") as typeof import("./mysql")).mariadbDialect;

const dialects: Record<string, () => Dialect> = {
  sqlite,
  "better-sqlite3": sqlite,
  postgres,
  mysql,
  mariadb,
};

/**
 * Driver names a TypeORM line dropped → the driver that replaced them for the
 * same dialect: TypeORM 1.x removed "sqlite" (node sqlite3) for "better-sqlite3".
 */
const replacedDrivers: Record<string, string> = {
  sqlite: "better-sqlite3",
};

/**
 * The fix for TypeORM's "Wrong driver" error when the project's TypeORM
 * dropped the configured driver but supports its replacement, else undefined.
 */
export function replacedDriverHint(typeormMessage: string): string | undefined {
  const given = /Wrong driver: "([^"]+)" given/.exec(typeormMessage)?.[1];
  const replacement = given ? replacedDrivers[given] : undefined;
  if (!given || !replacement || !typeormMessage.includes(`"${replacement}"`)) return undefined;
  return (
    `this TypeORM has no "${given}" driver (TypeORM 1.x replaced it with "${replacement}"): ` +
    `set type: "${replacement}" in your DataSource and install it (npm install ${replacement}); ` +
    `existing migrations and the migrations table keep working.`
  );
}

/**
 * The dialect of a TypeORM type; `type@version` (`mysql@8.0`, offline only)
 * names the server version to render for, where the dialect depends on it.
 */
export function findDialect(typeormType: string): Dialect | undefined {
  const at = typeormType.indexOf("@");
  if (at > 0) {
    const dialect = findDialect(typeormType.slice(0, at));
    return dialect?.atVersion?.(typeormType.slice(at + 1));
  }
  return Object.hasOwn(dialects, typeormType) ? dialects[typeormType]() : undefined;
}

export function supportedDatabaseTypes(): string[] {
  return Object.keys(dialects);
}

/** The sentence for a DataSource whose database type no dialect speaks. */
export function unsupportedDatabaseType(type: string, dataSourceFile: string): string {
  return `The DataSource in ${dataSourceFile} uses database type "${type}", which Athanor does not support: use one of ${supportedDatabaseTypes().join(", ")}.`;
}

/**
 * The registry's answers about database types, in the shape config/load.ts
 * asks for them (its `DatabaseTypes`): loading the DataSource file needs
 * them to explain a driver TypeORM cannot load, and config/ knows no dialect.
 */
export const databaseTypes = {
  supports: (type: string): boolean => Object.hasOwn(dialects, type),
  unsupported: unsupportedDatabaseType,
  replacedDriverHint,
};

export type { Dialect } from "./dialect";
