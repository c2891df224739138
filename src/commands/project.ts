/**
 * Opening a project: load the DataSource file, connect, and hand commands
 * the pieces they compose (dialect, query runner, bookkeeping, migrations).
 */
import { relative } from "node:path";
import type { QueryRunner } from "typeorm";
import { databaseTypes, findDialect, unsupportedDatabaseType } from "../dialects";
import type { Dialect } from "../dialects/dialect";
import { parseConnectionUrl } from "../dialects/connection-url";
import { loadProjectConfig, prepareProjectConfig, type ConfigOptions, type LoadOptions, type ProjectConfig } from "../config/load";
import { AthanorError, DatabaseError, UsageError, redact } from "../errors";
import { Bookkeeping } from "../runner/bookkeeping";
import type { RunLock } from "../runner/execute";
import { LockWaitInterrupted } from "../dialects/lock-wait";
import { interruptedWhileWaiting } from "../runner/stopped-run";
import { discoverMigrations, type MigrationSource } from "../runner/discover";
import { faultPoint } from "../runner/fault-points";
import { profilePhase, profileStartup } from "../profile";
import { explainEntityError } from "../config/entity-errors";
import type { InputRecorder } from "../model-cache/input-recorder";
import type { EntityModel } from "../model-cache/model-cache";
import { EntityModelSource } from "../model-cache/entity-model-source";
import { codeNeedsEntityMetadata } from "./entity-metadata-for-code";

export interface Project {
  config: ProjectConfig;
  dialect: Dialect;
  queryRunner: QueryRunner;
  bookkeeping: Bookkeeping;
  migrations: MigrationSource[];
  /** Where the database is, without credentials, for messages. */
  target: string;
  /**
   * Take the migration lock on a connection of its own (outside every
   * migration transaction). `signal` stops the wait for it.
   */
  lock(timeoutMs?: number, signal?: AbortSignal): Promise<MigrationLock>;
  /**
   * Build TypeORM's entity metadata if `openProject` deferred it; call before
   * running migration code, which may use repositories or the connection's
   * metadata.
   */
  loadEntityMetadata(): Promise<void>;
  /**
   * `loadEntityMetadata()` before running the code of `migrations`, unless
   * none of that code can need it (entity-metadata-for-code.ts).
   */
  loadEntityMetadataFor(migrations: readonly MigrationSource[]): Promise<void>;
  /**
   * The schema the entities describe (table names qualified relative to
   * `defaultSchema`), from the entity model cache when nothing it was built
   * from has changed, else from TypeORM's metadata (built now if deferred).
   */
  entityModel(defaultSchema: string | undefined): Promise<EntityModel>;
  close(): Promise<void>;
}

