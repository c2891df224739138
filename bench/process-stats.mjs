// Wall time, CPU (user + system) and peak RSS of one command, whatever it is
// written in: Node's CLIs and Python's Alembic are measured the same way, by
// GNU time (`/usr/bin/time`, a small C program that waits for the command
// and reads its rusage), so no tool runs with a measuring preload the others
// lack. Wall time is taken here, spawn to exit.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  const statsDir = mkdtempSync(join(tmpdir(), "athanor-bench-time-"));
  const statsFile = join(statsDir, "time.txt");
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(GNU_TIME, ["-f", "%U %S %M", "-o", statsFile, command, ...args], {
      cwd,
      env: toolEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let stats = {};
      try {
        // GNU time writes "Command exited with non-zero status N" first when it does.
        const last = readFileSync(statsFile, "utf8").trim().split("\n").pop();
        const [user, system, rssKb] = last.split(/\s+/).map(Number);
        if ([user, system, rssKb].every(Number.isFinite)) stats = { cpuMs: (user + system) * 1000, maxRssKb: rssKb };
      } catch {
        // killed before GNU time wrote its line: leave the numbers out
      }
      rmSync(statsDir, { recursive: true, force: true });
      resolve({ code: code ?? -1, ms, stdout, stderr, ...stats });
    });
  });
}
