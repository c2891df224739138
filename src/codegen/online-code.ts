/**
 * The parts of a migration file that only online migrations
 * (`generate --online`) have.
 *
 * Portable mode: one `online` constant, passed to every `op(queryRunner,
 * online)` call, so the lock timeout is set in one place.
 *
 * SQL mode: the migration runs with `transaction = false`, so each
 * operation's statements are printed as a step that looks after itself, as
 * migration-api/run-rendered.ts does at run time for op() calls — a step that may run
 * in a transaction gets one of its own; a step with cleanup statements runs
 * them when it fails (dropping a half-built concurrent index).
 */
import type { OnlineOptions } from "../ops/online";
import { INDENT, printInline } from "./literal";

/** One operation's statements in an online SQL migration. */
export interface SqlStep {
  statements: string[];
  /** The statements must run one by one, outside any transaction. */
  outsideTransaction?: boolean;
  /** Run when a statement fails. */
  cleanup?: string[];
}

export const ONLINE_CONSTANT = "online";

export function onlineConstant(options: OnlineOptions): string[] {
  return [
    "/**",
    " * Lock-safe on PostgreSQL (generated with --online): indexes are built and dropped",
    " * CONCURRENTLY, constraints are added NOT VALID and then validated, NOT NULL goes through a",
    " * validated check, and each statement waits at most lockTimeout for a lock. Each operation",
    " * is safe to run again after a failure. SQLite ignores these options.",
    " */",
    `const ${ONLINE_CONSTANT} = ${printInline({ online: true, lockTimeout: options.lockTimeout })};`,
  ];
}

export function printSqlSteps(steps: readonly SqlStep[], printSql: (sql: string) => string): string[] {
  const lines: string[] = [];
  const at = (level: number, text: string) => lines.push(`${INDENT.repeat(level)}${text}`);
  const query = (level: number, sql: string, suffix = "") => at(level, `await queryRunner.query(${printSql(sql)})${suffix};`);

  for (const step of steps) {
    const ownTransaction = !step.outsideTransaction && step.statements.length > 1;
    const cleanup = step.cleanup ?? [];
    if (!ownTransaction && cleanup.length === 0) {
      for (const sql of step.statements) query(2, sql);
      continue;
    }
    at(2, "try {");
    if (ownTransaction) at(3, "await queryRunner.startTransaction();");
    for (const sql of step.statements) query(3, sql);
    if (ownTransaction) at(3, "await queryRunner.commitTransaction();");
    at(2, "} catch (error) {");
    if (ownTransaction) at(3, "if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();");
    if (step.outsideTransaction) at(3, "// Leave nothing half-done behind (a concurrent index build that failed is left invalid).");
    for (const sql of cleanup) query(3, sql, ".catch(() => undefined)");
    at(3, "throw error;");
    at(2, "}");
  }
  return lines;
}
