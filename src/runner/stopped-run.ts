/**
 * A run that stopped part-way for a reason outside its migrations: the
 * run-level lock was lost, or a signal asked it to stop. The error says
 * what was applied, what was rolled back and what was not started, so the
 * user knows where the database stands without reading the bookkeeping.
 */
import { AthanorError, DatabaseError, ExitCode, redact } from "../errors";
import type { Direction } from "./direction";
import type { Remaining } from "./partial";

/** A migration stopped part-way outside a transaction: what of it took effect, what was cut short, what did not run. */
export interface StoppedPart {
  name: string;
  /** Its writing statements in effect (a continued migration's passed-over ones included). */
  applied: string[];
  /** The statement in flight when the stop came, cancelled (it did not take effect). */
  cancelled?: string;
  /** What it has still to run (undefined: not known; a revert's only where all of its down() runs from the start). */
  remaining?: Remaining;
  /** How many writing statements its up() has, where known. */
  total?: number;
  /** A revert's rest not listed: why, in words. */
  unlistedBecause?: string;
  /** Whether a progress row records it (the next run or revert continues it). */
  recorded?: boolean;
}

export interface StoppedAt {
  direction: Direction;
  /** Migrations this runner applied (or reverted) and committed. */
  done: string[];
  /** Migrations whose transaction was rolled back (nothing of them remains). */
  rolledBack: string[];
  /** A migration stopped part-way outside a transaction. */
  partial?: StoppedPart;
  /**
   * Of `rolledBack`, migrations an earlier run left part-way outside a transaction, continued in this
   * run's transaction: the rollback undid what this run sent of them; the earlier part remains, recorded
   * as before (`progress`: "partially applied (2 of 3 writing statements)").
   */
  continued?: { name: string; progress: string }[];
  /** Migrations never started. */
  notStarted: string[];
}

const list = (names: string[]) => names.join(", ");

/** "applied A, B; not applied C" (the parts that apply, in this order). */
function whereItStands(at: StoppedAt, notStartedVerb: string): string {
  const verb = at.direction === "up" ? "applied" : "reverted";
  const continued = at.continued ?? [];
  const whole = at.rolledBack.filter((name) => !continued.some((c) => c.name === name));
  // "applied nothing" beside a migration of which something took effect would read as a contradiction.
  const nothing = at.partial || continued.length > 0 ? `no ${at.direction === "up" ? "migration" : "revert"} completed` : `${verb} nothing`;
  const parts = [at.done.length > 0 ? `${verb} ${list(at.done)}` : nothing];
  if (whole.length > 0) parts.push(`rolled back ${list(whole)} (nothing of ${whole.length === 1 ? "it" : "them"} remains)`);
  for (const c of continued) {
    parts.push(
      `rolled back what this run sent of ${c.name} (continued in a transaction: the part an earlier run left outside one remains, ` +
        `still recorded as ${c.progress})`,
    );
  }
  if (at.partial) parts.push(stoppedPart(at.partial, at.direction));
  if (at.notStarted.length > 0) parts.push(`${notStartedVerb} ${list(at.notStarted)}`);
  return parts.join("; ");
}

const statements = (n: number, unit = "statement") => (n === 1 ? `1 ${unit}` : `${n} ${unit}s`);

/**
 * What a stop left of the migration it cut short, in words: what took
 * effect, what was cancelled, what did not run (or that this is not known:
 * code that decides as it goes), and whether the bookkeeping records it.
 */
function stoppedPart(part: StoppedPart, direction: Direction): string {
  const n = part.applied.length;
  if (n === 0 && !part.recorded) return `stopped ${part.name} outside a transaction before any of its statements changed anything`;
  const count =
    direction === "up" && part.total !== undefined && part.total >= n
      ? `${n} of its ${statements(part.total, "writing statement")}`
      : statements(n, "writing statement");
  const what = [
    n === 0 ? "none of its statements took effect" : `${count} took effect and stay applied (listed below as already applied)`,
    ...(part.cancelled ? ["the statement in flight was cancelled and did not take effect (listed below as cancelled)"] : []),
    direction === "up" || part.remaining ? stillToRun(part.remaining) : revertRestUnlisted(part.unlistedBecause),
  ];
  const record = part.recorded ? `it is recorded as ${direction === "up" ? "partially applied" : "partly reverted"}` : "it is not recorded";
  const said = what.length > 1 ? `${what.slice(0, -1).join(", ")} and ${what[what.length - 1]}` : what[0];
  return `stopped ${part.name} part-way outside a transaction (${said}; ${record})`;
}

