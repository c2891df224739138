// How each tool is invoked for each benchmarked step, exactly as its users
// run it: Athanor's compiled CLI, and TypeORM's CLI under its own ts-node
// loader (`typeorm-ts-node-commonjs`, which type-checks), both as `node <cli>`
// so neither pays for npx or npm.
import { join } from "node:path";
import { repoRoot } from "./project.mjs";
import { spawnWithStats } from "./spawn-with-stats.mjs";

const PRELOAD = join(repoRoot, "bench", "preload.cjs");

export const TOOLS = {
  athanor: {
    cli: join(repoRoot, "bin", "athanor"),
    noTransaction: ["--transaction", "none"],
    steps: {
      "generate (empty db)": {
        args: ["generate", "Init", "--no-interactive"],
        ok: (r) => r.code === 0 && /migrations\//.test(r.stdout + r.stderr),
      },
      run: { args: ["run"], ok: (r) => r.code === 0 },
      "no-op generate": { args: ["generate", "--no-interactive"], ok: (r) => r.code === 0 && /No changes/i.test(r.stdout), noop: true },
      "no-op run": { args: ["run"], ok: (r) => r.code === 0 },
    },
  },
  typeorm: {
    cli: join(repoRoot, "node_modules", "typeorm", "cli-ts-node-commonjs.js"),
    noTransaction: ["--transaction", "none"],
    steps: {
      "generate (empty db)": { args: ["migration:generate", "-d", "ormconfig.ts", "migrations/Init"], ok: (r) => r.code === 0 },
      run: { args: ["migration:run", "-d", "ormconfig.ts"], ok: (r) => r.code === 0 },
      // TypeORM exits 1 when it finds nothing to generate.
      "no-op generate": {
        args: ["migration:generate", "-d", "ormconfig.ts", "migrations/Noop"],
        ok: (r) => /No changes in database schema/.test(r.stdout),
        noop: true,
      },
      "no-op run": { args: ["migration:run", "-d", "ormconfig.ts"], ok: (r) => r.code === 0 && /No migrations are pending/.test(r.stdout) },
    },
  },
};

export const STEPS = Object.keys(TOOLS.athanor.steps);

function cleanEnv(extra) {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  for (const key of Object.keys(env)) if (key.startsWith("TS_NODE_") || key === "DATABASE_URL" || key === "NODE_OPTIONS") delete env[key];
  return { ...env, ...extra };
}

/**
 * Spawn one CLI invocation; resolves to its wall time (spawn to exit, so
 * Node's own startup is included), exit code, output and the preload's
 * statement count and peak RSS.
 */
export function invoke(cli, args, { cwd, env = {} }) {
  return spawnWithStats(
    (statsFile) => ({
      command: process.execPath,
      args: [cli, ...args],
      env: cleanEnv({ ...env, NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_STATS_FILE: statsFile }),
    }),
    JSON.parse,
    { cwd, tempPrefix: "athanor-bench-stats-", statsName: "stats.json" },
  );
}
