/**
 * Test-only fault injection, so crash safety can be proven at exact moments
 * (test/e2e/crash-safety.test.ts). `ATHANOR_FAULT_POINT=<point>:<n>` makes the
 * process kill itself with SIGKILL — no cleanup, no finally blocks, like
 * `kill -9` or a lost machine — the n-th time it reaches <point>.
 * `statement:<n>:<text>` counts only statements that start with <text>
 * (`statement:1:DROP TABLE "items"`: right after a rebuild dropped the old table).
 *
 * Points, in the order a run reaches them:
 * - lock-acquired: the migration lock was just taken;
 * - migration-start: a migration is about to run its first statement;
 * - statement: a statement sent on the migration connection has completed
 *   (counted over the whole execution: transaction control, bookkeeping,
 *   catalog reads, the migrations' own SQL, each step of a SQLite rebuild;
 *   statements sent together in one query each reach it once that query
 *   has completed);
 * - before-record: a migration's code ran, its bookkeeping row is not written;
 * - after-record: the row is written, the transaction not committed (on
 *   PostgreSQL the last row of a transaction is held back to go with its
 *   COMMIT: nothing of it has been sent yet);
 * - after-commit: a migration's transaction (or the batch's) committed;
 * - lock-released: the migration lock was just released.
 *
 * Never set it outside tests. Unset, `faultPoint` is an empty function.
 */

export const FAULT_POINTS = [
  "lock-acquired",
  "migration-start",
  "statement",
  "before-record",
  "after-record",
  "after-commit",
  "lock-released",
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

interface Armed {
  point: FaultPoint;
  remaining: number;
  /** Only statements starting with this text count. */
  prefix?: string;
}

function parse(spec: string | undefined): Armed | undefined {
  if (!spec) return undefined;
  const match = /^([a-z-]+):(\d+)(?::(.+))?$/s.exec(spec);
  if (!match || !(FAULT_POINTS as readonly string[]).includes(match[1]) || Number(match[2]) < 1) {
    throw new Error(
      `ATHANOR_FAULT_POINT="${spec}" is not <point>:<n>[:<statement prefix>] with n >= 1 and point one of ${FAULT_POINTS.join(", ")}; it is a test-only setting: unset it.`,
    );
  }
  return { point: match[1] as FaultPoint, remaining: Number(match[2]), prefix: match[3] };
}

const armed = parse(process.env.ATHANOR_FAULT_POINT);

function reach(point: FaultPoint, statement?: string): void {
  if (point !== armed!.point) return;
  if (armed!.prefix !== undefined && !statement?.trimStart().startsWith(armed!.prefix)) return;
  armed!.remaining -= 1;
  if (armed!.remaining === 0) process.kill(process.pid, "SIGKILL");
}

/**
 * Mark that the process reached `point` (for "statement": having run
 * `statement`); dies there when the test armed it.
 */
export const faultPoint: (point: FaultPoint, statement?: string) => void = armed ? reach : () => undefined;
