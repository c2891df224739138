import type { CommandModule } from "yargs";
import { generate } from "../commands/generate";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface GenerateArgs {
  name?: string;
  check: boolean;
  dryRun: boolean;
  sql: boolean;
}

export const generateCommand: CommandModule<GlobalArgs, GenerateArgs & GlobalArgs> = {
  command: "generate [name]",
  describe: "Compare the entities with the database and write a migration for the difference",
  builder: (y) =>
    y
      .positional("name", { type: "string", describe: "Migration name, e.g. AddEmailToUsers (derived when omitted)" })
      .option("check", { type: "boolean", default: false, describe: "Write nothing; exit 1 when there are changes" })
      .option("dry-run", { type: "boolean", default: false, describe: "Print the migration instead of writing it" })
      .option("sql", { type: "boolean", default: false, describe: "Write raw SQL for this database instead of portable op calls" })
      .example("$0 generate AddEmailToUsers", "write migrations/<timestamp>-AddEmailToUsers.ts")
      .example("$0 generate --check", "fail CI when the entities and the database differ") as any,
  handler: action<GenerateArgs>(async (args, out) => {
    const result = await generate({ dataSource: args.dataSource, name: args.name, check: args.check, dryRun: args.dryRun, sql: args.sql });
    out.result(result.content && args.json ? { ...result, content: args.dryRun ? result.content : undefined } : result);
    for (const table of result.unmappedTables) {
      out.line(`note: table ${table} is in the database but no entity maps it; left alone.`);
    }
    if (!result.changes) {
      out.line("No changes: the database matches the entities. Nothing written.");
      return ExitCode.ok;
    }
    if (args.dryRun && result.content) {
      out.line(result.content);
    } else if (args.check) {
      out.line(`The entities and the database differ (${result.operations.length} operation${result.operations.length === 1 ? "" : "s"}):`);
    } else {
      out.line(`Wrote ${result.file}:`);
    }
    if (!args.dryRun) for (const op of result.operations) out.line(`  - ${op}`);
    for (const note of result.notes) out.line(`note: ${note}`);
    for (const warning of result.warnings) out.line(`WARNING: ${warning}`);
    return args.check ? ExitCode.report : ExitCode.ok;
  }),
};
