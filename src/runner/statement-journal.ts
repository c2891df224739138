/**
 * Watching the statements the runner sends while migrations execute: for
 * `--verbose`, for the test-only fault points, and for the journal that
 * says what a migration running outside a transaction already applied.
 */
import type { QueryRunner } from "typeorm";
import type { MigrationQueryRunner } from "../dialects/migration-query-runner";

/**
 * The statements a migration's own code ran: when it fails, what `close()`
 * returns is what remains applied, and the error lists them. Transactions
 * the code opens itself (each `op()` call opens one around a multi-statement
 * operation outside a transaction) are followed, so what a ROLLBACK undid —
 * or a failure left uncommitted — is not listed.
 *
 * Inside the runner's transaction nothing remains after a failure (the
 * runner rolls it back) unless the code ended that transaction itself with
 * COMMIT or ROLLBACK: then what it committed, and whatever ran after it
 * outside any transaction, remains — `endedBy` says which statement did it.
 */
export class StatementJournal {
  private statements: string[] | undefined;
  /** Where each open transaction or savepoint started, outermost first. */
  private openAt: number[] = [];
  /** Whether the runner's own transaction (opened before the code ran) is still open. */
  private enclosing = false;
  /** The statement with which the code ended the runner's transaction, if it did. */
  endedBy: "COMMIT" | "ROLLBACK" | undefined;
  /**
   * Set by `close()` when the code ended the runner's transaction: whether it
   * opened one of its own after that and left it open (TypeORM's
   * `commitTransaction()` … `startTransaction()` idiom).
   */
  leftOpen = false;

  /** Statements still to pass over unsent: a partly applied migration resumed (see `shouldPassOver`). */
  private toSkip = 0;
  /**
   * Continuing a migration by its finished op() calls (runner/resume-trace.ts):
   * every statement is passed over until the last of them is, whatever the count.
   */
  passingOver = false;
  /** Called after each statement passed over (the continuation checks what it passed over once it is all done). */
  onSkipped: (() => void) | undefined;
  /** Where a statement of the code failed: what follows is the failure's cleanup, never "applied". */
  private failed = false;
  /** DDL commits implicitly (MySQL): a ROLLBACK cannot undo it. */
  private ddlCommits = false;

  /**
   * Start keeping the statements of one migration's code, inside the
   * runner's transaction or not. `resume`: the first that many statements
   * that change something already took effect in an earlier run (a partial
   * row), so they are passed over (`shouldPassOver`) and counted as applied.
   */
  open(insideTransaction = false, options: { resume?: number; ddlCommits?: boolean } = {}): void {
    this.statements = [];
    // The runner's transaction counts as one the code opened at its start.
    this.openAt = insideTransaction ? [0] : [];
    this.enclosing = insideTransaction;
    this.endedBy = undefined;
    this.toSkip = options.resume ?? 0;
    this.passingOver = false;
    this.onSkipped = undefined;
    this.failed = false;
    this.ddlCommits = options.ddlCommits ?? false;
  }

  /**
   * Whether to pass over `sql` unsent (answered with no rows): one of the
   * statements an earlier, failed run already applied. Statements are
   * counted as `close()` counts them, so the count written then is the
   * count skipped now; reads and transaction control always run.
   */
  shouldPassOver(sql: string): boolean {
    if (!this.statements || (this.toSkip === 0 && !this.passingOver) || !counts(sql)) return false;
    if (!this.passingOver) this.toSkip--;
    this.statements.push(sql);
    this.onSkipped?.();
    return true;
  }

  /** Whether statements are still being passed over (a resumed migration): each must be seen alone. */
  get isPassingOver(): boolean {
    return this.statements !== undefined && (this.toSkip > 0 || this.passingOver);
  }

  /**
   * The statements of the code so far (passed-over ones included), in order:
   * those in effect, and inside the runner's own transaction all it holds
   * (they take effect together at its COMMIT).
   */
  get statementsSoFar(): readonly string[] {
    const statements = this.statements ?? [];
    return this.enclosing ? statements : statements.slice(0, this.openAt[0]);
  }

  /** How many statements of the code have taken effect so far (skipped ones included). */
  get appliedCount(): number {
    return (this.statements ?? []).slice(0, this.openAt[0]).length;
  }

  /** Whether a statement of the code failed (what follows is cleanup). */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** A statement of the code failed. */
  failedAt(): void {
    if (this.statements) this.failed = true;
  }

