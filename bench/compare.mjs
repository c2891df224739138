// Athanor against TypeORM's CLI on one synthetic project size and dialect,
// interleaved step by step in the same run: generate against an empty
// database, run it, generate again (must find nothing), run with nothing
// pending.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase } from "./databases.mjs";
import { resetProject, writeProject } from "./project.mjs";
import { invoke, STEPS, TOOLS } from "./tools.mjs";

export const COLD_STEP = "no-op generate, cold cache";
/**
 * The no-op generate with the entity model cache off: every entity loaded and
 * TypeORM's metadata built, as after an entity was edited (the other caches
 * warm).
 */
export const REBUILT_STEP = "no-op generate, entity model rebuilt";
/** Athanor-only variants of the no-op generate, compared with TypeORM's no-op generate. */
export const EXTRA_STEPS = [COLD_STEP, REBUILT_STEP];

/**
 * @returns {Promise<Record<string, Record<string, {ms: number[], rssKb: number[], statements: number[], catalog: number[], failures: string[]}>>>}
 *   per tool, per step
 */
export async function compare({ dialect, n, rounds, typeormRounds, serverUrl, tools, log }) {
  const workDir = mkdtempSync(join(tmpdir(), `athanor-bench-${dialect}-${n}-`));
  const dirs = {};
  for (const tool of tools) {
    dirs[tool] = join(workDir, tool);
    writeProject(dirs[tool], { dialect, n });
  }
  const results = {};
  for (const tool of tools) {
    results[tool] = {};
    for (const step of [...STEPS, ...(tool === "athanor" ? EXTRA_STEPS : [])]) {
      results[tool][step] = { ms: [], cpuMs: [], rssKb: [], statements: [], catalog: [], failures: [] };
    }
  }

  try {
    // Round 0 warms Athanor's transpile cache (a developer's steady state)
    // and is not counted; TypeORM's ts-node keeps no cache, so it has nothing
    // to warm. The cold-cache cost is measured on its own, every round.
    for (let round = 0; round <= rounds; round++) {
      const active = tools.filter((tool) => (round === 0 ? tool === "athanor" : tool !== "typeorm" || round <= typeormRounds));
      if (active.length === 0) continue;
      log(`  ${dialect} N=${n} round ${round === 0 ? "warm-up" : `${round}/${rounds}`} (${active.join(", ")})`);
      const envs = {};
      const drops = [];
      for (const tool of active) {
        resetProject(dirs[tool]);
        if (dialect !== "sqlite") {
          // The same name every round: a fresh database, the same URL.
          const db = await createDatabase(serverUrl, `athanor_bench_${tool}_${n}`, { stable: true });
          drops.push(db.drop);
          envs[tool] = { DATABASE_URL: db.url };
        } else {
          envs[tool] = {};
        }
      }
      const broken = new Set();
      try {
        for (const step of STEPS) {
          // Alternate who goes first, so neither always runs on a warmer machine.
          const order = round % 2 === 0 ? active : [...active].reverse();
          for (const tool of order) {
            if (broken.has(tool)) continue;
            const spec = TOOLS[tool].steps[step];
            // One transaction creating 1000 tables with their sequences, enums,
            // indexes and keys needs more locks than a default PostgreSQL
            // allows (max_locks_per_transaction 64): "out of shared memory" for
            // both tools. Large initial migrations run without a transaction.
            const extra = step === "run" && dialect === "postgres" && n >= 500 ? TOOLS[tool].noTransaction : [];
            const outcome = await invoke(TOOLS[tool].cli, [...spec.args, ...extra], { cwd: dirs[tool], env: envs[tool] });
            const ok = spec.ok(outcome);
            if (round > 0) record(results[tool][step], outcome, ok);
            if (!ok) {
              if (spec.noop) {
                // It found changes where there are none: keep the next step a no-op.
                removeMigrations(dirs[tool], /Noop/);
              } else {
                broken.add(tool);
              }
              log(`    ${tool} ${step}: unexpected result (exit ${outcome.code}): ${firstLines(outcome)}`);
            }
            if (tool === "athanor" && step === "no-op generate" && !broken.has(tool)) {
              // The same command with an empty cache: every file transpiled again.
              const cacheDir = mkdtempSync(join(tmpdir(), "athanor-bench-cold-cache-"));
              const cold = await invoke(TOOLS.athanor.cli, spec.args, {
                cwd: dirs.athanor,
                env: { ...envs.athanor, ATHANOR_CACHE_DIR: cacheDir },
              });
              rmSync(cacheDir, { recursive: true, force: true });
              if (round > 0) record(results.athanor[COLD_STEP], cold, spec.ok(cold));
              const rebuilt = await invoke(TOOLS.athanor.cli, spec.args, {
                cwd: dirs.athanor,
                env: { ...envs.athanor, ATHANOR_MODEL_CACHE: "0" },
              });
              if (round > 0) record(results.athanor[REBUILT_STEP], rebuilt, spec.ok(rebuilt));
            }
          }
        }
      } finally {
        for (const drop of drops) await drop().catch(() => undefined);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

function record(slot, outcome, ok) {
  if (!ok) {
    slot.failures.push(`exit ${outcome.code}: ${firstLines(outcome)}`);
    return;
  }
  slot.ms.push(outcome.ms);
  if (outcome.maxRssKb) slot.rssKb.push(outcome.maxRssKb);
  if (outcome.cpuMs) slot.cpuMs.push(outcome.cpuMs);
  if (outcome.statements !== undefined) slot.statements.push(outcome.statements);
  if (outcome.catalog !== undefined) slot.catalog.push(outcome.catalog);
}

function removeMigrations(dir, pattern) {
  for (const file of readdirSync(join(dir, "migrations"))) {
    if (pattern.test(file)) rmSync(join(dir, "migrations", file));
  }
}

function firstLines(outcome) {
  return (outcome.stdout + outcome.stderr).trim().split("\n").slice(0, 3).join(" | ").slice(0, 300);
}
