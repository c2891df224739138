import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface StatusArgs {
  check: boolean;
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs & GlobalArgs> = {
  command: "status",
  aliases: ["current"],
  describe: "Show which migrations are applied, which are pending, and anything abnormal",
  builder: (y) =>
    y.option("check", {
      type: "boolean",
      default: false,
      describe: "Exit 1 when anything is pending or abnormal (for CI and deploy gates)",
    }) as any,
  handler: action<StatusArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).status();
    out.result(result);
    out.line(`Database: ${result.target}`);
    out.line(`Current:  ${result.current ?? "base (nothing applied)"}`);
    out.line(`${result.applied} applied, ${result.pending} pending.`);
    for (const m of result.migrations) {
      const mark = m.applied ? "[x]" : "[ ]";
      const flags = [m.missing && "MISSING FILE", m.edited && "EDITED", m.outOfOrder && "OUT OF ORDER"].filter(Boolean);
      const when = m.appliedAt
        ? `applied ${m.appliedAt}`
        : m.partial?.wholeRevert
          ? `pending, partly reverted: ${describeProgress(m.partial)}`
          : m.partial
            ? `pending, partially applied: ${describeProgress(m.partial)}`
            : "pending";
      out.line(`  ${mark} ${m.name}  ${when}${flags.length ? "  " + flags.join(", ") : ""}`);
    }
    for (const problem of result.problems) out.line(`problem: ${problem}`);
    for (const note of result.notes) out.line(`note: ${note}`);
    if (args.check && (result.pending > 0 || result.problems.length > 0)) return ExitCode.report;
    return ExitCode.ok;
  }),
};

/** "3 of 5 writing statements" (or "3 writing statements" when the migration's total is unknown; reads are not counted). */
function describeProgress(progress: { applied: number; total?: number; reverted?: number; wholeRevert?: boolean }): string {
  const unit = (n: number) => (n === 1 ? "writing statement" : "writing statements");
  if (progress.wholeRevert) return `${progress.reverted ?? 0} ${unit(progress.reverted ?? 0)} of its revert done`;
  const applied =
    progress.total === undefined
      ? `${progress.applied} ${unit(progress.applied)}`
      : `${progress.applied} of ${progress.total} ${unit(progress.total)}`;
  // As runner/partial.ts says it (not imported: status loads no runner code).
  return progress.reverted ? `${applied}, ${progress.reverted} ${unit(progress.reverted)} of its revert done` : applied;
}
