/**
 * Opening a project: load the DataSource file, connect, and hand commands
 * the pieces they compose (dialect, query runner, bookkeeping, migrations).
 */
import type { DataSource, QueryRunner } from "typeorm";
import { findDialect, supportedDatabaseTypes } from "../dialects";
import type { Dialect } from "../dialects/dialect";
import { loadProjectConfig, type LoadOptions, type ProjectConfig } from "../config/load";
import { AthanorError, DatabaseError, UsageError, redact } from "../errors";
import { Bookkeeping } from "../runner/bookkeeping";
import { discoverMigrations, type MigrationSource } from "../runner/discover";
import { profilePhase } from "../profile";

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
   * migration transaction); resolves to the function that releases it.
   */
  lock(timeoutMs?: number): Promise<() => Promise<void>>;
  /**
   * Build TypeORM's entity metadata if `openProject` deferred it; call before
   * running migration code, which may use repositories or the connection's
   * metadata.
   */
  loadEntityMetadata(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Connect without loading entities or building TypeORM's metadata for them
   * (the slowest part of connecting); `loadEntityMetadata()` does it later,
   * if at all. For commands that only read and write the bookkeeping unless
   * there is migration code to run.
   */
  deferEntityMetadata?: boolean;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export type ProjectOptions = LoadOptions;

/** A project loaded without connecting: what offline commands (`run --sql`, `show`) need. */
export interface LoadedProject {
  config: ProjectConfig;
  dialect: Dialect;
  migrations: MigrationSource[];
  /** Where the database is, without credentials, for messages. */
  target: string;
}

/** Load the DataSource file, pick the dialect, discover migrations; connect to nothing. */
export function loadProject(options: ProjectOptions): LoadedProject {
  profilePhase("startup (node, CLI)");
  const config = loadProjectConfig(options);
  profilePhase("load DataSource and entities");
  const dialect = findDialect(config.databaseType);
  if (!dialect) {
    throw new UsageError(
      `The DataSource uses database type "${config.databaseType}", which Athanor does not support yet: use one of ${supportedDatabaseTypes().join(", ")}.`,
    );
  }
  const migrations = discoverMigrations(config.migrationGlobs, config.migrationClasses, config.cwd);
  profilePhase("load migrations");
  return { config, dialect, migrations, target: describeTarget(config) };
}

export async function openProject(options: ProjectOptions, open: OpenOptions = {}): Promise<Project> {
  const { config, dialect, migrations, target } = loadProject(options);

  const { dataSource } = config;
  const secrets = secretsOf(dataSource.options);
  const deferred = open.deferEntityMetadata ? deferEntities(dataSource) : undefined;
  // Athanor loads migrations itself and must never let TypeORM change the
  // schema on connect.
  dataSource.setOptions({
    migrations: [],
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    logging: false,
  } as any);
  const initializeFailed = (error: unknown) => {
    const explained = dialect.explainConnectionError?.(error, target);
    const message = error instanceof Error ? error.message : String(error);
    return new DatabaseError(
      redact(explained ?? `Cannot connect to ${target}: ${message}. Check the connection settings in ${config.dataSourceFile}.`, secrets),
    );
  };
  try {
    await dataSource.initialize();
  } catch (error) {
    throw initializeFailed(error);
  }

  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(redact(`Cannot connect to ${target}: ${message}`, secrets));
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
    async lock(timeoutMs = DEFAULT_LOCK_TIMEOUT_MS) {
      if (!dialect.acquireMigrationLock) return async () => undefined;
      const lockRunner = dataSource.createQueryRunner();
      await lockRunner.connect();
      try {
        const release = await dialect.acquireMigrationLock(lockRunner, { timeoutMs });
        return async () => {
          await release().catch(() => undefined);
          await lockRunner.release().catch(() => undefined);
        };
      } catch (error) {
        await lockRunner.release().catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        throw new DatabaseError(`Could not take the migration lock on ${target}: ${message}.`);
      }
    },
    async loadEntityMetadata() {
      if (!deferred || deferred.loaded) return;
      deferred.loaded = true;
      // The same failure initialize() would have reported had it built them.
      await deferred.load().catch((error) => {
        throw initializeFailed(error);
      });
      profilePhase("build TypeORM entity metadata");
    },
    async close() {
      await queryRunner.release().catch(() => undefined);
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      deferred?.restore();
    },
  };
}

/**
 * Take the entities and subscribers out of the DataSource's options so that
 * `initialize()` connects without loading or building them; `load()` puts
 * them back and builds them as `initialize()` would have (TypeORM's
 * `buildMetadatas`, then the driver's `afterConnect`, which installs the
 * extensions the entities need). With a TypeORM that lacks either method,
 * nothing is deferred.
 */
function deferEntities(dataSource: DataSource): { loaded: boolean; load(): Promise<void>; restore(): void } | undefined {
  const internals = dataSource as any;
  if (typeof internals.buildMetadatas !== "function" || typeof internals.driver?.afterConnect !== "function") return undefined;
  const { entities, subscribers } = dataSource.options as any;
  dataSource.setOptions({ entities: [], subscribers: [] } as any);
  const restore = () => dataSource.setOptions({ entities, subscribers } as any);
  return {
    loaded: false,
    async load() {
      restore();
      await internals.buildMetadatas();
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

function describeTarget(config: ProjectConfig): string {
  const options = config.dataSource.options as any;
  if (typeof options.database === "string" && !options.url && !options.host) {
    return `${config.databaseType} database ${options.database}`;
  }
  let host = options.host ?? "localhost";
  let port = options.port;
  let database = options.database;
  if (options.url) {
    try {
      const url = new URL(options.url);
      host = url.hostname || host;
      port = url.port || port;
      database = url.pathname.replace(/^\//, "") || database;
    } catch {
      return `${config.databaseType} database (unparseable url)`;
    }
  }
  return `${config.databaseType} at ${host}${port ? `:${port}` : ""}${database ? `/${database}` : ""}`;
}

function secretsOf(options: any): string[] {
  const secrets: string[] = [];
  if (typeof options.password === "string" && options.password) secrets.push(options.password);
  if (typeof options.url === "string") {
    try {
      const password = decodeURIComponent(new URL(options.url).password);
      if (password) secrets.push(password);
    } catch {
      // not a URL; nothing to hide beyond the URL pattern redact() handles
    }
  }
  return secrets;
}
