/**
 * `athanor verify`: prove on a scratch database that the migration history
 * is sound. Every migration runs up (the schema before each is recorded);
 * then each runs down, newest first, and must restore exactly the schema
 * from before its up ("downgrade leaves no trace"); then all run up again
 * and must rebuild the same head; finally head must match the entities.
 *
 * The configured database is never migrated: the scratch database is a
 * temporary SQLite file, or a temporary PostgreSQL or MySQL/MariaDB
 * database on the same server, dropped at the end whatever happens (a
 * failing migration, or `signal` aborted by SIGINT/SIGTERM; not kill -9).
 * On SQLite the configured database is not even opened.
 */
import type { DataSource } from "typeorm";
import { describeOperation } from "../ops/describe";
import type { Dialect, Queryable, ScratchDatabase } from "../dialects/dialect";
import { AthanorError, DatabaseError, UsageError, redact } from "../errors";
import { Bookkeeping, bookkeepingTableNames } from "../runner/bookkeeping";
import type { MigrationSource } from "../runner/discover";
import { executeMigrations, type Direction, type ExecutionContext } from "../runner/execute";
import { InterruptedError } from "../runner/stopped-run";
import { describeDifferences } from "../schema/equal";
import type { Schema } from "../schema/model";
import { compareEntitiesWithDatabase, entitiesSchema } from "./entity-diff";
import { loadProject, openProject, type Project, type ProjectOptions } from "./project";

/** The stages of a verification, in order. */
export type VerifyPhase = "up" | "down" | "reapply" | "entities";

export interface VerifyStep {
  phase: VerifyPhase;
  /** The migration (up, down); absent for the whole-history stages. */
  name?: string;
  ok: boolean;
  /** What went wrong: a failure sentence, or what differs. */
  problems: string[];
}

export interface VerifyResult {
  ok: boolean;
  /** The scratch database, without credentials. */
  scratch: string;
  migrations: number;
  steps: VerifyStep[];
  /** The step that failed, if any (also the last of `steps`). */
  failure?: VerifyStep;
  /** Tables the migrations create that no entity maps (left alone, like generate does). */
  unmappedTables: string[];
  notes: string[];
}

export interface VerifyOptions extends ProjectOptions {
  /** Called once the scratch database exists, before the first migration. */
  onStart?: (scratch: string, migrations: number) => void;
  /** Called after each step, as it happens. */
  onStep?: (step: VerifyStep) => void;
  /**
   * Stop once this is aborted (its reason: the signal's name, from SIGINT or
   * SIGTERM): the statement in flight is cancelled, the scratch database
   * dropped, and an InterruptedError says so.
   */
  signal?: AbortSignal;
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const loaded = loadProject(options);
  const { dialect, config } = loaded;
  if (!dialect.createScratchDatabase) {
    throw new UsageError(
      `verify needs a scratch database, which Athanor cannot create for ${dialect.name} yet: verify on another dialect.`,
    );
  }

  // The configured database is opened only if the dialect asks for it
  // (PostgreSQL sends CREATE/DROP DATABASE through it); SQLite never does.
  const server = lazyServerConnection(options);
  try {
    let scratch: ScratchDatabase;
    try {
      scratch = await dialect.createScratchDatabase(server, config.dataSource.options as any);
    } catch (error) {
      if (error instanceof AthanorError) throw error;
      throw new DatabaseError(`Could not create a scratch database on ${loaded.target} for verify: ${redact(messageOf(error))}.`);
    }
    let result: Omit<VerifyResult, "notes">;
    try {
      result = await verifyOnScratch(dialect, loaded.migrations, config.migrationsTableName, config.dataSource, scratch, server, options);
    } catch (error) {
      const dropped = await scratch.drop().then(
        () => true,
        () => false,
      );
      if (error instanceof VerifyStopped) throw stoppedError(error.signal, scratch, dropped);
      throw error;
    }
    // A drop that fails is reported, not hidden: it leaves a database behind.
    const dropFailure = await scratch.drop().then(
      () => undefined,
      (error: unknown) => error,
    );
    const notes = dropFailure
      ? [`Could not drop the scratch database (${scratch.description}): ${redact(messageOf(dropFailure))}; remove it by hand.`]
      : [];
    return { ...result, notes };
  } finally {
    await server.close();
  }
}

