/**
 * Executing one migration: its `up` (or `down`) and its bookkeeping row
 * commit together in one transaction, so a failure leaves no partial state
 * where the database has transactional DDL.
 */
import type { QueryRunner } from "typeorm";
import type { Dialect } from "../dialects/dialect";
import { DatabaseError, redact } from "../errors";
import type { Bookkeeping } from "./bookkeeping";
import type { MigrationSource } from "./discover";

export type Direction = "up" | "down";

export interface ExecutionContext {
  queryRunner: QueryRunner;
  dialect: Dialect;
  bookkeeping: Bookkeeping;
}

export interface ExecutionResult {
  name: string;
  direction: Direction;
  ms: number;
}

export async function executeMigration(
  context: ExecutionContext,
  migration: MigrationSource,
  direction: Direction,
): Promise<ExecutionResult> {
  const { queryRunner, dialect, bookkeeping } = context;
  const useTransaction = migration.transaction;
  const started = performance.now();

  await dialect.session?.beforeTransaction(queryRunner);
  try {
    if (useTransaction) await queryRunner.startTransaction();
    try {
      if (direction === "up") await migration.instance.up(queryRunner);
      else await migration.instance.down(queryRunner);
      const ms = performance.now() - started;
      if (direction === "up") {
        await bookkeeping.record({
          timestamp: migration.timestamp,
          name: migration.name,
          checksum: migration.checksum,
          executionMs: ms,
        });
      } else {
        await bookkeeping.forget(migration.name);
      }
      await dialect.session?.beforeCommit(queryRunner);
      if (useTransaction) await queryRunner.commitTransaction();
      return { name: migration.name, direction, ms };
    } catch (error) {
      if (useTransaction && queryRunner.isTransactionActive) {
        await queryRunner.rollbackTransaction().catch(() => undefined);
      }
      throw migrationFailure(migration, direction, error, useTransaction);
    }
  } finally {
    await dialect.session?.afterTransaction(queryRunner);
  }
}

function migrationFailure(
  migration: MigrationSource,
  direction: Direction,
  error: unknown,
  rolledBack: boolean,
): DatabaseError {
  const cause = error instanceof Error ? error.message : String(error);
  const query = (error as any)?.query as string | undefined;
  const what = direction === "up" ? "Migration" : "Reverting migration";
  const outcome = rolledBack
    ? "it was rolled back and nothing was recorded"
    : "it ran outside a transaction, so the statements before the failing one remain";
  const details = query ? [`failing statement: ${redact(query)}`] : [];
  return new DatabaseError(`${what} ${migration.name} failed (${outcome}): ${redact(cause)}`, details);
}
