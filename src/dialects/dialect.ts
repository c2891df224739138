/**
 * The dialect seam. Everything that depends on which database we talk to lives
 * behind this interface, one folder per dialect under `dialects/`; the rest of
 * Athanor never asks "is this PostgreSQL?".
 */
import type { StatementRules } from "../danger/statement-rules";
import type { LiveCosts, StatementCost, StatementCostContext } from "./statement-cost";
import type { Column, ForeignKey, Schema } from "../schema/model";
import type { Operation } from "../ops/operations";
import type { OnlineOptions } from "../ops/online";

/**
 * The one thing a dialect needs from a connection: run a statement and get
 * its rows. TypeORM's QueryRunner satisfies it (`queryRunner.query`).
 */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/**
 * TypeORM QueryRunner's transaction control, where the connection has it
 * (one connection, not a pool): what lets a piece of work run in a
 * transaction of its own when the runner is not already in one.
 */
export interface TransactionControl {
  isTransactionActive?: boolean;
  startTransaction?(): Promise<void>;
  commitTransaction?(): Promise<void>;
  rollbackTransaction?(): Promise<void>;
}

export interface RenderContext {
  /**
   * The schema as it is just before `op` runs. Required by dialects whose
   * `needsSchema(op)` says so (SQLite rebuilds a table from its definition).
   */
  schema?: Schema;
  /**
   * Render the lock-safe form where the dialect has one (`op(queryRunner,
   * { online: true })`, `generate --online`); dialects without long table
   * locks ignore it.
   */
  online?: OnlineOptions;
  /**
   * The statements will run inside a transaction block (the runner's, for a
   * migration with `transaction = true`): a lock-safe form that commits as
   * it goes cannot run there, so the dialect renders the plain one. Absent:
   * outside one, as `generate --online` writes its migrations.
   */
  inTransaction?: boolean;
}

/** Facts about a rendered operation that users should be told about. */
export interface RenderedOperation {
  statements: string[];
  /** Human sentences such as "rebuilds table users (copies every row)". */
  notes: string[];
  /**
   * The statements must each run on their own, outside any transaction
   * (CREATE INDEX CONCURRENTLY; NOT VALID then VALIDATE, whose point is that
   * the validation does not hold the lock the ADD took).
   */
  outsideTransaction?: boolean;
  /**
   * Run when one of `statements` fails outside a transaction, so a failed
   * operation leaves nothing half-done (a concurrent index build that failed
   * leaves an invalid index). Errors of these are reported, not thrown.
   */
  cleanup?: string[];
}

/** Something in a schema the database refuses to create (Dialect.refusals). */
export interface Refusal {
  /** The table it is in. */
  table: string;
  /** What it is, unique in the schema (e.g. the foreign key's name with its table). */
  key: string;
  /** The entry of docs/errors.md that describes it (E234…). */
  id: string;
  /** What is refused and why, naming the table and columns. */
  problem: string;
  /** What to change in the entities. */
  fix: string;
}

/** A refusal as the one sentence a user reads. */
export function refusalSentence(refusal: Refusal): string {
  return `${refusal.problem}: ${refusal.fix}.`;
}

/** An extension a migration must create, and the first column that needs it. */
export interface RequiredExtension {
  extension: string;
  table: string;
  column: string;
  type: string;
}

export interface Dialect {
  /** Registry key, also printed to users: "sqlite", "postgres". */
  readonly name: string;
  /** Whether DDL statements roll back with the transaction. */
  readonly transactionalDDL: boolean;
  /** The server's usual port, for the example URL of a hint (absent: no server, SQLite). */
  readonly defaultPort?: number;
  /**
   * Whether the database keeps table comments: where it does not (SQLite),
   * a table's comment is never a difference and setting one renders nothing.
   */
  readonly tableComments: boolean;
  /**
   * Whether an enum column's `enumName` names a database type that columns
   * share (PostgreSQL's CREATE TYPE): a column naming it without values then
   * has the values of the column that declares them. Where there is no such
   * type (SQLite), such a column has no values, as TypeORM has it.
   */
  readonly sharedEnumTypes?: boolean;
  /** Whether the database has materialized views (PostgreSQL); elsewhere TypeORM makes them plain views. */
  readonly materializedViews?: boolean;
  /** Whether the database has FULLTEXT indexes (MySQL/MariaDB): TypeORM's `fulltext: true` is honoured only there. */
  readonly fulltextIndexes?: boolean;

