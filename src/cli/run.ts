import type { CommandModule } from "yargs";
import { run } from "../commands/run";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface RunArgs {
  to?: string;
  step?: number;
  allowOutOfOrder: boolean;
  allowEdited: boolean;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs & GlobalArgs> = {
  command: "run",
  describe: "Apply pending migrations in order, each in its own transaction",
  builder: (y) =>
    y
      .option("to", { type: "string", describe: "Stop after this revision (timestamp, name, file or unique prefix)" })
      .option("step", { type: "number", describe: "Apply at most N migrations" })
      .option("allow-out-of-order", { type: "boolean", default: false, describe: "Apply pending migrations older than the newest applied one" })
      .option("allow-edited", { type: "boolean", default: false, describe: "Run even though an applied migration's file has changed" }) as any,
  handler: action<RunArgs>(async (args, out) => {
    const started = Date.now();
    const result = await run({
      dataSource: args.dataSource,
      to: args.to,
      step: args.step,
      allowOutOfOrder: args.allowOutOfOrder,
      allowEdited: args.allowEdited,
      onStart: (name, i, total) => out.line(`[${i + 1}/${total}] applying ${name} ...`),
      onDone: (r) => out.line(`        applied ${r.name} in ${Math.round(r.ms)} ms`),
    });
    out.result(result);
    if (result.applied.length === 0) {
      out.line(`Nothing to run: ${result.target} is up to date (${result.alreadyApplied} migration${result.alreadyApplied === 1 ? "" : "s"} applied).`);
    } else {
      out.line(`Applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"} to ${result.target} in ${Date.now() - started} ms.`);
    }
    return ExitCode.ok;
  }),
};
