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

export type { Dialect } from "./dialect";
