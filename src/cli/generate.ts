import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { defaultOnlineLockTimeout, onlineByDefault } from "../config/online";
import { ExitCode, UsageError } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";
import { parseRenameHints } from "./rename-hints";

interface GenerateArgs {
  name?: string;
  check: boolean;
  dryRun: boolean;
  sql: boolean;
  rename?: string[];
  renameTable?: string[];
  renameValue?: string[];
  interactive: boolean;
  acceptDataLoss: boolean;
  dropUnmanaged: boolean;
  online: boolean;
  onlineLockTimeout: string;
  js?: boolean;
  ts?: boolean;
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
      .option("rename", {
        type: "string",
        array: true,
        describe: "A column rename, table.old=new; one per flag (repeat --rename for more); keeps the data",
      })
      .option("rename-table", {
        type: "string",
        array: true,
        describe: "A table rename, old=new; one per flag (repeat --rename-table for more); keeps the data",
      })
      .option("rename-value", {
        type: "string",
        array: true,
        describe:
          "An enum value rename, table.column:old=new; one per flag (repeat --rename-value for more); rows holding the old value keep their meaning",
      })
      .option("interactive", {
        type: "boolean",
        default: true,
        describe: "Ask about possible renames at a terminal (--no-interactive: never ask)",
      })
      .option("accept-data-loss", {
        type: "boolean",
        default: false,
        describe: "Treat undecided possible renames as drop + add, losing the old data",
      })
      .option("drop-unmanaged", {
        type: "boolean",
        default: false,
        describe: "Also drop tables no entity maps that no migration created (by default reported and left alone)",
      })
      .option("online", {
        type: "boolean",
        default: onlineByDefault(),
        describe:
          "Lock-safe PostgreSQL: CONCURRENTLY indexes, NOT VALID + VALIDATE, lock_timeout; transaction = false (default from ATHANOR_ONLINE)",
      })
      .option("online-lock-timeout", {
        type: "string",
        default: defaultOnlineLockTimeout(),
        describe: "With --online: how long each statement may wait for a lock, e.g. 5s (default from ATHANOR_ONLINE_LOCK_TIMEOUT)",
      })
      .option("js", { type: "boolean", describe: "Write JavaScript (default when the DataSource file is .js/.mjs/.cjs)" })
      .option("ts", { type: "boolean", describe: "Write TypeScript (default otherwise)" })
      .conflicts("js", "ts")
      .example("$0 generate --online AddIndexes", "lock-safe migration for a live PostgreSQL")
      .example("$0 generate --rename users.full_name=display_name", "rename a column instead of dropping and adding it")
      .example("$0 generate --rename-value users.status:pending=waiting", "rename an enum value; the rows holding it follow")
      .example("$0 generate AddEmailToUsers", "write migrations/<timestamp>-AddEmailToUsers.ts")
      .example("$0 generate --check", "fail CI when the entities and the database differ") as any,
  handler: action<GenerateArgs>(async (args, out) => {
    refuseHintAsName(args.name);
    const { promptForRenames } = await import("./rename-prompt");
    // Ask only where a person can answer and the output is not for a machine.
    const canAsk = args.interactive && !args.json && Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const result = await new Athanor(projectArgs(args)).generate(args.name, {
      check: args.check,
      dryRun: args.dryRun,
      sql: args.sql,
      renames: parseRenameHints(args.rename, args.renameTable, args.renameValue),
      resolveRenames: canAsk ? promptForRenames(process.stdin, process.stdout) : undefined,
      acceptDataLoss: args.acceptDataLoss,
      dropUnmanaged: args.dropUnmanaged,
      online: args.online ? { online: true, lockTimeout: args.onlineLockTimeout } : undefined,
      language: args.js ? "js" : args.ts ? "ts" : undefined,
    });
    out.result(result.content && args.json ? { ...result, content: args.dryRun ? result.content : undefined } : result);
    for (const table of result.unmappedTables) {
      out.line(
        `note: table ${table} is in the database but no entity maps it and no migration created it; left alone (--drop-unmanaged drops it).`,
      );
    }
    if (!result.changes) {
      for (const warning of result.warnings) out.line(`WARNING: ${warning}`);
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
    for (const warning of result.warnings) out.line(`${out.style.yellow("WARNING:")} ${warning}`);
    for (const f of result.findings) out.line(`${f.code} ${f.severity}: ${f.message}`);
    return args.check ? ExitCode.report : ExitCode.ok;
  }),
};

/**
 * Each --rename flag takes one hint (main.ts), so a second hint typed after
 * the first without its own flag lands where the migration name goes.
 */
function refuseHintAsName(name: string | undefined): void {
  if (name === undefined || !name.includes("=")) return;
  throw new UsageError(
    `"${name}" looks like a rename hint, not a migration name: give each hint its own flag, e.g. --rename users.a=b --rename users.c=d.`,
  );
}
