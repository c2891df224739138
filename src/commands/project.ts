/**
 * Opening a project: load the DataSource file, connect, and hand commands
 * the pieces they compose (dialect, query runner, bookkeeping, migrations).
 */
import { relative } from "node:path";
import type { DataSource, QueryRunner } from "typeorm";
import { findDialect, unsupportedDatabaseType } from "../dialects";
import type { Dialect } from "../dialects/dialect";
import { parseConnectionUrl } from "../config/connection-url";
import { loadProjectConfig, type ConfigOptions, type LoadOptions, type ProjectConfig } from "../config/load";
import { AthanorError, DatabaseError, UsageError, redact } from "../errors";
import { Bookkeeping } from "../runner/bookkeeping";
import type { RunLock } from "../runner/execute";
import { LockWaitInterrupted } from "../dialects/lock-wait";
import { interruptedWhileWaiting } from "../runner/stopped-run";
import { discoverMigrations, type MigrationSource } from "../runner/discover";
import { faultPoint } from "../runner/fault-points";
import { profilePhase } from "../profile";
import { explainEntityError } from "../config/entity-errors";
import { indexArgsWhileBuilding } from "../metadata/indexed-args";
import { nativeSha1WhileBuilding } from "../metadata/native-sha1";
import { InputRecorder } from "../config/input-recorder";
import { cacheDirectory } from "../config/transpile-cache";
import { ModelCache, modelCacheEnabled, type EntityModel } from "../metadata/model-cache";
import { schemaFromEntities } from "../metadata";

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
   * Let `entityModel()` answer from the entity model cache (metadata/model-cache.ts),
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
export function loadProject(options: ProjectOptions, configOptions: ConfigOptions = {}, recorder?: InputRecorder): LoadedProject {
  profilePhase("startup (node, CLI)");
  recorder?.resume();
  let config: ProjectConfig;
  try {
    config = loadProjectConfig(options, configOptions);
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
  // Only a DataSource file is loaded in a way that can be recorded (a
  // DataSource object handed to the API was made by code nobody saw run).
  const recorder =
    open.entityModelCache && typeof options.dataSource !== "object" && modelCacheEnabled()
      ? new InputRecorder(options.cwd ?? process.cwd(), [cacheDirectory(options.cwd ?? process.cwd())])
      : undefined;
  const deferEntityMetadata = open.deferEntityMetadata || open.entityModelCache;
  // Entity files are required only once their metadata is built: a no-op
  // run never loads them.
  const { config, dialect, migrations, target } = loadProject(options, { deferEntityGlobs: deferEntityMetadata }, recorder);

  const { dataSource } = config;
  const secrets = secretsOf(dataSource.options);
  // A DataSource the caller already connected (programmatic API) stays theirs:
  // used as it is and left open.
  const ours = !dataSource.isInitialized;
  const deferred = ours && deferEntityMetadata ? deferEntities(dataSource, config.loadEntityGlobs) : undefined;
  // The model can be remembered only when everything that built it was
  // recorded: the DataSource file's loading and the deferred metadata build.
  const modelCache = recorder && deferred ? new ModelCache(cacheDirectory(config.cwd), config.dataSourceFile) : undefined;
  if (!deferred) config.loadEntityGlobs();
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
  const shownFile = relative(config.cwd, config.dataSourceFile);
  rejectMalformedUrl(dataSource.options, config.databaseType, shownFile);
  if (ours) {
    indexArgsWhileBuilding(dataSource);
    nativeSha1WhileBuilding(dataSource, config.cwd);
  }
  const phase = trackInitializePhase(dataSource);
  const initializeFailed = (error: unknown): AthanorError => {
    if (phase() === "entities") return explainEntityError(error, config.cwd, shownFile);
    const explained = dialect.explainConnectionError?.(error, target);
    const message = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, "");
    return new DatabaseError(
      redact(explained ?? `Cannot connect to ${target}: ${message}: check the connection settings in ${shownFile}.`, secrets),
    );
  };
  try {
    if (ours) await dataSource.initialize();
  } catch (error) {
    if (ours) Object.assign(dataSource.options, originals);
    deferred?.restore();
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
  const bookkeeping = new Bookkeeping(queryRunner, dialect, config.migrationsTableName);
  profilePhase("connect and build TypeORM metadata");

  const entityModelOf = async (defaultSchema: string | undefined): Promise<EntityModel> => {
    const remembered = modelCache?.lookup(defaultSchema);
    if (remembered) {
      profilePhase("entity model (cache: nothing changed)");
      return remembered;
    }
    const build = async (): Promise<EntityModel> => {
      await project.loadEntityMetadata();
      const metadatas = dataSource.entityMetadatas;
      return { schema: schemaFromEntities(metadatas as any, { defaultSchema, sharedEnumTypes: dialect.sharedEnumTypes, materializedViews: dialect.materializedViews, fulltextIndexes: dialect.fulltextIndexes }), entityCount: metadatas.length };
    };
    if (!modelCache || !recorder) return build();
    const model = await recorder.during(build);
    modelCache.store(recorder.inputs(), config.entityGlobs, defaultSchema, model);
    return model;
  };
  const models = new Map<string | undefined, Promise<EntityModel>>();

  const project: Project = {
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
    async loadEntityMetadata() {
      if (!deferred || deferred.loaded) return;
      deferred.loaded = true;
      // The same failure initialize() would have reported had it built them.
      // (An entity file that fails to load is already explained.)
      await deferred.load().catch((error) => {
        throw error instanceof AthanorError ? error : initializeFailed(error);
      });
      profilePhase("build TypeORM entity metadata");
    },
    entityModel(defaultSchema) {
      // generate compares again after each rename answer: work it out once.
      let model = models.get(defaultSchema);
      if (!model) {
        model = entityModelOf(defaultSchema);
        models.set(defaultSchema, model);
      }
      return model;
    },
    async close() {
      await queryRunner.release().catch(() => undefined);
      if (ours && dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      deferred?.restore();
    },
  };
  return project;
}

/**
 * Take the entities and subscribers out of the DataSource's options so that
 * `initialize()` connects without loading or building them; `load()` puts
 * them back and builds them as `initialize()` would have (TypeORM's
 * `buildMetadatas`, then the driver's `afterConnect`, which installs the
 * extensions the entities need). With a TypeORM that lacks either method,
 * nothing is deferred.
 */
function deferEntities(
  dataSource: DataSource,
  loadEntityGlobs: () => void,
): { loaded: boolean; load(): Promise<void>; restore(): void } | undefined {
  const internals = dataSource as any;
  if (typeof internals.buildMetadatas !== "function" || typeof internals.driver?.afterConnect !== "function") return undefined;
  const { entities, subscribers } = dataSource.options as any;
  dataSource.setOptions({ entities: [], subscribers: [] } as any);
  const restore = () => dataSource.setOptions({ entities, subscribers } as any);
  return {
    loaded: false,
    async load() {
      restore();
      loadEntityGlobs();
      // buildMetadatas() also loads options.migrations, which openProject has
      // given back by now; Athanor loads migrations itself (TypeORM would
      // import() an ESM project's TypeScript natively, and fail).
      const { migrations } = dataSource.options as any;
      dataSource.setOptions({ migrations: [] } as any);
      try {
        await internals.buildMetadatas();
      } finally {
        dataSource.setOptions({ migrations } as any);
      }
      await internals.driver.afterConnect();
    },
    // The DataSource is the project's object (the programmatic API may be
    // handed one): leave its options as they were.
    restore,
  };
}

/** Run `body` with an open project and always close it. */
export async function withProject<T>(
  options: ProjectOptions,
  body: (project: Project) => Promise<T>,
  open: OpenOptions = {},
): Promise<T> {
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
 * TypeORM's initialize() connects the driver, then loads and validates the
 * entities (buildMetadatas), then runs driver set-up. Which step threw tells
 * a connection failure (exit 3) from a broken entity (exit 2); the hook only
 * records the step and changes nothing.
 */
function trackInitializePhase(dataSource: unknown): () => "connect" | "entities" | "after" {
  let phase: "connect" | "entities" | "after" = "connect";
  const ds = dataSource as { buildMetadatas?: (...args: unknown[]) => Promise<unknown> };
  const build = ds.buildMetadatas;
  if (typeof build === "function") {
    ds.buildMetadatas = async function (this: unknown, ...args: unknown[]) {
      phase = "entities";
      const result = await build.apply(this, args);
      phase = "after";
      return result;
    };
  }
  return () => phase;
}

/**
 * A connection URL that is not a URL is a configuration error: drivers parse
 * it leniently (pg reads "not a url" as a host name) and fail later with a
 * misleading message. Never quote the URL: it may hold the password.
 */
function rejectMalformedUrl(options: any, databaseType: string, dataSourceFile: string): void {
  const url = options?.url;
  if (typeof url !== "string" || url.startsWith("/")) return;
  if (!parseConnectionUrl(url)) {
    throw new UsageError(
      `The connection URL of the DataSource in ${dataSourceFile} (its url option, often DATABASE_URL) is not a valid URL: write it as ${databaseType}://user:password@host:5432/database, percent-encoding special characters in the password.`,
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
