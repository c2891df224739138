import type { CommandModule } from "yargs";
import { revert } from "../commands/revert";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface RevertArgs {
  to?: string;
  step?: number;
}

export const revertCommand: CommandModule<GlobalArgs, RevertArgs & GlobalArgs> = {
  command: "revert",
  describe: "Undo the last applied migration (or several with --step / --to)",
  builder: (y) =>
    y
      .option("to", { type: "string", describe: "Revert everything applied after this revision; `base` reverts all" })
      .option("step", { type: "number", describe: "Revert the last N migrations" }) as any,
  handler: action<RevertArgs>(async (args, out) => {
    const result = await revert({
      dataSource: args.dataSource,
      to: args.to,
      step: args.step,
      onStart: (name, i, total) => out.line(`[${i + 1}/${total}] reverting ${name} ...`),
      onDone: (r) => out.line(`        reverted ${r.name} in ${Math.round(r.ms)} ms`),
    });
    out.result(result);
    out.line(
      result.reverted.length === 0
        ? "Nothing reverted."
        : `Reverted ${result.reverted.length} migration${result.reverted.length === 1 ? "" : "s"} on ${result.target}; ${result.remaining} still applied.`,
    );
    return ExitCode.ok;
  }),
};