async function verifyOnScratch(
  dialect: Dialect,
  migrations: MigrationSource[],
  migrationsTableName: string,
  configured: DataSource,
  scratch: ScratchDatabase,
  server: Queryable,
  options: VerifyOptions,
): Promise<Omit<VerifyResult, "notes">> {
  const dataSource = scratchDataSource(configured, scratch);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DatabaseError(`Could not connect to the scratch database (${scratch.description}): ${redact(messageOf(error))}.`);
  }
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await scratch.prepare?.(queryRunner);
    const bookkeeping = new Bookkeeping(queryRunner, dialect, migrationsTableName);
    await bookkeeping.ensure();
    options.onStart?.(scratch.description, migrations.length);
    // A statement in flight is cancelled from another session on the same
    // server (PostgreSQL, MySQL): the configured database's connection, which
    // created the scratch database. No lock is taken: nobody else migrates it.
    const context: ExecutionContext = { queryRunner, dialect, bookkeeping, lock: { connection: server } };
    const check = new HistoryCheck(context, migrationsTableName, options.onStep, options.signal);
    const failure = await check.run(migrations, dataSource);
    return {
      ok: !failure,
      scratch: scratch.description,
      migrations: migrations.length,
      steps: check.steps,
      failure,
      unmappedTables: check.unmappedTables,
    };
  } finally {
    await queryRunner.release().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
  }
}

/** The four stages, stopping at the first failure (which is returned). */
class HistoryCheck {
  readonly steps: VerifyStep[] = [];
  unmappedTables: string[] = [];
  /** The schemas besides the default one that the entities name: read with it. */
  private schemas: string[] | undefined;

  constructor(
    private readonly context: ExecutionContext,
    private readonly migrationsTableName: string,
    private readonly onStep?: (step: VerifyStep) => void,
    private readonly signal?: AbortSignal,
  ) {}

  async run(migrations: MigrationSource[], entities: DataSource): Promise<VerifyStep | undefined> {
    this.schemas = (await entitiesSchema(this.context.dialect, this.context.queryRunner, entities)).schemas;
    // 1. Up, one at a time, recording the schema before each.
    const before: Schema[] = [];
    for (const migration of migrations) {
      before.push(await this.schema());
      const failed = await this.execute(migration, "up", "up");
      if (failed) return failed;
      this.report({ phase: "up", name: migration.name, ok: true, problems: [] });
    }
    const head = await this.schema();

    // 2. Down, newest first: each must restore the schema from before its up.
    for (let i = migrations.length - 1; i >= 0; i--) {
      const migration = migrations[i];
      const failed = await this.execute(migration, "down", "down");
      if (failed) return failed;
      const differences = this.differences(before[i], await this.schema(), "before its up", "after its down");
      if (differences.length > 0) {
        return this.report({
          phase: "down",
          name: migration.name,
          ok: false,
          problems: [`down does not restore the schema from before up:`, ...differences],
        });
      }
      this.report({ phase: "down", name: migration.name, ok: true, problems: [] });
    }

    // 3. Up again: a down that leaves something behind the catalogs do not
    // compare (a sequence, a type) shows up here as a failing up.
    for (const migration of migrations) {
      const failed = await this.execute(migration, "up", "reapply");
      if (failed) return failed;
    }
    const again = this.differences(head, await this.schema(), "after the first run", "after running again");
    if (again.length > 0) {
      return this.report({ phase: "reapply", ok: false, problems: ["running every migration again gives a different schema:", ...again] });
    }
    this.report({ phase: "reapply", ok: true, problems: [] });

    // 4. Head against the entities: what generate would write must be nothing.
    this.stopIfAsked();
    const { diff } = await compareEntitiesWithDatabase(this.context.dialect, this.context.queryRunner, {
      dataSource: entities,
      migrationsTableName: this.migrationsTableName,
    });
    this.unmappedTables = diff.unmappedTables;
    if (diff.operations.length > 0) {
      return this.report({
        phase: "entities",
        ok: false,
        problems: [
          "the schema the migrations build differs from the entities; generate would write:",
          ...diff.operations.map(describeOperation),
        ],
      });
    }
    return void this.report({ phase: "entities", ok: true, problems: [] });
  }

