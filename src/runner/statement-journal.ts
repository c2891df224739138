/**
 * Watching the statements the runner sends while migrations execute: for
 * `--verbose`, for the test-only fault points, and for the journal that
 * says what a migration running outside a transaction already applied.
 */
import type { QueryRunner } from "typeorm";

/**
 * The statements a migration's own code ran, kept while it runs outside a
 * transaction: when it fails there, they are what remains applied, and the
 * error lists them. Transactions the code opens itself (each `op()` call
 * opens one around a multi-statement operation) are followed, so what a
 * ROLLBACK undid — or a failure left uncommitted — is not listed.
 */
export class StatementJournal {
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

export interface StatementObserver {
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
export function observeStatements(queryRunner: QueryRunner, observer: StatementObserver): () => void {
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
