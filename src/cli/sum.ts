import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

export const sumCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "sum",
  describe: "Re-write migrations/athanor.sum (the directory's integrity file) from the migration files as they are",
  builder: (y) =>
    y
      .example("$0 sum", "after reviewing a merge or a hand edit, record the migrations as they are now")
      .epilogue(
        "athanor.sum holds a hash of every migration file and, on its first line, of the whole directory, so two branches " +
          "that each add a migration conflict in git. `run` and `revert` refuse a directory that differs from it, or that has " +
          "migration files and no athanor.sum; `status` reports it. `generate` and `create` re-write it themselves.",
      ) as any,
  handler: action<object>(async (args, out) => {
    const result = await new Athanor({ dataSource: args.dataSource }).sum();
    out.result(result);
    const count = `${result.files} migration file${result.files === 1 ? "" : "s"}`;
    if (result.previously === undefined) {
      out.line(`${result.sumFile} already matched; re-wrote it (${count}).`);
    } else if (result.previously === "missing") {
      out.line(`Wrote ${result.sumFile} (${count}).`);
    } else {
      out.line(`Re-wrote ${result.sumFile} (${count}), recording:`);
      for (const file of result.added) out.line(`  added    ${file}`);
      for (const file of result.removed) out.line(`  removed  ${file}`);
      for (const file of result.changed) out.line(`  changed  ${file}`);
      if (result.previously === "conflict") out.line("  (the previous sum had merge conflict markers)");
    }
    return ExitCode.ok;
  }),
};
