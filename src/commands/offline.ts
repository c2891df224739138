/**
 * `run --sql` and `revert --sql`: the SQL script that applying (or reverting)
 * a range of migrations would execute, printed instead of executed. No
 * connection is opened and nothing is written: the schema each migration
 * starts from is the model replayed from the migrations before it.
 *
 * Which migrations the script covers (--from, --to, --step) is planned by
 * runner/targets.ts, as for `run` and `revert`: offline nothing says what is
 * applied, so the migrations up to --from are taken as applied in file order.
 *
 * A script that starts at base (up) first creates the bookkeeping table.
 */
import type { Dialect } from "../dialects/dialect";
import { findDialect, supportedDatabaseTypes } from "../dialects";
import { UsageError } from "../errors";
import { createBookkeepingStatements } from "../runner/bookkeeping";
import type { MigrationSource } from "../runner/discover";
import type { Direction, TransactionMode } from "../runner/execute";
import { formatStatement, recordMigrations, replayModel } from "../runner/offline";
import { planMigrations } from "../runner/plan";
import { emptyModel, type RecordedStatement } from "../runner/recording-query-runner";
import { planScriptDown, planScriptUp, type ScriptBounds } from "../runner/targets";
import { emptySchema } from "../schema/model";
import { loadProject, type LoadedProject, type ProjectOptions } from "./project";

/** Which migrations: `from`, `to`, `step` as runner/targets.ts reads them for the direction. */
export interface OfflineSqlOptions extends ProjectOptions, ScriptBounds {
  direction: Direction;
  mode?: TransactionMode;
  /** Bookkeeping statements only (`--fake`). */
  fake?: boolean;
  /** Render for this TypeORM database type instead of the DataSource's. */
  databaseType?: string;
}

export interface OfflineMigrationSql {
  name: string;
  direction: Direction;
  /** Every statement of its section of the script, in order. */
  statements: string[];
}

export interface OfflineSqlResult {
  dialect: string;
  direction: Direction;
  /** Statements before the first migration: creating the bookkeeping table. */
  preamble: string[];
  migrations: OfflineMigrationSql[];
  /** The whole script, as printed. */
  script: string;
}

export async function offlineSql(options: OfflineSqlOptions): Promise<OfflineSqlResult> {
  const project = loadProject(options);
  const dialect = offlineDialect(project, options.databaseType);
  const context = { dialect, migrationsTableName: project.config.migrationsTableName };
  const states = planMigrations(project.migrations, []).states;
  const plan = options.direction === "up" ? planScriptUp(states, options) : planScriptDown(states, options);
  const range = { ...plan, before: plan.before.map((s) => s.source!), selected: plan.steps.map((s) => s.source!) };

  const appliedAt = new Date();
  const model = await replayModel(range.before, context, emptyModel());
  const { statements } = await recordMigrations(range.selected, options.direction, {
    ...context,
    model,
    mode: options.mode,
    fake: options.fake,
    appliedAt,
  });

  const preamble =
    options.direction === "up" && range.fromBase && range.selected.length > 0
      ? createBookkeepingStatements(dialect, context.migrationsTableName, emptySchema())
      : [];
  const sections = sectionsOf(range.selected, statements);
  const result = {
    dialect: dialect.name,
    direction: options.direction,
    preamble,
    migrations: sections.map((s) => ({ name: s.name, direction: options.direction, statements: s.statements.map((x) => x.sql) })),
  };
  return { ...result, script: renderScript(result, sections, range.description, appliedAt, context.migrationsTableName) };
}

export function offlineDialect(project: LoadedProject, databaseType?: string): Dialect {
  if (!databaseType) return project.dialect;
  const dialect = findDialect(databaseType);
  if (!dialect) {
    throw new UsageError(
      `Athanor has no "${databaseType}" dialect: use one of ${supportedDatabaseTypes().join(", ")}` +
        `; MySQL and MariaDB also take a server version, as in mysql@8.0 or mariadb@10.4.`,
    );
  }
  return dialect;
}

interface Section {
  name: string;
  statements: RecordedStatement[];
}

/** Statements grouped by the migration they were recorded under, in the order the migrations ran. */
function sectionsOf(migrations: MigrationSource[], statements: RecordedStatement[]): Section[] {
  const sections: Section[] = migrations.map((m) => ({ name: m.name, statements: [] }));
  const byName = new Map(sections.map((s) => [s.name, s]));
  for (const statement of statements) byName.get(statement.migration!)?.statements.push(statement);
  return sections;
}

function renderScript(
  result: Omit<OfflineSqlResult, "script">,
  sections: Section[],
  description: string,
  appliedAt: Date,
  tableName: string,
): string {
  const lines = [
    `-- Athanor offline SQL for ${result.dialect}, ${description}: ${sections.length} migration${sections.length === 1 ? "" : "s"}. Nothing was executed.`,
  ];
  if (result.direction === "up" && sections.length > 0) {
    lines.push(
      `-- The ${tableName} rows record applied_at ${appliedAt.toISOString()} (when this script was generated) and execution_ms NULL.`,
    );
  }
  if (result.preamble.length > 0) {
    lines.push("", `-- The bookkeeping table (the script starts at base; leave this out where ${tableName} exists)`);
    lines.push(...result.preamble.map(formatStatement));
  }
  for (const section of sections) {
    lines.push("", `-- ${section.name} (${result.direction})`);
    lines.push(...section.statements.map(formatStatement));
  }
  return lines.join("\n") + "\n";
}
