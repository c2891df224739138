/**
 * The `athanor` command line: argv parsing, output and exit codes. Each
 * command's handler only calls a method of the `Athanor` API (athanor.ts)
 * and prints what comes back.
 */
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { ExitCode, UsageError } from "../errors";
import { deferLines, keepGoingWhenOutputCloses, reportError } from "./output";
import { usageMessage } from "./usage-messages";
import { missingValueError, requireOptionValues, type ParserOptions } from "./option-values";
import { withoutNeedlessOptionsEnd } from "./options-end";
import { reportStrayRejections } from "./stray-rejections";
import type { GlobalArgs } from "./action";
import { COMMANDS } from "./commands";

export async function main(typed = hideBin(process.argv)): Promise<void> {
  const argv = withoutNeedlessOptionsEnd(typed);
  keepGoingWhenOutputCloses();
  deferLines();
  // A query a migration started without await fails after its up() returned.
  reportStrayRejections(argv.includes("--json"));
  const parser: Argv<GlobalArgs> = yargs(argv)
    .scriptName("athanor")
    // `--rename a=b Name`: an array option takes one value per flag (repeat
    // the flag for more), so the words after it stay the command's arguments.
    .parserConfiguration({ "greedy-arrays": false })
    .usage("$0 <command> [options]\n\nAutogenerate, run and revert TypeORM migrations.")
    .option("dataSource", {
      alias: "d",
      type: "string",
      describe: "Path to the file exporting the TypeORM DataSource [default: ormconfig.ts, else ormconfig.js/.mts/.mjs/.cts/.cjs]",
    })
    .option("connect-timeout", {
      type: "number",
      describe:
        "Seconds to wait for a PostgreSQL server to answer a new connection [default: the DataSource's connectTimeoutMS, else the URL's connect_timeout, else 10; 0 waits forever]",
    })
    .option("json", { type: "boolean", default: false, describe: "Print the result as JSON" })
    .option("quiet", {
      alias: "q",
      type: "boolean",
      default: false,
      describe: "Print nothing but errors (--json and --sql output still print)",
    })
    .command(COMMANDS as any)
    .middleware(requireOptionValues(argv) as any, true)
    .demandCommand(1, "Name a command: athanor generate, run or revert (athanor --help lists them all).")
    .strict()
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      // yargs fails a missing positional before the middleware above runs.
      throw (
        missingValueError(
          argv,
          (parser as unknown as { getOptions(): ParserOptions }).getOptions(),
          argv.find((w) => !w.startsWith("-")),
        ) ?? new UsageError(usageMessage(message, argv))
      );
    }) as Argv<GlobalArgs>;

  // yargs renders the whole help text once a command's handler has started,
  // to show it should the handler fail later; Athanor's `fail` above never
  // shows it, and rendering it cost every command ≈ 10 ms. `--help` renders
  // its own.
  const usage = (parser as unknown as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === "function") usage.cacheHelpMessage = () => undefined;

  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\nRun athanor --help for usage.\n`);
      process.exitCode = ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error, argv.includes("--json"));
  }
}
