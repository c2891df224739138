/**
 * Waiting for a lock another runner holds, shared by the dialects: try
 * without blocking, back off (50 ms doubling to 1 s), give up after the
 * timeout. Never blocking in the database is what keeps a waiting runner from
 * deadlocking against one that builds an index CONCURRENTLY, and lets a
 * signal stop the wait at once.
 */
import type { LockOptions } from "./dialect";

export async function pollForLock(tryOnce: () => Promise<boolean>, options: LockOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 50;
  let told = false;
  for (;;) {
    if (options.signal?.aborted) throw new LockWaitInterrupted();
    if (await tryOnce()) return;
    if (!told) {
      options.onWait?.();
      told = true;
    }
    if (Date.now() + delay > deadline) throw new LockTimeoutError(options.timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

export class LockTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `another migration runner held the lock for more than ${Math.round(timeoutMs / 1000)} s; wait for it to finish, or raise --lock-timeout`,
    );
  }
}

/** The wait was given up because the run was asked to stop (a signal). */
export class LockWaitInterrupted extends Error {
  constructor() {
    super("interrupted while waiting for the migration lock");
  }
}
