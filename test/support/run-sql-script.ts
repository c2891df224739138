/**
 * The script `run --sql` prints, as the tests read it and as a DBA applies
 * it: V2's part of it, and the whole of it after the first migration written
 * to a file that psql runs.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "./project";

/** The client a DBA applies a script with (Debian's postgresql-client, beside the server the tests use). */
export const PSQL = "/usr/bin/psql";

/** The script from V2's up on (its header line `-- V2<timestamp> (up)` first). */
export function v2UpPart(script: string): string {
  return script.slice(script.search(/^-- V2\d+ \(up\)$/m));
}

/**
 * Write `run --sql --from <first migration>` (every migration after the
 * first) to up.sql in the project; returns a function that applies it with
 * psql, stopping at the first error (ON_ERROR_STOP), once per call.
 */
export async function psqlScriptAfterV1(project: TestProject): Promise<() => SpawnSyncReturns<string>> {
  const scriptFile = join(project.dir, "up.sql");
  const v1 = project.migrationFiles()[0].split("-")[0];
  writeFileSync(scriptFile, (await project.ok(["run", "--sql", "--from", v1])).stdout);
  return () =>
    spawnSync(PSQL, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", project.env.DATABASE_URL!, "-f", scriptFile], { encoding: "utf8" });
}
