// One command spawned the way every bench times it: wall time from spawn to
// exit (so the program's own startup is included), its output, and the
// numbers it left in a stats file of a fresh temporary folder (GNU time's
// line, or the preload's JSON), read once it has exited.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * @param {(statsFile: string) => {command: string, args: string[], env: NodeJS.ProcessEnv}} launch what to spawn, given where its stats go
 * @param {(text: string) => object} readStats the numbers in the stats file's text; it may throw
 * @param {{cwd: string, tempPrefix: string, statsName: string}} where
 * @returns {Promise<{code: number, ms: number, stdout: string, stderr: string} & object>}
 */
export function spawnWithStats(launch, readStats, { cwd, tempPrefix, statsName }) {
  const statsDir = mkdtempSync(join(tmpdir(), tempPrefix));
  const statsFile = join(statsDir, statsName);
  const { command, args, env } = launch(statsFile);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let stats = {};
      try {
        stats = readStats(readFileSync(statsFile, "utf8"));
      } catch {
        // the process died before it wrote its numbers: leave them out
      }
      rmSync(statsDir, { recursive: true, force: true });
      resolve({ code: code ?? -1, ms, stdout, stderr, ...stats });
    });
  });
}
