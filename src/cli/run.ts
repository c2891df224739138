import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";
import { withStopSignals } from "./stop-signals";
import { checkStopOptions, executionOptions, lockTimeoutMs, withExecutionOptions, type ExecutionArgs } from "./execution-options";
import { offlineSqlRequested, printOfflineSql, withOfflineSqlOptions, type OfflineSqlArgs } from "./offline-sql";

interface RunArgs extends ExecutionArgs, OfflineSqlArgs {
  to?: string;
  step?: number;
  allowOutOfOrder: boolean;
  allowEdited: boolean;
  allowSumMismatch: boolean;
  backup: boolean;
  backupDir?: string;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs & GlobalArgs> = {
  command: "run [range]",
  describe: "Apply pending migrations in order, each atomic with its bookkeeping row",
  builder: (y) =>
    withOfflineSqlOptions(
      withExecutionOptions(
        y
          .option("to", { type: "string", describe: "Stop after this revision (timestamp, name, file or unique prefix)" })
          .option("step", { type: "number", describe: "Apply at most N migrations" })
          .option("allow-out-of-order", {
            type: "boolean",
            default: false,
            describe: "Apply pending migrations older than the newest applied one",
          })
          .option("allow-edited", { type: "boolean", default: false, describe: "Run even though an applied migration's file has changed" })
          .option("allow-sum-mismatch", {
            type: "boolean",
            default: false,
            describe: "Run even though migrations/athanor.sum is missing or does not match the migration files",
          })
          .option("backup", {
            type: "boolean",
            default: false,
            describe:
              "Copy the database before applying anything (SQLite: beside its file; PostgreSQL: pg_dump -Fc into the project directory); athanor restore puts it back",
          })
          .option("backup-dir", { type: "string", describe: "Where --backup puts the copy (a directory; created if missing)" }),
      ),
      "up",
    )
      .example("$0 run", "apply every pending migration")
      .example("$0 run --to 1763790000000", "apply up to and including that migration")
      .example("$0 run --step 1 --dry-run", "show the next migration that would run")
      .example("$0 run --sql 1763790000000:head", "the SQL script for the migrations after that one (offline)") as any,
  handler: action<RunArgs>(async (args, out) => {
    checkStopOptions(args);
    if (offlineSqlRequested(args)) return printOfflineSql(args, out, "up");
    const started = Date.now();
    const result = await withStopSignals((signal) =>
      new Athanor(projectArgs(args)).run({
        to: args.to,
        step: args.step,
        allowOutOfOrder: args.allowOutOfOrder,
        allowEdited: args.allowEdited,
        allowSumMismatch: args.allowSumMismatch,
        dryRun: args.dryRun,
        lockTimeoutMs: lockTimeoutMs(args),
        execution: { ...executionOptions(args, out, "applying"), signal },
        backup: args.backup || args.backupDir !== undefined,
        backupDir: args.backupDir,
        onBackup: (path) => out.line(`Backed up the database to ${path} before migrating.`),
      }),
    );
    out.result(result);
    const applied = result.applied.filter((r) => !r.skipped);
    const plural = (n: number) => `${n} migration${n === 1 ? "" : "s"}`;
    if (args.dryRun) {
      out.line(
        result.planned.length === 0
          ? `Nothing to run: ${result.target} is up to date.`
          : `Would apply ${plural(result.planned.length)} to ${result.target}:`,
      );
      for (const name of result.planned) out.line(`  - ${name}`);
    } else if (applied.length === 0) {
      out.line(`Nothing to run: ${result.target} is up to date (${plural(result.alreadyApplied + result.applied.length)} applied).`);
    } else {
      out.line(`Applied ${plural(applied.length)} to ${result.target} in ${Date.now() - started} ms.`);
    }
    return ExitCode.ok;
  }),
};
