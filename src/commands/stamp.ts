/**
 * `athanor stamp <rev>|head|base`: make the bookkeeping say that exactly the
 * migrations up to <rev> are applied, without running any of them. `--purge`
 * first empties the table (rows of unknown migrations included).
 */
import { UsageError } from "../errors";
import { planMigrations } from "../runner/plan";
import { resolveRevision } from "../runner/revision";
import { withProject, type ProjectOptions } from "./project";

export interface StampOptions extends ProjectOptions {
  revision: string;
  purge?: boolean;
}

export interface StampResult {
  recorded: string[];
  removed: string[];
  target: string;
  /** What the revision given resolved to: head, base, or the migration it matched (a prefix or timestamp names its class). */
  revision: string;
}

export async function stamp(options: StampOptions): Promise<StampResult> {
  return withProject(
    options,
    async (project) => {
      const { bookkeeping } = project;
      const lock = await project.lock();
      try {
        await bookkeeping.ensure();
        const applied = await bookkeeping.applied();
        const plan = planMigrations(project.migrations, applied);
        const revision = resolveRevision(options.revision, plan.states);
        const limit = revision.kind === "head" ? Infinity : revision.kind === "base" ? -Infinity : revision.state.timestamp;
        if (revision.kind === "migration" && !revision.state.source) {
          throw new UsageError(`${revision.state.name} has no migration file: stamp names a migration that exists on disk.`);
        }

        const removed: string[] = [];
        const recorded: string[] = [];
        for (const state of plan.states) {
          const shouldBeApplied = Boolean(state.source) && state.timestamp <= limit;
          if (state.applied && (!shouldBeApplied || options.purge) && (state.source || options.purge)) {
            await bookkeeping.forget(state.name);
            removed.push(state.name);
            state.applied = undefined;
          }
          if (!state.applied && shouldBeApplied) {
            // A partly applied one finished by hand: its progress row goes with the complete row.
            await bookkeeping.record(
              { timestamp: state.timestamp, name: state.name, checksum: state.source!.checksum },
              Boolean(state.partial),
            );
            recorded.push(state.name);
          } else if (!state.applied && state.partial) {
            // A partly applied one undone by hand: its progress is forgotten.
            await bookkeeping.forget(state.name);
            removed.push(state.name);
          }
        }
        const resolved = revision.kind === "migration" ? revision.state.name : revision.kind;
        return { recorded, removed: removed.filter((n) => !recorded.includes(n)), target: project.target, revision: resolved };
      } finally {
        await lock.release();
      }
    },
    { deferEntityMetadata: true },
  );
}