  /**
   * This dialect as it speaks to the server behind `db`, where rendering and
   * normalizing depend on the server's version (MySQL/MariaDB: see
   * dialects/mysql/server.ts). Read once per connection; absent where one
   * dialect serves every version.
   */
  forServer?(db: Queryable): Promise<Dialect>;

  /**
   * This dialect for a server version named offline, where no server answers
   * (`--dialect mysql@8.0`): undefined when `version` names none it knows.
   */
  atVersion?(version: string): Dialect | undefined;

  /** Quote an identifier. */
  quote(identifier: string): string;

  /**
   * A point in time as a literal the database takes for a timestamp column
   * (the bookkeeping's applied_at), where the ISO 8601 text with its "Z" is
   * refused (MySQL/MariaDB). Absent: the ISO text.
   */
  timestampLiteral?(at: Date): string;

  /**
   * Read the live schema with a constant number of catalog queries, whatever
   * the number of tables or columns. Tables named in `exclude` (the
   * bookkeeping table) and the database's internal tables are left out.
   * Dialects with schemas read the default one plus those in `schemas`
   * (qualifying the names of their tables, see schema/table-name.ts).
   */
  introspect(db: Queryable, options?: { exclude?: string[]; schemas?: string[] }): Promise<Schema>;

  /**
   * `introspect` started before the entities' schema is built, where the
   * dialect reads the same whatever that schema (no schemas to add) and its
   * queries can run off this thread meanwhile (SQLite on node sqlite3:
   * libuv's thread pool). Resolves once they are under way, to the function
   * that finishes reading: the schema, or the error, `introspect(db,
   * options)` would give. Undefined where nothing can run ahead; absent on
   * dialects that never can.
   */
  introspectAhead?(db: Queryable, options: { exclude?: string[] }): Promise<(() => Promise<Schema>) | undefined>;

  /**
   * The schema (namespace) unqualified names resolve to on this connection
   * (PostgreSQL's `current_schema()`). Absent on dialects without schemas:
   * there, an entity's `schema` is ignored, as TypeORM ignores it.
   */
  defaultSchema?(db: Queryable): Promise<string>;

  /**
   * The column names of one table in the schema Athanor works on, or
   * undefined when there is no such table: one cheap catalog query that
   * locks no table (the bookkeeping check every command makes).
   */
  tableColumns(db: Queryable, table: string): Promise<string[] | undefined>;

  /**
   * Whether a complete, usable index of `table` (found as `tableColumns`
   * finds it) starts with `column`, whatever its name or who made it: one
   * catalog query that locks no table. The bookkeeping asks it of `name`,
   * which every migration looks up, and adds its index when there is none
   * (runner/bookkeeping.ts). Absent: no index is added.
   */
  hasIndexOn?(db: Queryable, table: string, column: string): Promise<boolean>;

  /**
   * The live schema read the way `target` declares what this database's
   * catalog cannot tell apart (MySQL/MariaDB: a unique constraint is a
   * unique index, reported as one). Called on the introspected schema before
   * it is compared with the entities; absent where the catalog keeps the
   * difference.
   */
  readAsDeclared?(current: Schema, target: Schema): Schema;

  /**
   * How the database compares the names of indexes and constraints, as a
   * key: two names with the same key are one name to the server
   * (MySQL/MariaDB: ignoring case, dialects/mysql/names.ts; SQLite: ignoring ASCII case). The diff pairs
   * names this way. Absent: exactly, as written.
   */
  foldName?(name: string): string;

