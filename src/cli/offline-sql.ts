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

export interface OfflineSqlArgs {
  sql: boolean;
  from?: string;
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
    .option("sql", {
      type: "boolean",
      default: false,
      describe: "Print the SQL script instead of executing it; connects to nothing (offline)",
    })
    .option("from", {
      type: "string",
      describe:
        direction === "up"
          ? "With --sql: the script starts after this revision (default base)"
          : "With --sql: the script starts at this revision (default head, the newest migration on disk)",
    }) as unknown as Argv<T & OfflineSqlArgs>;
}

/** Whether --sql was asked for; --from means nothing without it. */
export function offlineSqlRequested(args: OfflineSqlArgs): boolean {
  if (args.from !== undefined && !args.sql) {
    throw new UsageError("--from sets where an offline script starts: use it together with --sql.");
  }
  return args.sql;
}

export async function printOfflineSql(args: RangeArgs, out: Output, direction: Direction): Promise<ExitCodeValue> {
  if (args.dryRun) throw new UsageError("--sql and --dry-run both execute nothing: use --sql for the script, --dry-run for the plan.");
  const result = await new Athanor({ dataSource: args.dataSource }).offlineSql(direction, {
    from: args.from,
    to: args.to,
    step: args.step,
    mode: args.transaction as TransactionMode | undefined,
    fake: args.fake,
  });
  out.result(result);
  if (!out.json) process.stdout.write(result.script);
  return ExitCode.ok;
}
