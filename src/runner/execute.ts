/**
 * Executing migrations. Each migration's `up` (or `down`) and its bookkeeping
 * row commit together, so a failure leaves no partial state where the
 * database has transactional DDL.
 *
 * Transaction modes (`--transaction`):
 * - each (default): one transaction per migration;
 * - all: one transaction around every migration of the run;
 * - none: no transaction at all.
 * A migration that sets `transaction = false` runs outside any transaction in
 * every mode (in `all` mode the batch is committed before it and a new one
 * started after it).
 *
 * Inside each transaction the bookkeeping is claimed for writing first and
 * re-read: a runner that waited for a concurrent one skips what that one
 * already applied, so each migration is applied exactly once.
 */
import type { QueryRunner } from "typeorm";
import type { Dialect } from "../dialects/dialect";
import { DatabaseError, redact } from "../errors";
import type { Bookkeeping } from "./bookkeeping";
import type { MigrationSource } from "./discover";
import { faultPoint } from "./fault-points";

export type Direction = "up" | "down";
export type TransactionMode = "each" | "all" | "none";
export const TRANSACTION_MODES: TransactionMode[] = ["each", "all", "none"];

export interface ExecutionContext {
  queryRunner: QueryRunner;
  dialect: Dialect;
  bookkeeping: Bookkeeping;
}

export interface ExecutionOptions {
  mode?: TransactionMode;
  /** Record (or forget) the migrations without running their code. */
  fake?: boolean;
  onStart?: (name: string, index: number, total: number) => void;
  onDone?: (result: ExecutionResult, index: number, total: number) => void;
  /**
   * Called with each statement sent on the query runner while migrations
   * execute, just before it is sent (`--verbose`): session hooks, transaction
   * control, the migrations' own SQL, bookkeeping, catalog reads.
   */
  onStatement?: (sql: string) => void;
}

export interface ExecutionResult {
  name: string;
  direction: Direction;
  ms: number;
  /** Another runner applied (or reverted) it first; nothing was done here. */
  skipped?: boolean;
  fake?: boolean;
}

interface Batch {
  transaction: boolean;
  migrations: MigrationSource[];
}

/** Group migrations into the units that commit together. */
export function batchesFor(migrations: MigrationSource[], mode: TransactionMode): Batch[] {
  const batches: Batch[] = [];
  for (const migration of migrations) {
    const transaction = mode !== "none" && migration.transaction;
    const last = batches[batches.length - 1];
    if (mode === "all" && transaction && last?.transaction) last.migrations.push(migration);
    else batches.push({ transaction, migrations: [migration] });
  }
  return batches;
}

export async function executeMigrations(
  context: ExecutionContext,
  migrations: MigrationSource[],
  direction: Direction,
  options: ExecutionOptions = {},
): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  const total = migrations.length;
  const journal = new StatementJournal();
  const stopObserving = observeStatements(context.queryRunner, {
    sending: options.onStatement,
    completed: (sql) => {
      journal.completed(sql);
      faultPoint("statement", sql);
    },
  });
  try {
    for (const batch of batchesFor(migrations, options.mode ?? "each")) {
      await executeBatch(context, batch, direction, options, journal, (result) => {
        results.push(result);
        options.onDone?.(result, results.length - 1, total);
      }, (name) => options.onStart?.(name, results.length, total));
    }
  } finally {
    stopObserving();
  }
  return results;
}

/**
 * The statements a migration's own code ran, kept while it runs outside a
 * transaction: when it fails there, they are what remains applied, and the
 * error lists them. Transactions the code opens itself (each `op()` call
 * opens one around a multi-statement operation) are followed, so what a
 * ROLLBACK undid — or a failure left uncommitted — is not listed.
 */
class StatementJournal {
  private statements: string[] | undefined;
  /** Where each open transaction or savepoint started, outermost first. */
  private openAt: number[] = [];

  /** Start keeping the statements of one migration's code. */
  open(): void {
    this.statements = [];
    this.openAt = [];
  }

  /** Stop keeping them (the code returned or threw); returns what was committed. */
  close(): string[] {
    const kept = (this.statements ?? []).slice(0, this.openAt[0]);
    this.statements = undefined;
    this.openAt = [];
    return kept;
  }

  completed(sql: string): void {
    const statements = this.statements;
    if (!statements) return;
    const control = transactionControl(sql);
    if (control === "begin") this.openAt.push(statements.length);
    else if (control === "commit") this.openAt = [];
    else if (control === "release") this.openAt.pop();
    else if (control === "rollback-to") statements.length = this.openAt.pop() ?? statements.length;
    else if (control === "rollback") {
      statements.length = this.openAt[0] ?? statements.length;
      this.openAt = [];
    }
    // Catalog reads (the op API introspects before a SQLite rebuild) change
    // nothing, so they are not part of what remains applied.
    else if (!isReadOnly(sql)) statements.push(sql);
  }
}

type TransactionControl = "begin" | "commit" | "rollback" | "rollback-to" | "release";

function transactionControl(sql: string): TransactionControl | undefined {
  const text = sql.trim().toUpperCase();
  if (/^(BEGIN|START TRANSACTION|SAVEPOINT)\b/.test(text)) return "begin";
  if (/^(COMMIT|END)\b/.test(text)) return "commit";
  if (/^ROLLBACK\s+TO\b/.test(text)) return "rollback-to";
  if (/^ROLLBACK\b/.test(text)) return "rollback";
  if (/^RELEASE\b/.test(text)) return "release";
  return undefined;
}