  /** Stop keeping them (the code returned or threw); returns what was committed. */
  close(): string[] {
    const kept = (this.statements ?? []).slice(0, this.openAt[0]);
    this.leftOpen = this.endedBy !== undefined && this.openAt.length > 0;
    this.statements = undefined;
    this.openAt = [];
    return kept;
  }

  completed(sql: string): void {
    const statements = this.statements;
    const control = transactionControl(sql);
    if (!statements) {
      // The runner starting its next transaction: how the last one ended is no longer news.
      if (control === "begin") this.endedBy = undefined;
      return;
    }
    // A plain COMMIT or ROLLBACK ends the outermost transaction, whatever
    // the code opened since (BEGIN inside a transaction opens nothing).
    if (this.enclosing && (control === "commit" || control === "rollback")) {
      this.enclosing = false;
      this.endedBy = control === "commit" ? "COMMIT" : "ROLLBACK";
    }
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
    // A failed operation's cleanup (DROP INDEX IF EXISTS of a concurrent
    // build) undoes; it is not part of what the migration applied.
    else if (!isReadOnly(sql) && !this.failed) {
      statements.push(sql);
      // Where DDL commits implicitly, nothing before it can be rolled back.
      if (this.ddlCommits && isDdl(sql)) this.openAt = [];
    }
  }
}

/** Whether `sql` is one of the statements a journal keeps (and a resumed migration skips). */
export function counts(sql: string): boolean {
  return transactionControl(sql) === undefined && !isReadOnly(sql);
}

function isDdl(sql: string): boolean {
  return /^\s*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i.test(sql);
}

type TransactionControl = "begin" | "commit" | "rollback" | "rollback-to" | "release";

function transactionControl(sql: string): TransactionControl | undefined {
  const text = sql.trim().toUpperCase();
  // MariaDB's anonymous compound statement (a data check) opens no transaction.
  if (/^BEGIN\s+NOT\s+ATOMIC\b/.test(text)) return undefined;
  if (/^(BEGIN|START TRANSACTION|SAVEPOINT)\b/.test(text)) return "begin";
  if (/^(COMMIT|END)\b/.test(text)) return "commit";
  if (/^ROLLBACK\s+TO\b/.test(text)) return "rollback-to";
  if (/^ROLLBACK\b/.test(text)) return "rollback";
  if (/^RELEASE\b/.test(text)) return "release";
  return undefined;
}

function isReadOnly(sql: string): boolean {
  if (/^\s*BEGIN\s+NOT\s+ATOMIC\b/i.test(sql)) return isReadOnlyBlock(sql);
  if (/^\s*WITH\b/i.test(sql)) return isReadOnlyWith(sql);
  // INTO, setval or nextval inside a string or a name writes nothing: a data check's sentence may say "into".
  return /^\s*(SELECT\b|PRAGMA\s+\w+\s*(\([^)]*\)\s*)?;?\s*$)/i.test(sql) && !/\b(INTO|setval|nextval)\b/i.test(withoutQuoted(sql));
}

/**
 * A statement that starts with WITH (common table expressions) reads when
 * neither its expressions nor its main statement write: no INSERT, UPDATE,
 * DELETE, REPLACE or MERGE (PostgreSQL's data-modifying CTEs included), no
 * SELECT … INTO, setval or nextval; a row lock (`FOR UPDATE`) is no write.
 * `WITH RECURSIVE c(x) AS (…) SELECT COUNT(*) FROM c` is a read on every
 * database, as the same SELECT without its WITH is.
 */
function isReadOnlyWith(sql: string): boolean {
  const code = withoutQuoted(sql).replace(/\bFOR\s+(NO\s+KEY\s+)?UPDATE\b/gi, "");
  return /\bSELECT\b/i.test(code) && !/\b(INSERT|UPDATE|DELETE|REPLACE|MERGE|INTO|setval|nextval)\b/i.test(code);
}

/** `sql` with its string literals and quoted names replaced by `?`. */
function withoutQuoted(sql: string): string {
  return sql.replace(/`[^`]*`|'(?:[^'\\]|''|\\.)*'|"(?:[^"]|"")*"/g, "?");
}

/**
 * A MariaDB compound statement that only reads and SIGNALs (a data check,
 * dialects/mysql/data-check.ts): names and strings are taken out before
 * looking for a statement that writes.
 */
function isReadOnlyBlock(sql: string): boolean {
  const code = sql.replace(/`[^`]*`|'(?:[^']|'')*'/g, "?");
  // A statement that writes, where a statement starts (REPLACE is also a string function).
  return !/(^|;|\bTHEN|\bELSE|\bATOMIC|\bDO)\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|RENAME|TRUNCATE|CALL|PREPARE|EXECUTE)\b/i.test(
    code,
  );
}

