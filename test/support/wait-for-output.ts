/** Waiting on a CLI the test spawned (spawnCli, TestProject.spawn) until it has printed something. */
import assert from "node:assert/strict";
import type { SpawnedCli } from "./project";

/** Wait until what the spawned CLI printed on `stream` matches `pattern`; fails after 60 s. */
export async function waitForOutput(running: SpawnedCli, pattern: RegExp, stream: "stdout" | "stderr" = "stdout"): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!pattern.test(running.output()[stream])) {
    assert.ok(Date.now() < deadline, `no ${pattern} in the output within 60 s: ${JSON.stringify(running.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
