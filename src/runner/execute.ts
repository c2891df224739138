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
  const stopObserving = options.onStatement ? observeStatements(context.queryRunner, options.onStatement) : undefined;
  try {
    for (const batch of batchesFor(migrations, options.mode ?? "each")) {
      await executeBatch(context, batch, direction, options, (result) => {
        results.push(result);
        options.onDone?.(result, results.length - 1, total);
      }, (name) => options.onStart?.(name, results.length, total));
    }
  } finally {
    stopObserving?.();
  }
  return results;
}

/**
 * Report every statement sent on `queryRunner` until the returned function
 * is called. The query method is wrapped on the instance itself, so what
 * TypeORM sends through it (START TRANSACTION, COMMIT) is reported too.
 */
function observeStatements(queryRunner: QueryRunner, onStatement: (sql: string) => void): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(queryRunner, "query");
  const original = queryRunner.query;
  queryRunner.query = function (this: QueryRunner, sql: string, ...rest: any[]) {
    onStatement(sql);
    return (original as any).call(this, sql, ...rest);
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
  done: (result: ExecutionResult) => void,
  starting: (name: string) => void,
): Promise<void> {
  const { queryRunner, dialect, bookkeeping } = context;
  let current: MigrationSource | undefined;
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
        if (direction === "up") await migration.instance.up(queryRunner);
        else await migration.instance.down(queryRunner);
      }
      const ms = performance.now() - started;
      if (direction === "up") {
        await bookkeeping.record({ timestamp: migration.timestamp, name: migration.name, checksum: migration.checksum, executionMs: ms });
      } else {
        await bookkeeping.forget(migration.name);
      }
      const result: ExecutionResult = { name: migration.name, direction, ms, fake: options.fake || undefined };
      finished.push(result);
      // Without a transaction each migration is final as soon as it ran.
      if (!batch.transaction) done(result);
    }
    await dialect.session?.beforeCommit(queryRunner);
    if (batch.transaction) await queryRunner.commitTransaction();
    if (batch.transaction) finished.forEach(done);
  } catch (error) {
    if (batch.transaction && queryRunner.isTransactionActive) {
      await queryRunner.rollbackTransaction().catch(() => undefined);
    }
    throw migrationFailure(current ?? batch.migrations[0], direction, error, batch, dialect);
  } finally {
    await dialect.session?.afterTransaction(queryRunner);
  }
}

function migrationFailure(
  migration: MigrationSource,
  direction: Direction,
  error: unknown,
  batch: Batch,
  dialect: Dialect,
): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  // The dialect may know what the error means and how to get past it (a lock_timeout).
  const explained = dialect.explainMigrationError?.(error);
  const cause = explained ? `${explained} (${message})` : message;
  const query = (error as any)?.query as string | undefined;
  const what = direction === "up" ? "Migration" : "Reverting migration";
  let outcome: string;
  if (!batch.transaction) {
    outcome = "it ran outside a transaction, so the statements before the failing one remain; check the database before running again";
  } else if (batch.migrations.length > 1) {
    outcome = `the whole transaction of ${batch.migrations.length} migrations was rolled back and nothing was recorded`;
  } else {
    outcome = "it was rolled back and nothing was recorded";
  }
  const details = query ? [`failing statement: ${redact(query)}`] : [];
  return new DatabaseError(`${what} ${migration.name} failed (${outcome}): ${redact(cause)}`, details);
}
