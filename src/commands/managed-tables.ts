/**
 * Which tables Athanor's migrations manage: those the applied migrations
 * created and that still exist at the end of them. When an entity is removed,
 * `generate` drops its table only if it is one of these — a table some other
 * tool or person created is reported and left alone (unless
 * `--drop-unmanaged`).
 *
 * The history is replayed offline, the way `run --sql` renders it: `op()`
 * calls are followed through the model (creates, renames, drops), and raw
 * SQL is read for `CREATE TABLE` statements. A migration that cannot be
 * replayed offline adds nothing, so its tables count as unmanaged — the
 * safe side.
 */
import type { Dialect } from "../dialects/dialect";
import type { AppliedMigration } from "../runner/bookkeeping";
import type { MigrationSource } from "../runner/discover";
import type { OfflineModel } from "../runner/recording-query-runner";

const CREATE_TABLE = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:(?:"[^"]+"|\w+)\.)?(?:"((?:[^"]|"")+)"|`([^`]+)`|(\w+))/gi;

/** Table names a raw SQL statement creates. */
export function tablesCreatedBySql(sql: string): string[] {
  return [...sql.matchAll(CREATE_TABLE)].map((m) => (m[1] ?? m[2] ?? m[3]).replace(/""/g, '"'));
}

export async function tablesManagedByMigrations(
  migrations: readonly MigrationSource[],
  context: { dialect: Dialect; migrationsTableName: string },
): Promise<Set<string>> {
  // Required here, not imported: only a generate that finds unmapped tables
  // replays the history, and the offline runner is a good part of the runner.
  const { migrationSql } = require("../runner/offline") as typeof import("../runner/offline");
  const { emptyModel } = require("../runner/recording-query-runner") as typeof import("../runner/recording-query-runner");
  const managed = new Set<string>();
  let model: OfflineModel = emptyModel();
  for (const migration of migrations) {
    try {
      const replayed = await migrationSql(migration, "up", context, model);
      model = replayed.model;
      for (const op of replayed.operations) {
        if (op.kind === "sql") for (const name of tablesCreatedBySql(op.up)) managed.add(name);
      }
    } catch {
      // Not replayable offline (TypeORM's queryRunner.createTable, say): skip it.
    }
  }
  for (const name of Object.keys(model.schema.tables)) managed.add(name);
  return managed;
}

/**
 * The `droppable` hook of compareEntitiesWithDatabase: of the tables no
 * entity maps, those the applied migrations manage (every one with `all`).
 */
export function droppableTables(
  migrations: readonly MigrationSource[],
  applied: readonly AppliedMigration[],
  context: { dialect: Dialect; migrationsTableName: string },
  all = false,
): (unmapped: string[]) => Promise<string[]> {
  return async (unmapped) => {
    if (all) return unmapped;
    const names = new Set(applied.map((row) => row.name));
    const managed = await tablesManagedByMigrations(
      migrations.filter((m) => names.has(m.name)),
      context,
    );
    return unmapped.filter((name) => managed.has(name));
  };
}
