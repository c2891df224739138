/**
 * The bookkeeping table: TypeORM's `migrations` table (`id`, `timestamp`,
 * `name`) plus Athanor's `checksum`, `applied_at` and `execution_ms`, added
 * when missing. A table written by TypeORM's own runner is therefore read as
 * it is, and both runners agree on what is applied.
 *
 * The table is created and extended through the dialect's own rendering of
 * operations, so this module holds no dialect SQL of its own.
 */
import type { Dialect, Queryable } from "../dialects/dialect";
import { createHash } from "node:crypto";
import { emptySchema, type Column, type Index, type Schema, type Table } from "../schema/model";
import { DatabaseError } from "../errors";

export interface AppliedMigration {
  id: number;
  timestamp: number;
  name: string;
  checksum?: string;
  appliedAt?: Date;
  executionMs?: number;
  /**
   * Set while a migration that ran outside a transaction is only partly
   * applied (MySQL commits every DDL statement): how many of its statements
   * took effect, and how many it has (undefined when unknown). Such a row
   * counts as pending; the next `run` continues after `applied`.
   */
  partial?: PartialProgress;
}

/** What the bookkeeping says of one migration (Bookkeeping.progress). */
export interface MigrationProgress {
  applied: boolean;
  partial?: PartialProgress;
}

/**
 * Statements the runner sends with a bookkeeping write, in one round trip
 * with it where `send` (or the dialect's statement lists) allows: a commit
 * group's RELEASE of the migration's savepoint and the next one's SAVEPOINT.
 * `send` runs several statements in one call to the driver, observed as the
 * runner observes its queries (runner/execute.ts).
 */
export interface RoundTrip {
  then?: readonly string[];
  send?: (statements: readonly string[]) => Promise<void>;
  /**
   * Hold the write back to go out with the runner's next statement, its
   * COMMIT (runner/statement-journal.ts, ObservedStatements.hold): only the
   * sending is held, after every read the write needs.
   */
  hold?: (fn: () => Promise<void>) => Promise<void>;
}

export interface PartialProgress {
  applied: number;
  total?: number;
  /**
   * How many of the migration's op() calls had finished, and how many of
   * `applied` were theirs, at the last write (undefined on a row an earlier
   * Athanor wrote): what lets `revert` tell which operations took effect.
   */
  operations?: { finished: number; statements: number };
  /** Set once a revert of the applied part has started: how many statements of its inverse took effect. */
  reverted?: number;
  /**
   * Up: a digest of what took effect (runner/resume-trace.ts), checked
   * before a continuation sends anything (undefined on a row an earlier
   * Athanor wrote).
   */
  digest?: string;
  /**
   * The revert started from a complete migration (its row in the migrations
   * table, now gone): all of its down() runs, whatever it holds, and
   * `reverted` of its statements already took effect. `applied` and `total`
   * are then the statements of its up() (0 and undefined when unknown), and
   * `operations` counts the op() calls of its down() that finished.
   */
  wholeRevert?: boolean;
}

/**
 * The table that holds partial progress, beside TypeORM's: TypeORM's own
 * runner reads only the migrations table and would take any row there for
 * an applied migration, so a partly applied one has no row there until it
 * completes.
 */
export function progressTableName(tableName: string): string {
  return `${tableName}_progress`;
}

/** Every table the bookkeeping may own: what introspection leaves out. */
export function bookkeepingTableNames(tableName: string): string[] {
  return [tableName, progressTableName(tableName)];
}

const PROGRESS_COLUMNS: Column[] = [
  { name: "name", type: "varchar", length: 255, nullable: false },
  { name: "timestamp", type: "bigint", nullable: false },
  { name: "checksum", type: "varchar", length: 64, nullable: true },
  { name: "started_at", type: "timestamptz", nullable: true },
  { name: "applied_statements", type: "integer", nullable: false },
  { name: "statement_count", type: "integer", nullable: true },
  { name: "finished_operations", type: "integer", nullable: true },
  { name: "finished_operation_statements", type: "integer", nullable: true },
  { name: "reverted_statements", type: "integer", nullable: true },
  { name: "whole_revert", type: "integer", nullable: true },
  { name: "resume_digest", type: "varchar", length: 64, nullable: true },
];

