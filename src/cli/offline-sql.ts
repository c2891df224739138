/**
 * `--sql` on run and revert: print the SQL script instead of executing it
 * (Athanor.offlineSql). Connects to nothing, writes nothing.
 */
import type { Argv } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode, UsageError, type ExitCodeValue } from "../errors";
import type { Direction, TransactionMode } from "../runner/execute";
import type { GlobalArgs } from "./action";
import type { Output } from "./output";
import { argumentNotTaken } from "./usage-messages";

export interface OfflineSqlArgs {
  sql: boolean;
  from?: string;
  /** With --sql: the database type (and server version) to render for, as `show --dialect` takes it. */
  dialect?: string;
  /** `A:B`, the positional argument of run and revert (with --sql only). */
  range?: string;
}

/** What run and revert pass on to the script (their own --to, --step, --transaction, --fake). */
interface RangeArgs extends OfflineSqlArgs, GlobalArgs {
  to?: string;
  step?: number;
  transaction?: string;
  fake?: boolean;
  dryRun?: boolean;
}

export function withOfflineSqlOptions<T>(y: Argv<T>, direction: Direction): Argv<T & OfflineSqlArgs> {
  return y
    .positional("range", {
      type: "string",
      describe:
        direction === "up"
          ? "With --sql: the migrations after A through B, as A:B (either side may be empty: base, head)"
          : "With --sql: from A down to B, which is kept, as A:B (either side may be empty: head, base)",
    })
    .option("sql", {
      type: "boolean",
      default: false,
      describe: "Print the SQL script instead of executing it; connects to nothing (offline)",
    })
    .option("dialect", {
      type: "string",
      describe:
        "With --sql: render for this database type instead of the DataSource's; MySQL/MariaDB take a server version (mysql@8.0, mariadb@10.4; default MariaDB 10.11)",
    })
    .option("from", {
      type: "string",
      describe:
        direction === "up"
          ? "With --sql: the script starts after this revision (default base)"
          : "With --sql: the script starts at this revision (default head, the newest migration on disk)",
    })
    .check((args) => refuseRangeOnline(args as unknown as OfflineSqlArgs, direction === "up" ? "run" : "revert")) as unknown as Argv<
    T & OfflineSqlArgs
  >;
}

/** Whether --sql was asked for; --from means nothing without it. */
export function offlineSqlRequested(args: OfflineSqlArgs): boolean {
  if (args.from !== undefined && !args.sql) {
    throw new UsageError("--from sets where an offline script starts: use it together with --sql.");
  }
  if (args.dialect !== undefined && !args.sql) {
    throw new UsageError("--dialect sets what an offline script is written for: use it together with --sql (online, the server answers).");
  }
  return args.sql;
}

/** A range means nothing without --sql: online, run and revert take no argument. */
function refuseRangeOnline(args: OfflineSqlArgs, command: string): true {
  if (args.range === undefined || args.sql) return true;
  // A word without a colon is not a range, just an argument the command does not take.
  if (!args.range.includes(":")) throw new UsageError(argumentNotTaken(command, [args.range]));
  throw new UsageError(
    `A range like ${args.range} selects the migrations of an offline script: add --sql to print it, or use --to <revision> to ${command} online.`,
  );
}

export async function printOfflineSql(args: RangeArgs, out: Output, direction: Direction): Promise<ExitCodeValue> {
  if (args.dryRun) throw new UsageError("--sql and --dry-run both execute nothing: use --sql for the script, --dry-run for the plan.");
  const result = await new Athanor({ dataSource: args.dataSource }).offlineSql(direction, {
    from: args.from,
    to: args.to,
    range: args.range,
    step: args.step,
    mode: args.transaction as TransactionMode | undefined,
    fake: args.fake,
    databaseType: args.dialect,
  });
  out.result(result);
  if (!out.json) process.stdout.write(result.script);
  return ExitCode.ok;
}
