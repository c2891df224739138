// Athanor beside its peers in one run (#22): TypeORM's CLI (under its
// ts-node loader), TypeORM precompiled to JavaScript (its plain CLI on tsc's
// output), and Alembic 1.8, on the same N tables, interleaved step by step,
// alternating the order every round. Prints Markdown: per step each tool's
// wall time, CPU and peak RSS, Athanor's ratios to each, and #22's targets.
//
//   node bench/peers.mjs [--n 200,1000] [--dialects sqlite,postgres] [--rounds 2]
//     [--typeorm-cli-large-rounds 1] [--tools athanor,typeorm-js,alembic,typeorm]
//     [--no-warm] [--out FILE] [--json FILE] [--db-suffix S] [--base-cli PATH] [--cli PATH]
//
// --base-cli adds the tool athanor-base: the same steps run by another
// checkout's CLI (e.g. /work/main/bin/athanor), interleaved with this one's,
// for a before/after on one machine at one load (name it in --tools).
//
// --cli runs another build of Athanor's CLI (e.g. /work/main/bin/athanor) in
// place of this checkout's, for a before/after beside the peers.
//
// --db-suffix names this run's PostgreSQL databases apart (athanor_peers_<tool>_<n>_<S>),
// so two checkouts' runs can share a server at the same time (before/after a change).
//
// Needs: a build (npm run build), GNU time (/usr/bin/time), and for the
// Alembic columns a Python with Alembic, SQLAlchemy and psycopg2 (see
// INSTALL_HINT in bench/alembic.mjs; without them those columns are skipped
// with a note). PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL, else an
// embedded server.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  PYTHON,
  INSTALL_HINT,
  alembicVersions,
  isEmptyRevision,
  removeBytecode,
  removeRevision,
  resetAlembicProject,
  revisionFiles,
  writeAlembicProject,
} from "./alembic.mjs";
import { createDatabase, serverVersion, startPostgres } from "./databases.mjs";
import { measure, missingGnuTime } from "./process-stats.mjs";
import { repoRoot, resetProject, writeProject } from "./project.mjs";
import { COLD, peersReport, STEPS, WARM } from "./peers-report.mjs";
import { TOOLS } from "./tools.mjs";
import { TYPEORM_JS_CLI, TYPEORM_JS_STEPS, writePrecompiledProject } from "./typeorm-precompiled.mjs";

const { values: flags } = parseArgs({
  options: {
    n: { type: "string" },
    dialects: { type: "string" },
    rounds: { type: "string" },
    "typeorm-cli-large-rounds": { type: "string" },
    tools: { type: "string" },
    "no-warm": { type: "boolean" },
    out: { type: "string" },
    json: { type: "string" },
    "db-suffix": { type: "string" },
    "base-cli": { type: "string" },
    cli: { type: "string" },
  },
});
const list = (s, fallback) => (s ? s.split(",").map((x) => x.trim()) : fallback);
const sizes = list(flags.n, ["200", "1000"]).map(Number);
const dialects = list(flags.dialects, ["sqlite", "postgres"]);
const rounds = Number(flags.rounds ?? 2);
// TypeORM's ts-node CLI type-checks every entity: minutes per step at N=1000.
const typeormCliLargeRounds = Number(flags["typeorm-cli-large-rounds"] ?? 1);
let tools = list(flags.tools, ["athanor", "typeorm-js", "alembic", "typeorm"]);
const log = (line) => process.stderr.write(`${line}\n`);

const noTime = missingGnuTime();
if (noTime) {
  log(noTime);
  process.exit(2);
}
const versions = tools.includes("alembic") ? alembicVersions() : undefined;
const notes = [];
if (tools.includes("athanor-base") && !flags["base-cli"]) {
  log("The tool athanor-base needs --base-cli PATH (another checkout's bin/athanor).");
  process.exit(2);
}
if (tools.includes("alembic") && !versions) {
  log(INSTALL_HINT);
  notes.push(`Alembic columns skipped: ${INSTALL_HINT}`);
  tools = tools.filter((t) => t !== "alembic");
}

const pgNoTransaction = (dialect, n) => dialect === "postgres" && n >= 500;

const node = (cli, args) => ({ command: process.execPath, args: [cli, ...args] });

/**
 * What each tool runs for each step. A step a tool lacks is left out: TypeORM
 * keeps no cache, so its cold and warm no-op generate are the same command
 * and measured once (as cold).
 */
