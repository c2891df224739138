/**
 * `athanor lint [rev…]`: the lint findings of existing migrations, read
 * without a database. Every migration's `up` is replayed in order on a
 * recording query runner (so each one is rendered against the schema the
 * earlier ones built); the selected ones are linted, and the codes their
 * files silence with `athanor-lint-disable` comments are set aside.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { findDialect, supportedDatabaseTypes } from "../dialects";
import { UsageError } from "../errors";
import { atLeast, finding, type Finding, type Severity } from "../danger/codes";
import { lintSteps } from "../lint/lint-steps";
import { readMigration } from "../lint/read-migration";
import { applySilences, readSilences, type SilencedFinding } from "../lint/silence";
import type { MigrationSource } from "../runner/discover";
import { planMigrations } from "../runner/plan";
import { emptyModel } from "../runner/recording-query-runner";
import { resolveRevision } from "../runner/revision";
import { loadProject, type ProjectOptions } from "./project";

export interface LintOptions extends ProjectOptions {
  /** Revisions to lint (default: every migration). */
  revisions?: string[];
  /** Lint for this database type instead of the DataSource's (e.g. "postgres" in a SQLite project). */
  dialect?: string;
  /** The lowest severity that fails the lint (default "error"). */
  failOn?: Severity;
}

export interface MigrationLint {
  name: string;
  file?: string;
  findings: Finding[];
  silenced: SilencedFinding[];
  /** Codes in `athanor-lint-disable` comments that are not lint codes. */
  unknownCodes: string[];
}

export interface LintResult {
  dialect: string;
  migrations: MigrationLint[];
  counts: Record<Severity | "silenced", number>;
  failOn: Severity;
  /** Whether a finding at or above `failOn` remains (exit 1). */
  failed: boolean;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const project = loadProject(options);
  const dialect = options.dialect === undefined ? project.dialect : findDialect(options.dialect);
  if (!dialect) {
    throw new UsageError(`Athanor has no dialect "${options.dialect}" to lint for: use one of ${supportedDatabaseTypes().join(", ")}.`);
  }
  const failOn = options.failOn ?? "error";
  const selected = selectMigrations(project.migrations, options.revisions ?? []);
  const last = Math.max(-1, ...[...selected].map((m) => project.migrations.indexOf(m)));

  const results: MigrationLint[] = [];
  let model = emptyModel();
  // The earlier migrations are replayed too: they build the schema a later
  // migration is rendered against.
  for (const migration of project.migrations.slice(0, last + 1)) {
    const read = await readMigration(migration, dialect, project.config.migrationsTableName, model);
    model = read.model;
    if (!selected.has(migration)) continue;

    const found = lintSteps(read.steps, { dialect, transaction: migration.transaction });
    if (read.failure) {
      found.push(
        finding(
          "AT-X001",
          `Lint read this migration only up to where it failed offline (${read.failure})`,
          "review the rest by hand.",
          migration.name,
        ),
      );
    }
    const text = migration.file ? readFileSync(migration.file, "utf8") : "";
    const { silences, unknownCodes } = readSilences(text);
    const { findings, silenced } = applySilences(found, silences);
    results.push({
      name: migration.name,
      file: migration.file ? relative(project.config.cwd, migration.file) : undefined,
      findings,
      silenced,
      unknownCodes,
    });
  }

  const remaining = results.flatMap((r) => r.findings);
  const count = (severity: Severity) => remaining.filter((f) => f.severity === severity).length;
  return {
    dialect: dialect.name,
    migrations: results,
    counts: {
      error: count("error"),
      warning: count("warning"),
      info: count("info"),
      silenced: results.reduce((n, r) => n + r.silenced.length, 0),
    },
    failOn,
    failed: remaining.some((f) => atLeast(f.severity, failOn)),
  };
}

/** The migrations named by `revisions` (all of them when none is named). */
function selectMigrations(migrations: MigrationSource[], revisions: string[]): Set<MigrationSource> {
  if (revisions.length === 0) return new Set(migrations);
  const states = planMigrations(migrations, []).states;
  const selected = new Set<MigrationSource>();
  for (const query of revisions) {
    const revision = resolveRevision(query, states);
    if (revision.kind === "base") {
      throw new UsageError(`"base" is the state before every migration and has nothing to lint: name a migration, or head.`);
    }
    const state = revision.kind === "head" ? states.at(-1) : revision.state;
    if (!state?.source) {
      throw new UsageError(`There are no migrations to lint yet: write one with \`athanor generate\` or \`athanor create <name>\`.`);
    }
    selected.add(state.source);
  }
  return selected;
}
