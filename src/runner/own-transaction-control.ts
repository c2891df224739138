/**
 * A migration whose code ends the runner's transaction itself (a `COMMIT`,
 * `ROLLBACK` or `END` of its own, or `queryRunner.commitTransaction()`) and
 * then finishes. What it ran is no longer the runner's to roll back, so it
 * is treated as PostgreSQL has always treated it, where each migration has
 * a transaction of its own: it is recorded as applied, its row written in a
 * transaction the runner opens again (or in the one the code opened itself
 * and left open: TypeORM's `commitTransaction()` … `startTransaction()`
 * idiom). In a transaction shared with migrations before it (a SQLite commit
 * group, `--transaction all`) a COMMIT committed them with their rows; a
 * ROLLBACK undid them, rows and all, and the run stops before recording it
 * (rolledBackEarlier), so no migration is left recorded after one that is
 * pending again. `lint` flags such statements (AT-T001).
 */
import type { QueryRunner } from "typeorm";

/**
 * Bring TypeORM's view of the connection (BaseQueryRunner's
 * `isTransactionActive` and its nesting depth) into line with what the
 * connection holds: a raw COMMIT leaves TypeORM believing the runner's
 * transaction open, and its next `startTransaction()` would send a
 * SAVEPOINT, its `commitTransaction()` a COMMIT the database refuses.
 */
export function adoptTransactionState(queryRunner: QueryRunner, open: boolean): void {
  const runner = queryRunner as { isTransactionActive: boolean; transactionDepth?: number };
  runner.isTransactionActive = open;
  if (typeof runner.transactionDepth === "number") runner.transactionDepth = open ? 1 : 0;
}

/** Its ROLLBACK also undid migrations applied before it in the same transaction: the run stops, nothing of them or it recorded. */
export function rolledBackEarlier(earlier: readonly string[]): Error {
  const n = earlier.length;
  return new Error(
    `its ROLLBACK also undid the ${n === 1 ? "migration" : `${n} migrations`} applied before it in the same transaction (${earlier.join(", ")}), ` +
      `so ${n === 1 ? "that one is" : "those are"} pending again and it is not recorded either; the run stops here`,
  );
}