/** A revert stopped part-way whose rest is not listed, and why (StoppedPart.unlistedBecause). */
function revertRestUnlisted(because: string | undefined): string {
  return `what its revert runs after that is not listed${because ? ` (${because})` : ""}`;
}

/** The sentence on what a migration stopped part-way has still to run. */
export function stillToRun(remaining: Remaining | undefined): string {
  if (remaining?.statements?.length === 0 || remaining?.count === 0) return "nothing else of it was left to run";
  if (remaining?.statements) return `the ${statements(remaining.statements.length)} listed below as still to run did not take effect`;
  if (remaining?.count !== undefined)
    return `${statements(remaining.count, "more writing statement")} did not take effect (which ones depends on the database as it runs, so they are not listed)`;
  return "what its code runs after that is not known without running it";
}

/** How many statements still to run are listed (a long migration's rest is counted). */
const LISTED = 20;

/** The statements a stop names under its message: applied, cancelled, still to run. */
export function partDetails(part: { applied: string[]; cancelled?: string; remaining?: Remaining }): string[] {
  const still = part.remaining?.statements ?? [];
  const line = (sql: string) => {
    const one = sql.replace(/\s+/g, " ").trim();
    return redact(one.length > 200 ? `${one.slice(0, 199)}…` : one);
  };
  return [
    ...part.applied.map((sql) => `already applied: ${line(sql)}`),
    ...(part.cancelled ? [`cancelled: ${line(part.cancelled)}`] : []),
    ...still.slice(0, LISTED).map((sql) => `still to run: ${line(sql)}`),
    ...(still.length > LISTED ? [`still to run: … and ${still.length - LISTED} more`] : []),
  ];
}

function partialDetails(at: StoppedAt): string[] {
  return at.partial ? partDetails(at.partial) : [];
}

/** The session holding the run-level lock ended while this runner was still migrating. */
export function lockLostError(at: StoppedAt, next: string): DatabaseError {
  const verb = at.direction === "up" ? "applied" : "reverted";
  return new DatabaseError(
    `The session holding the migration lock ended (a session timeout, a connection pooler, a network cut, or the session was terminated), ` +
      `so this runner stopped before ${next}: ${whereItStands(at, `not ${verb}`)} (another runner may be ${at.direction === "up" ? "applying" : "reverting"} them now): ` +
      `once no other runner is running, run athanor status, and run again if anything is pending.`,
    partialDetails(at),
  );
}

/** SIGINT or SIGTERM asked the run to stop; it cancelled, rolled back and released the lock. */
export class InterruptedError extends AthanorError {
  constructor(signal: NodeJS.Signals, message: string, details: string[] = []) {
    super(message, signal === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted, details);
    this.name = "InterruptedError";
  }
}

export function interruptedError(signal: NodeJS.Signals, at: StoppedAt): InterruptedError {
  const rest =
    at.partial && at.partial.applied.length > 0 && !at.partial.recorded
      ? "undo the statements listed below as already applied or finish that migration by hand, then run again"
      : "run again to continue";
  return new InterruptedError(
    signal,
    `Stopped by ${signal}: ${whereItStands(at, "not started:")}; the migration lock was released: ${rest}.`,
    partialDetails(at),
  );
}

/** The signal arrived while the run waited for another runner's migration lock. */
export function interruptedWhileWaiting(signal: NodeJS.Signals): InterruptedError {
  return new InterruptedError(signal, `Stopped by ${signal} while waiting for the migration lock: nothing was applied or reverted.`);
}
