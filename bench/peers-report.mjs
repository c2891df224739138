// bench/peers.mjs's measurements as Markdown: each tool's medians, Athanor's
// ratios to each peer, and #22's targets against Alembic and precompiled
// TypeORM with a verdict each.
import os from "node:os";
import { median } from "./report.mjs";

export const COLD = "no-op generate, cold";
export const WARM = "no-op generate, warm";
export const RUN = "run (initial migration)";
export const STEPS = ["generate (empty db)", RUN, COLD, WARM];

export const TOOL_NAMES = {
  athanor: "Athanor",
  "typeorm-js": "TypeORM precompiled",
  alembic: "Alembic",
  typeorm: "TypeORM CLI (ts-node)",
  "athanor-base": "Athanor (--base-cli)",
};
const PEERS = ["typeorm-js", "alembic", "typeorm", "athanor-base"];

const secs = (ms) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);
const mb = (kb) => (kb === undefined ? "—" : `${Math.round(kb / 1024)} MB`);
const loads = (l) => l.map((x) => x.toFixed(2)).join(" / ");

/** Medians of one tool's step; a peer without a warm variant (TypeORM keeps no cache) answers with its cold one. */
function stats(results, tool, step) {
  const slot = results[tool]?.[step] ?? (step === WARM ? results[tool]?.[COLD] : undefined);
  if (!slot) return undefined;
  return { ms: median(slot.ms), cpuMs: median(slot.cpuMs), rssKb: median(slot.rssKb), rounds: slot.ms.length, failures: slot.failures };
}

const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
const fmtRatio = (r) => (r === undefined ? "—" : r.toFixed(2));

export function blockTables({ dialect, n, results, load }) {
  // A tool left out at this size (TypeORM's ts-node CLI at N = 1000 in a short run) gets no column.
  const ran = (t) => Object.values(results[t]).some((slot) => slot.ms.length || slot.failures.length);
  const present = Object.keys(TOOL_NAMES).filter((t) => results[t] && ran(t));
  const absent = Object.keys(TOOL_NAMES).filter((t) => results[t] && !ran(t));
  const lines = [
    `#### ${dialect === "postgres" ? "PostgreSQL" : "SQLite"}, N = ${n}`,
    "",
    `Load average (1/5/15 min) at the start: ${loads(load.before)}, at the end: ${loads(load.after)}. Rounds counted: ${present
      .map((t) => `${TOOL_NAMES[t]} ${stats(results, t, RUN)?.rounds ?? 0}`)
      .join(", ")}${absent.length ? `; not run at this size: ${absent.map((t) => TOOL_NAMES[t]).join(", ")}` : ""}.`,
    "",
    `Medians, wall / CPU (user + system) / peak RSS:`,
    "",
    `| step | ${present.map((t) => TOOL_NAMES[t]).join(" | ")} |`,
    `|---|${present.map(() => "---").join("|")}|`,
  ];
  for (const step of STEPS) {
    const cells = present.map((t) => {
      if (!results[t][step]) return step === WARM ? "(= cold: no cache)" : "—";
      const s = stats(results, t, step);
      if (s.rounds) return `${secs(s.ms)} / ${secs(s.cpuMs)} / ${mb(s.rssKb)}`;
      return s.failures.length ? "failed" : "not run";
    });
    lines.push(`| ${step} | ${cells.join(" | ")} |`);
  }
  const peers = PEERS.filter((p) => present.includes(p));
  if (results.athanor && peers.length) {
    lines.push(
      "",
      "Athanor ÷ peer, wall (CPU):",
      "",
      `| step | ${peers.map((p) => `÷ ${TOOL_NAMES[p]}`).join(" | ")} |`,
      `|---|${peers.map(() => "---").join("|")}|`,
    );
    for (const step of STEPS) {
      const a = stats(results, "athanor", step);
      const cells = peers.map((p) => {
        const b = stats(results, p, step);
        return `${fmtRatio(ratio(a?.ms, b?.ms))} (${fmtRatio(ratio(a?.cpuMs, b?.cpuMs))})`;
      });
      lines.push(`| ${step} | ${cells.join(" | ")} |`);
    }
  }
  const failures = [];
  for (const [tool, steps] of Object.entries(results)) {
    for (const [step, slot] of Object.entries(steps)) for (const f of slot.failures) failures.push(`- ${TOOL_NAMES[tool]}, ${step}: ${f}`);
  }
  if (failures.length) lines.push("", "Unexpected results (not counted):", "", ...failures);
  return lines.join("\n");
}

