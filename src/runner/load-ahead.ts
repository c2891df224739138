/**
 * Loading the next migration's module while the database works on this one.
 *
 * A migration described without loading it (runner/discover.ts: facts
 * cached by checksum, or read from its syntax) is required when it is about
 * to run: resolving, reading, hashing and compiling its file cost the CLI
 * ≈ 0.1–0.3 ms of CPU per migration, spent while the server waited for the
 * next statement. Asked `soon`, the load happens instead in the event
 * loop's check phase (setImmediate), which comes only once the callbacks of
 * the current I/O event and their microtasks are done: the query the runner
 * is about to await has been written to the socket (or handed to SQLite's
 * thread) by then, so the module loads while the server works on it.
 *
 * Nothing else changes: a file that fails to load keeps its error until
 * its migration starts (MigrationSource.loadAhead), so the migrations before
 * it are applied and reported first, as when it was required in turn.
 */
import type { MigrationSource } from "./discover";

export class LoadAhead {
  private pending: NodeJS.Immediate | undefined;
  /** What the pending turn loads, in order (one loaded in the meantime costs nothing). */
  private wanted: MigrationSource[] = [];
  private readonly next = new Map<MigrationSource, MigrationSource>();

  /** `migrations` in the order the run takes them. */
  constructor(migrations: readonly MigrationSource[]) {
    for (let i = 0; i + 1 < migrations.length; i++) this.next.set(migrations[i], migrations[i + 1]);
  }

  /** Load `migration`'s module once what is being sent has gone out (nothing when it is loaded already). */
  soon(migration: MigrationSource | undefined): void {
    if (!migration?.loadAhead) return;
    this.wanted.push(migration);
    this.pending ??= setImmediate(() => {
      const wanted = this.wanted;
      this.pending = undefined;
      this.wanted = [];
      for (const each of wanted) each.loadAhead!();
    });
  }

  /** The same for the migration the run takes after `migration`. */
  soonAfter(migration: MigrationSource): void {
    this.soon(this.next.get(migration));
  }

  /** The run ended: nothing more is loaded for it. */
  stop(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    this.wanted = [];
  }
}