function plan(tool, { dialect, n, workDir }) {
  if (tool === "athanor" || tool === "athanor-base") {
    const cli = tool === "athanor" ? (flags.cli ?? TOOLS.athanor.cli) : flags["base-cli"];
    const spec = TOOLS.athanor.steps;
    const noop = (r) => r.code === 0 && /No changes/i.test(r.stdout);
    return {
      setup: (dir) => writeProject(dir, { dialect, n }),
      reset: resetProject,
      steps: {
        "generate (empty db)": { ...node(cli, spec["generate (empty db)"].args), ok: spec["generate (empty db)"].ok },
        "run (initial migration)": {
          ...node(cli, [...spec.run.args, ...(pgNoTransaction(dialect, n) ? TOOLS.athanor.noTransaction : [])]),
          ok: spec.run.ok,
        },
        // An empty cache directory: nothing transpiled, no entity model, no migration facts (CI, a fresh clone).
        [COLD]: {
          ...node(cli, spec["no-op generate"].args),
          ok: noop,
          env: () => ({ ATHANOR_CACHE_DIR: mkdtempSync(join(workDir, "cold-cache-")) }),
          cleanup: (env) => rmSync(env.ATHANOR_CACHE_DIR, { recursive: true, force: true }),
        },
        [WARM]: { ...node(cli, spec["no-op generate"].args), ok: noop },
      },
    };
  }
  if (tool === "typeorm") {
    const spec = TOOLS.typeorm.steps;
    return {
      setup: (dir) => writeProject(dir, { dialect, n }),
      reset: resetProject,
      steps: {
        "generate (empty db)": { ...node(TOOLS.typeorm.cli, spec["generate (empty db)"].args), ok: spec["generate (empty db)"].ok },
        "run (initial migration)": {
          ...node(TOOLS.typeorm.cli, [...spec.run.args, ...(pgNoTransaction(dialect, n) ? TOOLS.typeorm.noTransaction : [])]),
          ok: spec.run.ok,
        },
        [COLD]: {
          ...node(TOOLS.typeorm.cli, spec["no-op generate"].args),
          ok: spec["no-op generate"].ok,
          noopCleanup: removeNoopMigrations,
        },
      },
    };
  }
  if (tool === "typeorm-js") {
    const spec = TYPEORM_JS_STEPS;
    return {
      // tsc runs here, once per project, outside every timing.
      setup: (dir) => writePrecompiledProject(dir, { dialect, n }),
      reset: resetProject,
      steps: {
        "generate (empty db)": { ...node(TYPEORM_JS_CLI, spec["generate (empty db)"].args), ok: spec["generate (empty db)"].ok },
        "run (initial migration)": {
          ...node(TYPEORM_JS_CLI, [...spec.run.args, ...(pgNoTransaction(dialect, n) ? ["--transaction", "none"] : [])]),
          ok: spec.run.ok,
        },
        [COLD]: { ...node(TYPEORM_JS_CLI, spec["no-op generate"].args), ok: spec["no-op generate"].ok, noopCleanup: removeNoopMigrations },
      },
    };
  }
  if (tool === "alembic") {
    const alembic = (args) => ({ command: PYTHON, args: ["-m", "alembic", ...args] });
    const noTx = pgNoTransaction(dialect, n) ? { BENCH_ALEMBIC_TRANSACTIONAL_DDL: "0" } : {};
    // A no-op autogenerate must write an empty revision; it is deleted either way.
    const noop = (dir) => (r) => {
      const files = revisionFiles(dir).filter((f) => f.endsWith("_noop.py"));
      return r.code === 0 && files.length === 1 && isEmptyRevision(dir, files[0]);
    };
    const dropNoop = (dir) =>
      revisionFiles(dir)
        .filter((f) => f.endsWith("_noop.py"))
        .forEach((f) => removeRevision(dir, f));
    return {
      setup: (dir) => {
        writeAlembicProject(dir, { dialect, n });
        // Python's bytecode of the models, as a developer's checkout has it after the first run.
        execFileSync(PYTHON, ["-m", "compileall", "-q", "models", "alembic"], { cwd: dir });
      },
      reset: resetAlembicProject,
      steps: {
        "generate (empty db)": {
          ...alembic(["revision", "--autogenerate", "-m", "init"]),
          okIn: (dir) => (r) => r.code === 0 && revisionFiles(dir).length === 1 && !isEmptyRevision(dir, revisionFiles(dir)[0]),
        },
        "run (initial migration)": { ...alembic(["upgrade", "head"]), ok: (r) => r.code === 0, env: () => noTx },
        // No bytecode for the models, env.py or revisions: Python compiles them all again.
        [COLD]: { ...alembic(["revision", "--autogenerate", "-m", "noop"]), okIn: noop, before: removeBytecode, noopCleanup: dropNoop },
        [WARM]: { ...alembic(["revision", "--autogenerate", "-m", "noop"]), okIn: noop, noopCleanup: dropNoop },
      },
    };
  }
  throw new Error(`unknown tool ${tool}; the tools are athanor, athanor-base, typeorm, typeorm-js, alembic`);
}

function removeNoopMigrations(dir) {
  for (const file of readdirSync(join(dir, "migrations"))) if (/Noop/.test(file)) rmSync(join(dir, "migrations", file));
}

function firstLines(r) {
  return (r.stdout + r.stderr).trim().split("\n").slice(0, 3).join(" | ").slice(0, 300);
}