/** The run-level migration lock, held (what `executeMigrations` takes as its `lock`). */
export interface MigrationLock extends RunLock {
  release(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Connect without loading entities or building TypeORM's metadata for them
   * (the slowest part of connecting); `loadEntityMetadata()` does it later,
   * if at all. For commands that only read and write the bookkeeping unless
   * there is migration code to run.
   */
  deferEntityMetadata?: boolean;
  /**
   * Let `entityModel()` answer from the entity model cache (model-cache/model-cache.ts),
   * so that TypeORM's metadata is built only when something changed. Implies
   * `deferEntityMetadata`. Off with ATHANOR_MODEL_CACHE=0.
   */
  entityModelCache?: boolean;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export interface ProjectOptions extends LoadOptions {
  /**
   * How long to wait for the database server to answer a new connection
   * (PostgreSQL; default: the DataSource's own setting, else 10 s; 0 waits
   * forever). See dialects/postgres/connect-timeout.ts.
   */
  connectTimeoutMs?: number;
}

/** A project loaded without connecting: what offline commands (`run --sql`, `show`) need. */
export interface LoadedProject {
  config: ProjectConfig;
  dialect: Dialect;
  migrations: MigrationSource[];
  /** Where the database is, without credentials, for messages. */
  target: string;
}

/**
 * Load the DataSource file, pick the dialect, discover migrations; connect to
 * nothing. With a `recorder`, what loading the DataSource file reads is recorded.
 */
export function loadProject(
  options: ProjectOptions,
  configOptions: Omit<ConfigOptions, "databaseTypes"> = {},
  recorder?: InputRecorder,
): LoadedProject {
  profileStartup();
  recorder?.resume();
  let config: ProjectConfig;
  try {
    config = loadProjectConfig(options, { ...configOptions, databaseTypes });
  } finally {
    recorder?.pause();
  }
  profilePhase("load DataSource and entities");
  const dialect = findDialect(config.databaseType);
  if (!dialect) {
    throw new UsageError(unsupportedDatabaseType(config.databaseType, relative(config.cwd, config.dataSourceFile)));
  }
  const migrations = discoverMigrations(config.migrationGlobs, config.migrationClasses, config.cwd);
  profilePhase("load migrations");
  return { config, dialect, migrations, target: describeTarget(config) };
}

export async function openProject(options: ProjectOptions, open: OpenOptions = {}): Promise<Project> {
  const entities = new EntityModelSource({
    cwd: options.cwd ?? process.cwd(),
    defer: !!(open.deferEntityMetadata || open.entityModelCache),
    // Only a DataSource file's loading can be recorded.
    remember: !!open.entityModelCache && typeof options.dataSource !== "object",
  });
  // On a cold cache the DataSource file is transpiled while typeorm loads;
  // what that reads is the DataSource's input as much as its own loading.
  profileStartup();
  const prepare = () => prepareProjectConfig(options, { deferEntityGlobs: entities.defersMetadata });
  await (entities.recorder ? entities.recorder.during(prepare) : prepare());
  // Entity files are required only once their metadata is built: a no-op
  // run never loads them.
  const {
    config,
    dialect: configured,
    migrations,
    target,
  } = loadProject(options, { deferEntityGlobs: entities.defersMetadata }, entities.recorder);
  let dialect = configured;

  const { dataSource } = config;
  const secrets = secretsOf(dataSource.options);
  // A DataSource the caller already connected (programmatic API) stays theirs:
  // used as it is and left open.
  const ours = !dataSource.isInitialized;
  const shownFile = relative(config.cwd, config.dataSourceFile);
  const initializeFailed = (error: unknown): AthanorError => {
    if (entities.failedWhileBuildingEntities()) return explainEntityError(error, config.cwd, shownFile);
    const explained = dialect.explainConnectionError?.(error, target);
    const message = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, "");
    return new DatabaseError(
      redact(explained ?? `Cannot connect to ${target}: ${message}: check the connection settings in ${shownFile}.`, secrets),
    );
  };
  entities.attach(config, {
    ours,
    schemaOptions: {
      sharedEnumTypes: dialect.sharedEnumTypes,
      materializedViews: dialect.materializedViews,
      fulltextIndexes: dialect.fulltextIndexes,
    },
    failed: initializeFailed,
  });
  // Athanor loads migrations itself and must never let TypeORM change the
  // schema on connect.
  const overrides = {
    migrations: [],
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    logging: false,
    // A server that accepts connections and never answers must not hang the command.
    ...dialect.connectionOverrides?.(dataSource.options as any, { connectTimeoutMs: options.connectTimeoutMs }),
  };
  const originals = Object.fromEntries(Object.keys(overrides).map((key) => [key, (dataSource.options as any)[key]]));
  if (ours) dataSource.setOptions(overrides as any);
  rejectMalformedUrl(dataSource.options, config.databaseType, shownFile, dialect.defaultPort);
  try {
    if (ours) await dataSource.initialize();
  } catch (error) {
    if (ours) Object.assign(dataSource.options, originals);
    entities.restore();
    throw initializeFailed(error);
  }

  // Only initialize() reads them; a caller's DataSource gets its own back
  // for the next time it is opened.
  if (ours) Object.assign(dataSource.options, originals);

  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
  } catch (error) {
    if (ours) await dataSource.destroy().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(redact(`Cannot connect to ${target}: ${message}`, secrets));
  }
  try {
    // The dialect as it speaks to this server (MySQL/MariaDB render by version).
    if (configured.forServer) dialect = await configured.forServer(queryRunner);
  } catch (error) {
    await queryRunner.release().catch(() => undefined);
    if (ours) await dataSource.destroy().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(redact(`Cannot read the server version of ${target}: ${message}`, secrets));
  }
  const bookkeeping = new Bookkeeping(queryRunner, dialect, config.migrationsTableName);
  profilePhase("connect and build TypeORM metadata");

