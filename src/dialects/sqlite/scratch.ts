/**
 * A scratch SQLite database for `verify`: a file in a fresh temporary
 * directory, removed with the directory afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScratchDatabase } from "../dialect";

export async function createSqliteScratchDatabase(): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "athanor-verify-"));
  const file = join(dir, "scratch.sqlite");
  return {
    connection: { database: file },
    description: `temporary SQLite file ${file}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
