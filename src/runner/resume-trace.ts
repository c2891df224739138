/**
 * Continuing a partly applied `up()` (the next `run` after a stop outside a
 * transaction) by what finished, not by position alone.
 *
 * Running `up`, the runner notes with each progress row how many op() calls
 * had finished (and how many statements were in effect then), and a digest
 * of what took effect: each finished op() call as its operation, each other
 * statement in effect (raw `queryRunner.query` SQL, or the statements of
 * the op() call in progress) as its text.
 *
 * Continuing it, the finished op() calls are passed over whole (they send
 * nothing, however the live schema now renders them), every statement sent
 * before the last of them is passed over as well (it ran before that call
 * finished), and the statements applied after it are passed over by count,
 * as a raw migration's are. Once all of that is passed over, and before
 * anything is sent, the digest of what was passed over is compared with the
 * recorded one: code that calls other operations, or sends other
 * statements, the second time (it read the database, or an op() call
 * renders from the live schema) stops with E245 instead of skipping a
 * statement that never ran.
 */
import { createHash, type Hash } from "node:crypto";
import type { OperationSteps } from "../dialects/migration-query-runner";
import type { Operation } from "../ops/operations";
import type { PartialProgress } from "./bookkeeping";
import type { StatementJournal } from "./statement-journal";

/** The object a live query runner carries while its migration's op() calls are followed. */
export type TraceCarrier = { athanorSteps?: OperationSteps };

/** An op() call that finished (or was passed over): where its statements lie in the journal. */
export interface Mark {
  operation: string;
  from: number;
  to: number;
}

export interface ResumeTraceOptions {
  /** The partial row being continued (undefined: a first run). */
  resumed?: PartialProgress;
  /** After an op() call finished: the progress row takes note (what a stop or a kill then leaves). */
  onFinished?: () => Promise<void>;
  /** What was passed over is not what took effect: why, in words (the caller stops the migration). */
  onMisaligned: (why: string) => Error;
}

/**
 * Follow one run of `up` outside a transaction: op() calls, the statements
 * in effect, the digest; and, continuing a partial row, pass over what it
 * records (see the module comment).
 */
export class ResumeTrace {
  private readonly marks: Mark[] = [];
  private current: { operation: string; from: number } | undefined;
  private seen = 0;
  private finished: number;
  private statementsAtFinish: number;
  /** Statements of the op() calls passed over (counted in `applied`, never sent). */
  private offset = 0;
  /** The op() calls still to pass over. */
  private readonly passOver: number;
  private verified: boolean;
  /** Set when the check failed: the error the migration stops with, whatever its code does with it. */
  misaligned: Error | undefined;

  constructor(
    private readonly journal: StatementJournal,
    private readonly options: ResumeTraceOptions,
  ) {
    const resumed = options.resumed;
    // Rows of an earlier version know no op() calls, or no digest: continued by count, unchecked.
    const finished = resumed?.operations?.finished ?? 0;
    this.passOver = finished;
    this.finished = finished;
    this.statementsAtFinish = resumed?.operations?.statements ?? 0;
    this.verified = resumed?.digest === undefined;
  }

  /** How many statements the journal passes over by count when it opens: those after the last finished op() call. */
  get toSkip(): number | undefined {
    const resumed = this.options.resumed;
    if (!resumed) return undefined;
    return this.passOver > 0 ? resumed.applied - this.statementsAtFinish : resumed.applied;
  }

  /** Whether every statement is passed over until the last finished op() call is (see StatementJournal.passingOver). */
  get passingOverAll(): boolean {
    return this.passOver > 0;
  }

  install(carrier: TraceCarrier): void {
    carrier.athanorSteps = {
      starting: (operation) => this.starting(operation),
      finished: () => this.finish(),
    };
    this.journal.onSkipped = () => this.checkIfDone();
  }

  /** Whether an op() call is running (its statements go on until it finishes). */
  get inOperation(): boolean {
    return this.current !== undefined;
  }

  /** The writing statements in effect: those the journal kept, and those of the op() calls passed over. */
  applied(): number {
    return this.journal.appliedCount + this.offset;
  }

  /** What a progress row records of the op() calls. */
  operations(): NonNullable<PartialProgress["operations"]> {
    return { finished: this.finished, statements: this.statementsAtFinish };
  }

  /** The digest of what took effect so far (see the module comment). */
  digest(): string {
    const statements = this.journal.statementsSoFar;
    // The statements of the op() call in progress become part of its mark when it finishes: not settled yet.
    return this.running.digest(statements, this.marks, this.current ? this.current.from : statements.length);
  }
  /** The digest kept as the journal grows (a progress row after every statement would otherwise hash all of them each time). */
  private readonly running = new RunningTraceDigest();

