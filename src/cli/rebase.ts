import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface RebaseArgs {
  migration?: string[];
  dryRun: boolean;
  verify: boolean;
}

export const rebaseCommand: CommandModule<GlobalArgs, RebaseArgs & GlobalArgs> = {
  command: "rebase [migration..]",
  describe: "Give pending migrations older than the newest applied one new timestamps after it, and re-write athanor.sum",
  builder: (y) =>
    y
      .positional("migration", {
        type: "string",
        array: true,
        describe: "pending migrations to rebase (default: every one that is out of order)",
      })
      .option("dry-run", { type: "boolean", default: false, describe: "Say what would be renamed, change nothing" })
      .option("verify", {
        type: "boolean",
        default: true,
        describe: "Afterwards, check the rebased line on a scratch database (--no-verify skips it)",
      })
      .example("$0 rebase", "after merging a branch whose migrations are older than the ones you applied")
      .epilogue(
        "Each rebased migration gets a timestamp just after the newest applied one, in its file name, class name and name " +
          "property; their order among themselves is kept. An applied migration is never renamed. After a git merge that " +
          "conflicted only in athanor.sum, `athanor rebase` (or `athanor sum` when nothing is out of order, as `athanor status` says) " +
          "is the whole fix.",
      ) as any,
  handler: action<RebaseArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).rebase(args.migration ?? [], { dryRun: args.dryRun, verify: args.verify });
    out.result(result);
    if (result.rebased.length === 0) {
      out.line(
        result.sumWritten
          ? `No pending migration is out of order; re-wrote ${result.sumFile}.`
          : `No pending migration is out of order: nothing to rebase.`,
      );
      return ExitCode.ok;
    }
    const verb = args.dryRun ? "Would rename" : "Renamed";
    out.line(
      `${verb} ${result.rebased.length} migration${result.rebased.length === 1 ? "" : "s"} to run after ${result.after ?? "nothing applied"}:`,
    );
    for (const m of result.rebased) out.line(`  ${m.fromFile} -> ${m.toFile}`);
    if (result.sumWritten)
      out.line(`Re-wrote ${result.sumFile}${result.sumPreviously === "conflict" ? " (it had merge conflict markers)" : ""}.`);
    if (result.verify) {
      if (!result.verify.ok) {
        out.line(
          `The rebased line fails verify on a scratch database: ${result.verify.failure?.problems.join(" ") ?? "see athanor verify"} Run athanor verify for the details.`,
        );
        return ExitCode.report;
      }
      out.line(`Verified on a scratch database: the ${result.verify.migrations} migrations still build the entities' schema.`);
    }
    return ExitCode.ok;
  }),
};
