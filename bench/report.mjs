// Turning measurements into the Markdown that goes into bench/RESULTS.md.
import { EXTRA_STEPS, REBUILT_STEP } from "./compare.mjs";
import { STEPS } from "./tools.mjs";

export const min = (xs) => (xs.length ? Math.min(...xs) : undefined);
export function median(xs) {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const secs = (ms) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);
const mb = (kb) => (kb === undefined ? "—" : `${Math.round(kb / 1024)} MB`);
const ratio = (a, b) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(3)}`);
const count = (xs) => (xs.length ? (Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}–${Math.max(...xs)}`) : "—");

export function compareTable(dialect, n, results) {
  const a = results.athanor;
  const t = results.typeorm;
  const lines = [
    `#### ${dialect}, N = ${n}`,
    "",
    `rounds: Athanor ${a ? a["no-op run"].ms.length : 0}, TypeORM ${t ? t["no-op run"].ms.length : 0}`,
    "",
    "| step | Athanor min | Athanor median | TypeORM min | TypeORM median | ratio A/T (median) | CPU median A / T | peak RSS A / T | statements A / T (catalog) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const step of [...STEPS, ...EXTRA_STEPS]) {
    // Athanor-only variants are compared with TypeORM's no-op generate.
    const extra = EXTRA_STEPS.includes(step);
    const as = a?.[step];
    const ts = t?.[extra ? "no-op generate" : step];
    const stmts =
      step === "no-op generate" || extra
        ? `${count(as?.statements ?? [])} (${count(as?.catalog ?? [])}) / ${extra ? "—" : `${count(ts?.statements ?? [])} (${count(ts?.catalog ?? [])})`}`
        : `${count(as?.statements ?? [])} / ${count(ts?.statements ?? [])}`;
    lines.push(
      `| ${extra ? `${step} (vs TypeORM no-op generate)` : step} | ${secs(min(as?.ms ?? []))} | ${secs(median(as?.ms ?? []))} | ${
        extra ? "" : secs(min(ts?.ms ?? []))
      } | ${extra ? "" : secs(median(ts?.ms ?? []))} | ${ratio(median(as?.ms ?? []), median(ts?.ms ?? []))} | ${secs(median(as?.cpuMs ?? []))} / ${
        extra ? "—" : secs(median(ts?.cpuMs ?? []))
      } | ${mb(median(as?.rssKb ?? []))} / ${extra ? "—" : mb(median(ts?.rssKb ?? []))} | ${stmts} |`,
    );
  }
  const failures = [];
  for (const [tool, steps] of Object.entries(results)) {
    for (const [step, slot] of Object.entries(steps)) for (const f of slot.failures) failures.push(`- ${tool}, ${step}: ${f}`);
  }
  if (failures.length) lines.push("", "Unexpected results (not counted in the times):", "", ...failures);
  return lines.join("\n");
}

export function overheadTable(dialect, count, results) {
  const lines = [
    `#### ${dialect}, ${count} tiny migrations, \`--transaction each\``,
    "",
    "| tool | rounds | run, min / median | empty-project run, median | same SQL sent directly, median | overhead per migration, min / median | peak RSS |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const [tool, r] of Object.entries(results)) {
    lines.push(
      `| ${tool} | ${r.runMs.length} | ${secs(min(r.runMs))} / ${secs(median(r.runMs))} | ${secs(median(r.emptyMs))} | ${secs(median(r.sqlMs))} | ${
        r.perMigrationMs.length ? `${min(r.perMigrationMs).toFixed(2)} ms / ${median(r.perMigrationMs).toFixed(2)} ms` : "—"
      } | ${mb(median(r.rssKb))} |`,
    );
    for (const f of r.failures) lines.push(`\n- ${tool} failed: ${f}`);
  }
  return lines.join("\n");
}

/** The issue's targets, checked against the medians on `dialect` (PostgreSQL's, or MariaDB's with the same targets). */
export function targetsTable(compareResults, overheadResults, dialect = "postgres") {
  const pg = (n) => compareResults.find((c) => c.dialect === dialect && c.n === n)?.results.athanor;
  const rows = [];
  const check = (label, value, limit, format) => {
    const verdict = value === undefined ? "not measured" : value <= limit ? "met" : "**missed**";
    rows.push(`| ${label} | ${value === undefined ? "—" : format(value)} | ≤ ${format(limit)} | ${verdict} |`);
  };
  check("no-op generate, N=200 (median)", median(pg(200)?.["no-op generate"].ms ?? []), 500, secs);
  check("no-op generate, N=1000 (median)", median(pg(1000)?.["no-op generate"].ms ?? []), 2000, secs);
  check("no-op run, N=200 (median)", median(pg(200)?.["no-op run"].ms ?? []), 350, secs);
  const catalog = compareResults
    .filter((c) => c.dialect === dialect && c.results.athanor)
    .flatMap((c) => c.results.athanor["no-op generate"].catalog);
  check("catalog statements, no-op generate (max over N)", catalog.length ? Math.max(...catalog) : undefined, 12, (v) => `${v}`);
  const over = overheadResults.find((o) => o.dialect === dialect)?.results.athanor;
  check("run overhead per migration (median)", median(over?.perMigrationMs ?? []), 5, (v) => `${v.toFixed(2)} ms`);
  check("peak RSS, no-op generate, N=1000 (median)", median(pg(1000)?.["no-op generate"].rssKb ?? []), 300 * 1024, mb);
  // The same targets when the entity model cache cannot answer (an entity
  // was edited): every entity loaded, TypeORM's metadata built.
  check(`${REBUILT_STEP}, N=200 (median)`, median(pg(200)?.[REBUILT_STEP]?.ms ?? []), 500, secs);
  check(`${REBUILT_STEP}, N=1000 (median)`, median(pg(1000)?.[REBUILT_STEP]?.ms ?? []), 2000, secs);
  check(`peak RSS, ${REBUILT_STEP}, N=1000 (median)`, median(pg(1000)?.[REBUILT_STEP]?.rssKb ?? []), 300 * 1024, mb);
  const label = dialect === "postgres" ? "PostgreSQL" : "MariaDB";
  return [`| target (${label}, Athanor) | measured | target | |`, "|---|---|---|---|", ...rows].join("\n");
}
