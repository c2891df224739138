/**
 * Finding the project's migrations: the files matched by the DataSource's
 * `migrations` globs (and any classes listed there), each loaded and checked
 * to hold exactly one migration class whose name ends in a 13-digit
 * timestamp, as TypeORM requires. Files already seen with the same content,
 * and new files in the shape Athanor generates, are loaded lazily (see
 * loader/migration-facts.ts and loader/migration-source-facts.ts).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { globSync } from "glob";
import type { MigrationInterface } from "typeorm";
import { UsageError } from "../errors";
import { describeLoadFailure, fileToFix, formatLoadFailure } from "../loader/load-error";
import { LoaderSetupError } from "../loader/typescript-compiler";
import { checksumOf } from "./checksum";
import { MigrationFactsCache, type MigrationFacts } from "../loader/migration-facts";
import { factsFromSource } from "../loader/migration-source-facts";
import { transpileAhead } from "../loader/typescript-loader";
import { requireFile } from "../loader/require-file";
import { watchMigration } from "./stray-rejections";

export interface MigrationSource {
  /** Class name (or its `name` property), TypeORM's migration name. */
  name: string;
  /** The 13-digit millisecond timestamp at the end of the name. */
  timestamp: number;
  /** Absolute file path; undefined for a class given directly. */
  file?: string;
  /** sha256 of the file with normalized line endings. */
  checksum?: string;
  /**
   * The file's text as read when it was listed, the text `checksum` (and
   * athanor.sum) describe: what its module is compiled from when it loads
   * (loader/require-file.ts), however the file changes meanwhile.
   */
  text?: string;
  /** Whether the migration asked not to run inside a transaction. */
  transaction: boolean;
  /**
   * True when the file is known to call only `op()` and `queryRunner.query`
   * on literals (loader/migration-source-scan.ts): its code never reaches
   * TypeORM's entity metadata. Absent: unknown.
   */
  callsOnlyOperations?: boolean;
  instance: MigrationInterface;
  /**
   * Require the file now, if it was described without loading it, keeping
   * what went wrong for the first read of `instance` (runner/load-ahead.ts:
   * the runner loads the next migration while the database works on this
   * one, and a file that fails to load is reported when that migration
   * starts, as before). Absent where `instance` is loaded already.
   */
  loadAhead?(): void;
}

/** File names `discover` and athanor.sum treat as migration sources. */
export const SOURCE_EXTENSIONS = /\.(ts|js|cjs|mjs|cts|mts)$/;

export function discoverMigrations(globs: string[], classes: Function[], cwd: string): MigrationSource[] {
  /** Each file's absolute path → whether it is not a symbolic link, as the directory listing said (requireFile). */
  const files = new Map<string, boolean>();
  for (const pattern of globs) {
    for (const entry of globSync(pattern, { nodir: true, withFileTypes: true })) {
      const file = entry.fullpath();
      if (SOURCE_EXTENSIONS.test(file) && !file.endsWith(".d.ts")) files.set(file, !entry.isSymbolicLink() && !entry.isUnknown());
    }
  }

  const found: MigrationSource[] = [];
  if (files.size > 0) {
    const facts = MigrationFactsCache.forProject(cwd, globs);
    const sources = [...files.keys()].sort().map((file) => {
      const text = readFileSync(file, "utf8");
      return { file, text, checksum: checksumOf(text) };
    });
    // A new file in the shape Athanor generates is described from its syntax
    // (migration-source-facts.ts), not transpiled to learn its class name.
    const fromSource = new Map<string, MigrationFacts>();
    for (const { file, text, checksum } of sources) {
      if (facts.has(checksum)) continue;
      const read = factsFromSource(file, text);
      if (read && parseTimestamp(read.name) !== undefined) fromSource.set(checksum, read);
    }
    // The files about to be loaded (new or changed), transpiled together when
    // the cache lacks them: a fresh checkout in CI has every migration to load.
    transpileAhead(sources.filter(({ checksum }) => !facts.has(checksum) && !fromSource.has(checksum)).map(({ file }) => file));
    for (const { file, text, checksum } of sources) {
      found.push(migrationFromFile({ file, notALink: files.get(file)!, text }, checksum, cwd, facts, fromSource.get(checksum)));
    }
    facts.save();
  }
  for (const cls of classes) found.push(fromClass(cls as new () => MigrationInterface));

  rejectDuplicates(found, cwd);
  return found.sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name));
}

/**
 * A migration file whose content was seen before is described from the
 * facts cache and required only when something asks for its `instance`
 * (to run, revert, render or lint it); a new or changed file is loaded now,
 * so its mistakes are reported by every command, as before.
 */
