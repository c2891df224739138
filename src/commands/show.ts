/**
 * `athanor show <rev>`: one migration as a reviewer wants it — the header
 * comment of its file, the operations its `up` performs, and the SQL of its
 * `up` and `down` on the project's dialect. Offline: nothing connects; the
 * schema the migration starts from is replayed from the migrations before it.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describeOperation } from "../ops/describe";
import { UsageError } from "../errors";
import { migrationSql, replayModel } from "../runner/offline";
import { planMigrations } from "../runner/plan";
import { emptyModel } from "../runner/recording-query-runner";
import { resolveRevision } from "../runner/revision";
import { offlineDialect } from "./offline";
import { loadProject, type ProjectOptions } from "./project";

export interface ShowOptions extends ProjectOptions {
  revision: string;
  /** Render for this TypeORM database type instead of the DataSource's. */
  databaseType?: string;
}

export interface ShowResult {
  name: string;
  timestamp: number;
  /** Relative to the project directory; absent for a class listed in the DataSource. */
  file?: string;
  /** False when the migration runs outside a transaction. */
  transaction: boolean;
  dialect: string;
  /** The file's leading /** … *\/ comment, as written. */
  header?: string;
  /** What `up` does, one line per operation (raw SQL as "run SQL: …"). */
  operations: string[];
  upSql: string[];
  downSql: string[];
}

export async function show(options: ShowOptions): Promise<ShowResult> {
  const project = loadProject(options);
  const dialect = offlineDialect(project, options.databaseType);
  const states = planMigrations(project.migrations, []).states;
  if (states.length === 0) throw new UsageError("There are no migrations yet: write one with `athanor generate`.");
  const revision = resolveRevision(options.revision, states);
  if (revision.kind === "base") {
    throw new UsageError("base is the empty schema before the first migration, not a migration: name one (or head).");
  }
  const index = revision.kind === "head" ? states.length - 1 : states.indexOf(revision.state);
  const migration = states[index].source!;

  const context = { dialect, migrationsTableName: project.config.migrationsTableName };
  const before = await replayModel(
    states.slice(0, index).map((s) => s.source!),
    context,
    emptyModel(),
  );
  const up = await migrationSql(migration, "up", context, before);
  const down = await migrationSql(migration, "down", context, up.model);

  return {
    name: migration.name,
    timestamp: migration.timestamp,
    file: migration.file ? relative(project.config.cwd, migration.file) : undefined,
    transaction: migration.transaction,
    dialect: dialect.name,
    header: migration.file ? leadingComment(readFileSync(migration.file, "utf8")) : undefined,
    operations: up.operations.map(describeOperation),
    upSql: up.statements.map((s) => s.sql),
    downSql: down.statements.map((s) => s.sql),
  };
}

/** The /** … *\/ block a file starts with (after blank lines and a shebang), if any. */
export function leadingComment(source: string): string | undefined {
  const match = /^(?:#![^\n]*\n)?\s*(\/\*\*[\s\S]*?\*\/)/.exec(source);
  return match?.[1];
}
