/**
 * The dialect registry: TypeORM's `type` option → the Dialect that speaks it.
 * Adding a dialect means adding a folder and one line here.
 */
import type { Dialect } from "./dialect";
import { sqliteDialect } from "./sqlite";
import { postgresDialect } from "./postgres";

const dialects: Record<string, Dialect> = {
  sqlite: sqliteDialect,
  "better-sqlite3": sqliteDialect,
  postgres: postgresDialect,
};

export function findDialect(typeormType: string): Dialect | undefined {
  return dialects[typeormType];
}

export function supportedDatabaseTypes(): string[] {
  return Object.keys(dialects);
}

/** The sentence for a DataSource whose database type no dialect speaks. */
export function unsupportedDatabaseType(type: string, dataSourceFile: string): string {
  return `The DataSource in ${dataSourceFile} uses database type "${type}", which Athanor does not support: use one of ${supportedDatabaseTypes().join(", ")}.`;
}

export type { Dialect } from "./dialect";