  /**
   * Why the entities' schema `target` cannot be created on this database
   * because two of its index or constraint names are one name to the server
   * (see `foldName`): the sentence `generate`, `check` and `verify` stop
   * with. Undefined when no names clash; absent where the database keeps
   * every name the entities can declare apart.
   */
  nameClash?(target: Schema): string | undefined;

  /**
   * The form of a column that the database can faithfully store and report:
   * both sides of a diff pass through it before comparison, so that what the
   * dialect cannot represent (SQLite has no uuid type, say) never shows up as
   * a change.
   */
  comparable(column: Column): Column;

  /**
   * The extensions (PostgreSQL's citext, vector, ...) that columns of
   * `target` need and that no column of `current` uses yet: the migration
   * creates them first. Absent on dialects without extensions.
   */
  requiredExtensions?(current: Schema, target: Schema): RequiredExtension[];

  /**
   * Why one of `required` cannot be created on the server behind `db` (it
   * has neither installed it nor can install it): the sentence a user sees,
   * naming the column and the extension; undefined when all can be.
   */
  unavailableExtension?(db: Queryable, required: readonly RequiredExtension[]): Promise<string | undefined>;

  /**
   * Why a storage engine an entity of `target` names cannot be used on the
   * server behind `db` (MySQL/MariaDB: not among the engines it offers, E258,
   * dialects/mysql/engines.ts): the sentence a user sees, naming the table,
   * the engine and the engines the server has; undefined when all can be.
   * Absent on dialects without engines.
   */
  unavailableEngine?(db: Queryable, target: Schema): Promise<string | undefined>;

  /**
   * Whether the database refuses to change a column from `from` to `to`
   * while `foreignKey` uses it, on either side of the key (MySQL/MariaDB:
   * "Cannot change column …: used in a foreign key constraint", for a new
   * type or collation whatever foreign_key_checks says:
   * dialects/mysql/foreign-key-columns.ts). The diff then drops the key
   * before the change and creates it again after, which checks every row
   * again; it asks both ways, since `down` runs the change backwards. Absent
   * where a column changes under its foreign keys (PostgreSQL; SQLite
   * rebuilds the table).
   */
  foreignKeyBlocksAlter?(from: Column, to: Column, foreignKey: ForeignKey): boolean;

  /**
   * Whether migration code whose source is `source` may rely on what
   * TypeORM's driver does for the entities when it connects (PostgreSQL:
   * `CREATE EXTENSION` for uuid generation, citext, hstore, PostGIS, … columns
   * and btree_gist for exclusion constraints). `run` and `revert` build the
   * entity metadata, which does it, before code that may; code that calls
   * only `op()` and `queryRunner.query` and mentions none of it runs without.
   * Absent: nothing the driver does on connecting depends on the entities.
   */
  reliesOnEntitySetup?(source: string): boolean;

  /** Whether `render(op)` needs `context.schema`. */
  needsSchema(op: Operation): boolean;

  /** SQL statements that perform `op`, in order. */
  render(op: Operation, context?: RenderContext): RenderedOperation;

  /**
   * The dialect's own danger rules (src/danger): what a statement does on
   * this database that the portable rules cannot know — which lock it takes
   * and for how long (PostgreSQL: dialects/postgres/lock-rules.ts). Absent
   * where there is nothing to add (SQLite locks the whole database for every
   * write anyway).
   *
   * Called once per statement a migration sends, in order, with the
   * statement normalized (comments out, whitespace collapsed): the SQL
   * `render` gives for each op() call — `generate` and `lint` render every
   * operation for a dialect that has rules — and each hand-written
   * statement. `context` says which tables this migration created (nothing
   * done to them is a risk), the statements before this one, the operation
   * that rendered it, and whether the migration runs in a transaction.
   *
   * Return findings made with danger/codes.ts `finding(code, sentence, fix,
   * subject)`, using codes listed in LINT_CODES with this dialect's name in
   * their `dialects` (add new ones there: codes are one namespace, never
   * renumbered). Each finding shows in the generated migration's header, in
   * `athanor lint` (also with `--dialect <name>` from another project) and
   * in `--json`, and can be silenced by its code.
   */
  readonly statementRules?: StatementRules;

