import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import type { PlanResult, PlanStatement } from "../commands/price-plan";
import { formatBytes, formatSeconds } from "../commands/plan-units";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";
import type { Output } from "./output";

interface PlanArgs {
  from?: string;
  to?: string;
  sample: boolean;
  maxLockSeconds?: number;
  maxRewriteBytes?: number;
}

export const planCommand: CommandModule<GlobalArgs, PlanArgs & GlobalArgs> = {
  command: "plan",
  describe: "Price the pending migrations on the database before running them: locks, rewrites, sizes, durations, blocking sessions",
  builder: (y) =>
    y
      .option("from", { type: "string", describe: "Price the migrations after this revision instead of the pending ones" })
      .option("to", { type: "string", describe: "Stop after this revision (default head)" })
      .option("sample", {
        type: "boolean",
        default: true,
        describe: "Measure the server's read speed on the largest touched table (a short read-only sample); --no-sample assumes a default",
      })
      .option("max-lock-seconds", { type: "number", describe: "Exit 1 when a lock that blocks writes would be held longer than N seconds" })
      .option("max-rewrite-bytes", { type: "number", describe: "Exit 1 when the migrations would rewrite more than N bytes of tables" })
      .example("$0 plan", "what the pending migrations would lock, rewrite and take on this database")
      .example("$0 plan --max-lock-seconds 5 --max-rewrite-bytes 1e9", "a CI gate: exit 1 over 5 s of write lock or 1 GB rewritten") as any,
  handler: action<PlanArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).plan({
      from: args.from,
      to: args.to,
      sample: args.sample,
      maxLockSeconds: args.maxLockSeconds,
      maxRewriteBytes: args.maxRewriteBytes,
    });
    out.result(result);
    printPlan(result, out);
    return result.ok ? ExitCode.ok : ExitCode.report;
  }),
};

function printPlan(result: PlanResult, out: Output): void {
  const { style } = out;
  out.line(`Plan for ${result.target}: ${result.migrations.length} migration${result.migrations.length === 1 ? "" : "s"}.`);
  out.line(style.dim(`Throughput: ${formatBytes(result.throughput.scanBytesPerSecond)}/s read (${result.throughput.source}).`));
  for (const table of result.tables) {
    out.line(style.dim(`Table ${table.table}: ~${table.rows} rows, ${formatBytes(table.bytes)} (${table.source}).`));
  }
  for (const migration of result.migrations) {
    out.line();
    out.line(
      style.bold(`${migration.name}`) +
        style.dim(`  (${migration.transaction ? "in a transaction: locks held until it commits" : "no transaction"})`),
    );
    for (const statement of migration.statements) {
      out.line(`  ${statement.sql}`);
      const cost = describeCost(statement);
      if (cost) out.line(`    ${cost}`);
    }
    if (migration.failure) out.line(style.yellow(`  read only up to where it failed offline: ${migration.failure}`));
  }
  if (result.blockersKnown) {
    out.line();
    const blocking = result.blockers.filter((b) => b.conflicts);
    out.line(
      blocking.length === 0
        ? "Blocking now: nobody holds a conflicting lock."
        : style.red(`Blocking now: ${blocking.length} session${blocking.length === 1 ? "" : "s"}:`),
    );
    for (const b of result.blockers) {
      const what = b.conflicts ? `holds ${b.mode} on ${b.table}` : "long-running transaction";
      const age = b.transactionSeconds === undefined ? "" : `, transaction open ${formatSeconds(b.transactionSeconds)}`;
      out.line(`  pid ${b.pid} ${what}${age}${b.state ? `, ${b.state}` : ""}${b.query ? `: ${JSON.stringify(b.query)}` : ""}`);
    }
  } else if (result.migrations.length > 0) {
    out.line();
    out.line(
      style.dim(
        `Blocking now: not listed on ${result.dialect} (SQLite has no list of connections); a session holding the lock makes the migration wait.`,
      ),
    );
  }
  for (const note of result.notes) out.line(`note: ${note}`);
  out.line();
  out.line(`Verdict: ${result.ok ? style.green(result.verdict) : style.red(result.verdict)}`);
}

function describeCost(s: PlanStatement): string | undefined {
  if (!s.lock) return undefined;
  const effect = { catalog: "catalog only", scan: "scans the table", index: "builds an index", rewrite: "rewrites the table" }[s.effect!];
  const size = s.rows === undefined ? "" : ` · ~${s.rows} rows, ${formatBytes(s.bytes!)}`;
  const time =
    s.estimatedSeconds === undefined
      ? ""
      : s.effect === "catalog"
        ? " · instant once the lock is granted"
        : ` · ~${formatSeconds(s.estimatedSeconds)}`;
  const held = s.lockSeconds !== undefined && s.lockSeconds !== s.estimatedSeconds ? ` (lock held ~${formatSeconds(s.lockSeconds)})` : "";
  return `${s.lock} on ${s.table} · ${effect}${size}${time}${held} · ${s.reason}`;
}