function progressTable(tableName: string): Table {
  return {
    name: progressTableName(tableName),
    columns: PROGRESS_COLUMNS,
    primaryKey: { columns: ["name"] },
    uniques: [],
    indexes: [],
    foreignKeys: [],
    checks: [],
  };
}

const TYPEORM_COLUMNS: Column[] = [
  { name: "id", type: "integer", nullable: false, generated: "increment" },
  { name: "timestamp", type: "bigint", nullable: false },
  { name: "name", type: "varchar", nullable: false },
];

const ATHANOR_COLUMNS: Column[] = [
  { name: "checksum", type: "varchar", length: 64, nullable: true },
  { name: "applied_at", type: "timestamptz", nullable: true },
  { name: "execution_ms", type: "integer", nullable: true },
  // Written by earlier versions on a partial row (now in the progress table); still read, and moved by ensure().
  { name: "applied_statements", type: "integer", nullable: true },
  { name: "statement_count", type: "integer", nullable: true },
];

/**
 * The index on `name`: every migration reads and writes its row by name (the
 * re-read after the claim, the execution_ms correction, a revert's DELETE),
 * and without it each of those scans the table, so each migration of a long
 * run costs more than the one before. Not unique: a table TypeORM's runner
 * or a hand wrote may hold a name twice, and Athanor reads the first.
 * Named `<table>_name_idx`, as PostgreSQL names such an index itself; a name
 * past 63 bytes (PostgreSQL's limit; MySQL's is 64) is cut and given a hash
 * of the whole, so two long table names do not meet. Index names are
 * schema-wide on PostgreSQL and SQLite: the table's own name in it keeps two
 * bookkeeping tables apart.
 */
export function nameIndex(tableName: string): Index {
  const whole = `${tableName}_name_idx`;
  if (Buffer.byteLength(whole) <= 63) return { name: whole, columns: ["name"], unique: false };
  const hash = createHash("sha256").update(tableName).digest("hex").slice(0, 8);
  let head = tableName;
  while (Buffer.byteLength(`${head}_${hash}_name_idx`) > 63) head = head.slice(0, -1);
  return { name: `${head}_${hash}_name_idx`, columns: ["name"], unique: false };
}

export function bookkeepingTable(tableName: string): Table {
  return {
    name: tableName,
    columns: [...TYPEORM_COLUMNS, ...ATHANOR_COLUMNS],
    primaryKey: { columns: ["id"] },
    uniques: [],
    indexes: [nameIndex(tableName)],
    foreignKeys: [],
    checks: [],
  };
}

