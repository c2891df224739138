/**
 * A run that stopped part-way for a reason outside its migrations: the
 * run-level lock was lost, or a signal asked it to stop. The error says
 * what was applied, what was rolled back and what was not started, so the
 * user knows where the database stands without reading the bookkeeping.
 */
import { AthanorError, DatabaseError, ExitCode, redact } from "../errors";
import type { Direction } from "./direction";

export interface StoppedAt {
  direction: Direction;
  /** Migrations this runner applied (or reverted) and committed. */
  done: string[];
  /** Migrations whose transaction was rolled back (nothing of them remains). */
  rolledBack: string[];
  /** A migration stopped part-way outside a transaction, and what of it remains. */
  partial?: { name: string; remaining: string[]; recorded?: boolean };
  /** Migrations never started. */
  notStarted: string[];
}

const list = (names: string[]) => names.join(", ");

/** "applied A, B; not applied C" (the parts that apply, in this order). */
function whereItStands(at: StoppedAt, notStartedVerb: string): string {
  const verb = at.direction === "up" ? "applied" : "reverted";
  const parts = [at.done.length > 0 ? `${verb} ${list(at.done)}` : `${verb} nothing`];
  if (at.rolledBack.length > 0)
    parts.push(`rolled back ${list(at.rolledBack)} (nothing of ${at.rolledBack.length === 1 ? "it" : "them"} remains)`);
  if (at.partial) {
    parts.push(
      at.partial.remaining.length === 0
        ? `stopped ${at.partial.name} outside a transaction before any of its statements changed anything`
        : at.partial.recorded
          ? `stopped ${at.partial.name} part-way outside a transaction (the statements listed below remain, and it is recorded as ${at.direction === "up" ? "partially applied" : "partly reverted"})`
          : `stopped ${at.partial.name} part-way outside a transaction (the statements listed below remain, and it is not recorded)`,
    );
  }
  if (at.notStarted.length > 0) parts.push(`${notStartedVerb} ${list(at.notStarted)}`);
  return parts.join("; ");
}

function partialDetails(at: StoppedAt): string[] {
  return (at.partial?.remaining ?? []).map((sql) => `already applied: ${redact(sql.replace(/\s+/g, " ").trim().slice(0, 200))}`);
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
    at.partial && at.partial.remaining.length > 0 && !at.partial.recorded
      ? "undo the statements listed below or finish that migration by hand, then run again"
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
