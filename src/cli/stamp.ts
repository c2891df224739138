import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface StampArgs {
  revision: string;
  purge: boolean;
}

export const stampCommand: CommandModule<GlobalArgs, StampArgs & GlobalArgs> = {
  command: "stamp <revision>",
  describe: "Mark migrations up to <revision> (head, base, or a migration) as applied, running nothing",
  builder: (y) =>
    y
      .positional("revision", {
        type: "string",
        demandOption: true,
        describe: "head, base, or a migration's timestamp, name, file or prefix",
      })
      .option("purge", {
        type: "boolean",
        default: false,
        describe: "Empty the bookkeeping table first (also forgets migrations missing on disk)",
      })
      .example("$0 stamp head", "adopt an existing database whose schema is already up to date")
      .example("$0 stamp base", "forget every applied migration") as any,
  handler: action<StampArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).stamp(args.revision, { purge: args.purge });
    out.result(result);
    for (const name of result.removed) out.line(`  - forgot ${name}`);
    for (const name of result.recorded) out.line(`  + recorded ${name}`);
    out.line(
      result.recorded.length + result.removed.length === 0
        ? `Nothing to change: the bookkeeping of ${result.target} already says ${result.revision}.`
        : `Stamped ${result.target} at ${result.revision}; no migration code ran.`,
    );
    return ExitCode.ok;
  }),
};