  /** The code returned: a continuation that never reached what took effect before is misaligned too. */
  end(): void {
    if (!this.verified && !this.misaligned) {
      this.misaligned = this.options.onMisaligned("this time its code ended before reaching the point where the earlier run stopped");
    }
    if (this.misaligned) throw this.misaligned;
  }

  private starting(operation: Operation): boolean {
    if (this.misaligned) throw this.misaligned;
    this.seen++;
    const at = this.journal.statementsSoFar.length;
    if (this.seen <= this.passOver) {
      this.marks.push({ operation: canonical(operation), from: at, to: at });
      if (this.seen === this.passOver) {
        // Everything sent so far ran before that call finished; from here on, by count.
        this.offset = this.statementsAtFinish - this.journal.appliedCount;
        this.journal.passingOver = false;
        this.checkIfDone();
      }
      return false;
    }
    this.current = { operation: canonical(operation), from: at };
    return true;
  }

  private async finish(): Promise<void> {
    if (this.current) this.marks.push({ ...this.current, to: this.journal.statementsSoFar.length });
    this.current = undefined;
    this.finished++;
    this.statementsAtFinish = this.applied();
    await this.options.onFinished?.();
  }

  /** Once all that took effect is passed over, before anything is sent: is it what took effect? */
  private checkIfDone(): void {
    if (this.verified || this.journal.isPassingOver) return;
    this.verified = true;
    if (this.digest() === this.options.resumed?.digest) return;
    this.misaligned = this.options.onMisaligned(
      "this time its code calls other operations, or sends other statements, before the point where the earlier run stopped",
    );
    throw this.misaligned;
  }
}

/** SHA-256 over the finished op() calls (as operations) and the other statements in effect (as text), in order. */
export function traceDigest(statements: readonly string[], marks: readonly Mark[]): string {
  const items: string[] = [];
  let position = 0;
  for (const mark of marks) {
    for (; position < mark.from; position++) items.push(`sql ${oneLine(statements[position])}`);
    items.push(`op ${mark.operation}`);
    position = Math.max(position, mark.to);
  }
  for (; position < statements.length; position++) items.push(`sql ${oneLine(statements[position])}`);
  return createHash("sha256").update(JSON.stringify(items), "utf8").digest("hex");
}

/**
 * traceDigest, computed as a migration runs: the items that can no longer
 * change (every finished op() call, and the statements in effect before the
 * op() call in progress) are hashed once, and each digest finishes a copy of
 * that hash with the rest. The same value as traceDigest (a row written
 * either way continues either way); a progress row after each of thousands
 * of op() calls (`run --transaction none` of an initial migration) no
 * longer hashes all that came before each time.
 */
export class RunningTraceDigest {
  private hash = createHash("sha256").update("[", "utf8");
  private count = 0;
  private position = 0;
  private marksDone = 0;

  /** traceDigest(statements, marks), where the statements before `settled` and every mark are final. */
  digest(statements: readonly string[], marks: readonly Mark[], settled: number): string {
    // What was settled can shrink only if the journal dropped statements it held in effect: start over.
    if (statements.length < this.position || marks.length < this.marksDone) this.reset();
    const at = { position: this.position, count: this.count, marks: this.marksDone };
    addItems(this.hash, at, statements, marks, Math.min(settled, statements.length));
    Object.assign(this, { position: at.position, count: at.count, marksDone: at.marks });
    const copy = this.hash.copy();
    addItems(copy, at, statements, marks, statements.length);
    return copy.update("]", "utf8").digest("hex");
  }

  private reset(): void {
    this.hash = createHash("sha256").update("[", "utf8");
    this.count = 0;
    this.position = 0;
    this.marksDone = 0;
  }
}

/** traceDigest's items from `at` on, up to statement `limit` (a mark is added once the statements before it are). */
function addItems(
  hash: Hash,
  at: { position: number; count: number; marks: number },
  statements: readonly string[],
  marks: readonly Mark[],
  limit: number,
): void {
  const add = (item: string) => hash.update(`${at.count++ === 0 ? "" : ","}${JSON.stringify(item)}`, "utf8");
  for (; at.marks < marks.length; at.marks++) {
    const mark = marks[at.marks];
    if (mark.from > limit) break;
    for (; at.position < mark.from; at.position++) add(`sql ${oneLine(statements[at.position])}`);
    add(`op ${mark.operation}`);
    at.position = Math.max(at.position, mark.to);
  }
  if (at.marks === marks.length) for (; at.position < limit; at.position++) add(`sql ${oneLine(statements[at.position])}`);
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}

/** JSON with sorted keys: the same operation whatever order a file wrote its fields in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