/** #22's targets; the verdict is on wall time, with CPU's verdict beside it where the two disagree. */
export function targetRows(blocks) {
  const rows = [];
  const verdict = (wall, cpu, limit) => {
    if (wall === undefined) return "not measured";
    const byWall = wall <= limit ? "met" : "**missed**";
    if (cpu === undefined || cpu <= limit === wall <= limit) return byWall;
    return `${byWall} by wall time, ${cpu <= limit ? "met" : "missed"} by CPU`;
  };
  for (const { dialect, n, results } of blocks) {
    const where = `${dialect === "postgres" ? "PostgreSQL" : "SQLite"}, N = ${n}`;
    const a = stats(results, "athanor", COLD);
    const al = stats(results, "alembic", COLD);
    const tj = stats(results, "typeorm-js", COLD);
    const pair = (label, b, limit, bLabel) => {
      const rw = ratio(a?.ms, b?.ms);
      const rc = ratio(a?.cpuMs, b?.cpuMs);
      rows.push(
        `| ${label} | ${where} | ${secs(a?.ms)} (CPU ${secs(a?.cpuMs)}) | ${bLabel}: ${secs(b?.ms)} (CPU ${secs(b?.cpuMs)}) | ${fmtRatio(rw)} (${fmtRatio(rc)}) | ≤ ${limit} | ${verdict(rw, rc, limit)} |`,
      );
    };
    pair("cold no-op `generate` ≤ 0.5 × Alembic", al, 0.5, "Alembic");
    pair("cold no-op `generate` ≤ TypeORM precompiled", tj, 1, "TypeORM precompiled");
    if (n >= 1000) {
      rows.push(
        `| cold no-op \`generate\`, peak RSS ≤ 300 MB | ${where} | ${mb(a?.rssKb)} | — | — | ≤ 300 MB | ${a?.rssKb === undefined ? "not measured" : a.rssKb <= 300 * 1024 ? "met" : "**missed**"} |`,
      );
      const ar = stats(results, "athanor", RUN);
      const alr = stats(results, "alembic", RUN);
      const rw = ratio(ar?.ms, alr?.ms);
      const rc = ratio(ar?.cpuMs, alr?.cpuMs);
      rows.push(
        `| \`run\` of the initial migration ≤ 0.5 × Alembic | ${where} | ${secs(ar?.ms)} (CPU ${secs(ar?.cpuMs)}) | Alembic: ${secs(alr?.ms)} (CPU ${secs(alr?.cpuMs)}) | ${fmtRatio(rw)} (${fmtRatio(rc)}) | ≤ 0.5 | ${verdict(rw, rc, 0.5)} |`,
      );
      rows.push(
        `| \`run\` of the initial migration, peak RSS ≤ 300 MB | ${where} | ${mb(ar?.rssKb)} | — | — | ≤ 300 MB | ${ar?.rssKb === undefined ? "not measured" : ar.rssKb <= 300 * 1024 ? "met" : "**missed**"} |`,
      );
    }
  }
  return [
    "| target (#22) | where | Athanor (median) | peer (median) | ratio, wall (CPU) | limit | verdict |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function peersReport({ blocks, notes, meta }) {
  const v = meta.alembic;
  const lines = [
    `Run ${new Date(meta.started).toISOString()} (${Math.round((Date.now() - meta.started) / 60000)} min), commit ${meta.commit}, \`node bench/peers.mjs ${meta.argv.join(" ")}\`.`,
    "",
    `Machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}; PostgreSQL ${meta.pgVersion ?? "not used"}; ` +
      `${v ? `Alembic ${v.alembic}, SQLAlchemy ${v.sqlalchemy}, psycopg2 ${v.psycopg2}, Python ${v.python}` : "Alembic not installed"}. ` +
      `Load average (1/5/15 min) before: ${loads(meta.loadBefore)}, after: ${loads(meta.loadAfter)}.`,
    "",
    `Wall time spawn to exit; CPU (user + system) and peak RSS of the process from GNU time. Each round runs every step for every tool, ` +
      `interleaved, alternating the order; ${meta.rounds} round(s), TypeORM's ts-node CLI ${meta.typeormCliLargeRounds ? `${meta.typeormCliLargeRounds} at N ≥ 1000` : "not run at N ≥ 1000"}.`,
  ];
  for (const note of notes) lines.push("", `Note: ${note}`);
  if (blocks.length) lines.push("", "##### Targets", "", targetRows(blocks));
  for (const block of blocks) lines.push("", blockTables(block));
  return lines.join("\n");
}
