/**
 * Planning: which migrations are applied, which are pending, and what is
 * abnormal (applied but missing on disk, edited since applied, pending but
 * older than the newest applied one).
 */
import type { AppliedMigration } from "./bookkeeping";
import type { MigrationSource } from "./discover";

export interface MigrationState {
  name: string;
  timestamp: number;
  source?: MigrationSource;
  applied?: AppliedMigration;
  /** Applied, but no file or class of that name exists any more. */
  missing: boolean;
  /** Applied with a checksum that differs from the file's current one. */
  edited: boolean;
  /** Pending, yet older than the newest applied migration. */
  outOfOrder: boolean;
}

export interface Plan {
  /** Every known migration, in timestamp order. */
  states: MigrationState[];
  applied: MigrationState[];
  pending: MigrationState[];
}

export function planMigrations(sources: MigrationSource[], applied: AppliedMigration[]): Plan {
  const appliedByName = new Map(applied.map((row) => [row.name, row]));
  const sourceNames = new Set(sources.map((s) => s.name));
  const newestApplied = applied.reduce((max, row) => Math.max(max, row.timestamp), 0);

  const states: MigrationState[] = sources.map((source) => {
    const row = appliedByName.get(source.name);
    return {
      name: source.name,
      timestamp: source.timestamp,
      source,
      applied: row,
      missing: false,
      edited: Boolean(row?.checksum && source.checksum && row.checksum !== source.checksum),
      outOfOrder: !row && source.timestamp < newestApplied,
    };
  });
  for (const row of applied) {
    if (sourceNames.has(row.name)) continue;
    states.push({
      name: row.name,
      timestamp: row.timestamp,
      applied: row,
      missing: true,
      edited: false,
      outOfOrder: false,
    });
  }
  states.sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name));

  return {
    states,
    applied: states.filter((s) => s.applied),
    pending: states.filter((s) => !s.applied),
  };
}
