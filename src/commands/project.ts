/**
 * Opening a project: load the DataSource file, connect, and hand commands
 * the pieces they compose (dialect, query runner, bookkeeping, migrations).
 */
import type { QueryRunner } from "typeorm";
import { findDialect, supportedDatabaseTypes } from "../dialects";
import type { Dialect } from "../dialects/dialect";
import { loadProjectConfig, type LoadOptions, type ProjectConfig } from "../config/load";
import { AthanorError, DatabaseError, UsageError, redact } from "../errors";
import { Bookkeeping } from "../runner/bookkeeping";
import { discoverMigrations, type MigrationSource } from "../runner/discover";
import { faultPoint } from "../runner/fault-points";
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
  close(): Promise<void>;
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

export async function openProject(options: ProjectOptions): Promise<Project> {
  const { config, dialect, migrations, target } = loadProject(options);

  const { dataSource } = config;
  const secrets = secretsOf(dataSource.options);
  // A DataSource the caller already connected (programmatic API) stays theirs:
  // used as it is and left open.
  const ours = !dataSource.isInitialized;
  // Athanor loads migrations itself and must never let TypeORM change the
  // schema on connect.
  const overrides = { migrations: [], migrationsRun: false, synchronize: false, dropSchema: false, logging: false };
  const originals = Object.fromEntries(Object.keys(overrides).map((key) => [key, (dataSource.options as any)[key]]));
  if (ours) dataSource.setOptions(overrides as any);
  try {
    if (ours) await dataSource.initialize();
  } catch (error) {
    if (ours) Object.assign(dataSource.options, originals);
    const explained = dialect.explainConnectionError?.(error, target);
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      redact(explained ?? `Cannot connect to ${target}: ${message}. Check the connection settings in ${config.dataSourceFile}.`, secrets),
    );
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
        faultPoint("lock-acquired");
        return async () => {
          await release().catch(() => undefined);
          await lockRunner.release().catch(() => undefined);
          faultPoint("lock-released");
        };
      } catch (error) {
        await lockRunner.release().catch(() => undefined);
        const explained = dialect.explainConnectionError?.(error, target);
        if (explained) throw new DatabaseError(explained);
        const message = error instanceof Error ? error.message : String(error);
        throw new DatabaseError(`Could not take the migration lock on ${target}: ${message.replace(/\.$/, "")}.`);
      }
    },
    async close() {
      await queryRunner.release().catch(() => undefined);
      if (ours && dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    },
  };
}

/** Run `body` with an open project and always close it. */
export async function withProject<T>(options: ProjectOptions, body: (project: Project) => Promise<T>): Promise<T> {
  const project = await openProject(options);
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
