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
import { emptySchema, type Column, type Schema, type Table } from "../schema/model";
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

export interface PartialProgress {
  applied: number;
  total?: number;
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
  // NULL on a complete row; see AppliedMigration.partial.
  { name: "applied_statements", type: "integer", nullable: true },
  { name: "statement_count", type: "integer", nullable: true },
];

export function bookkeepingTable(tableName: string): Table {
  return {
    name: tableName,
    columns: [...TYPEORM_COLUMNS, ...ATHANOR_COLUMNS],
    primaryKey: { columns: ["id"] },
    uniques: [],
    indexes: [],
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
   * Create the table, or add Athanor's columns to a table TypeORM created.
   * Looks at this one table only (not the whole schema), so it costs the
   * same however many tables the database has.
   */
  async ensure(): Promise<void> {
    // Every caller writes next (a migration, a stamp): a database this
    // process cannot write is said as such, not as a failed statement.
    const readOnly = await this.dialect.cannotWrite?.(this.db);
    if (readOnly) throw new DatabaseError(readOnly);
    const statements = await this.missingStatements();
    try {
      for (const sql of statements) await this.db.query(sql);
    } catch (error) {
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
  }

  private async missingStatements(): Promise<string[]> {
    const existing = await this.dialect.tableColumns(this.db, this.tableName);
    if (!existing) return createBookkeepingStatements(this.dialect, this.tableName, emptySchema());
    this.checkTypeOrmColumns(existing);
    const missing = ATHANOR_COLUMNS.filter((c) => !existing.includes(c.name));
    if (missing.length === 0) return [];
    // Only a dialect that rebuilds tables for this needs the full schema.
    const ops = missing.map((column) => ({ kind: "addColumn" as const, table: this.tableName, column }));
    const schema = ops.some((op) => this.dialect.needsSchema(op)) ? await this.dialect.introspect(this.db) : undefined;
    return ops.flatMap((op) => this.dialect.render(op, { schema }).statements);
  }

  /** Applied migrations in the order they were applied. */
  async applied(): Promise<AppliedMigration[]> {
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} ORDER BY ${this.dialect.quote("id")}`);
    if (rows.length > 0) this.checkTypeOrmColumns(Object.keys(rows[0]));
    return rows.map((row) => ({
      id: Number(row.id),
      timestamp: Number(row.timestamp),
      name: String(row.name),
      checksum: row.checksum ?? undefined,
      appliedAt: row.applied_at ? new Date(row.applied_at) : undefined,
      executionMs: optionalNumber(row.execution_ms),
      partial: partialOf(row),
    }));
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
  async progress(name: string): Promise<{ applied: boolean; partial?: PartialProgress }> {
    const rows: any[] = await this.db.query(`SELECT * FROM ${this.table} WHERE ${this.dialect.quote("name")} = ${literal(name)}`);
    if (rows.length === 0) return { applied: false };
    const partial = partialOf(rows[0]);
    return partial ? { applied: false, partial } : { applied: true };
  }

  /**
   * Record a migration as applied; applied_at is now unless given. `completing`: it has a partial row to complete.
   * `correction`: also store an earlier migration's full execution_ms, in the same round trip where the dialect can.
   */
  async record(
    entry: Omit<BookkeepingEntry, "appliedAt"> & { appliedAt?: Date },
    completing = false,
    correction?: { name: string; ms: number },
  ): Promise<void> {
    const full = { ...entry, appliedAt: entry.appliedAt ?? new Date() };
    const row = completing ? completeStatement(this.dialect, this.tableName, full) : recordStatement(this.dialect, this.tableName, full);
    if (!correction) return void (await this.db.query(row));
    const statements = [executionMsStatement(this.dialect, this.tableName, correction.name, correction.ms), row];
    if (this.dialect.statementLists) await this.db.query(statements.join("; "));
    else for (const sql of statements) await this.db.query(sql);
  }

  /** Store a migration's execution_ms (its time once its COMMIT returned). */
  async storeExecutionMs(name: string, ms: number): Promise<void> {
    await this.db.query(executionMsStatement(this.dialect, this.tableName, name, ms));
  }

  /** Record (or update) how much of a migration took effect before it failed outside a transaction. */
  async recordPartial(
    entry: Omit<BookkeepingEntry, "appliedAt" | "executionMs">,
    progress: PartialProgress,
    existing: boolean,
  ): Promise<void> {
    const q = (id: string) => this.dialect.quote(id);
    const total = progress.total === undefined ? "NULL" : String(progress.total);
    await this.db.query(
      existing
        ? `UPDATE ${this.table} SET ${q("applied_statements")} = ${progress.applied}, ${q("statement_count")} = ${total} WHERE ${q("name")} = ${literal(entry.name)}`
        : `INSERT INTO ${this.table} (${q("timestamp")}, ${q("name")}, ${q("checksum")}, ${q("applied_at")}, ${q("applied_statements")}, ${q("statement_count")}) ` +
            `VALUES (${entry.timestamp}, ${literal(entry.name)}, ${entry.checksum ? literal(entry.checksum) : "NULL"}, ` +
            `${timestamp(this.dialect, new Date())}, ${progress.applied}, ${total})`,
    );
  }

  async forget(name: string): Promise<void> {
    await this.db.query(forgetStatement(this.dialect, this.tableName, name));
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

/** The UPDATE that turns a partial row (see AppliedMigration.partial) into a complete one, in one statement. */
export function completeStatement(dialect: Dialect, tableName: string, entry: BookkeepingEntry): string {
  const q = (id: string) => dialect.quote(id);
  return (
    `UPDATE ${q(tableName)} SET ${q("checksum")} = ${entry.checksum ? literal(entry.checksum) : "NULL"}, ` +
    `${q("applied_at")} = ${timestamp(dialect, entry.appliedAt)}, ${q("execution_ms")} = ${entry.executionMs === undefined ? "NULL" : Math.round(entry.executionMs)}, ` +
    `${q("applied_statements")} = NULL, ${q("statement_count")} = NULL WHERE ${q("name")} = ${literal(entry.name)}`
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
  return applied === undefined ? undefined : { applied, total: optionalNumber(row.statement_count) };
}

/** The DELETE that forgets a migration (after its down ran). */
export function forgetStatement(dialect: Dialect, tableName: string, name: string): string {
  return `DELETE FROM ${dialect.quote(tableName)} WHERE ${dialect.quote("name")} = ${literal(name)}`;
}

/** A SQL string literal; the values written here are names, hashes and dates. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