/** A migration file as listed: its absolute path, whether the listing showed it is no symbolic link, and its text as read then. */
interface Listed {
  file: string;
  notALink: boolean;
  text: string;
}

function migrationFromFile(
  listed: Listed,
  checksum: string,
  cwd: string,
  cache: MigrationFactsCache,
  fromSource: MigrationFacts | undefined,
): MigrationSource {
  const { file } = listed;
  const known = cache.get(checksum) ?? fromSource;
  if (fromSource && known === fromSource) cache.set(checksum, fromSource);
  const timestamp = known && parseTimestamp(known.name);
  if (!known || timestamp === undefined) {
    const source = loadMigrationFile(listed, cwd, checksum);
    cache.set(checksum, { name: source.name, transaction: source.transaction });
    return source;
  }
  // Loaded once: a file that failed is not required again (its top level
  // ran once already), the same error is told each time it is asked for.
  let loaded: { instance: MigrationInterface } | { failure: unknown } | undefined;
  const load = () => {
    try {
      return { instance: loadMigrationFile(listed, cwd, checksum).instance };
    } catch (failure) {
      return { failure };
    }
  };
  return {
    name: known.name,
    timestamp,
    file,
    checksum,
    text: listed.text,
    transaction: known.transaction,
    ...(known.callsOnlyOperations ? { callsOnlyOperations: true } : {}),
    get instance() {
      loaded ??= load();
      if ("failure" in loaded) throw loaded.failure;
      return loaded.instance;
    },
    loadAhead() {
      loaded ??= load();
    },
  };
}

function loadMigrationFile({ file, notALink, text }: Listed, cwd: string, checksum: string): MigrationSource {
  const shown = relative(cwd, file);
  let exported: Record<string, unknown>;
  try {
    exported = requireFile(file, notALink, text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof LoaderSetupError) throw error;
    const failure = describeLoadFailure(error, cwd);
    throw new UsageError(
      `Migration ${shown} could not be loaded: ${formatLoadFailure(failure)}: fix ${fileToFix(failure, shown)} and run again.`,
    );
  }
  const classes = Object.values(exported ?? {}).filter(
    (value): value is new () => MigrationInterface => typeof value === "function" && typeof value.prototype?.up === "function",
  );
  if (classes.length !== 1) {
    throw new UsageError(
      classes.length === 0
        ? `Migration ${shown} exports no migration class: export one class with up() and down().`
        : `Migration ${shown} exports ${classes.length} migration classes: keep one class per file.`,
    );
  }
  const source = fromClass(classes[0], shown, cwd);
  source.file = file;
  source.checksum = checksum;
  source.text = text;
  return source;
}

function fromClass(cls: new () => MigrationInterface, shown?: string, cwd?: string): MigrationSource {
  let instance: MigrationInterface;
  try {
    instance = new cls();
  } catch (error) {
    // Its constructor or a field initializer threw: the migration's own code, not Athanor's.
    if (error instanceof LoaderSetupError) throw error;
    const failure = describeLoadFailure(error, cwd ?? process.cwd());
    const where = shown ?? cls.name;
    throw new UsageError(
      `Migration ${where} could not be constructed (new ${cls.name}() threw): ${formatLoadFailure(failure)}: fix ${fileToFix(failure, where)} and run again.`,
    );
  }
  const name = instance.name || cls.name;
  const timestamp = parseTimestamp(name);
  if (timestamp === undefined) {
    throw new UsageError(
      `Migration ${shown ?? name} is named "${name}", which does not end in a 13-digit timestamp: rename the class, e.g. ${name}${Date.now()}.`,
    );
  }
  return {
    name,
    timestamp,
    transaction: instance.transaction !== false,
    instance: watchMigration(instance, name),
  };
}

/** TypeORM's rule: the last 13 characters of the name are the timestamp. */
export function parseTimestamp(name: string): number | undefined {
  const match = /(\d{13})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

function rejectDuplicates(found: MigrationSource[], cwd: string): void {
  const where = (m: MigrationSource) => (m.file ? relative(cwd, m.file) : m.name);
  const byName = new Map<string, MigrationSource>();
  const byTimestamp = new Map<number, MigrationSource>();
  for (const migration of found) {
    const sameName = byName.get(migration.name);
    if (sameName) {
      throw new UsageError(`Two migrations are named ${migration.name} (${where(sameName)} and ${where(migration)}): rename one.`);
    }
    const sameTime = byTimestamp.get(migration.timestamp);
    if (sameTime) {
      throw new UsageError(
        `Migrations ${where(sameTime)} and ${where(migration)} share the timestamp ${migration.timestamp}, so their order is undefined: give one a new timestamp.`,
      );
    }
    byName.set(migration.name, migration);
    byTimestamp.set(migration.timestamp, migration);
  }
}
