import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";
import { withStopSignals } from "./stop-signals";
import { checkStopOptions, executionOptions, lockTimeoutMs, withExecutionOptions, type ExecutionArgs } from "./execution-options";
import { offlineSqlRequested, printOfflineSql, withOfflineSqlOptions, type OfflineSqlArgs } from "./offline-sql";

interface RevertArgs extends ExecutionArgs, OfflineSqlArgs {
  to?: string;
  step?: number;
  allowEdited: boolean;
  allowSumMismatch: boolean;
}

export const revertCommand: CommandModule<GlobalArgs, RevertArgs & GlobalArgs> = {
  command: "revert [range]",
  describe: "Undo the last applied migration (or several with --step / --to)",
  builder: (y) =>
    withOfflineSqlOptions(
      withExecutionOptions(
        y
          .option("to", { type: "string", describe: "Revert everything applied after this revision; `base` reverts all" })
          .option("step", { type: "number", describe: "Revert the last N migrations" })
          .option("allow-edited", {
            type: "boolean",
            default: false,
            describe: "Run the down() of a migration whose file has changed since it was applied",
          })
          .option("allow-sum-mismatch", {
            type: "boolean",
            default: false,
            describe: "Revert even though migrations/athanor.sum is missing or does not match the migration files",
          }),
      ),
      "down",
    )
      .example("$0 revert", "undo the most recently applied migration")
      .example("$0 revert --to base", "undo every migration")
      .example("$0 revert --sql head:1763790000000", "the SQL script undoing everything after that one (offline)") as any,
  handler: action<RevertArgs>(async (args, out) => {
    checkStopOptions(args);
    if (offlineSqlRequested(args)) return printOfflineSql(args, out, "down");
    const result = await withStopSignals((signal) =>
      new Athanor(projectArgs(args)).revert({
        to: args.to,
        step: args.step,
        dryRun: args.dryRun,
        allowEdited: args.allowEdited,
        allowSumMismatch: args.allowSumMismatch,
        lockTimeoutMs: lockTimeoutMs(args),
        execution: { ...executionOptions(args, out, "reverting"), signal },
      }),
    );
    out.result(result);
    const plural = (n: number) => `${n} migration${n === 1 ? "" : "s"}`;
    const reverted = result.reverted.filter((r) => !r.skipped);
    if (args.dryRun) {
      out.line(
        result.planned.length === 0 ? "Nothing would be reverted." : `Would revert ${plural(result.planned.length)} on ${result.target}:`,
      );
      for (const name of result.planned) out.line(`  - ${name}`);
    } else {
      out.line(
        reverted.length === 0
          ? "Nothing reverted."
          : `Reverted ${plural(reverted.length)} on ${result.target}; ${result.remaining} still applied.`,
      );
    }
    return ExitCode.ok;
  }),
};
