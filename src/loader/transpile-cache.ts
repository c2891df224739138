/**
 * An on-disk cache of transpiled TypeScript, keyed by the file's content (and
 * everything else that changes the output), so an unchanged entity or
 * migration is transpiled once and then only read back. Loading the
 * transpiler itself is the slow part, so a run where every file hits the
 * cache never loads it.
 *
 * An entry is a file of its own (`<key>.js`), except the outputs of a cold
 * cache's batch (an entity glob's 200 files transpiled together): those go
 * into the pack, one file per salt (`transpiled-<salt>.pack`) rewritten whole
 * with the new entries added. Creating 200 files cost a cold `generate`
 * 0.14–0.17 s of CPU, most of it the filesystem's (ext4 looks for a free
 * inode past the ones the transpiler's run directory just freed), against
 * a few milliseconds for one file (bench/RESULTS.md, session 11). The pack
 * is read only when a key has no file of its own: a warm run that answers
 * from the entity model cache never reads it.
 */
import { readFileSync, existsSync } from "node:fs";
import { writeCacheFile } from "./cache-file";
import { hexDigest } from "./digest";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";

/** Batches of at least this many outputs go to the pack; smaller ones to a file each. */
export const PACK_MIN_ENTRIES = 16;
/**
 * Past this size the pack starts over with the new batch rather than keep
 * entries of files long edited: a run that reads the pack holds all of it
 * (1000 entity files' outputs are ≈ 8 MB).
 */
const PACK_MAX_BYTES = 24 * 1024 * 1024;
const PACK_MAGIC = Buffer.from("ATHTSP01");

/** A pack's entries: key → [byte offset into `blob`, byte length]. */
interface Pack {
  entries: Map<string, [number, number]>;
  blob: Buffer;
}

export class TranspileCache {
  /** The pack, once read (or written) by this process. */
  private pack: Pack | undefined;

  /**
   * @param directory where entries live
   * @param salt what besides the file changes the output (transpiler and its
   *   version, compiler options, tsconfig text); part of every key
   */
  constructor(
    readonly directory: string,
    private readonly salt: string,
  ) {}

  keyOf(fileName: string, source: string): string {
    // The file name is part of the key because the inline source map names it.
    // One string hashed at once: the same digest as hashing the parts in turn (keys stay valid), without a Hash object per file.
    const input = `${this.salt}\0${fileName}\0${source}`;
    return hexDigest("sha256", input);
  }

  get(key: string): string | undefined {
    const packed = this.pack?.entries.get(key);
    if (packed) return this.fromPack(this.pack!, packed);
    try {
      return readFileSync(this.pathOf(key), "utf8");
    } catch {
      const pack = this.loadedPack();
      const entry = pack.entries.get(key);
      return entry && this.fromPack(pack, entry);
    }
  }

  /** Whether an entry exists (without reading it). */
  has(key: string): boolean {
    return !!this.pack?.entries.has(key) || existsSync(this.pathOf(key)) || this.loadedPack().entries.has(key);
  }

  set(key: string, output: string): void {
    // Two processes filling the cache at once never leave a half-written
    // entry for a third to read; a failed write only costs speed.
    writeCacheFile(this.pathOf(key), output);
  }

  /**
   * Store a batch's outputs: in the pack (one file written whole, then
   * renamed into place) from PACK_MIN_ENTRIES on, else a file each. Two
   * processes adding to the pack at once may lose one's entries: the next
   * run transpiles them again.
   */
  setAll(entries: Array<[key: string, output: string]>): void {
    if (entries.length < PACK_MIN_ENTRIES) {
      for (const [key, output] of entries) this.set(key, output);
      return;
    }
    const stored = this.loadedPack();
    const added = entries.map(([key, output]) => [key, Buffer.from(output, "utf8")] as const);
    const addedBytes = added.reduce((sum, [, data]) => sum + data.length, 0);
    const addedKeys = new Set(added.map(([key]) => key));
    const keep = stored.blob.length + addedBytes <= PACK_MAX_BYTES ? [...stored.entries].filter(([key]) => !addedKeys.has(key)) : [];
    const header: Record<string, [number, number]> = {};
    const chunks: Buffer[] = [];
    let offset = 0;
    const add = (key: string, data: Buffer) => {
      header[key] = [offset, data.length];
      chunks.push(data);
      offset += data.length;
    };
    for (const [key, [start, length]] of keep) add(key, stored.blob.subarray(start, start + length));
    for (const [key, data] of added) add(key, data);
    const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
    const headerLength = Buffer.alloc(4);
    headerLength.writeUInt32LE(headerBytes.length);
    const blob = Buffer.concat(chunks);
    writeCacheFile(this.packPath(), Buffer.concat([PACK_MAGIC, headerLength, headerBytes, blob]));
    this.pack = { entries: new Map(Object.entries(header)), blob };
  }

  /** The pack as the file holds it, read once; a missing, damaged or foreign file counts as empty. */
  private loadedPack(): Pack {
    return (this.pack ??= readPack(this.packPath()));
  }

  private fromPack(pack: Pack, [start, length]: [number, number]): string {
    return pack.blob.toString("utf8", start, start + length);
  }

  private packPath(): string {
    return join(this.directory, `transpiled-${hexDigest("sha256", this.salt).slice(0, 16)}.pack`);
  }

  private pathOf(key: string): string {
    return join(this.directory, `${key}.js`);
  }
}

function readPack(file: string): Pack {
  const empty: Pack = { entries: new Map(), blob: Buffer.alloc(0) };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return empty;
  }
  try {
    const headerStart = PACK_MAGIC.length + 4;
    if (bytes.length < headerStart || !bytes.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)) return empty;
    const dataStart = headerStart + bytes.readUInt32LE(PACK_MAGIC.length);
    if (dataStart > bytes.length) return empty;
    const header: unknown = JSON.parse(bytes.toString("utf8", headerStart, dataStart));
    if (typeof header !== "object" || header === null) return empty;
    const blob = bytes.subarray(dataStart);
    const entries = new Map<string, [number, number]>();
    for (const [key, value] of Object.entries(header)) {
      const [start, length] = Array.isArray(value) ? value : [];
      // A pack cut short or written by something else is not read at all.
      if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > blob.length) return empty;
      entries.set(key, [start, length]);
    }
    return { entries, blob };
  } catch {
    return empty;
  }
}

/**
 * Where the cache lives: `ATHANOR_CACHE_DIR` when set, else
 * node_modules/.cache/athanor/ts of the nearest node_modules above the
 * project (the convention babel, eslint and others follow), else the
 * system's temporary directory.
 */
export function cacheDirectory(projectDir: string): string {
  const configured = process.env.ATHANOR_CACHE_DIR;
  if (configured) return resolve(configured);
  let dir = resolve(projectDir);
  for (;;) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules", ".cache", "athanor", "ts");
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(tmpdir(), "athanor-cache", "ts");
}
