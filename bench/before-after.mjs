// Two builds of Athanor side by side in one run: the same synthetic project
// (bench/project.mjs) for each, the no-op `generate` and the no-op `run`
// measured round by round, interleaved, alternating which build goes first.
// For a restructuring that must not change speed (#17), or any change whose
// cost is in question.
//
//   node bench/before-after.mjs --before /path/to/old/checkout [--after .]
//     [--n 200] [--dialects sqlite,postgres] [--rounds 5]
//
// Each checkout must be built (npm run build). The caches live in each
// project's node_modules/.cache unless ATHANOR_CACHE_DIR is set: unset it. Wall time is spawn to exit,
// CPU is user + system time of the process, peak RSS from bench/preload.cjs.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDatabase, startPostgres } from "./databases.mjs";
import { repoRoot, resetProject, writeProject } from "./project.mjs";
import { invoke } from "./tools.mjs";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const builds = { before: option("before"), after: option("after", repoRoot) };
if (!builds.before) {
  console.error("bench/before-after.mjs needs --before <checkout>: the build to compare this one with.");
  process.exit(2);
}
const n = Number(option("n", "200"));
const rounds = Number(option("rounds", "5"));
const dialects = option("dialects", "sqlite,postgres").split(",");
// Every step is measured, in this order: the initial migration written and
// run (a new file each round, so its caches are never warm), the no-op
// commands, then the no-op generate with an empty cache directory (CI, a
// fresh clone: nothing transpiled, no model, no migration facts).
const MEASURED = {
  "generate (empty db)": ["generate", "Init", "--no-interactive"],
  "run of the initial migration": ["run"],
  "no-op generate": ["generate", "--no-interactive"],
  "no-op run": ["run"],
  "no-op generate, cold cache": ["generate", "--no-interactive"],
};
const COLD = new Set(["no-op generate, cold cache"]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const loadStart = os.loadavg();
const server = dialects.includes("postgres") ? await startPostgres() : undefined;
const workDir = mkdtempSync(join(tmpdir(), "athanor-before-after-"));
const rows = [];
try {
  for (const dialect of dialects) {
    const dirs = {};
    for (const [build, checkout] of Object.entries(builds)) {
      dirs[build] = join(workDir, `${dialect}-${build}`);
      writeProject(dirs[build], { dialect, n });
      // The project's `athanor` (imported by generated migrations) is the build's own.
      rmSync(join(dirs[build], "node_modules", "athanor"), { force: true });
      symlinkSync(resolve(checkout), join(dirs[build], "node_modules", "athanor"));
    }
    const samples = {};
    for (const build of Object.keys(builds)) for (const step of Object.keys(MEASURED)) samples[`${build} ${step}`] = [];
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? Object.keys(builds) : Object.keys(builds).reverse();
      for (const build of order) {
        const cli = join(resolve(builds[build]), "bin", "athanor");
        resetProject(dirs[build]);
        let env = {};
        let drop = async () => undefined;
        if (dialect === "postgres") {
          const db = await createDatabase(server.url, `athanor_before_after_${build}`, { stable: true });
          env = { DATABASE_URL: db.url };
          drop = db.drop;
        }
        try {
          for (const [step, args] of Object.entries(MEASURED)) {
            const cold = COLD.has(step) ? mkdtempSync(join(workDir, "cold-cache-")) : undefined;
            const r = await invoke(cli, args, { cwd: dirs[build], env: cold ? { ...env, ATHANOR_CACHE_DIR: cold } : env });
            if (cold) rmSync(cold, { recursive: true, force: true });
            if (r.code !== 0) throw new Error(`${build} ${step} exited ${r.code}: ${(r.stdout + r.stderr).slice(0, 400)}`);
            // Round 0 warms each build's transpile and model caches: not counted.
            if (round > 0) samples[`${build} ${step}`].push(r);
          }
        } finally {
          await drop().catch(() => undefined);
        }
      }
      process.stderr.write(`  ${dialect} N=${n} round ${round}/${rounds} done\n`);
    }
    for (const step of Object.keys(MEASURED)) {
      const cell = (build) => {
        const s = samples[`${build} ${step}`];
        return `${(median(s.map((r) => r.ms)) / 1000).toFixed(2)} s (CPU ${(median(s.map((r) => r.cpuMs)) / 1000).toFixed(2)}, ${Math.round(median(s.map((r) => r.maxRssKb)) / 1024)} MB)`;
      };
      rows.push(`| ${dialect} | ${n} | ${step} | ${cell("before")} | ${cell("after")} |`);
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
  await server?.stop();
}
console.log(
  `Medians of ${rounds} rounds after one warm-up, interleaved; before = ${builds.before}, after = ${builds.after}. ` +
    `Load average (1/5/15 min) at the start: ${loadStart.map((l) => l.toFixed(2)).join(" / ")}, at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}.\n`,
);
console.log("| dialect | N | step | before (wall, CPU, peak RSS) | after |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
