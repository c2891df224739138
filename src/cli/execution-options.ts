/**
 * Options shared by the commands that execute migrations (run, revert):
 * transaction mode, --fake, --dry-run, the lock wait, and progress lines.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors";
import { TRANSACTION_MODES, type ExecutionOptions, type ExecutionResult, type TransactionMode } from "../runner/execute";
import { formatStatement } from "../runner/offline";
import type { Output } from "./output";

export interface ExecutionArgs {
  transaction: string;
  fake: boolean;
  dryRun: boolean;
  lockTimeout: number;
  verbose: boolean;
}

export function withExecutionOptions<T>(y: Argv<T>): Argv<T & ExecutionArgs> {
  return y
    .option("transaction", {
      type: "string",
      default: "each",
      choices: TRANSACTION_MODES,
      describe: "One transaction per migration (each), around the whole run (all), or none; transaction = false in a migration always wins",
    })
    .option("fake", { type: "boolean", default: false, describe: "Update the bookkeeping without running the migrations' code" })
    .option("verbose", { type: "boolean", default: false, describe: "Print each SQL statement as it is sent (the format of --sql)" })
    .option("dry-run", { type: "boolean", default: false, describe: "Connect and show the plan; execute nothing" })
    .option("lock-timeout", {
      type: "number",
      default: 60,
      describe: "Seconds to wait for another runner's lock before giving up",
    }) as unknown as Argv<T & ExecutionArgs>;
}

export function executionOptions(args: ExecutionArgs, out: Output, verb: string): ExecutionOptions {
  if (!TRANSACTION_MODES.includes(args.transaction as TransactionMode)) {
    throw new UsageError(`--transaction must be one of ${TRANSACTION_MODES.join(", ")}.`);
  }
  return {
    mode: args.transaction as TransactionMode,
    fake: args.fake,
    onStart: (name, i, total) => out.line(`[${i + 1}/${total}] ${verb} ${name} ...`),
    onDone: (result, _i, _total) => out.line(`        ${describeResult(result)}`),
    onStatement: args.verbose ? (sql) => out.line(formatStatement(sql)) : undefined,
  };
}

/**
 * Where a run or revert stops: --to and --step both say it, so they are
 * refused together, and a step is a positive whole number of migrations.
 */
export function checkStopOptions(args: { to?: string; step?: number }): void {
  if (args.to !== undefined && args.step !== undefined) {
    throw new UsageError("--to and --step both say where to stop: give one of them, not both.");
  }
  if (args.step !== undefined && !(Number.isInteger(args.step) && args.step > 0)) {
    throw new UsageError("--step takes a positive whole number of migrations, e.g. --step 1.");
  }
}

export function lockTimeoutMs(args: ExecutionArgs): number {
  if (!(args.lockTimeout >= 0)) throw new UsageError("--lock-timeout takes a number of seconds, e.g. --lock-timeout 120.");
  return args.lockTimeout * 1000;
}

function describeResult(result: ExecutionResult): string {
  const verb = result.direction === "up" ? "applied" : "reverted";
  if (result.skipped) return `skipped ${result.name}: another runner ${verb} it first`;
  if (result.fake) return `${verb} ${result.name} (fake: recorded only, nothing executed)`;
  return `${verb} ${result.name} in ${Math.round(result.ms)} ms`;
}
