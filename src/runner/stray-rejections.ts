/**
 * A migration that forgets an `await` (`queryRunner.query(...)` without it)
 * returns from up() while its query is still on the way; when that query
 * fails, nothing awaits the rejection and Node would end the process with a
 * raw stack trace and exit 1. Here it becomes what it is: that migration
 * failed (exit 3). The process stops at once, before the runner can commit
 * the migration's transaction, so the database rolls it back.
 *
 * The CLI reports it (cli/stray-rejections.ts); this module knows
 * which migration: the one whose up() or down() was called last
 * (`watchMigration` wraps each loaded migration). Its forgotten query was
 * sent before anything the runner sends after up() returns, so it fails
 * before the next migration starts.
 */
import type { MigrationInterface } from "typeorm";
import { DatabaseError, redact } from "../errors";

export interface RunningMigration {
  name: string;
  direction: "up" | "down";
}

let running: RunningMigration | undefined;

/** The migration whose up() or down() was called last, if any was. */
export function runningMigration(): RunningMigration | undefined {
  return running;
}

/** `instance` with up() and down() noting that its code is running. */
export function watchMigration<T extends MigrationInterface>(instance: T, name: string): T {
  for (const direction of ["up", "down"] as const) {
    const method = instance[direction];
    if (typeof method !== "function") continue;
    Object.defineProperty(instance, direction, {
      configurable: true,
      writable: true,
      value: function (this: T, ...args: unknown[]) {
        running = { name, direction };
        return (method as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  }
  return instance;
}

/** The failure of the migration that left `reason` unawaited. */
export function strayRejectionFailure(reason: unknown, migration: RunningMigration): DatabaseError {
  const message = (reason instanceof Error ? reason.message : String(reason)).replace(/[.\s]+$/, "");
  const query = (reason as { query?: unknown } | null)?.query;
  const what = migration.direction === "up" ? "Migration" : "Reverting migration";
  return new DatabaseError(
    `${what} ${migration.name} failed: a query its ${migration.direction}() did not await failed after ${migration.direction}() returned (${redact(message)}), ` +
      `and the run stopped without committing it: add the missing await before that query, then run again.`,
    typeof query === "string" ? [`failing statement: ${redact(query.replace(/\s+/g, " ").trim())}`] : [],
  );
}