export interface StatementObserver {
  /** Just before a statement is sent (`--verbose`). */
  sending?: (sql: string) => void;
  /** Once a statement has completed without error. */
  completed: (sql: string) => void;
  /** Before a statement (or a list) is sent, held ones aside: a write put off until then must land first (the partial row). */
  beforeSending?: (sql: string) => Promise<void>;
  /** After `completed`, before the query resolves: a write that must land first (the partial row). */
  persist?: (sql: string) => Promise<void>;
  /** Once a statement has failed. */
  failed?: (sql: string) => void;
  /** Pass over a statement unsent (answered with no rows): see StatementJournal.shouldPassOver. */
  passOver?: (sql: string) => boolean;
  /**
   * Where the database takes several statements in one query: whether a
   * transaction of the code may go as one now (MigrationQueryRunner's
   * athanorStatementList); absent: never.
   */
  listable?: () => boolean;
  /**
   * Send several statements in one call, answering each one's rows (the
   * dialect's sendList, PostgreSQL): what `hold` joins with the next
   * statement goes this way. Absent: `hold` is not offered.
   */
  joined?: (statements: readonly string[]) => Promise<unknown[][] | void>;
}

/** What observeStatements returns. */
export interface ObservedStatements {
  /** Stop observing: the query runner's own `query` is back. */
  stop(): void;
  /**
   * Send `statements` with `send`, one call that runs them all (the
   * dialect's sendList), observed as if each had been a query of its own:
   * each is announced before the call, and each completed after it, in order.
   */
  sendList(statements: readonly string[], send: () => Promise<unknown[][] | void>): Promise<unknown[][] | void>;
  /**
   * Run `fn`, holding back what it sends on the query runner: each of its
   * statements is answered at once with no rows, and they all go out in
   * one call (observer.joined) with the next statement sent after `fn`,
   * whose rows that query resolves to. So the runner's own statements whose
   * answers it does not read — START TRANSACTION as TypeORM's
   * `startTransaction()` sends it, the claim, a bookkeeping row — cost no
   * round trip of their own: they travel with the re-read, or the COMMIT,
   * that follows. Observed as a sendList is: each announced, then each
   * completed, in order; a failure anywhere in the list is the failure of
   * the query that carried it (a refused row fails the COMMIT's query, and
   * the transaction is rolled back). Only where a statement of the
   * runner's own is sure to follow (never the migrations' code, which may
   * read what it sends). Absent where the dialect cannot answer a list's
   * rows, and where a TypeORM subscriber listens to a transaction's start
   * (runner/execute.ts): a query it sent from there would be held too, and
   * answered with no rows.
   */
  hold?: (fn: () => Promise<void>) => Promise<void>;
  /**
   * Hold back `sql`, a read of the runner's own, as `hold` does, and
   * resolve to its rows once the call that carries it is answered (rejects
   * when that call fails, or when observing stops before it went). What
   * is held after it must be one statement each (its answer is found
   * counting from the list's end). Absent where `hold` is.
   */
  ask?: (sql: string) => Promise<unknown[]>;
  /**
   * Call `then` once what is held now has been sent, at once when the call
   * that carried it returns or fails (with its error), before that call's
   * caller goes on. Absent where `hold` is.
   */
  whenSent?: (then: (error?: unknown) => void) => void;
  /** Send what is held, alone (nothing when nothing is). Absent where `hold` is. */
  flush?: () => Promise<void>;
}

/**
 * Observe every statement sent on `queryRunner` until `stop` is called. The
 * query method is wrapped on the instance itself, so what TypeORM sends
 * through it (START TRANSACTION, COMMIT) is observed too.
 */
