import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode, UsageError, type ExitCodeValue } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface CheckArgs {
  format?: "markdown" | "github";
  base?: string;
  dialect?: string;
  verify?: boolean;
  plan?: boolean;
}

export const checkCommand: CommandModule<GlobalArgs, CheckArgs & GlobalArgs> = {
  command: "check",
  describe: "Exit 1 when migrations are pending or the entities and the database differ (a CI gate); changes nothing",
  builder: (y) =>
    y
      .option("format", {
        choices: ["markdown", "github"] as const,
        describe:
          "Instead: the pull-request report of the migrations this branch adds, as Markdown (a PR comment) or GitHub Actions annotations; read without a database",
      })
      .option("base", {
        type: "string",
        describe: "With --format: the git ref the branch is compared with (default: where HEAD left origin/main, else main)",
      })
      .option("dialect", { type: "string", describe: "With --format: judge for this database type instead of the DataSource's" })
      .option("verify", { type: "boolean", describe: "With --format: also run athanor verify on a scratch database" })
      .option("plan", {
        type: "boolean",
        describe: "With --format: also price the migrations on the configured database (athanor plan; reads only)",
      })
      .example("$0 check", "fail CI unless the database is migrated and matches the entities")
      .example("$0 check --json", "the pending migrations and differences as JSON")
      .example("$0 check --format markdown --base origin/main > report.md", "the pull-request report, for gh pr comment --body-file")
      .epilogue(
        "With --format, the report lists the migrations not in the base commit's tree (outside git: those pending on the database), " +
          "their operations, danger findings, table rebuilds and schema changes; it exits 1 when an error finding remains or --verify failed.",
      ) as any,
  handler: action<CheckArgs>(async (args, out) => {
    if (args.format) return printReport(args);
    for (const flag of ["base", "dialect", "verify", "plan"] as const) {
      if (args[flag] !== undefined)
        throw new UsageError(`--${flag} belongs to the pull-request report: add --format markdown or --format github.`);
    }
    const result = await new Athanor(projectArgs(args)).check();
    out.result(result);
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    for (const table of result.unmappedTables) {
      out.line(`note: table ${table} is in the database but no entity maps it; left alone.`);
    }
    if (result.inSync) {
      out.line(`In sync: ${result.target} has every migration applied and matches the entities.`);
      return ExitCode.ok;
    }
    if (result.pending.length > 0) {
      out.line(`${plural(result.pending.length, "migration")} pending on ${result.target}:`);
      for (const name of result.pending) out.line(`  - ${name}`);
    }
    if (result.differences.length > 0) {
      out.line(`The entities and ${result.target} differ (${plural(result.differences.length, "operation")}):`);
      for (const difference of result.differences) out.line(`  - ${difference}`);
      for (const f of result.findings) out.line(`${f.code} ${f.severity}: ${f.message}`);
      for (const warning of result.warnings) out.line(`${out.style.yellow("WARNING:")} ${warning}`);
    }
    out.line(
      result.pending.length > 0
        ? "Apply the pending migrations with `athanor run`, then check again."
        : "Write a migration for the differences with `athanor generate`.",
    );
    return ExitCode.report;
  }),
};

/** `check --format markdown|github`: the report on stdout, nothing else (it is redirected into a PR comment). */
async function printReport(args: CheckArgs & GlobalArgs): Promise<ExitCodeValue> {
  if (args.json) throw new UsageError(`--format ${args.format} and --json both choose the output: give one of them.`);
  const result = await new Athanor(projectArgs(args)).report({
    format: args.format,
    base: args.base,
    dialect: args.dialect,
    verify: args.verify,
    plan: args.plan,
  });
  process.stdout.write(result.text);
  return result.failed ? ExitCode.report : ExitCode.ok;
}
