/**
 * Options shared by the commands that execute migrations (run, revert):
 * transaction mode, --fake, --dry-run, the lock wait, and progress lines.
 */
import type { Argv } from "yargs";
import { UsageError, redact } from "../errors";
import type { ExecutionOptions, ExecutionResult } from "../runner/execute";
import { TRANSACTION_MODES, type TransactionMode } from "../runner/transaction-mode";
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
      describe:
        "Each migration atomic on its own (each; on SQLite several share a commit), one transaction around the whole run (all), or none; transaction = false in a migration always wins",
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
    // On a terminal a live line says what is running; every migration then
    // gets one line as it finishes (all a log or a pipe shows).
    onStart: (name, i, total) => out.progress(`  … ${verb} ${name} (${i + 1}/${total})`),
    onDone: (result) => out.line(describeResult(result, out)),
    // Migration SQL may hold credentials (a connection URL in a comment or
    // a dblink call), so statements are redacted like error messages.
    onStatement: args.verbose ? printStatements(out) : undefined,
  };
}

/** --verbose: each statement in the format of --sql, whose module is required only then. */
function printStatements(out: Output): NonNullable<ExecutionOptions["onStatement"]> {
  const { formatStatement } = require("../runner/offline") as typeof import("../runner/offline");
  return (sql) => out.line(redact(formatStatement(sql)));
}

/**
 * Where a run or revert stops: --to and --step both say it, so they are
 * refused together, and a step is a positive whole number of migrations.
 */
export function checkStopOptions(args: { to?: string; step?: number }): void {
  // Required here, not imported: the runner behind it is not loaded for
  // every command the CLI knows (a cold `generate` compiles each module).
  const { refuseToAndStep } = require("../runner/targets") as typeof import("../runner/targets");
  refuseToAndStep(args);
  if (args.step !== undefined && !(Number.isInteger(args.step) && args.step > 0)) {
    throw new UsageError("--step takes a positive whole number of migrations, e.g. --step 1.");
  }
}

export function lockTimeoutMs(args: ExecutionArgs): number {
  if (!(args.lockTimeout >= 0)) throw new UsageError("--lock-timeout takes a number of seconds, e.g. --lock-timeout 120.");
  return args.lockTimeout * 1000;
}

/** `  ✓ AddEmail1700000000000 (42 ms)`, one per finished migration. */
function describeResult(result: ExecutionResult, out: Output): string {
  const verb = result.direction === "up" ? "applied" : "reverted";
  if (result.skipped) return `  - ${result.name} ${out.style.dim(`(skipped: another runner ${verb} it first)`)}`;
  const done = out.style.green("✓");
  const reverted = result.direction === "down" ? "reverted " : "";
  if (result.fake) return `  ${done} ${reverted}${result.name} ${out.style.dim("(fake: recorded only, nothing executed)")}`;
  return `  ${done} ${reverted}${result.name} ${out.style.dim(`(${Math.round(result.ms)} ms)`)}`;
}
