/**
 * `athanor check`: the CI gate (like `alembic check`). Reports whether the
 * database is fully migrated and matches the entities, changing nothing —
 * not even creating the bookkeeping table.
 */
import { describeOperation } from "../ops/describe";
import type { Finding } from "../danger/codes";
import { lintOperations } from "../lint/lint-operations";
import { planMigrations } from "../runner/plan";
import { compareEntitiesWithDatabase } from "./entity-diff";
import { droppableTables } from "./managed-tables";
import { withProject, type ProjectOptions } from "./project";

export interface CheckResult {
  target: string;
  /** True when nothing is pending and the entities match the database. */
  inSync: boolean;
  /** Pending migrations, in the order `run` would apply them. */
  pending: string[];
  /** What `generate` would put in a new migration, described. */
  differences: string[];
  /** What the differences risk, judged as `generate` would in the migration's header (src/danger). */
  findings: Finding[];
  /** What the differences cannot say themselves (foreign keys of tables left in place, views). */
  warnings: string[];
  /** Tables in the database that no entity maps; left alone, not a difference. */
  unmappedTables: string[];
}

export async function check(options: ProjectOptions): Promise<CheckResult> {
  return withProject(
    options,
    async (project) => {
      const { bookkeeping, dialect, queryRunner, config } = project;
      const applied = (await bookkeeping.exists()) ? await bookkeeping.applied() : [];
      const pending = planMigrations(project.migrations, applied).pending.map((s) => s.name);
      // Compared as the database is now: with migrations pending, the
      // differences include what they would change.
      // A removed entity whose table a migration created is drift (generate would drop it).
      const droppable = droppableTables(project.migrations, applied, { dialect, migrationsTableName: config.migrationsTableName });
      const source = { ...config, entityModel: project.entityModel };
      const { current, diff } = await compareEntitiesWithDatabase(dialect, queryRunner, source, undefined, droppable);
      const differences = diff.operations.map(describeOperation);
      const findings = lintOperations(diff.operations, { dialect, schema: current });
      return {
        target: project.target,
        inSync: pending.length === 0 && differences.length === 0,
        pending,
        differences,
        findings,
        warnings: diff.warnings,
        unmappedTables: diff.unmappedTables,
      };
    },
    { entityModelCache: true },
  );
}
