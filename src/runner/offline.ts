/**
 * Offline SQL: the statements migrations would execute, produced without a
 * database by running them on a RecordingQueryRunner.
 *
 * `recordMigrations` drives the very code `run` and `revert` use
 * (executeMigrations: session hooks, BEGIN, the bookkeeping claim and
 * re-check, the migration, its bookkeeping row, COMMIT), so the script is the
 * statements `run` sends, in order. What differs, and why:
 *
 * - `run` reads the catalogs to render a SQLite table rebuild; offline renders
 *   it from the schema model replayed from the earlier migrations instead, so
 *   those reads are absent (the rebuild statements are the same);
 * - every query is answered with no rows: the bookkeeping re-check is
 *   printed but the script assumes the planned state, and session state read
 *   from the connection (SQLite's `PRAGMA foreign_keys`) reads as off, so it is
 *   switched off before a migration and not switched back on after it;
 * - the bookkeeping row's applied_at is the time the script was generated and
 *   its execution_ms is NULL;
 * - BEGIN is spelled BEGIN (TypeORM sends START TRANSACTION on PostgreSQL);
 * - a script has one transaction per migration as written, without the
 *   commit tuning of a live run (runner/execute.ts): SQLite's shared commits
 *   (SAVEPOINT per migration), PostgreSQL's `set_config('synchronous_commit',
 *   'off', true)` with each claim (and for the session, outside a
 *   transaction: runner/deferred-flush.ts), and the UPDATE that brings each
 *   transaction's last execution_ms up to its COMMIT; an op() call's own
 *   transaction is its statements one by one, not one query.
 */
import type { QueryRunner } from "typeorm";
import type { Dialect, Queryable } from "../dialects/dialect";
import { UsageError } from "../errors";
import type { Operation } from "../ops/operations";
import { Bookkeeping, type BookkeepingEntry } from "./bookkeeping";
import type { MigrationSource } from "./discover";
import { batchesFor, executeMigrations, type Direction, type TransactionMode } from "./execute";
import { RecordingQueryRunner, type OfflineModel, type RecordedStatement } from "./recording-query-runner";

export interface OfflineContext {
  dialect: Dialect;
  migrationsTableName: string;
}

export interface MigrationSql {
  statements: RecordedStatement[];
  /** What the migration did, raw SQL included as `sql` operations. */
  operations: Operation[];
  /** The model after the migration. */
  model: OfflineModel;
}

/**
 * One migration's `up` or `down` alone — no transaction, no bookkeeping —
 * rendered against `model`, the schema just before it.
 */
export async function migrationSql(
  migration: MigrationSource,
  direction: Direction,
  context: OfflineContext,
  model: OfflineModel,
): Promise<MigrationSql> {
  const recorder = new RecordingQueryRunner(context.dialect, context.migrationsTableName, model);
  recorder.migration = migration.name;
  // As `run` would (--transaction each): inside the migration's transaction
  // unless it asked for none, so multi-statement operations show their own
  // BEGIN / COMMIT only where a live run sends them.
  recorder.isTransactionActive = migration.transaction;
  const guarded = guardedSource(migration, recorder);
  try {
    if (direction === "up") await guarded.instance.up(recorder.asQueryRunner());
    else await guarded.instance.down(recorder.asQueryRunner());
  } catch (error) {
    throw recorder.failure ?? error;
  }
  return { statements: recorder.statements, operations: recorder.operations, model: recorder.model };
}

/**
 * The model after the `up` of each of `migrations`, starting from `model`.
 * A migration that cannot be replayed (it calls QueryRunner methods the
 * recorder lacks, say) leaves the model unknown rather than failing: only a
 * later rendering that needs the schema is then refused.
 */
export async function replayModel(migrations: MigrationSource[], context: OfflineContext, model: OfflineModel): Promise<OfflineModel> {
  for (const migration of migrations) {
    try {
      model = (await migrationSql(migration, "up", context, model)).model;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...model, unknownBecause: model.unknownBecause ?? `${migration.name} could not be replayed offline (${reason})` };
    }
  }
  return model;
}

