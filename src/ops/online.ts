/**
 * Online (lock-safe) execution of operations: what a migration generated
 * with `generate --online` passes to `op(queryRunner, online)`.
 *
 * It says HOW an operation runs, not WHAT it changes, so it travels beside
 * the Operation record (the same diff, inverse and model replay apply) and
 * reaches the dialect in its RenderContext. PostgreSQL renders the lock-safe
 * form (CREATE INDEX CONCURRENTLY, NOT VALID + VALIDATE CONSTRAINT, SET NOT
 * NULL through a validated check, lock_timeout around every statement);
 * dialects without long table locks (SQLite) ignore it, so the same migration
 * still runs there.
 */

export interface OnlineOptions {
  /** Render the lock-safe form of each operation. */
  online?: boolean;
  /**
   * How long each statement may wait for a table lock before it gives up
   * (PostgreSQL `lock_timeout` syntax: "5s", "500ms", "1min"); a statement
   * queued behind a long transaction would otherwise block every query
   * queued behind it. Defaults to DEFAULT_LOCK_TIMEOUT.
   */
  lockTimeout?: string;
}

export const DEFAULT_LOCK_TIMEOUT = "5s";

const LOCK_TIMEOUT = /^\d+(\.\d+)?\s*(ms|s|min|h)?$/;

/** Whether `value` is a lock_timeout PostgreSQL accepts and we can print safely. */
export function isLockTimeout(value: string): boolean {
  return LOCK_TIMEOUT.test(value.trim());
}

/** The options with their defaults, or undefined when the operation runs plainly. */
export function resolveOnline(options: OnlineOptions | undefined): Required<OnlineOptions> | undefined {
  if (!options?.online) return undefined;
  const lockTimeout = (options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT).trim();
  if (!isLockTimeout(lockTimeout)) {
    throw new Error(`lockTimeout "${options.lockTimeout}" is not a duration: write it like "5s", "500ms" or "1min".`);
  }
  return { online: true, lockTimeout };
}
