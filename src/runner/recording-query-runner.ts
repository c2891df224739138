/**
 * The stand-in for TypeORM's QueryRunner that offline SQL (`run --sql`,
 * `revert --sql`, `show`) hands to migrations. Nothing reaches a database:
 *
 * - `query(sql)` records the statement verbatim and answers with no rows;
 * - `op(queryRunner)` calls find `athanorOffline` (see migration-api/execute.ts) and
 *   render against the schema MODEL this runner carries instead of
 *   introspecting, then replay themselves on it with schema/apply;
 * - transactions are recorded as BEGIN / COMMIT / ROLLBACK.
 *
 * Raw SQL is opaque to the model. Reads and data changes leave the schema as
 * it is, but DDL written by hand (or anything we cannot classify) may have
 * changed it, so from then on the model is marked unknown and an operation
 * whose rendering depends on the schema (a SQLite table rebuild) is refused
 * rather than rendered from a model that may be wrong.
 */
import { describeOperation } from "../ops/describe";
import type { Dialect } from "../dialects/dialect";
import { AthanorError, UsageError } from "../errors";
import type { MigrationQueryRunner, OfflineRecorder, OperationSteps } from "../dialects/migration-query-runner";
import type { Operation } from "../ops/operations";
import { apply, ApplyError } from "../schema/apply";
import { emptySchema, type Schema } from "../schema/model";

/** The schema as offline mode knows it at one point of the script. */
export interface OfflineModel {
  schema: Schema;
  /** Set once the model may differ from the database: why, in words. */
  unknownBecause?: string;
}

export function emptyModel(): OfflineModel {
  return { schema: emptySchema() };
}

export interface RecordedStatement {
  sql: string;
  parameters?: unknown[];
  /** The migration that was running (or about to run) when it was recorded. */
  migration?: string;
}

/**
 * Statements that cannot change the schema: reads, data changes, transaction
 * control and pragmas. Anything else written by hand is treated as DDL.
 */
const SCHEMA_NEUTRAL =
  /^(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SET|SHOW|EXPLAIN|ANALYZE|LOCK|NOTIFY)\b/i;

/** A dialect's try for a lock: `SELECT <try> AS locked` (see MigrationClaim). */
export function isLockTry(sql: string): boolean {
  return /^SELECT\b[\s\S]*\bAS locked\s*$/i.test(sql.trim());
}

export function changesSchema(sql: string): boolean {
  const code = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, "");
  return code !== "" && !SCHEMA_NEUTRAL.test(code);
}

/**
 * Properties a caller may probe without meaning to use a QueryRunner method
 * (`await` looks for `then`, util.inspect for symbols); they read as absent.
 */
const HARMLESS_PROBES = new Set(["then", "toJSON", "constructor", "inspect", "asymmetricMatch"]);

export class RecordingQueryRunner implements MigrationQueryRunner, OfflineRecorder {
  /** TypeORM 1.x's name for the owning DataSource; `connection` is 0.3's. */
  readonly dataSource: { options: { type: string; migrationsTableName: string } };
  readonly connection: { options: { type: string; migrationsTableName: string } };
  readonly statements: RecordedStatement[] = [];
  /** What the migrations did, raw SQL included as `sql` operations (for `show`). */
  readonly operations: Operation[] = [];
  isTransactionActive = false;
  isReleased = false;
  // Initialized explicitly: the Proxy in asQueryRunner() only lets through
  // properties that exist on the object.
  /** Statements are tagged with it; error messages name it. */
  migration: string | undefined = undefined;
  /** See MigrationQueryRunner.athanorSteps: set when only the op() calls are wanted (runner/operation-steps.ts). */
  athanorSteps: OperationSteps | undefined = undefined;
  /**
   * The error this runner raised, kept because the migration runner wraps
   * errors in "Migration X failed (rolled back …)", which is untrue offline.
   */
  failure: AthanorError | undefined = undefined;

