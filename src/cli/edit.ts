import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface EditArgs {
  rev: string;
}

export const editCommand: CommandModule<GlobalArgs, EditArgs & GlobalArgs> = {
  command: "edit [rev]",
  describe: "Open a migration file in $VISUAL or $EDITOR (no database needed)",
  builder: (y) =>
    y
      .positional("rev", {
        type: "string",
        default: "head",
        describe: "Revision: timestamp, class name, file name, unique prefix, or head",
      })
      .example("$0 edit", "open the newest migration")
      .example('EDITOR="code --wait" $0 edit 1763790000000', "open that migration in VS Code and wait for it")
      .epilogue(
        "athanor.sum is not re-written: after reviewing your change run `athanor sum`, or `run` refuses the directory. " +
          "Editing a migration that is already applied is caught by its checksum (`run` refuses it without --allow-edited).",
      ) as any,
  handler: action<EditArgs>(async (args, out) => {
    const result = await new Athanor({ dataSource: args.dataSource }).edit(args.rev);
    out.result(result);
    if (!result.changed) {
      out.line(`${result.file} is unchanged.`);
    } else {
      out.line(`Edited ${result.file}.`);
      if (result.sumOutdated)
        out.line(`note: run \`athanor sum\` to record the change in ${result.sumFile}; until then \`athanor run\` refuses.`);
    }
    return ExitCode.ok;
  }),
};
