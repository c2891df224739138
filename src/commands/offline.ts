/**
 * `run --sql` and `revert --sql`: the SQL script that applying (or reverting)
 * a range of migrations would execute, printed instead of executed. No
 * connection is opened and nothing is written: the schema each migration
 * starts from is the model replayed from the migrations before it.
 *
 * Ranges (a revision is named as everywhere: timestamp, name, file, prefix,
 * head, base):
 * - up: after `--from` (default base: nothing applied) through `--to`
 *   (default head), at most `--step` migrations;
 * - down: from `--from` (default head: everything applied) down to, but not
 *   including, `--to` (the migration to keep; base reverts all); without
 *   `--to`, `--step` migrations, default one — the newest migration on disk,
 *   since offline there is no database to say which one is applied last.
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
import { planMigrations, type MigrationState } from "../runner/plan";
import { emptyModel, type RecordedStatement } from "../runner/recording-query-runner";
import { resolveRevision } from "../runner/revision";
import { emptySchema } from "../schema/model";
import { loadProject, type LoadedProject, type ProjectOptions } from "./project";

export interface OfflineSqlOptions extends ProjectOptions {
  direction: Direction;
  /** up: the last migration taken as applied (default base); down: the newest taken as applied (default head). */
  from?: string;
  /** up: the last migration to apply (default head); down: the migration to keep (default: see step). */
  to?: string;
  /** At most this many migrations (down, without --to: default 1). */
  step?: number;
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
  const range = options.direction === "up" ? upRange(states, options) : downRange(states, options);

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
    throw new UsageError(`Athanor has no "${databaseType}" dialect: use one of ${supportedDatabaseTypes().join(", ")}.`);
  }
  return dialect;
}

interface Range {
  /** Migrations taken as applied before the script starts (replayed on the model). */
  before: MigrationSource[];
  /** Migrations in the script, in the order they run. */
  selected: MigrationSource[];
  fromBase: boolean;
  description: string;
}

/** -1 for base, the last index for head. */
function positionOf(query: string, states: MigrationState[]): number {
  const revision = resolveRevision(query, states);
  if (revision.kind === "base") return -1;
  if (revision.kind === "head") return states.length - 1;
  return states.indexOf(revision.state);
}

function upRange(states: MigrationState[], options: OfflineSqlOptions): Range {
  const sources = states.map((s) => s.source!);
  const start = options.from ? positionOf(options.from, states) : -1;
  if (options.to && resolveRevision(options.to, states).kind === "base") {
    throw new UsageError("`run --sql --to base` would apply nothing: use `athanor revert --sql --to base` for the script that undoes everything.");
  }
  const end = options.to ? positionOf(options.to, states) : states.length - 1;
  if (end < start) {
    throw new UsageError(`--to ${options.to} is older than --from ${options.from}, so there is nothing to apply: name a later --to.`);
  }
  let selected = sources.slice(start + 1, end + 1);
  if (options.step !== undefined) selected = selected.slice(0, options.step);
  const name = (i: number) => (i < 0 ? "base" : sources[i].name);
  return {
    before: sources.slice(0, start + 1),
    selected,
    fromBase: start < 0,
    description: `up from ${name(start)} to ${selected.length ? selected[selected.length - 1].name : name(start)}`,
  };
}

function downRange(states: MigrationState[], options: OfflineSqlOptions): Range {
  const sources = states.map((s) => s.source!);
  if (sources.length === 0) throw new UsageError("Nothing to revert: there are no migrations yet.");
  if (options.to && options.step !== undefined) throw new UsageError("Give either --to or --step, not both.");
  const top = options.from ? positionOf(options.from, states) : sources.length - 1;
  const keep = options.to ? positionOf(options.to, states) : Math.max(-1, top - (options.step ?? 1));
  if (keep > top) {
    throw new UsageError(`--to ${options.to} is newer than --from ${options.from ?? "head"}: --to names the migration to keep, older than the one to start from.`);
  }
  const name = (i: number) => (i < 0 ? "base" : sources[i].name);
  return {
    before: sources.slice(0, top + 1),
    selected: sources.slice(keep + 1, top + 1).reverse(),
    fromBase: false,
    description: `down from ${name(top)} to ${name(keep)}`,
  };
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
    lines.push(`-- The ${tableName} rows record applied_at ${appliedAt.toISOString()} (when this script was generated) and execution_ms NULL.`);
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