export class Bookkeeping {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
    readonly tableName: string,
  ) {}

  private get table(): string {
    return this.dialect.quote(this.tableName);
  }

  /** Whether the table exists, without creating it (read-only commands). */
  async exists(): Promise<boolean> {
    return (await this.dialect.tableColumns(this.db, this.tableName)) !== undefined;
  }

  /**
   * Create the table, or add Athanor's columns to a table TypeORM created
   * (and the index on name: addNameIndex). Looks at this one table only (not the whole schema), so it costs the
   * same however many tables the database has.
   */
  async ensure(): Promise<void> {
    // Every caller writes next (a migration, a stamp): a database this
    // process cannot write is said as such, not as a failed statement.
    const readOnly = await this.dialect.cannotWrite?.(this.db);
    if (readOnly) throw new DatabaseError(readOnly);
    const statements = await this.missingStatements();
    // A table these statements create comes with its index; one a concurrent runner created may lack it.
    let indexed = this.created;
    try {
      for (const sql of statements) await this.db.query(sql);
    } catch (error) {
      indexed = false;
      // A concurrent runner may have created or extended the table between
      // our look and our statements; that is not a failure.
      const now = await this.dialect.tableColumns(this.db, this.tableName);
      const complete = now && ATHANOR_COLUMNS.every((c) => now.includes(c.name));
      if (!complete) {
        const what = `${now ? "add Athanor's columns to" : "create"} the bookkeeping table ${this.tableName}`;
        // Another writer holding the database is a wait, not a permission problem.
        const explained = this.dialect.explainMigrationError?.(error);
        if (explained) throw new DatabaseError(`Could not ${what}: ${explained}.`);
        const message = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, "");
        throw new DatabaseError(
          `Could not ${what}: ${message}: let the database user create and alter tables there (or run once as a user who can), then run again.`,
        );
      }
    }
    if (!indexed) await this.addNameIndex();
    await this.moveLegacyPartialRows();
  }

  /**
   * A table that exists without an index on `name` (TypeORM's runner makes
   * none; nor did Athanor before) gets one, once: see nameIndex. A table
   * Athanor just created has it already, and one with any index that starts
   * with `name` (a DBA's, a unique one) is left as it is. The index only
   * makes lookups faster, so a database user who may not create it (on
   * PostgreSQL only the table's owner may) still runs, at the old speed:
   * nothing is said, the table works as it did. A concurrent runner that
   * created it first is the same case.
   */
  private async addNameIndex(): Promise<void> {
    if (!this.dialect.hasIndexOn || (await this.dialect.hasIndexOn(this.db, this.tableName, "name"))) return;
    const op = { kind: "createIndex" as const, table: this.tableName, index: nameIndex(this.tableName) };
    const schema = this.dialect.needsSchema(op) ? await this.dialect.introspect(this.db) : undefined;
    try {
      for (const sql of this.dialect.render(op, { schema }).statements) await this.db.query(sql);
    } catch {
      // Left without it (see above).
    }
  }

  /**
   * A partial row an earlier version wrote into the migrations table, where
   * TypeORM's runner takes it for applied, moves to the progress table
   * (inserted there first: a kill in between leaves it in both, still partial).
   */
  private async moveLegacyPartialRows(): Promise<void> {
    const q = (id: string) => this.dialect.quote(id);
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} WHERE ${q("applied_statements")} IS NOT NULL`);
    for (const row of rows) {
      const entry = { timestamp: Number(row.timestamp), name: String(row.name), checksum: row.checksum ?? undefined };
      const existing = await this.progressRow(entry.name);
      if (!existing) await this.recordPartial(entry, partialOf(row)!, false);
      await this.db.query(
        `DELETE FROM ${this.table} WHERE ${q("name")} = ${literal(entry.name)} AND ${q("applied_statements")} IS NOT NULL`,
      );
    }
  }

  private get progressTable(): string {
    return this.dialect.quote(progressTableName(this.tableName));
  }

  /**
   * Whether the progress table exists, looked up once (when the plan is
   * read, before any migration runs): a run's statements, which `--verbose`
   * prints and `run --sql` reproduces, then hold no extra catalog read. This
   * runner creates it itself before it needs it (ensureProgressTable).
   */
  protected async hasProgressTable(): Promise<boolean> {
    if (this.progressTableKnown === undefined) {
      const columns = await this.dialect.tableColumns(this.db, progressTableName(this.tableName));
      this.progressTableKnown = columns !== undefined;
      this.missingProgressColumns = columns ? PROGRESS_COLUMNS.filter((c) => !columns.includes(c.name)) : [];
    }
    return this.progressTableKnown;
  }
  private progressTableKnown: boolean | undefined;
  /** Columns an earlier version's progress table lacks (whole_revert), added before the next write. */
  private missingProgressColumns: Column[] = [];

  /**
   * Create the progress table if missing. Called before a migration whose
   * progress is followed starts, so that recording its first statement is
   * one INSERT (a kill between a statement and its record leaves the count
   * one short, never the table half-made and the statement unrecorded).
   */
  async ensureProgressTable(): Promise<void> {
    if (this.progressTableKnown) return this.addMissingProgressColumns();
    // Looked up again: another runner may have created it since.
    this.progressTableKnown = undefined;
    if (await this.hasProgressTable()) return this.addMissingProgressColumns();
    const statements = this.dialect.render(
      { kind: "createTable", table: progressTable(this.tableName) },
      { schema: emptySchema() },
    ).statements;
    try {
      for (const sql of statements) await this.db.query(sql);
    } catch (error) {
      // A concurrent runner may have created it first.
      this.progressTableKnown = undefined;
      if (!(await this.hasProgressTable())) throw error;
    }
    this.progressTableKnown = true;
    this.missingProgressColumns = [];
  }

  /** A progress table an earlier version created gets the columns it lacks. */
  private async addMissingProgressColumns(): Promise<void> {
    const missing = this.missingProgressColumns;
    if (missing.length === 0) return;
    const table = progressTableName(this.tableName);
    const ops = missing.map((column) => ({ kind: "addColumn" as const, table, column }));
    const schema = ops.some((op) => this.dialect.needsSchema(op)) ? await this.dialect.introspect(this.db) : undefined;
    try {
      for (const sql of ops.flatMap((op) => this.dialect.render(op, { schema }).statements)) await this.db.query(sql);
    } catch (error) {
      // A concurrent runner may have added them first.
      const now = (await this.dialect.tableColumns(this.db, table)) ?? [];
      if (!missing.every((c) => now.includes(c.name))) throw error;
    }
    this.missingProgressColumns = [];
  }

  /** The progress rows, by name. */
  private async progressRows(): Promise<Map<string, AppliedMigration>> {
    const byName = new Map<string, AppliedMigration>();
    if (!(await this.hasProgressTable())) return byName;
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.progressTable} ORDER BY ${this.dialect.quote("started_at")}`);
    for (const row of rows) byName.set(String(row.name), progressRowOf(row));
    return byName;
  }

  private async progressRow(name: string): Promise<AppliedMigration | undefined> {
    if (!(await this.hasProgressTable())) return undefined;
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.progressTable} WHERE ${this.dialect.quote("name")} = ${literal(name)}`);
    return rows.length === 0 ? undefined : progressRowOf(rows[0]);
  }

  /** Whether missingStatements found no table (its statements create it, with its index). */
  private created = false;

  private async missingStatements(): Promise<string[]> {
    const existing = await this.dialect.tableColumns(this.db, this.tableName);
    this.created = !existing;
    if (!existing) return createBookkeepingStatements(this.dialect, this.tableName, emptySchema());
    this.checkTypeOrmColumns(existing);
    const missing = ATHANOR_COLUMNS.filter((c) => !existing.includes(c.name));
    if (missing.length === 0) return [];
    // Only a dialect that rebuilds tables for this needs the full schema.
    const ops = missing.map((column) => ({ kind: "addColumn" as const, table: this.tableName, column }));
    const schema = ops.some((op) => this.dialect.needsSchema(op)) ? await this.dialect.introspect(this.db) : undefined;
    return ops.flatMap((op) => this.dialect.render(op, { schema }).statements);
  }

  /**
   * Applied migrations in the order they were applied, then the partly
   * applied ones (rows of the progress table; one whose migration also has
   * a complete row is left over from a kill between the two writes, and the
   * complete row wins).
   */
  async applied(): Promise<AppliedMigration[]> {
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} ORDER BY ${this.dialect.quote("id")}`);
    if (rows.length > 0) this.checkTypeOrmColumns(Object.keys(rows[0]));
    const inTable = rows.map((row) => ({
      id: Number(row.id),
      timestamp: Number(row.timestamp),
      name: String(row.name),
      checksum: row.checksum ?? undefined,
      appliedAt: row.applied_at ? new Date(row.applied_at) : undefined,
      executionMs: optionalNumber(row.execution_ms),
      partial: partialOf(row),
    }));
    const names = new Set(inTable.map((row) => row.name));
    const progress = [...(await this.progressRows()).values()].filter((row) => !names.has(row.name));
    return [...inTable, ...progress];
  }

  /**
   * TypeORM's columns are what every command reads: a table whose `name`
   * was renamed or dropped by hand would be read as migrations named
   * "undefined" (and `run` would re-apply everything).
   */
  private checkTypeOrmColumns(columns: readonly string[]): void {
    const missing = TYPEORM_COLUMNS.map((c) => c.name).filter((name) => !columns.includes(name));
    if (missing.length === 0) return;
    throw new DatabaseError(
      `The bookkeeping table ${this.tableName} lacks TypeORM's column${missing.length === 1 ? "" : "s"} ${missing.join(", ")} (it has ${columns.join(", ")}): ` +
        `restore ${missing.length === 1 ? "it" : "them"} as TypeORM creates ${missing.length === 1 ? "it" : "them"}, or set migrationsTableName to another table, then run again.`,
    );
  }

  /**
   * Take the write lock on the bookkeeping inside the current transaction
   * (a write that changes nothing). On SQLite this is what serializes
   * concurrent runners; the re-check that follows then sees their work.
   */
  async claim(): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE 1 = 0`);
  }

  async isApplied(name: string): Promise<boolean> {
    return (await this.progress(name)).applied;
  }

  /**
   * Whether `name` has a row, and whether it is complete (`applied`) or
   * records a partial application (`partial`). `SELECT *`: an offline script
   * sends this to tables that may lack Athanor's newer columns.
   */
  async progress(name: string): Promise<MigrationProgress> {
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} WHERE ${this.dialect.quote("name")} = ${literal(name)}`);
    const legacy = rows.length === 0 ? undefined : partialOf(rows[0]);
    if (rows.length > 0 && !legacy) return { applied: true };
    const partial = (await this.progressRow(name))?.partial ?? legacy;
    return partial ? { applied: false, partial } : { applied: false };
  }

  /**
   * `progress` of each of `names`, in one read of each table (the progress
   * table only where it exists and a name has no complete row): what a
   * SQLite commit group reads once after its claim instead of once per
   * migration (runner/execute.ts).
   */
  async progressOf(names: readonly string[]): Promise<Map<string, MigrationProgress>> {
    const found = new Map<string, MigrationProgress>();
    if (names.length === 0) return found;
    const q = (id: string) => this.dialect.quote(id);
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} WHERE ${q("name")} IN (${names.map(literal).join(", ")})`);
    /** The first row of each name, as `progress` reads it. */
    const legacy = new Map<string, PartialProgress | undefined>();
    for (const row of rows) {
      const name = String(row.name);
      if (!legacy.has(name)) legacy.set(name, partialOf(row));
    }
    for (const [name, partial] of legacy) if (!partial) found.set(name, { applied: true });
    const open = names.filter((name) => !found.has(name));
    const progressRows: any[] =
      open.length > 0 && (await this.hasProgressTable())
        ? await this.db.query(`SELECT * FROM ${this.progressTable} WHERE ${q("name")} IN (${open.map(literal).join(", ")})`)
        : [];
    const inProgress = new Map<string, PartialProgress | undefined>();
    for (const row of progressRows) {
      const name = String(row.name);
      if (!inProgress.has(name)) inProgress.set(name, progressRowOf(row).partial);
    }
    for (const name of open) {
      const partial = inProgress.get(name) ?? legacy.get(name);
      found.set(name, partial ? { applied: false, partial } : { applied: false });
    }
    return found;
  }

  /**
   * Record a migration as applied; applied_at is now unless given. `completing`: it has a partial row to complete.
   * `correction`: also store an earlier migration's full execution_ms, in the same round trip where the dialect can.
   * `then`: statements of the runner's to send right after the row, in the same round trip (see RoundTrip).
   */
  async record(
    entry: Omit<BookkeepingEntry, "appliedAt"> & { appliedAt?: Date },
    completing = false,
    options: { correction?: { name: string; ms: number } } & RoundTrip = {},
  ): Promise<void> {
    const { correction } = options;
    const full = { ...entry, appliedAt: entry.appliedAt ?? new Date() };
    const row = recordStatement(this.dialect, this.tableName, full);
    const statements = correction ? [executionMsStatement(this.dialect, this.tableName, correction.name, correction.ms), row] : [row];
    // The complete row first: a kill before the progress row goes leaves both, and the complete one wins.
    if (completing && this.completedProgress) this.completedProgress.push(entry.name);
    else if (completing) statements.push(...(await this.forgetProgressStatements(entry.name)));
    await this.sendTogether([...statements, ...(options.then ?? [])], options);
  }

  /**
   * Send `statements` in as few round trips as the dialect allows: with
   * `send` where the caller has one (a driver call that runs a list), as one
   * query where the dialect takes lists (PostgreSQL), else one by one.
   */
  private async sendTogether(statements: readonly string[], { send, hold }: RoundTrip): Promise<void> {
    if (hold) return hold(() => this.sendTogether(statements, { send }));
    if (statements.length > 1 && send) await send(statements);
    else if (statements.length > 1 && this.dialect.statementLists) await this.db.query(statements.join("; "));
    else for (const sql of statements) await this.db.query(sql);
  }

  /**
   * Until the returned function is called, the progress rows of migrations
   * recorded as complete are deleted together, by that function, instead of
   * one DELETE each: where every statement commits (MySQL), each DELETE is a
   * durable write of its own. A row left by a kill before then is harmless:
   * the complete row wins wherever both are read, and `revert` deletes both.
   * Only rows whose complete row is there are deleted: a migration recorded
   * in a transaction that was then rolled back (`--transaction all`, a later
   * migration failing) keeps its progress row, and with it the part an
   * earlier run applied outside a transaction.
   */
  deferProgressCleanup(): () => Promise<void> {
    const names: string[] = (this.completedProgress = []);
    return async () => {
      this.completedProgress = undefined;
      if (names.length === 0 || !(await this.hasProgressTable())) return;
      const list = names.map(literal).join(", ");
      const name = this.dialect.quote("name");
      await this.db.query(
        `DELETE FROM ${this.progressTable} WHERE ${name} IN (${list}) AND ${name} IN (SELECT ${name} FROM ${this.table})`,
      );
    };
  }
  private completedProgress: string[] | undefined;

  /** Store a migration's execution_ms (its time once its COMMIT returned). */
  async storeExecutionMs(name: string, ms: number): Promise<void> {
    await this.db.query(executionMsStatement(this.dialect, this.tableName, name, ms));
  }

  /** The DELETE of a migration's progress row, where the progress table exists. */
  private async forgetProgressStatements(name: string): Promise<string[]> {
    if (!(await this.hasProgressTable())) return [];
    return [`DELETE FROM ${this.progressTable} WHERE ${this.dialect.quote("name")} = ${literal(name)}`];
  }

  /** Record (or update) how much of a migration took effect before it failed outside a transaction. */
  async recordPartial(
    entry: Omit<BookkeepingEntry, "appliedAt" | "executionMs">,
    progress: PartialProgress,
    existing: boolean,
  ): Promise<void> {
    await this.ensureProgressTable();
    const q = (id: string) => this.dialect.quote(id);
    const value = (n: number | undefined) => (n === undefined ? "NULL" : String(n));
    const values: Record<string, string> = {
      [q("applied_statements")]: String(progress.applied),
      [q("statement_count")]: value(progress.total),
      [q("finished_operations")]: value(progress.operations?.finished),
      [q("finished_operation_statements")]: value(progress.operations?.statements),
      [q("reverted_statements")]: value(progress.reverted),
      [q("whole_revert")]: progress.wholeRevert ? "1" : "NULL",
      [q("resume_digest")]: progress.digest ? literal(progress.digest) : "NULL",
    };
    if (existing) {
      const set = Object.entries(values).map(([column, v]) => `${column} = ${v}`);
      await this.db.query(`UPDATE ${this.progressTable} SET ${set.join(", ")} WHERE ${q("name")} = ${literal(entry.name)}`);
      return;
    }
    const columns = [q("name"), q("timestamp"), q("checksum"), q("started_at"), ...Object.keys(values)];
    const row = [
      literal(entry.name),
      String(entry.timestamp),
      entry.checksum ? literal(entry.checksum) : "NULL",
      timestamp(this.dialect, new Date()),
      ...Object.values(values),
    ];
    await this.db.query(`INSERT INTO ${this.progressTable} (${columns.join(", ")}) VALUES (${row.join(", ")})`);
  }

  /**
   * The first statement of a complete migration's revert took effect: it is
   * partly reverted from now on. The progress row is written first, then the
   * complete row goes (a kill in between leaves both, and the complete row
   * wins: the count is one short, as after a kill between any statement and
   * its record), so TypeORM's runner no longer takes it for applied.
   */
  async startWholeRevert(entry: Omit<BookkeepingEntry, "appliedAt" | "executionMs">, progress: PartialProgress): Promise<void> {
    const left = await this.progressRow(entry.name);
    await this.recordPartial(entry, progress, left !== undefined);
    await this.db.query(forgetStatement(this.dialect, this.tableName, entry.name));
  }

  /**
   * Forget a migration: its row, and its progress (a partly applied one undone, or stamped away).
   * `then`: as for `record`, sent with the row's DELETE.
   */
  async forget(name: string, options: RoundTrip = {}): Promise<void> {
    const statements = [forgetStatement(this.dialect, this.tableName, name), ...(await this.forgetProgressStatements(name))];
    await this.sendTogether([...statements, ...(options.then ?? [])], options);
  }
}

/*
 * The bookkeeping statements as SQL text. The runner (Bookkeeping above) and
 * offline SQL (runner/offline.ts) both build them here, so a script printed by
 * `run --sql` writes the same row `run` would.
 */

export interface BookkeepingEntry {
  timestamp: number;
  name: string;
  checksum?: string;
  appliedAt: Date;
  /** NULL when unknown (offline SQL: the script has not run yet). */
  executionMs?: number;
}

/** The statements that create the bookkeeping table in a database that has none. */
export function createBookkeepingStatements(dialect: Dialect, tableName: string, schema: Schema): string[] {
  return dialect.render({ kind: "createTable", table: bookkeepingTable(tableName) }, { schema }).statements;
}

/** The INSERT that records a migration as applied. */
export function recordStatement(dialect: Dialect, tableName: string, entry: BookkeepingEntry): string {
  const q = (id: string) => dialect.quote(id);
  return (
    `INSERT INTO ${q(tableName)} (${q("timestamp")}, ${q("name")}, ${q("checksum")}, ${q("applied_at")}, ${q("execution_ms")}) ` +
    `VALUES (${entry.timestamp}, ${literal(entry.name)}, ${entry.checksum ? literal(entry.checksum) : "NULL"}, ` +
    `${timestamp(dialect, entry.appliedAt)}, ${entry.executionMs === undefined ? "NULL" : Math.round(entry.executionMs)})`
  );
}

/** The UPDATE that stores a recorded migration's execution_ms. */
function executionMsStatement(dialect: Dialect, tableName: string, name: string, ms: number): string {
  const q = (id: string) => dialect.quote(id);
  return `UPDATE ${q(tableName)} SET ${q("execution_ms")} = ${Math.round(ms)} WHERE ${q("name")} = ${literal(name)}`;
}

function timestamp(dialect: Dialect, at: Date): string {
  return dialect.timestampLiteral?.(at) ?? literal(at.toISOString());
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function partialOf(row: Record<string, unknown>): PartialProgress | undefined {
  const applied = optionalNumber(row.applied_statements);
  if (applied === undefined) return undefined;
  const finished = optionalNumber(row.finished_operations);
  const statements = optionalNumber(row.finished_operation_statements);
  const reverted = optionalNumber(row.reverted_statements);
  const wholeRevert = optionalNumber(row.whole_revert) === 1;
  const digest = typeof row.resume_digest === "string" && row.resume_digest !== "" ? row.resume_digest : undefined;
  return {
    applied,
    total: optionalNumber(row.statement_count),
    ...(finished !== undefined && statements !== undefined ? { operations: { finished, statements } } : {}),
    ...(reverted !== undefined ? { reverted } : {}),
    ...(wholeRevert ? { wholeRevert } : {}),
    ...(digest ? { digest } : {}),
  };
}

function progressRowOf(row: Record<string, unknown>): AppliedMigration {
  return {
    id: 0,
    timestamp: Number(row.timestamp),
    name: String(row.name),
    checksum: (row.checksum as string | null) ?? undefined,
    appliedAt: row.started_at ? new Date(row.started_at as string) : undefined,
    partial: partialOf(row),
  };
}

/** The DELETE that forgets a migration (after its down ran). */
export function forgetStatement(dialect: Dialect, tableName: string, name: string): string {
  return `DELETE FROM ${dialect.quote(tableName)} WHERE ${dialect.quote("name")} = ${literal(name)}`;
}

/** A SQL string literal; the values written here are names, hashes and dates. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