async function compareAt({ dialect, n, serverUrl }) {
  const workDir = mkdtempSync(join(tmpdir(), `athanor-peers-${dialect}-${n}-`));
  const plans = {};
  const dirs = {};
  const results = {};
  const drops = [];
  try {
    for (const tool of tools) {
      plans[tool] = plan(tool, { dialect, n, workDir });
      dirs[tool] = join(workDir, tool);
      log(`  set up ${tool}`);
      plans[tool].setup(dirs[tool]);
      results[tool] = {};
      for (const step of Object.keys(plans[tool].steps)) results[tool][step] = { ms: [], cpuMs: [], rssKb: [], failures: [] };
    }
    const typeormRounds = n >= 1000 ? Math.min(rounds, typeormCliLargeRounds) : rounds;
    // Round 0 warms Athanor's cache (a developer's steady state) and is not
    // counted; Alembic's bytecode was compiled at setup; TypeORM keeps nothing.
    for (let round = 0; round <= rounds; round++) {
      const active = tools.filter((t) => (round === 0 ? t.startsWith("athanor") : t !== "typeorm" || round <= typeormRounds));
      log(
        `  ${dialect} N=${n} round ${round === 0 ? "warm-up" : `${round}/${rounds}`} (${active.join(", ")}), load ${os.loadavg()[0].toFixed(2)}`,
      );
      const envs = {};
      for (const tool of active) {
        plans[tool].reset(dirs[tool]);
        envs[tool] = {};
        if (dialect === "postgres") {
          // Each round its own database, all dropped when the run ends: a
          // DROP DATABASE of a thousand tables just before the next round's
          // CREATE TABLEs slows them for minutes on a disk like this
          // machine's (ext4 without a journal, bench/RESULTS.md session 14).
          const suffix = flags["db-suffix"] ? `_${flags["db-suffix"].replace(/\W/g, "_")}` : "";
          const db = await createDatabase(serverUrl, `athanor_peers_${tool.replace(/-/g, "_")}_${n}_r${round}${suffix}`, { stable: true });
          drops.push(db.drop);
          envs[tool] = { DATABASE_URL: db.url };
        }
      }
      const broken = new Set();
      for (const step of STEPS) {
        const order = round % 2 === 0 ? active : [...active].reverse();
        for (const tool of order) {
          const spec = plans[tool].steps[step];
          if (!spec || broken.has(tool)) continue;
          const dir = dirs[tool];
          spec.before?.(dir);
          const extra = spec.env?.() ?? {};
          const r = await measure(spec.command, spec.args, { cwd: dir, env: { ...envs[tool], ...extra } });
          spec.cleanup?.(extra);
          const ok = (spec.okIn ? spec.okIn(dir) : spec.ok)(r);
          spec.noopCleanup?.(dir);
          const slot = results[tool][step];
          if (round > 0) {
            if (ok) {
              slot.ms.push(r.ms);
              if (r.cpuMs !== undefined) slot.cpuMs.push(r.cpuMs);
              if (r.maxRssKb !== undefined) slot.rssKb.push(r.maxRssKb);
            } else {
              slot.failures.push(`exit ${r.code}: ${firstLines(r)}`);
            }
          }
          log(
            `    ${tool} ${step}: ${(r.ms / 1000).toFixed(2)} s, CPU ${((r.cpuMs ?? NaN) / 1000).toFixed(2)} s, ${Math.round((r.maxRssKb ?? NaN) / 1024)} MB${ok ? "" : ` UNEXPECTED (exit ${r.code}): ${firstLines(r)}`}`,
          );
          // A generate or run that failed leaves nothing for the next steps to measure.
          if (!ok && !spec.noopCleanup) broken.add(tool);
        }
      }
    }
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

const started = Date.now();
const loadBefore = os.loadavg();
const server = dialects.includes("postgres") ? await startPostgres() : undefined;
const blocks = [];
let pgVersion;
let commit = "unknown";
try {
  commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
} catch {
  // not a git checkout
}
const write = () => {
  const markdown = peersReport({
    blocks,
    notes,
    meta: {
      started,
      commit,
      argv: process.argv.slice(2),
      loadBefore,
      loadAfter: os.loadavg(),
      pgVersion,
      alembic: versions,
      rounds,
      typeormCliLargeRounds,
    },
  });
  if (flags.out) writeFileSync(flags.out, markdown + "\n");
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ blocks, notes }, null, 1));
  return markdown;
};
try {
  pgVersion = server ? await serverVersion(server.url) : undefined;
  for (const n of sizes) {
    for (const dialect of dialects) {
      const load = os.loadavg();
      log(`peers: ${dialect}, N=${n}`);
      const results = await compareAt({ dialect, n, serverUrl: server?.url });
      blocks.push({ dialect, n, results, load: { before: load, after: os.loadavg() } });
      write(); // partial results survive an interrupted run
    }
  }
} finally {
  await server?.stop();
}
process.stdout.write(write() + "\n");