export interface RecordOptions extends OfflineContext {
  model: OfflineModel;
  mode?: TransactionMode;
  /** Record the bookkeeping only (`--fake`). */
  fake?: boolean;
  /** applied_at of the bookkeeping rows. */
  appliedAt?: Date;
}

/**
 * Everything `run` (up) or `revert` (down) would send for `migrations`, in
 * order, each statement tagged with the migration it belongs to.
 */
export async function recordMigrations(
  migrations: MigrationSource[],
  direction: Direction,
  options: RecordOptions,
): Promise<{ statements: RecordedStatement[]; model: OfflineModel }> {
  const { dialect, migrationsTableName } = options;
  const recorder = new RecordingQueryRunner(dialect, migrationsTableName, options.model);
  const queryRunner = recorder.asQueryRunner();
  const bookkeeping = new ScriptBookkeeping(queryRunner, dialect, migrationsTableName, {
    applied: direction === "down",
    appliedAt: options.appliedAt ?? new Date(),
  });
  const mode = options.mode ?? "each";
  for (const batch of batchesFor(migrations, mode)) {
    // The batch's session hooks and BEGIN belong to its first migration.
    recorder.migration = batch.migrations[0].name;
    try {
      await executeMigrations(
        { queryRunner: queryRunner as QueryRunner, dialect, bookkeeping },
        batch.migrations.map((m) => guardedSource(m, recorder)),
        direction,
        { mode, fake: options.fake, onStart: (name) => (recorder.migration = name), partialRows: false, script: true },
      );
    } catch (error) {
      // executeMigrations says "failed (rolled back …)": untrue offline.
      throw recorder.failure ?? error;
    }
  }
  return { statements: recorder.statements, model: recorder.model };
}

/**
 * The bookkeeping as a script sees it: it cannot branch on the re-check's
 * answer (the SELECT is still printed, as `run` sends it), so it assumes the
 * planned state; and a script's execution time is unknown until it runs.
 */
class ScriptBookkeeping extends Bookkeeping {
  constructor(
    db: Queryable,
    dialect: Dialect,
    tableName: string,
    private readonly assumed: { applied: boolean; appliedAt: Date },
  ) {
    super(db, dialect, tableName);
  }

  /** A script resumes nothing: it reads no progress table (and prints no look for one). */
  protected override async hasProgressTable(): Promise<boolean> {
    return false;
  }

  override async progress(name: string): Promise<{ applied: boolean }> {
    await super.progress(name);
    return { applied: this.assumed.applied };
  }

  override async record(entry: Omit<BookkeepingEntry, "appliedAt">): Promise<void> {
    await super.record({ ...entry, executionMs: undefined, appliedAt: this.assumed.appliedAt });
  }
}

/**
 * The migration with its up/down wrapped so that an error thrown by its own
 * code is reported as what it is, with the offline caveat, instead of as a
 * database failure.
 */
function guardedSource(source: MigrationSource, recorder: RecordingQueryRunner): MigrationSource {
  const original = source.instance;
  const guard = async (body: () => Promise<unknown>) => {
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recorder.fail(
        new UsageError(
          `Migration ${source.name} failed while its SQL was recorded offline (${message}); offline mode answers every query with no rows, so code that needs real results must run against a database.`,
        ),
      );
      throw error;
    }
  };
  const instance = Object.create(original);
  instance.up = (queryRunner: QueryRunner) => guard(() => original.up(queryRunner));
  instance.down = (queryRunner: QueryRunner) => guard(() => original.down(queryRunner));
  return { ...source, instance };
}

/** A statement as a script prints it: terminated by `;`, its parameters (if any) in a comment above it. */
export function formatStatement(statement: RecordedStatement | string): string {
  const { sql, parameters } = typeof statement === "string" ? { sql: statement, parameters: undefined } : statement;
  const text = sql.trimEnd();
  const terminated = text.endsWith(";") ? text : `${text};`;
  return parameters?.length ? `-- parameters: ${JSON.stringify(parameters)}\n${terminated}` : terminated;
}