  /**
   * What of `schema` this database certainly refuses to create, although
   * the other databases take it (MySQL/MariaDB: foreign keys it calls
   * "incorrectly formed", errno 150: dialects/mysql/refused-foreign-keys.ts);
   * with `tables`, only what involves those tables. `generate`, `check` and
   * `verify` refuse such entities (exit 2) before anything is written or
   * run; `lint` reports a migration step that makes one (AT-R001). Absent
   * where the database takes whatever the model can hold.
   */
  refusals?(schema: Schema, tables?: ReadonlySet<string>): Refusal[];

  /**
   * What one statement (normalized, as for `statementRules`) costs on this
   * database (`athanor plan`): the existing table it works on, the lock it
   * takes there and whether it rewrites, scans, indexes or only changes the
   * catalog; undefined for a statement that touches no existing table, or
   * that the dialect cannot read.
   */
  statementCost?(statement: string, context: StatementCostContext): StatementCost | undefined;

  /** Reading sizes, throughput and blocking sessions from the live server (`athanor plan`). */
  readonly liveCosts?: LiveCosts;

  /**
   * Runner hooks around each migration's transaction (optional). SQLite uses
   * them to switch foreign keys off outside the transaction — a table rebuild
   * would otherwise fire ON DELETE actions — and to run
   * `PRAGMA foreign_key_check` before commit.
   */
  readonly session?: MigrationSessionHooks;

  /**
   * Take the run-level lock that makes concurrent runners wait for each
   * other, on a connection of its own (`db`), outside every migration
   * transaction.
   */
  acquireMigrationLock?(db: Queryable, options: LockOptions): Promise<HeldLock>;

  /**
   * Keep the database from ending a session that a run holds while it idles
   * (the migration connection waits for the lock; the lock's connection
   * idles all run long): idle timeouts off, keepalives on.
   */
  keepSessionAlive?(db: Queryable): Promise<void>;

  /**
   * Where the run-level lock can be lost while its runner carries on (a
   * PostgreSQL session that ends), the claim each migration also takes on the
   * connection that runs it, so that it is applied exactly once whatever
   * happened to the run-level lock. Absent where that lock cannot be lost.
   */
  readonly migrationClaim?: MigrationClaim;

  /**
   * Where the database keeps commits in order and can let them return before
   * they are durable (PostgreSQL: synchronous_commit off for the session),
   * how a run that commits outside one transaction — one commit per
   * statement or op() call — defers their flush to its last, durable commit
   * (runner/deferred-flush.ts).
   */
  readonly deferredFlush?: DeferredFlush;

  /**
   * A commit costs far more than a small migration (SQLite: an fsync of the
   * rollback journal or WAL per commit, statements in-process): `run` lets
   * consecutive migrations share a commit, each in a savepoint of its own
   * (runner/execute.ts, Batch.group).
   */
  readonly groupCommit?: boolean;

  /**
   * One query may hold several statements separated by `;` (PostgreSQL's
   * simple query protocol): the runner sends its bookkeeping writes together,
   * in one round trip.
   */
  readonly statementLists?: boolean;

  /**
   * Run several statements in one call to the driver, in order, stopping at
   * the first that fails (SQLite: the driver's `exec`, one trip to node
   * sqlite3's worker thread instead of two per statement; PostgreSQL: one
   * simple-protocol query, one round trip). What TypeORM's `query` does
   * around a statement is done for each: its logger and its query
   * subscribers hear of it. Resolves to the rows of each statement where the
   * driver answers them (PostgreSQL), nothing where it does not (SQLite's
   * `exec`: statements that return no rows). The runner sends a SQLite
   * commit group's bookkeeping this way, and on PostgreSQL its own
   * statements with the next one (runner/statement-journal.ts, `hold`);
   * absent, one query per statement.
   */
  sendList?(db: Queryable, statements: readonly string[]): Promise<unknown[][] | void>;

