/**
 * The refusal `run` and `revert` share: a migration whose file changed after
 * it was applied. Its code is no longer the code that ran, so its `down()`
 * may not undo what its `up()` did (an edited `down()` can delete rows the
 * original never touched), and the recorded history no longer says what the
 * database went through.
 */
import { relative } from "node:path";
import { UsageError } from "../errors";
import type { MigrationState } from "../runner/plan";

/**
 * Throw (exit 2) for the first edited migration among `states`, naming its
 * file, when it was applied, and the two checksums that differ.
 */
export function refuseEdited(states: readonly MigrationState[], cwd: string, direction: "up" | "down"): void {
  const s = states.find((state) => state.edited);
  if (!s) return;
  const file = s.source?.file ? relative(cwd, s.source.file) : s.name;
  const when = s.applied?.appliedAt ? ` on ${s.applied.appliedAt.toISOString()}` : "";
  // For revert, say why it matters: the down() about to run is not the one
  // that shipped with the up() that ran.
  const consequence = direction === "down" ? ", so its down() is not the one that was applied with it" : "";
  throw new UsageError(
    `Migration ${file} was edited after it was applied${when}${consequence}: restore the applied version, or pass --allow-edited if the change is deliberate.`,
    [`checksum recorded when applied: ${s.applied?.checksum}; checksum of the file now: ${s.source?.checksum}`],
  );
}
