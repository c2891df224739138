/**
 * What discovery learns about a migration file by loading it (its class's
 * name and `transaction` flag), remembered on disk by the file's checksum.
 * Planning needs only these facts, so a run with nothing to do (or a
 * `status`) reads and hashes the migration files but requires none of them:
 * a file is loaded when its code runs, or when its content is new.
 *
 * The facts are read from a file's own content; a migration whose `name` or
 * `transaction` comes from another module it imports would be remembered
 * with the value it had when first loaded.
 */
import { writeCacheFile } from "./cache-file";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory } from "./transpile-cache";

export interface MigrationFacts {
  name: string;
  transaction: boolean;
  /**
   * Whether `up` and `down` only call `op()` and `queryRunner.query` on
   * literals (migration-source-scan.ts); absent when the file was not read
   * that way (loaded, or outside generate's layout): then unknown.
   */
  callsOnlyOperations?: boolean;
}

/** The facts as stored: the optional one only when known. */
function storedForm(facts: MigrationFacts): MigrationFacts {
  const { name, transaction, callsOnlyOperations } = facts;
  return callsOnlyOperations === undefined ? { name, transaction } : { name, transaction, callsOnlyOperations };
}

/** Bump when the facts or the file's layout change, to retire old files. */
const FORMAT = 1;

export class MigrationFactsCache {
  private readonly entries: Map<string, MigrationFacts>;
  private readonly seen = new Map<string, MigrationFacts>();
  private changed = false;

  private constructor(private readonly path: string) {
    this.entries = readEntries(path);
  }

  /**
   * The cache of one project's migrations (one file per set of migration
   * globs, so projects sharing ATHANOR_CACHE_DIR never evict each other).
   */
  static forProject(cwd: string, globs: string[]): MigrationFactsCache {
    const id = createHash("sha256")
      .update(JSON.stringify([...globs].sort()))
      .digest("hex")
      .slice(0, 16);
    return new MigrationFactsCache(join(cacheDirectory(cwd), `migrations-${id}.json`));
  }

  /**
   * Record the facts of a file whose content the caller wrote (`generate`
   * knows the class name and `transaction` flag it printed), keeping every
   * other entry: the next command describes the file without loading it.
   */
  static remember(cwd: string, globs: string[], checksum: string, facts: MigrationFacts): void {
    const cache = MigrationFactsCache.forProject(cwd, globs);
    cache.entries.set(checksum, storedForm(facts));
    writeCacheFile(cache.path, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(cache.entries) }));
  }

  /** Whether facts are known for this content (without counting it as seen). */
  has(checksum: string): boolean {
    return this.entries.has(checksum);
  }

  get(checksum: string): MigrationFacts | undefined {
    const facts = this.entries.get(checksum);
    if (facts) this.seen.set(checksum, facts);
    return facts;
  }

  set(checksum: string, facts: MigrationFacts): void {
    this.seen.set(checksum, storedForm(facts));
    const known = this.entries.get(checksum);
    if (
      !known ||
      known.name !== facts.name ||
      known.transaction !== facts.transaction ||
      known.callsOnlyOperations !== facts.callsOnlyOperations
    ) {
      this.changed = true;
    }
  }

  /**
   * Write what this discovery saw, if anything is new or gone (files
   * deleted or edited since): write then rename, so a concurrent reader
   * never sees half a file. A failed write only costs speed.
   */
  save(): void {
    if (!this.changed && this.seen.size === this.entries.size) return;
    writeCacheFile(this.path, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.seen) }));
  }
}

/** The stored entries; an unreadable, corrupt or older file counts as empty. */
function readEntries(path: string): Map<string, MigrationFacts> {
  const entries = new Map<string, MigrationFacts>();
  let stored: any;
  try {
    stored = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return entries;
  }
  if (stored?.format !== FORMAT || typeof stored.entries !== "object" || stored.entries === null) return entries;
  for (const [checksum, facts] of Object.entries<any>(stored.entries)) {
    if (typeof facts?.name === "string" && typeof facts.transaction === "boolean") {
      const callsOnlyOperations = typeof facts.callsOnlyOperations === "boolean" ? facts.callsOnlyOperations : undefined;
      entries.set(checksum, storedForm({ name: facts.name, transaction: facts.transaction, callsOnlyOperations }));
    }
  }
  return entries;
}
