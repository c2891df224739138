import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface CreateArgs {
  name: string;
  js?: boolean;
  ts?: boolean;
  template?: string;
}

export const createCommand: CommandModule<GlobalArgs, CreateArgs & GlobalArgs> = {
  command: "create <name>",
  describe: "Write a blank migration to fill in by hand (no database needed)",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "Migration name, e.g. SeedCountries" })
      .option("js", { type: "boolean", describe: "Write JavaScript (default when the DataSource file is .js/.mjs/.cjs)" })
      .option("ts", { type: "boolean", describe: "Write TypeScript (default otherwise)" })
      .option("template", {
        type: "string",
        describe:
          "A migration template to write the file with (default: migrations/athanor.template when it exists); README lists its placeholders",
      })
      .conflicts("js", "ts")
      .example("$0 create SeedCountries", "write migrations/<timestamp>-SeedCountries.ts and update migrations/athanor.sum")
      .epilogue(
        "The file has the same layout as a generated one, with empty up() and down(): put op(queryRunner) or queryRunner.query() calls there. " +
          "Refuses (exit 2) when migrations/athanor.sum does not match the directory; run `athanor sum` after reviewing.",
      ) as any,
  handler: action<CreateArgs>(async (args, out) => {
    const result = await new Athanor({ dataSource: args.dataSource }).create(String(args.name), {
      language: args.js ? "js" : args.ts ? "ts" : undefined,
      template: args.template,
    });
    out.result(result);
    out.line(`Wrote ${result.file} (class ${result.className}); updated ${result.sumFile}.`);
    out.line("Fill in up() and down(), then apply it with `athanor run`.");
    return ExitCode.ok;
  }),
};