  constructor(
    readonly dialect: Dialect,
    migrationsTableName: string,
    public model: OfflineModel = emptyModel(),
  ) {
    // The dialect's registry key is also a TypeORM `type` it answers to.
    this.dataSource = { options: { type: dialect.name, migrationsTableName } };
    this.connection = this.dataSource;
  }

  /** The object to hand to migrations: this runner, refusing QueryRunner methods it lacks. */
  asQueryRunner(): any {
    return new Proxy(this, {
      get: (target, property, receiver) => {
        if (typeof property === "symbol" || property in target || HARMLESS_PROBES.has(property)) {
          return Reflect.get(target, property, receiver);
        }
        throw target.fail(
          new UsageError(
            `Migration ${target.migration ?? "(unknown)"} uses queryRunner.${property}, which offline SQL cannot record: ` +
              `write it with queryRunner.query(...) or op(queryRunner), or run it against a database (athanor run --verbose prints each statement).`,
          ),
        );
      },
    });
  }

  get athanorOffline(): OfflineRecorder {
    return this;
  }

  async query(sql: string, parameters?: unknown[]): Promise<any[]> {
    this.statements.push({ sql, parameters: parameters?.length ? parameters : undefined, migration: this.migration });
    this.operations.push({ kind: "sql", up: sql });
    if (changesSchema(sql)) this.forgetSchema(`${this.migration ?? "a migration"} runs SQL offline mode cannot follow (${firstLine(sql)})`);
    // The claim a migration outside a transaction polls for (PostgreSQL's
    // pg_try_advisory_lock, MySQL's GET_LOCK: every dialect names the try's
    // one column `locked`, see MigrationClaim) is printed as run sends it,
    // and taken at once: no other runner shares a script's run. Answered
    // with no rows it would be retried until the lock timeout.
    if (isLockTry(sql)) return [{ locked: true }];
    return [];
  }

  async startTransaction(): Promise<void> {
    await this.query("BEGIN");
    this.isTransactionActive = true;
  }

  async commitTransaction(): Promise<void> {
    await this.query("COMMIT");
    this.isTransactionActive = false;
  }

  async rollbackTransaction(): Promise<void> {
    await this.query("ROLLBACK");
    this.isTransactionActive = false;
  }

  async connect(): Promise<this> {
    return this;
  }

  async release(): Promise<void> {
    this.isReleased = true;
  }

  /** Mark the model unknown (the first reason is kept: it is the one to fix). */
  forgetSchema(reason: string): void {
    this.model = { ...this.model, unknownBecause: this.model.unknownBecause ?? reason };
  }

  /** Keep an error to report it as it is (see `failure`). */
  fail(error: AthanorError): AthanorError {
    this.failure ??= error;
    return error;
  }

  schemaBefore(operation: Operation): Schema {
    if (this.model.unknownBecause) {
      throw this.fail(
        new UsageError(
          `Offline SQL cannot render "${describeOperation(operation)}" in ${this.migration}: on ${this.dialect.name} it depends on the table as it is then, ` +
            `and ${this.model.unknownBecause}; run it against a database instead (athanor run --verbose prints each statement).`,
        ),
      );
    }
    return this.model.schema;
  }

  record(operation: Operation, statements: string[]): void {
    for (const sql of statements) this.statements.push({ sql, migration: this.migration });
    this.operations.push(operation);
    if (operation.kind === "sql") {
      if (changesSchema(operation.up))
        this.forgetSchema(`${this.migration} runs SQL offline mode cannot follow (${firstLine(operation.up)})`);
      return;
    }
    try {
      this.model = { ...this.model, schema: apply(this.model.schema, operation) };
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
      // A model that is already unknown may simply lack what raw SQL created.
      if (this.model.unknownBecause) return;
      throw this.fail(
        new UsageError(
          `Migration ${this.migration} cannot "${describeOperation(operation)}": ${error.message} after the migrations before it, so it would fail on the database too: fix the migration.`,
        ),
      );
    }
  }
}

function firstLine(sql: string, max = 60): string {
  const line = sql.trim().split("\n")[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
