/**
 * SIGINT (Ctrl-C) and SIGTERM while `run` or `revert` migrates. Node's
 * default is to die on the spot, leaving the statement in flight running on
 * the server with its locks. Instead the first signal asks the run to stop
 * cleanly: the runner cancels the statement in flight, rolls back, releases
 * the migration lock and reports what was applied and what was rolled back
 * (exit 130 or 143, as a shell reports a process the signal killed). A
 * second signal exits at once.
 */
import { ExitCode } from "../errors";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface StopSignals {
  /** Aborted on the first signal; its reason is the signal's name. */
  signal: AbortSignal;
  /** Give the signals back to Node's default handling. */
  dispose(): void;
}

/**
 * What the first signal announces by default: `run` and `revert` cancel, roll
 * back and release the lock. Said before the driver is known to the CLI, so
 * it says what better-sqlite3 (TypeORM 1.x's SQLite driver) does instead: it
 * runs each statement on this thread, where nothing can cancel it.
 */
const ROLLING_BACK = "cancelling the statement in flight (better-sqlite3 finishes it and sends no other) and rolling back";

/** `stopping`: what the command does on the first signal, for the line that acknowledges it. */
export function stopOnSignals(stopping = ROLLING_BACK): StopSignals {
  const controller = new AbortController();
  const exitCode = (name: NodeJS.Signals) => (name === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted);
  const handler = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`Stopping (${name}): ${stopping}; send it again to exit at once.\n`);
      controller.abort(name);
      return;
    }
    process.stderr.write(
      `error: Exited at once on a second ${name}, without waiting for the rollback: the database discards the uncommitted transaction when the connection closes; run athanor status to see what is applied.\n`,
    );
    process.exit(exitCode(name));
  };
  for (const name of SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const name of SIGNALS) process.off(name, handler);
    },
  };
}

/** Run `body` with the signals handled as above, and give them back afterwards. */
export async function withStopSignals<T>(body: (signal: AbortSignal) => Promise<T>, stopping?: string): Promise<T> {
  const stop = stopOnSignals(stopping);
  try {
    const result = await body(stop.signal);
    // Nothing was left to stop (the last statement could not be cancelled, as
    // with better-sqlite3, or only the last COMMIT was left): the "Stopping"
    // line above must not stand as the outcome.
    if (stop.signal.aborted)
      process.stderr.write(`${String(stop.signal.reason)} came once nothing was left to stop: the command ran to its end.\n`);
    return result;
  } finally {
    stop.dispose();
  }
}
