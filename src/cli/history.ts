import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import type { HistoryEntry } from "../commands/history";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface HistoryArgs {
  indicateCurrent: boolean;
  revRange?: string;
}

export const historyCommand: CommandModule<GlobalArgs, HistoryArgs & GlobalArgs> = {
  command: "history",
  describe: "List every migration, newest first, with when it was applied",
  builder: (y) =>
    y
      .option("indicate-current", {
        alias: "i",
        type: "boolean",
        default: false,
        describe: "Mark the newest applied migration with (current)",
      })
      .option("rev-range", {
        alias: "r",
        type: "string",
        describe: "Only the range start:end (inclusive; revisions, base, head or current; either side may be empty)",
      })
      .example("$0 history -i", "everything, with (head) and (current) marked")
      .example("$0 history -r current:", "what is newer than the database (and the current one)")
      .example("$0 history -r :1763790000000", "that migration and everything older") as any,
  handler: action<HistoryArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).history({ range: args.revRange });
    out.result(result);
    if (result.migrations.length === 0) {
      out.line(
        result.head ? "No migrations in that range." : "No migrations yet: write one with `athanor generate` or `athanor create <name>`.",
      );
      return ExitCode.ok;
    }
    const width = Math.max(...result.migrations.map((m) => describe(m, args.indicateCurrent).length));
    for (const m of result.migrations) {
      const when = m.applied ? `applied ${m.appliedAt ?? "(time not recorded)"}` : "pending";
      const flags = [m.missing && "MISSING FILE", m.edited && "EDITED"].filter(Boolean).join(", ");
      out.line(`${m.applied ? "[x]" : "[ ]"} ${describe(m, args.indicateCurrent).padEnd(width)}  ${when}${flags ? "  " + flags : ""}`);
    }
    return ExitCode.ok;
  }),
};

/** "Name1763790000000 (head) (current)". */
function describe(m: HistoryEntry, indicateCurrent: boolean): string {
  return [m.name, m.head && "(head)", indicateCurrent && m.current && "(current)"].filter(Boolean).join(" ");
}