function isReadOnly(sql: string): boolean {
  return /^\s*(SELECT\b|PRAGMA\s+\w+\s*(\([^)]*\)\s*)?;?\s*$)/i.test(sql) && !/\b(INTO|setval|nextval)\b/i.test(sql);
}

interface StatementObserver {
  /** Just before a statement is sent (`--verbose`). */
  sending?: (sql: string) => void;
  /** Once a statement has completed without error. */
  completed: (sql: string) => void;
}

/**
 * Observe every statement sent on `queryRunner` until the returned function
 * is called. The query method is wrapped on the instance itself, so what
 * TypeORM sends through it (START TRANSACTION, COMMIT) is observed too.
 */
function observeStatements(queryRunner: QueryRunner, observer: StatementObserver): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(queryRunner, "query");
  const original = queryRunner.query;
  queryRunner.query = async function (this: QueryRunner, sql: string, ...rest: any[]) {
    observer.sending?.(sql);
    const result = await (original as any).call(this, sql, ...rest);
    observer.completed(sql);
    return result;
  } as QueryRunner["query"];
  return () => {
    if (hadOwn) queryRunner.query = original;
    else delete (queryRunner as any).query;
  };
}

async function executeBatch(
  context: ExecutionContext,
  batch: Batch,
  direction: Direction,
  options: ExecutionOptions,
  journal: StatementJournal,
  done: (result: ExecutionResult) => void,
  starting: (name: string) => void,
): Promise<void> {
  const { queryRunner, dialect, bookkeeping } = context;
  let current: MigrationSource | undefined;
  /** Outside a transaction: what the failing migration's code already ran. */
  let ranBeforeFailure: string[] = [];
  const finished: ExecutionResult[] = [];

  await dialect.session?.beforeTransaction(queryRunner);
  try {
    if (batch.transaction) {
      await queryRunner.startTransaction();
      await bookkeeping.claim();
    }
    for (const migration of batch.migrations) {
      current = migration;
      starting(migration.name);
      const started = performance.now();
      const appliedNow = await bookkeeping.isApplied(migration.name);
      if (appliedNow !== (direction === "down")) {
        const skipped: ExecutionResult = { name: migration.name, direction, ms: 0, skipped: true };
        finished.push(skipped);
        if (!batch.transaction) done(skipped);
        continue;
      }
      if (!options.fake) {
        faultPoint("migration-start");
        if (!batch.transaction) journal.open();
        try {
          if (direction === "up") await migration.instance.up(queryRunner);
          else await migration.instance.down(queryRunner);
        } finally {
          ranBeforeFailure = journal.close();
        }
      }
      const ms = performance.now() - started;
      faultPoint("before-record");
      if (direction === "up") {
        await bookkeeping.record({ timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum, executionMs: ms });
      } else {
        await bookkeeping.forget(migration.name);
      }
      faultPoint("after-record");
      ranBeforeFailure = [];
      const result: ExecutionResult = { name: migration.name, direction, ms, fake: options.fake || undefined };
      finished.push(result);
      // Without a transaction each migration is final as soon as it ran.
      if (!batch.transaction) {
        faultPoint("after-commit");
        done(result);
      }
    }
    await dialect.session?.beforeCommit(queryRunner);
    if (batch.transaction) {
      await queryRunner.commitTransaction();
      faultPoint("after-commit");
      finished.forEach(done);
    }
  } catch (error) {
    if (batch.transaction && queryRunner.isTransactionActive) {
      await queryRunner.rollbackTransaction().catch(() => undefined);
    }
    throw migrationFailure({ migration: current ?? batch.migrations[0], direction, error, batch, dialect, ranBeforeFailure });
  } finally {
    await dialect.session?.afterTransaction(queryRunner);
  }
}

interface Failure {
  migration: MigrationSource;
  direction: Direction;
  error: unknown;
  batch: Batch;
  dialect: Dialect;
  /** Outside a transaction: the statements of the migration that ran before it failed (they remain). */
  ranBeforeFailure: string[];
}

function migrationFailure({ migration, direction, error, batch, dialect, ranBeforeFailure }: Failure): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  // The dialect may know what the error means and how to get past it (a
  // lock_timeout, a lost connection).
  const explained = dialect.explainMigrationError?.(error);
  const cause = explained ? `${explained} (${message})` : message;
  const query = (error as any)?.query as string | undefined;
  const what = direction === "up" ? "Migration" : "Reverting migration";
  const bookkeeping = direction === "up" ? "it was not recorded as applied" : "it is still recorded as applied";
  let outcome: string;
  if (!batch.transaction) {
    const n = ranBeforeFailure.length;
    outcome =
      n === 0
        ? `it ran outside a transaction, but none of its statements had changed anything, and ${bookkeeping}`
        : `it ran outside a transaction: the ${n === 1 ? "statement" : `${n} statements`} listed below as already applied ` +
          `${n === 1 ? "remains" : "remain"} and ${bookkeeping}; undo ${n === 1 ? "it" : "them"} or finish the migration by hand before running again`;
  } else if (batch.migrations.length > 1) {
    outcome = `the whole transaction of ${batch.migrations.length} migrations was rolled back and nothing was recorded`;
  } else {
    outcome = "it was rolled back and nothing was recorded";
  }
  const details = query ? [`failing statement: ${redact(oneLine(query))}`] : [];
  for (const sql of ranBeforeFailure) details.push(`already applied: ${redact(oneLine(sql))}`);
  return new DatabaseError(`${what} ${migration.name} failed (${outcome}): ${redact(cause)}`, details);
}

/** A statement on one line, shortened, for a list of details. */
function oneLine(sql: string, max = 200): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