  return {
    config,
    dialect,
    queryRunner,
    bookkeeping,
    migrations,
    target,
    async lock(timeoutMs = DEFAULT_LOCK_TIMEOUT_MS, signal) {
      if (!dialect.acquireMigrationLock) return { release: async () => undefined };
      // The migration connection idles while the lock is waited for.
      await dialect.keepSessionAlive?.(queryRunner);
      const lockRunner = dataSource.createQueryRunner();
      await lockRunner.connect();
      try {
        const held = await dialect.acquireMigrationLock(lockRunner, { timeoutMs, signal });
        faultPoint("lock-acquired");
        return {
          stillHeld: held.stillHeld && (() => held.stillHeld!()),
          heldQuery: held.heldQuery,
          connection: lockRunner,
          timeoutMs,
          async release() {
            await held.release().catch(() => undefined);
            await lockRunner.release().catch(() => undefined);
            faultPoint("lock-released");
          },
        };
      } catch (error) {
        await lockRunner.release().catch(() => undefined);
        if (error instanceof LockWaitInterrupted) throw interruptedWhileWaiting(signal?.reason);
        const explained = dialect.explainConnectionError?.(error, target);
        if (explained) throw new DatabaseError(explained);
        const message = error instanceof Error ? error.message : String(error);
        throw new DatabaseError(`Could not take the migration lock on ${target}: ${message.replace(/\.$/, "")}.`);
      }
    },
    loadEntityMetadata: () => entities.loadMetadata(),
    async loadEntityMetadataFor(migrations) {
      if (codeNeedsEntityMetadata(migrations, dialect, entities.defersSubscribers())) await entities.loadMetadata();
    },
    entityModel: (defaultSchema) => entities.model(defaultSchema),
    async close() {
      await queryRunner.release().catch(() => undefined);
      if (ours && dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      entities.restore();
    },
  };
}

/** Run `body` with an open project and always close it. */
export async function withProject<T>(options: ProjectOptions, body: (project: Project) => Promise<T>, open: OpenOptions = {}): Promise<T> {
  const project = await openProject(options, open);
  try {
    return await body(project);
  } catch (error) {
    // A driver error outside any migration (a lock, a lost connection) gets
    // the dialect's sentence when it has one.
    if (error instanceof AthanorError) throw error;
    const explained = project.dialect.explainConnectionError?.(error, project.target);
    if (explained) throw new DatabaseError(explained);
    throw error;
  } finally {
    await project.close();
  }
}

/**
 * A connection URL that is not a URL is a configuration error: drivers parse
 * it leniently (pg reads "not a url" as a host name) and fail later with a
 * misleading message. Never quote the URL: it may hold the password.
 */
function rejectMalformedUrl(options: any, databaseType: string, dataSourceFile: string, port = 5432): void {
  const url = options?.url;
  if (typeof url !== "string" || url.startsWith("/")) return;
  if (!parseConnectionUrl(url)) {
    throw new UsageError(
      `The connection URL of the DataSource in ${dataSourceFile} (its url option, often DATABASE_URL) is not a valid URL: write it as ${databaseType}://user:password@host:${port}/database, percent-encoding special characters in the password.`,
    );
  }
}

function describeTarget(config: ProjectConfig): string {
  const options = config.dataSource.options as any;
  if (typeof options.database === "string" && !options.url && !options.host) {
    return `${config.databaseType} database ${options.database}`;
  }
  let host = options.host ?? "localhost";
  let port = options.port;
  let database = options.database;
  if (options.url) {
    const url = parseConnectionUrl(String(options.url));
    if (!url) return `${config.databaseType} database (unparseable url)`;
    // A Unix-socket directory is the host (postgres at /var/run/postgresql/app).
    host = url.host || host;
    port = url.port || port;
    database = url.database || database;
  }
  return `${config.databaseType} at ${host}${port ? `:${port}` : ""}${database ? `/${database}` : ""}`;
}

function secretsOf(options: any): string[] {
  const secrets: string[] = [];
  if (typeof options.password === "string" && options.password) secrets.push(options.password);
  if (typeof options.url === "string") {
    // Not a URL: nothing to hide beyond the URL pattern redact() handles.
    const password = parseConnectionUrl(options.url)?.password;
    if (password) secrets.push(password);
  }
  return secrets;
}