  /**
   * Get ready to cancel, from elsewhere, the statement `db` (the migration
   * connection) is running: a signal stops `run` part-way. Called before
   * any migration runs; the returned function may need `via`, another
   * connection (PostgreSQL cancels a backend from a second session).
   */
  statementCanceller?(db: Queryable): Promise<StatementCanceller>;

  /**
   * A cancel that reaches a statement before the database has started it is
   * lost (node sqlite3's `interrupt()`, while the statement waits for the
   * driver's worker thread), and a repeated one cannot reach the runner's
   * next statement (it acts at once, on this thread): the runner repeats it
   * until the statement in flight when the stop came has been answered.
   * Not where a cancel goes through another connection and could land on
   * the ROLLBACK that follows.
   */
  readonly cancelLostBeforeStart?: boolean;

  /**
   * Whether the driver runs each statement on this thread (better-sqlite3):
   * then no signal is heard while a statement runs, nor after, since one
   * statement follows another without the event loop turning. The runner
   * lets it turn between statements, at most every LOOP_TURN_MS, so that a
   * stop request is heard before the next statement.
   */
  answersOnThisThread?(db: Queryable): boolean;

  /**
   * DataSource options to set before connecting, given how long the user
   * asked to wait for the server (undefined: not asked; the dialect may read
   * the DataSource's own settings and apply a default). PostgreSQL: the
   * connect timeout.
   */
  connectionOverrides?(options: Record<string, unknown>, settings: { connectTimeoutMs?: number }): Record<string, unknown>;

  /**
   * Turn a driver's connection error into one sentence a user can act on, or
   * undefined when the error is not one this dialect recognizes. `target`
   * describes the server without credentials ("postgres at 127.0.0.1:5432/app").
   */
  explainConnectionError?(error: unknown, target: string): string | undefined;

  /**
   * Turn an error raised by a migration's statement into one sentence a user
   * can act on (PostgreSQL: a lock_timeout that tripped), or undefined.
   */
  explainMigrationError?(error: unknown): string | undefined;

  /**
   * Why this process cannot write the database behind `db` (SQLite: a
   * read-only file or directory), as one sentence with the fix, or undefined.
   * Asked before the bookkeeping is written, so the failure names the cause
   * instead of whichever statement first tried to write.
   */
  cannotWrite?(db: Queryable): Promise<string | undefined>;

  /**
   * The sentence of a data check (dialects/data-checks.ts) that stopped a
   * migration, when the dialect's check statement cannot make it the error
   * message itself (SQLite wraps it in a JSON path error); undefined for any
   * other error. PostgreSQL's checks raise the sentence as it is.
   */
  dataCheckFailure?(error: unknown): string | undefined;

  /**
   * A new, empty database for `athanor verify`, so migrations can be run up
   * and down without touching the configured one. `db` is a connection to
   * the configured database (PostgreSQL creates the scratch database on the
   * same server through it); `options` are the DataSource's options.
   */
  createScratchDatabase?(db: Queryable, options: ConnectionOptions): Promise<ScratchDatabase>;

  /**
   * Copy the database before `run --backup` migrates it, or explain how to
   * take a copy with the database's own tools where Athanor cannot make one.
   */
  backup?(db: Queryable, options: BackupOptions): Promise<BackupResult>;

  /**
   * Put back a copy `backup` made (`athanor restore`), replacing everything
   * in the database. Where the database is one file (`databaseFile`), the
   * file is replaced once every connection is closed, and `db` is undefined;
   * otherwise the restore goes through `db`.
   */
  restore?(db: Queryable | undefined, options: RestoreOptions): Promise<void>;
  /** A usage error unless `options.file` is a backup `restore` can read; run before asking for confirmation. */
  checkBackup?(db: Queryable, options: RestoreOptions): Promise<void>;
  /** The file holding the database, for dialects whose database is one (SQLite); undefined in memory. */
  databaseFile?(db: Queryable): Promise<string | undefined>;
}

export interface RestoreOptions {
  connection: ConnectionOptions;
  /** The backup file, absolute. */
  file: string;
  /** The database file (SQLite), absolute, as the connection opened it. */
  databaseFile?: string;
}