export function observeStatements(queryRunner: QueryRunner, observer: StatementObserver): ObservedStatements {
  const hadOwn = Object.prototype.hasOwnProperty.call(queryRunner, "query");
  const original = queryRunner.query;
  /** Statements `hold` answered and has not sent yet, oldest first. */
  let held: string[] = [];
  /** The held statements whose rows were asked for (`ask`), by their place in `held`. */
  let asked = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: unknown) => void }>();
  /** Told once what is held has been sent (whenSent). */
  let sentListeners: ((error?: unknown) => void)[] = [];
  let holding = false;
  /** The dialect's sendList is running: what it sends on the query runner is its own, sent as it is. */
  let passThrough = false;
  const sendList = async (statements: readonly string[], send: () => Promise<unknown[][] | void>) => {
    for (const sql of statements) observer.sending?.(sql);
    let rows: unknown[][] | void;
    try {
      rows = await send();
    } catch (error) {
      observer.failed?.(statements[0]);
      throw error;
    }
    for (const sql of statements) {
      observer.completed(sql);
      await observer.persist?.(sql);
    }
    return rows;
  };
  /** Send what is held, with `next` when given; resolves to the last statement's rows. */
  const sendHeld = async (next?: string): Promise<unknown> => {
    const statements = next === undefined ? held : [...held, next];
    const answers = asked;
    const listeners = sentListeners;
    held = [];
    asked = new Map();
    sentListeners = [];
    let rows: unknown[][] | void;
    try {
      rows = await sendList(statements, async () => {
        passThrough = true;
        try {
          return await observer.joined!(statements);
        } finally {
          passThrough = false;
        }
      });
    } catch (error) {
      for (const answer of answers.values()) answer.reject(error);
      for (const listener of listeners) listener(error);
      throw error;
    }
    for (const listener of listeners) listener();
    // Counted from the end: a held entry may itself be a list (a row and its execution_ms correction).
    for (const [i, answer] of answers) answer.resolve(rows?.[rows.length - (statements.length - i)] ?? []);
    return rows?.[rows.length - 1] ?? [];
  };
  queryRunner.query = async function (this: QueryRunner, sql: string, ...rest: any[]) {
    if (passThrough) return (original as any).call(this, sql, ...rest);
    if (observer.passOver?.(sql)) return [];
    await observer.beforeSending?.(sql);
    // A statement with parameters, or one whose answer is wanted structured, goes alone.
    const plain = rest.length === 0 || ((rest[0] === undefined || (Array.isArray(rest[0]) && rest[0].length === 0)) && !rest[1]);
    if (holding && plain) {
      held.push(sql);
      return [];
    }
    if (held.length > 0) {
      if (plain) return sendHeld(sql);
      await sendHeld();
    }
    observer.sending?.(sql);
    let result;
    try {
      result = await (original as any).call(this, sql, ...rest);
    } catch (error) {
      observer.failed?.(sql);
      throw error;
    }
    observer.completed(sql);
    await observer.persist?.(sql);
    return result;
  } as QueryRunner["query"];
  const carrier = queryRunner as QueryRunner & MigrationQueryRunner;
  if (observer.listable) {
    carrier.athanorStatementList = async (statements) => {
      // Held statements go first, with the next query: one by one, then.
      if (!observer.listable!() || held.length > 0) return false;
      await observer.beforeSending?.(statements[0]);
      for (const sql of statements) observer.sending?.(sql);
      try {
        // A newline before each `;`: a statement's trailing line comment ends first.
        await (original as any).call(queryRunner, statements.join("\n;\n"));
      } catch (error) {
        // The server stopped at the failing statement and left the
        // transaction open and aborted: rolled back, nothing took effect,
        // and the statements go again one by one, so the failure is told
        // (and journaled) as it always is. A ROLLBACK that fails too (a lost
        // connection) ends it here.
        try {
          await (original as any).call(queryRunner, "ROLLBACK");
        } catch {
          observer.failed?.(statements[0]);
          throw error;
        }
        return false;
      }
      for (const sql of statements) {
        observer.completed(sql);
        await observer.persist?.(sql);
      }
      return true;
    };
  }
  return {
    stop() {
      if (hadOwn) queryRunner.query = original;
      else delete (queryRunner as any).query;
      delete carrier.athanorStatementList;
      // Never sent, so nothing of them took effect (a hold is always followed by a statement of the runner's).
      held = [];
      const unsent = new Error("observing stopped before the statement was sent");
      for (const answer of asked.values()) answer.reject(unsent);
      for (const listener of sentListeners) listener(unsent);
      asked = new Map();
      sentListeners = [];
    },
    sendList,
    hold: observer.joined
      ? async (fn) => {
          holding = true;
          try {
            await fn();
          } finally {
            holding = false;
          }
        }
      : undefined,
    ask: observer.joined
      ? (sql) =>
          new Promise<unknown[]>((resolve, reject) => {
            asked.set(held.length, { resolve, reject });
            held.push(sql);
          })
      : undefined,
    whenSent: observer.joined
      ? (then) => {
          sentListeners.push(then);
        }
      : undefined,
    flush: observer.joined
      ? async () => {
          if (held.length > 0) await sendHeld();
        }
      : undefined,
  };
}
