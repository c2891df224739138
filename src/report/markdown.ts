/**
 * The pull-request report as GitHub-flavoured Markdown: readable as a PR
 * comment without opening a file. The verdict and the findings come first;
 * each migration's operations are folded (<details>) below.
 *
 * The first line is an HTML comment, `<!-- athanor-report -->`, so a
 * workflow can find its earlier comment and update it instead of adding one
 * per push (docs/ci/pull-request-report.yml).
 */
import type { Severity } from "../danger/codes";
import type { ChangeKind, TableChange } from "../ops/schema-changes";
import type { BranchReport, ReportMigration } from "./report";

export const REPORT_MARKER = "<!-- athanor-report -->";

const MARK: Record<Severity, string> = { error: "🔴", warning: "🟠", info: "🔵" };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Text safe inside a table cell: no pipe ends the cell, no newline ends the row. */
function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

/** An inline code span that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? ` ${text} ` : text}${fence}`;
}

function headline(report: BranchReport): string {
  const n = report.migrations.length;
  if (n === 0) return "## Athanor: no new migrations";
  return `## Athanor: ${plural(n, "new migration")}`;
}

function verdict(report: BranchReport): string {
  const { error, warning, info, silenced } = report.counts;
  const parts = [plural(error, "error"), plural(warning, "warning"), `${info} info`];
  if (silenced) parts.push(`${silenced} silenced`);
  const state = report.failed ? "**Needs attention**" : "**OK**";
  return `${state}: ${parts.join(", ")}.`;
}

function selectionLine(report: BranchReport): string {
  const { selection } = report;
  const where =
    selection.by === "git"
      ? `migrations not in ${code(selection.base)} (${code(selection.commit)})`
      : `migrations pending on ${selection.target} (${selection.why})`;
  return `Read for **${report.dialect}**, without a database: ${where}.`;
}

const CHANGE_WORD: Record<ChangeKind, string> = { added: "added", changed: "changed", dropped: "dropped", renamed: "renamed" };

function changeRows(changes: TableChange[]): string[] {
  const rows: string[] = [];
  for (const table of changes) {
    const name = table.kind === "renamed" ? `${code(table.from!)} → ${code(table.table)}` : code(table.table);
    if (table.kind === "added" || table.kind === "dropped") {
      const columns = table.columns.map((c) => `${c.column} ${c.detail}`).join(", ");
      rows.push(`| ${name} | **table ${CHANGE_WORD[table.kind]}** | ${cell(columns)} |`);
      continue;
    }
    if (table.kind === "renamed") rows.push(`| ${name} | **table renamed** | |`);
    for (const column of table.columns) {
      const what =
        column.kind === "renamed"
          ? `column renamed ${code(column.from!)} → ${code(column.column)}`
          : `column ${code(column.column)} ${CHANGE_WORD[column.kind]}`;
      rows.push(`| ${code(table.table)} | ${what} | ${cell(column.detail)} |`);
    }
    for (const constraint of table.constraints) {
      const [verb, ...rest] = constraint.split(" ");
      rows.push(`| ${code(table.table)} | ${verb} | ${cell(rest.join(" "))} |`);
    }
  }
  return rows;
}

function migrationDetails(migration: ReportMigration): string[] {
  const findings = migration.findings.length ? ` — ${findingCount(migration)}` : "";
  const lines = [
    `<details><summary><code>${migration.name}</code>: ${plural(migration.operations.length, "operation")}${findings}</summary>`,
    "",
  ];
  if (migration.file) lines.push(`File ${code(migration.file)}${migration.transaction ? "" : " (runs outside a transaction)"}.`, "");
  lines.push(...migration.operations.map((op) => `- ${cell(op)}`));
  for (const note of migration.notes) lines.push(`- _note:_ ${cell(note)}`);
  for (const f of migration.silenced) lines.push(`- _silenced:_ ${f.code}${f.reason ? ` (${cell(f.reason)})` : ""}: ${cell(f.subject)}`);
  lines.push("", "</details>");
  return lines;
}

function findingCount(migration: ReportMigration): string {
  const count = (s: Severity) => migration.findings.filter((f) => f.severity === s).length;
  return (["error", "warning", "info"] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${MARK[s]} ${s === "info" ? `${count(s)} info` : plural(count(s), s)}`)
    .join(", ");
}

export function reportMarkdown(report: BranchReport): string {
  const lines = [REPORT_MARKER, headline(report), "", selectionLine(report), ""];
  if (report.migrations.length === 0) {
    lines.push("This branch adds no migration.");
  } else {
    lines.push(verdict(report), "");
  }
  for (const name of report.edited) {
    lines.push(`> ⚠️ ${code(name)} is on the base branch and this branch edits it: a database that already ran it will not run it again.`);
  }
  if (report.edited.length) lines.push("");

  const findings = report.migrations.flatMap((m) => m.findings.map((f) => ({ m, f })));
  if (findings.length) {
    lines.push("### Findings", "", "| | code | finding | migration |", "|---|---|---|---|");
    for (const { m, f } of findings) {
      const where = m.file ? `${code(m.file)}:${f.line}` : code(m.name);
      lines.push(`| ${MARK[f.severity]} ${f.severity} | ${f.code} | ${cell(f.message)} | ${where} |`);
    }
    lines.push("");
  }

  if (report.migrations.length) {
    lines.push("### Schema changes", "");
    const rows = changeRows(report.changes);
    if (rows.length) lines.push("| table | change | detail |", "|---|---|---|", ...rows);
    else lines.push("No table or column changes (the migrations run data changes or SQL the model cannot follow).");
    lines.push("", "### Migrations", "");
    for (const migration of report.migrations) lines.push(...migrationDetails(migration), "");
  }

  lines.push("### Verify", "");
  if (report.verifyNote) {
    lines.push(`⚠️ Not run: ${report.verifyNote}`);
  } else if (!report.verify) {
    lines.push(
      "Not run in this report: `athanor verify` (or this report with `--verify`) runs every migration up, down and up again on a scratch database and compares head with the entities.",
    );
  } else if (report.verify.ok) {
    lines.push(
      `✅ ${plural(report.verify.migrations, "migration")} ${report.verify.migrations === 1 ? "applies, reverts" : "apply, revert"} without a trace and ${report.verify.migrations === 1 ? "applies" : "apply"} again; head matches the entities.`,
    );
  } else {
    lines.push(`❌ Verify failed at ${report.verify.failure?.at ?? "a step"}:`);
    for (const problem of report.verify.failure?.problems ?? []) lines.push(`- ${cell(problem)}`);
  }
  for (const note of report.verify?.notes ?? []) lines.push(`- _note:_ ${cell(note)}`);
  lines.push("");

  // The plan's prices (`athanor plan`): filled when a database is configured and reachable.
  lines.push("### Plan on the database", "");
  if (report.plan) {
    const { table } = report.plan;
    lines.push(`On ${report.plan.target}:`, "");
    lines.push(`| ${table.headers.map(cell).join(" | ")} |`, `|${table.headers.map(() => "---").join("|")}|`);
    for (const row of table.rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
    lines.push("", `${report.plan.exceeded ? "❌" : "✅"} ${report.plan.verdict}`);
  } else {
    lines.push(`Not priced: ${report.planNote ?? "no database was asked"}.`);
  }
  lines.push("");
  return lines.join("\n");
}