/** A DataSource's options (TypeORM's DataSourceOptions), read loosely. */
export type ConnectionOptions = Readonly<Record<string, unknown>>;

export interface ScratchDatabase {
  /** Put over the DataSource's options to connect to the scratch database. */
  connection: Record<string, unknown>;
  /** Where it is, without credentials, for messages. */
  description: string;
  /** Run once on a connection to the scratch database, before any migration. */
  prepare?(db: Queryable): Promise<void>;
  /** Remove it (called after every connection to it is closed). */
  drop(): Promise<void>;
}

export interface BackupOptions {
  connection: ConnectionOptions;
  /** When the backup is taken; names the copy. */
  at: Date;
  /** The project directory (absolute): where a server database's dump goes by default. */
  projectDir: string;
  /** Where to put the copy (absolute; `--backup-dir`); default beside the SQLite file, or the project directory. */
  directory?: string;
}

export type BackupResult =
  /** `location`: the absolute path of the copy. */
  | { taken: true; location: string }
  /** `advice`: one sentence saying why no copy was made and how to make one. */
  | { taken: false; advice: string };

export interface MigrationSessionHooks {
  beforeTransaction(db: Queryable): Promise<void>;
  /**
   * Throws when the migration left the database inconsistent. `statements`:
   * what the transaction sent, when known, so the check can cover only what
   * they touched.
   */
  beforeCommit(db: Queryable, statements?: readonly string[]): Promise<void>;
  afterTransaction(db: Queryable): Promise<void>;
}

export interface LockOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: () => void;
  /** Stop waiting when this is aborted (a signal). */
  signal?: AbortSignal;
}

/** A run-level migration lock, held. */
export interface HeldLock {
  release(): Promise<void>;
  /**
   * Whether the lock is still held (false once the session that held it
   * ended). Absent where the lock lives as long as the process does.
   */
  stillHeld?(): Promise<boolean>;
  /**
   * What `stillHeld` asks, as one statement any connection to the same
   * server can send: it answers one row whose `held` is true while the lock
   * is held. The runner sends it with its own statements on the migration
   * connection (no round trip of its own). Absent: only `stillHeld`.
   */
  heldQuery?: string;
}

export interface MigrationClaim {
  /**
   * The first statement inside a migration's transaction, before the
   * bookkeeping is re-read; it waits for another runner's transaction that
   * holds the claim, and ends with COMMIT or ROLLBACK.
   */
  inTransaction(db: Queryable, options?: ClaimOptions): Promise<void>;
  /**
   * Before a migration that runs outside a transaction (and before its
   * bookkeeping is re-read): resolves to the function that releases it.
   * Its try is one statement `SELECT <try> AS locked` whose `locked` is
   * true (or 1) when taken: offline SQL (runner/recording-query-runner.ts)
   * answers exactly that statement as taken, and any other shape would be
   * retried there until the lock timeout.
   */
  outsideTransaction(db: Queryable, options: LockOptions): Promise<() => Promise<void>>;
}

export interface DeferredFlush {
  /**
   * From now on, commits on `db` (outside any transaction) return before
   * they are durable. Resolves to the function that puts the session's own
   * setting back, after which the next commit that writes anything is
   * durable and makes every earlier one durable with it; undefined when the
   * session already commits without waiting (nothing to defer, nothing to
   * put back).
   */
  start(db: Queryable): Promise<(() => Promise<void>) | undefined>;
}

export interface ClaimOptions {
  /**
   * The transaction's COMMIT may return before it is durable where the
   * database keeps commits in order (PostgreSQL: synchronous_commit off for
   * this transaction alone). The runner ends every run that committed
   * migrations with a durable commit, which makes all of them durable; a
   * server crash before it can only lose a tail of whole migrations.
   */
  flushLater?: boolean;
}

/** Cancel what the migration connection is running now; `via` is another connection to send it on. */
export type StatementCanceller = (via?: Queryable) => Promise<void>;
