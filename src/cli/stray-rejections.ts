/**
 * The CLI's handler of unhandled rejections: one raised while a migration's
 * code runs is that migration's failure (see runner/stray-rejections.ts),
 * reported as every error is, with exit 3. The process ends at once, so the
 * runner never commits the transaction of the migration that failed.
 */
import { runningMigration, strayRejectionFailure } from "../runner/stray-rejections";
import { reportError } from "./output";

export function reportStrayRejections(json: boolean): void {
  process.on("unhandledRejection", (reason) => {
    const migration = runningMigration();
    // Outside migration code: Node's own handling, as before.
    if (!migration) throw reason;
    process.exitCode = reportError(strayRejectionFailure(reason, migration), json);
    process.exit();
  });
}
