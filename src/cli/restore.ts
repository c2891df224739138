import { createInterface } from "node:readline";
import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode, UsageError } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface RestoreArgs {
  file: string;
  yes: boolean;
}

export const restoreCommand: CommandModule<GlobalArgs, RestoreArgs & GlobalArgs> = {
  command: "restore <file>",
  describe: "Put back a copy `run --backup` took, replacing everything in the database",
  builder: (y) =>
    y
      .positional("file", {
        type: "string",
        demandOption: true,
        describe: "the backup file (SQLite: data/app.sqlite.backup-…; PostgreSQL: <database>-….dump)",
      })
      .option("yes", { type: "boolean", default: false, describe: "Do not ask for confirmation (for CI); required when not at a terminal" })
      .example("$0 restore app-20251124T160000.000Z.dump", "after a failed run, put the database back as it was before it")
      .epilogue(
        "Everything in the database now is replaced: SQLite's file, or every schema of a PostgreSQL database (pg_restore, " +
          "version no older than the server, must be on the PATH). Stop the application first.",
      ) as any,
  handler: action<RestoreArgs>(async (args, out) => {
    const atTerminal = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !args.json;
    if (!args.yes && !atTerminal) {
      throw new UsageError(
        "athanor restore replaces everything in the database and asks first, but there is no terminal to ask at: pass --yes to restore without asking.",
      );
    }
    const result = await new Athanor(projectArgs(args)).restore(String(args.file), {
      confirm: args.yes
        ? undefined
        : (target, file) => ask(`Replace everything in ${target} with ${file}? Stop the application first. [y/N] `),
    });
    out.result(result);
    if (!result.restored) {
      out.line("Nothing restored.");
      return ExitCode.ok;
    }
    out.line(`Restored ${result.target} from ${result.file}.`);
    return ExitCode.ok;
  }),
};

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
