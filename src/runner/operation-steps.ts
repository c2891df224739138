/**
 * Following a migration op() call by op() call (MigrationQueryRunner.athanorSteps).
 *
 * Running `up` outside a transaction, the runner notes with each partial
 * row how many op() calls had finished and how many statements were theirs
 * (`followOperations`). Reverting a partly applied migration then needs to
 * know which `down` calls undo those operations: a migration whose `down`
 * is, call for call, the inverse of its `up` in reverse order (what
 * `generate` writes: down = invertAll(up)) has that mapping, and it is
 * checked here, not assumed (`planPartialRevert`), by reading both methods
 * without a database. A migration without it is refused with a sentence.
 */
import type { Dialect } from "../dialects/dialect";
import type { OperationSteps } from "../dialects/migration-query-runner";
import { UsageError } from "../errors";
import { describeOperation } from "../ops/describe";
import { invertAll, type Operation } from "../ops/operations";
import type { PartialProgress } from "./bookkeeping";
import type { MigrationSource } from "./discover";
import { describeProgress } from "./partial";
import { readSteps, statementsOf, type Step } from "./operation-reader";
import { counts } from "./statement-journal";

/** The object a live query runner carries while its migration's op() calls are followed. */
export type StepCarrier = { athanorSteps?: OperationSteps };

/**
 * While `up` runs outside a transaction: count the op() calls that
 * finished and the statements in effect when the last one finished
 * (`appliedCount`: the journal's count). Returns what a partial row records.
 * The revert of a complete migration is followed the same way, through its
 * `down`; continuing one, the op() calls it already finished (`from`) are
 * passed over: they send nothing, whatever the schema now holds
 * (`passedOver` is called once the last of them is).
 */
export function followOperations(
  carrier: StepCarrier,
  appliedCount: () => number,
  from: { finished: number; statements: number } = { finished: 0, statements: 0 },
  passedOver?: () => void,
): { operations: () => PartialProgress["operations"] } {
  let finished = from.finished;
  let statements = from.statements;
  let seen = 0;
  carrier.athanorSteps = {
    starting: () => {
      seen++;
      if (seen === from.finished) passedOver?.();
      return seen > from.finished;
    },
    finished: () => {
      finished++;
      statements = appliedCount();
    },
  };
  return { operations: () => ({ finished, statements }) };
}

/** While `down` of a partly applied migration runs: pass over its first `skip` op() calls. */
export function skipOperations(carrier: StepCarrier, skip: number): void {
  let seen = 0;
  carrier.athanorSteps = { starting: () => ++seen > skip, finished: () => undefined };
}

/** Undefined, not deleted: offline SQL's recording runner refuses properties it does not have. */
export function stopFollowing(carrier: StepCarrier): void {
  if (carrier.athanorSteps) carrier.athanorSteps = undefined;
}

export interface PartialRevertPlan {
  /** The op() calls of `down` to pass over: the inverses of the operations that never ran. */
  skipDown: number;
  /** How many operations of `up` took effect (and are undone). */
  undo: number;
}

/**
 * Which calls of `migration`'s `down` undo what `progress` says took effect,
 * or a UsageError that says why that cannot be known and what to do.
 * `before`: the migration applied before it ("base" when none), for the stamp advice.
 */
export async function planPartialRevert(
  migration: MigrationSource,
  progress: PartialProgress,
  dialect: Dialect,
  tableName: string,
  before: string,
): Promise<PartialRevertPlan> {
  const refuse = (why: string) =>
    new UsageError(
      `Migration ${migration.name} is partially applied (${describeProgress(progress)}), and Athanor cannot undo only that part: ${why}. ` +
        `Fix the cause of the failure and finish it with \`athanor run\` (then revert it), or undo its applied statements by hand and run \`athanor stamp ${before}\`.`,
    );
  let up: Step[];
  let down: Step[];
  try {
    up = await readSteps(migration, "up", dialect, tableName);
    down = await readSteps(migration, "down", dialect, tableName);
  } catch (error) {
    throw refuse(`its up() or down() cannot be read without a database (${error instanceof Error ? error.message : String(error)})`);
  }
  const raw = [...up, ...down].find((s): s is Extract<Step, { kind: "sql" }> => s.kind === "sql" && counts(s.sql));
  if (raw) throw refuse(`it runs SQL of its own (${oneLine(raw.sql)}), which has no known inverse`);
  const upSteps = up.filter((s): s is Extract<Step, { kind: "operation" }> => s.kind === "operation");
  const downOps = down.flatMap((s) => (s.kind === "operation" ? [s.operation] : []));
  let inverse: Operation[];
  try {
    inverse = invertAll(upSteps.map((s) => s.operation));
  } catch (error) {
    throw refuse(error instanceof Error ? error.message.replace(/[.\s]+$/, "") : String(error));
  }
  if (canonical(inverse) !== canonical(downOps)) {
    throw refuse("its down() is not the inverse of its up(), operation for operation in reverse order (as `athanor generate` writes it)");
  }
  const undo = operationsInEffect(progress, upSteps, dialect, refuse);
  return { skipDown: upSteps.length - undo, undo };
}

/** How many of the operations of `up` took effect in full; refuses where one took effect only in part, or that cannot be told. */
function operationsInEffect(
  progress: PartialProgress,
  upSteps: Extract<Step, { kind: "operation" }>[],
  dialect: Dialect,
  refuse: (why: string) => UsageError,
): number {
  // Rows this version writes say where the last finished operation ended;
  // an earlier version's row only counts statements, from the start.
  let finished = progress.operations?.finished ?? 0;
  let rest = progress.applied - (progress.operations?.statements ?? 0);
  if (finished > upSteps.length || rest < 0) throw refuse(`its progress (${describeProgress(progress)}) does not match its operations`);
  while (rest > 0) {
    const step = upSteps[finished];
    if (!step) throw refuse(`its progress (${describeProgress(progress)}) counts more statements than its operations send`);
    const n = statementsOf(step, dialect);
    const what = `"${describeOperation(step.operation)}"`;
    if (n === undefined)
      throw refuse(
        `how many statements ${what} sends depends on the schema it ran on, so it cannot be told whether it took effect in full`,
      );
    if (rest < n) throw refuse(`${what} took effect only in part (${rest} of its ${n} statements)`);
    rest -= n;
    finished++;
  }
  return finished;
}

/** JSON with sorted keys: the same operation whatever order a file wrote its fields in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function oneLine(sql: string, max = 80): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
