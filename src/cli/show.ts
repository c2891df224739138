import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface ShowArgs {
  revision: string;
  dialect?: string;
}

export const showCommand: CommandModule<GlobalArgs, ShowArgs & GlobalArgs> = {
  command: "show <revision>",
  describe: "Show a migration: its header, its operations and the SQL of up and down (connects to nothing)",
  builder: (y) =>
    y
      .positional("revision", { type: "string", describe: "Timestamp, class name, file name, a unique prefix, or head" })
      .option("dialect", {
        type: "string",
        describe: "Render the SQL for this database type instead of the DataSource's (sqlite, postgres)",
      })
      .example("$0 show head", "the newest migration")
      .example("$0 show 1763790000000 --dialect postgres", "its SQL on PostgreSQL") as any,
  handler: action<ShowArgs>(async (args, out) => {
    const result = await new Athanor({ dataSource: args.dataSource }).show(args.revision, { databaseType: args.dialect });
    // Loaded only when this command runs, as athanor.ts loads the commands.
    const { formatStatement } = await import("../runner/offline");
    out.result(result);
    if (result.header) {
      out.line(result.header);
      out.line();
    }
    out.line(`Migration: ${result.name}${result.file ? ` (${result.file})` : ""}`);
    if (!result.transaction) out.line("Runs outside a transaction (transaction = false).");
    out.line();
    out.line("Operations (up):");
    if (result.operations.length === 0) out.line("  (none)");
    for (const operation of result.operations) out.line(`  - ${operation}`);
    for (const [title, statements] of [
      ["Up", result.upSql],
      ["Down", result.downSql],
    ] as const) {
      out.line();
      out.line(`${title} SQL (${result.dialect}):`);
      if (statements.length === 0) out.line("  (none)");
      for (const sql of statements) out.line(formatStatement(sql).replace(/^/gm, "  "));
    }
    return ExitCode.ok;
  }),
};
