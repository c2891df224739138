// Wall time, CPU (user + system) and peak RSS of one command, whatever it is
// written in: Node's CLIs and Python's Alembic are measured the same way, by
// GNU time (`/usr/bin/time`, a small C program that waits for the command
// and reads its rusage), so no tool runs with a measuring preload the others
// lack. Wall time is taken spawn to exit (spawn-with-stats.mjs).
import { existsSync } from "node:fs";
import { spawnWithStats } from "./spawn-with-stats.mjs";

export const GNU_TIME = "/usr/bin/time";

/** Why the measurement cannot run here, or undefined when it can. */
export function missingGnuTime() {
  return existsSync(GNU_TIME)
    ? undefined
    : `${GNU_TIME} (GNU time) is not installed; it measures CPU and peak RSS of every tool. Install it with: apt-get install -y time`;
}

/** The environment a user's shell would give the tool: no colour, no settings left over from this process. */
export function toolEnv(extra) {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  for (const key of Object.keys(env)) {
    if (key.startsWith("TS_NODE_") || key.startsWith("ATHANOR_") || key === "DATABASE_URL" || key === "NODE_OPTIONS") delete env[key];
  }
  return { ...env, ...extra };
}

/**
 * @returns {Promise<{code: number, ms: number, cpuMs?: number, maxRssKb?: number, stdout: string, stderr: string}>}
 */
export function measure(command, args, { cwd, env = {} }) {
  return spawnWithStats(
    (statsFile) => ({ command: GNU_TIME, args: ["-f", "%U %S %M", "-o", statsFile, command, ...args], env: toolEnv(env) }),
    gnuTimeStats,
    { cwd, tempPrefix: "athanor-bench-time-", statsName: "time.txt" },
  );
}

/** CPU and peak RSS from GNU time's `%U %S %M` line; none when the line is not whole (killed before GNU time wrote it). */
function gnuTimeStats(text) {
  // GNU time writes "Command exited with non-zero status N" first when it does.
  const last = text.trim().split("\n").pop();
  const [user, system, rssKb] = last.split(/\s+/).map(Number);
  return [user, system, rssKb].every(Number.isFinite) ? { cpuMs: (user + system) * 1000, maxRssKb: rssKb } : {};
}
