/**
 * Running one rendered operation on a live connection.
 *
 * A migration may run outside a transaction (`transaction = false`, which
 * online migrations need for CREATE INDEX CONCURRENTLY; `run --transaction
 * none`), so nothing around an `op()` call makes it atomic. Each operation
 * therefore looks after itself:
 * - statements that may share a transaction (everything but the concurrent
 *   and NOT VALID forms) run in one of their own, so a failure or a crash
 *   undoes them (a SQLite rebuild never stops between DROP TABLE and RENAME);
 * - statements that must run one by one have a `cleanup` that removes what
 *   a failure left half-done (an invalid index), and are written so that
 *   running them again after a failure finishes the job.
 */
import type { RenderedOperation, TransactionControl } from "../dialects/dialect";
import type { MigrationQueryRunner } from "../dialects/migration-query-runner";

/**
 * Whether `rendered` runs in a transaction of its own on `queryRunner`:
 * several statements that may share one, on a runner not already in one.
 * Offline SQL asks too, so the script shows the BEGIN / COMMIT a live run sends.
 */
export function needsOwnTransaction(queryRunner: MigrationQueryRunner, rendered: RenderedOperation): boolean {
  const runner = queryRunner as MigrationQueryRunner & TransactionControl;
  return (
    !rendered.outsideTransaction &&
    rendered.statements.length > 1 &&
    runner.isTransactionActive === false &&
    typeof runner.startTransaction === "function"
  );
}

export async function runRendered(queryRunner: MigrationQueryRunner, rendered: RenderedOperation): Promise<void> {
  const runner = queryRunner as MigrationQueryRunner & TransactionControl;
  const ownTransaction = needsOwnTransaction(queryRunner, rendered);
  // One round trip for the whole transaction where the runner can send it so
  // (an initial migration outside a transaction: one per table, not six).
  const list = ownTransaction ? queryRunner.athanorStatementList : undefined;
  if (list && (await list(["START TRANSACTION", ...rendered.statements, "COMMIT"]))) return;

  if (ownTransaction) await runner.startTransaction!();
  try {
    for (const sql of rendered.statements) await queryRunner.query(sql);
    if (ownTransaction) await runner.commitTransaction!();
  } catch (error) {
    if (ownTransaction && runner.isTransactionActive) await runner.rollbackTransaction!().catch(() => undefined);
    await cleanUp(queryRunner, rendered.cleanup ?? [], error);
    throw error;
  }
}

/**
 * Run the cleanup statements; one that fails too is added to the error's
 * message (with the statement, so the user can run it by hand) and the
 * rest still run.
 */
async function cleanUp(queryRunner: MigrationQueryRunner, statements: string[], error: unknown): Promise<void> {
  for (const sql of statements) {
    try {
      await queryRunner.query(sql);
    } catch (cleanupError) {
      const why = cleanupError instanceof Error ? cleanupError.message : String(cleanupError);
      if (error instanceof Error) {
        error.message += `; cleaning up after it, \`${sql}\` failed too (${why}): run it by hand`;
      }
    }
  }
}
