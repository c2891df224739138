/**
 * The pull-request report as GitHub Actions workflow commands: one
 * annotation per finding on the line of the migration file it is about
 * (`::error file=…,line=…,title=AT-D002::…`), so the diff view shows it where
 * the migration is, and a notice with the verdict. See
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 * for the escaping rules implemented below.
 */
import type { Severity } from "../danger/codes";
import type { BranchReport } from "./report";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** A message: %, CR and LF would end or corrupt the command. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property value: also no `:` or `,`, which separate properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

export function reportAnnotations(report: BranchReport): string {
  const lines: string[] = [];
  for (const migration of report.migrations) {
    for (const f of migration.findings) {
      const file = migration.repoFile ?? migration.file;
      lines.push(
        command(COMMAND[f.severity], { file, line: file ? f.line : undefined, title: `${f.code} (${migration.name})` }, f.message),
      );
    }
  }
  for (const name of report.edited) {
    lines.push(command("warning", { title: "Athanor: edited migration" }, `${name} is on the base branch and this branch edits it.`));
  }
  if (report.verify && !report.verify.ok) {
    const problems = report.verify.failure?.problems ?? [];
    lines.push(command("error", { title: "athanor verify" }, [`Verify failed at ${report.verify.failure?.at}`, ...problems].join("\n")));
  }
  if (report.plan?.exceeded) lines.push(command("error", { title: "athanor plan" }, report.plan.verdict));
  const { error, warning, info } = report.counts;
  const n = report.migrations.length;
  lines.push(
    command(
      "notice",
      { title: "Athanor" },
      `${n} new migration${n === 1 ? "" : "s"} read for ${report.dialect}: ${error} error(s), ${warning} warning(s), ${info} info.`,
    ),
  );
  return lines.join("\n") + "\n";
}
