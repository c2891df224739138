/**
 * An existing migration's `up`, read without a database: it runs against the
 * recording query runner of offline SQL (runner/recording-query-runner.ts),
 * which renders op() calls for the linted dialect against a schema model
 * replayed from the earlier migrations, and keeps raw SQL as written. Lint
 * only adds a record of which statements each step sent.
 */
import type { Dialect } from "../dialects/dialect";
import type { Operation } from "../ops/operations";
import type { MigrationSource } from "../runner/discover";
import { RecordingQueryRunner, type OfflineModel } from "../runner/recording-query-runner";
import type { Schema } from "../schema/model";
import { refusalsBroughtAbout, type LintStep } from "./lint-steps";

export interface ReadMigration {
  steps: LintStep[];
  /** The model after the migration (unknown from where reading stopped). */
  model: OfflineModel;
  /** Why the migration could not be read to the end. */
  failure?: string;
  /** What `up` did (up to where reading stopped), raw SQL included as `sql` operations. */
  operations: Operation[];
}

/** The recorder, remembering each op() call with its statements and each raw query. */
class StepRecorder extends RecordingQueryRunner {
  readonly steps: LintStep[] = [];

  override async query(sql: string, parameters?: unknown[]): Promise<any[]> {
    this.steps.push({ statements: [sql] });
    return super.query(sql, parameters);
  }

  override record(operation: Operation, statements: string[]): void {
    const last = this.steps.at(-1);
    // Already kept by schemaBefore: fill in its statements.
    const step: LintStep = last?.operation === operation ? last : { operation, statements };
    step.statements = statements;
    if (step !== last) this.steps.push(step);
    const before = this.model;
    super.record(operation, statements);
    // Where the model is known on both sides, what the database refuses can be judged (Dialect.refusals).
    if (!before.unknownBecause && !this.model.unknownBecause && before.schema !== this.model.schema) {
      step.refusals = refusalsBroughtAbout(this.dialect, operation, before.schema, this.model.schema);
    }
  }

  /**
   * Called before rendering an operation that needs the schema (a SQLite
   * rebuild). The operation is kept now, so the portable rules still see it
   * if rendering fails; and lint reads on where hand-written DDL made the
   * model uncertain (no SQLite rule reads rebuild statements).
   */
  override schemaBefore(operation: Operation): Schema {
    this.steps.push({ operation, statements: [] });
    return this.model.schema;
  }
}

export async function readMigration(
  migration: MigrationSource,
  dialect: Dialect,
  migrationsTableName: string,
  model: OfflineModel,
): Promise<ReadMigration> {
  const recorder = new StepRecorder(dialect, migrationsTableName, model);
  recorder.migration = migration.name;
  try {
    await migration.instance.up(recorder.asQueryRunner());
  } catch (error) {
    const failure = recorder.failure ?? error;
    const reason = failure instanceof Error ? failure.message : String(failure);
    return {
      steps: recorder.steps,
      model: { ...recorder.model, unknownBecause: recorder.model.unknownBecause ?? `${migration.name} could not be read` },
      failure: reason,
      operations: recorder.operations,
    };
  }
  return { steps: recorder.steps, model: recorder.model, operations: recorder.operations };
}