  /** Run one migration; a failure is a finding of verify, not an error of it. */
  private async execute(migration: MigrationSource, direction: Direction, phase: VerifyPhase): Promise<VerifyStep | undefined> {
    this.stopIfAsked();
    try {
      await executeMigrations(this.context, [migration], direction, { signal: this.signal });
      return undefined;
    } catch (error) {
      // The runner cancelled the statement in flight: a stop, not a finding about the migration.
      if (error instanceof InterruptedError) throw new VerifyStopped(this.signal?.reason ?? "SIGINT");
      if (!(error instanceof AthanorError)) throw error;
      return this.report({ phase, name: migration.name, ok: false, problems: [error.message, ...error.details] });
    }
  }

  private stopIfAsked(): void {
    if (this.signal?.aborted) throw new VerifyStopped(this.signal.reason);
  }

  private schema(): Promise<Schema> {
    this.stopIfAsked();
    return this.context.dialect.introspect(this.context.queryRunner, {
      exclude: bookkeepingTableNames(this.migrationsTableName),
      schemas: this.schemas,
    });
  }

  private differences(expected: Schema, actual: Schema, first: string, second: string): string[] {
    const { dialect } = this.context;
    return describeDifferences(expected, actual, (c) => dialect.comparable(c), dialect.tableComments).map((line) =>
      line.replace(/the first schema/g, `the schema ${first}`).replace(/the second schema/g, `the schema ${second}`),
    );
  }

  private report(step: VerifyStep): VerifyStep {
    this.steps.push(step);
    this.onStep?.(step);
    return step;
  }
}

/**
 * A DataSource on the scratch database: the configured one's options (same
 * entities, driver settings, migrations table) with the location replaced.
 * Built with the configured DataSource's own class, in case the project
 * resolves another copy of typeorm than Athanor does.
 */
function scratchDataSource(configured: DataSource, scratch: ScratchDatabase): DataSource {
  const Constructor = configured.constructor as new (options: any) => DataSource;
  return new Constructor({
    ...configured.options,
    ...scratch.connection,
    // Athanor runs the migrations itself; TypeORM must change nothing on connect.
    migrations: [],
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    logging: false,
  });
}

interface ServerConnection extends Queryable {
  close(): Promise<void>;
}

/** A connection to the configured database, opened on first use only. */
function lazyServerConnection(options: ProjectOptions): ServerConnection {
  let opening: Promise<Project> | undefined;
  return {
    async query(sql: string, parameters?: unknown[]) {
      opening ??= openProject(options);
      const project = await opening;
      return project.queryRunner.query(sql, parameters as any[]);
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

/** A signal stopped the check; verify() turns it into an InterruptedError once the scratch database is dropped. */
class VerifyStopped extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`Stopped by ${signal}`);
  }
}

function stoppedError(signal: NodeJS.Signals, scratch: ScratchDatabase, dropped: boolean): InterruptedError {
  return new InterruptedError(
    signal,
    dropped
      ? `Stopped by ${signal}: verify stopped part-way and dropped its scratch database (${scratch.description}); the configured database was not changed: run athanor verify again for the whole check.`
      : `Stopped by ${signal}: verify stopped part-way but could not drop its scratch database (${scratch.description}): remove it by hand; the configured database was not changed.`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
