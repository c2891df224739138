import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import type { LintResult } from "../commands/lint";
import { ExitCode } from "../errors";
import type { Finding, Severity } from "../danger/codes";
import { action, type GlobalArgs } from "./action";
import type { Output } from "./output";

interface LintArgs {
  revisions?: string[];
  dialect?: string;
  failOn: Severity;
}

export const lintCommand: CommandModule<GlobalArgs, LintArgs & GlobalArgs> = {
  command: "lint [revisions..]",
  describe: "Check migrations for data loss, failures on existing rows, heavy locks and breaking renames",
  builder: (y) =>
    y
      .positional("revisions", {
        type: "string",
        array: true,
        describe: "Migrations to lint (timestamp, class or file name, prefix, or head); default: all",
      })
      .option("dialect", {
        type: "string",
        describe: "Lint for this database type instead of the DataSource's, e.g. postgres in a SQLite project",
      })
      .option("fail-on", {
        choices: ["error", "warning", "info"] as const,
        default: "error" as Severity,
        describe: "Exit 1 when a finding of this severity or worse remains",
      })
      .example("$0 lint", "lint every migration; exit 1 on errors")
      .example("$0 lint head --dialect postgres", "the newest migration, with PostgreSQL's lock rules")
      .epilogue(
        "Silence a code for one migration with a comment in its file, naming the code and why:\n" +
          "  // athanor-lint-disable AT-D002 -- column unused since v2.3",
      ) as any,
  handler: action<LintArgs>(async (args, out) => {
    const result = await new Athanor({ dataSource: args.dataSource }).lint({
      revisions: args.revisions,
      dialect: args.dialect,
      failOn: args.failOn,
    });
    out.result(result);
    printReport(result, out);
    return result.failed ? ExitCode.report : ExitCode.ok;
  }),
};

function printReport(result: LintResult, out: Output): void {
  if (result.migrations.length === 0) {
    out.line("No migrations to lint.");
    return;
  }
  for (const migration of result.migrations) {
    const clean = migration.findings.length === 0;
    out.line(`${migration.file ?? migration.name}${clean ? ": ok" : ""}`);
    for (const f of migration.findings) printFinding(f, out);
    for (const f of migration.silenced) {
      out.line(`  ${f.code} silenced${f.reason ? `: ${f.reason}` : ""}  (${f.subject})`);
    }
    for (const code of migration.unknownCodes) {
      out.line(`  note: ${code} in an athanor-lint-disable comment is not a lint code; it silences nothing.`);
    }
  }
  const { error, warning, info, silenced } = result.counts;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  out.line();
  out.line(
    `${plural(result.migrations.length, "migration")} linted for ${result.dialect}: ` +
      `${plural(error, "error")}, ${plural(warning, "warning")}, ${info} info, ${silenced} silenced.`,
  );
  if (result.failed) {
    out.line(`Fix the migration, or silence a code you accept with a comment in its file: // athanor-lint-disable <code> -- <reason>`);
  }
}

function printFinding(f: Finding, out: Output): void {
  out.line(`  ${f.code} ${f.severity.padEnd(7)} ${f.message}`);
  out.line(`          ${"".padEnd(7)} (${f.subject})`);
}
