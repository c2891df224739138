/**
 * The entity model cache: the schema the entities describe, remembered with
 * everything that went into it, so that a `generate` or `check` after which
 * nothing changed neither loads the entity files nor builds TypeORM's
 * metadata (most of what a no-op `generate` costs).
 *
 * The inputs are what loading the DataSource and entities actually read
 * (input-recorder.ts): files, directory listings, existence checks,
 * environment variables, plus the entity globs' matches and Athanor's own
 * code that turns metadata into the model. An entry is used only when all of
 * them are as they were:
 *
 * - a file in node_modules (a package) and the modules of Athanor's own
 *   code by its size, modification time and inode, which any install,
 *   update or build changes; every other file (the project's TypeScript, its
 *   tsconfig, JSON it reads) by the sha256 of its content;
 * - environment variables by value (only a digest of all inputs is stored:
 *   no value, and so no password in DATABASE_URL, ever reaches the disk).
 *
 * One entry per DataSource file, in the cache directory; written whole and
 * renamed into place; unreadable or malformed counts as absent. What it
 * cannot see: entity code whose result depends on something else (the time,
 * a random number, a file it reads through a stream or a network call). A
 * project whose files Node loads as ES modules itself (JavaScript .mjs, or
 * .js with "type": "module") is never cached: Node reads those without
 * `fs.readFileSync`, so their imports cannot be recorded.
 * `ATHANOR_MODEL_CACHE=0` turns the cache off.
 */
import { writeCacheFile } from "../loader/cache-file";
import crypto = require("node:crypto");
import fs = require("node:fs");
import { join, sep } from "node:path";
import { globFiles } from "../loader/project-glob";
import { hexDigest } from "../loader/digest";
import type { RecordedInputs } from "./input-recorder";
import type { Schema } from "../schema/model";

/** Bump when an entry's layout or meaning changes. */
const FORMAT = 3; // 3: timetz/bit/varbit types, array defaults as literals, enum values shared by enumName

export interface EntityModel {
  schema: Schema;
  /** How many entities TypeORM built (zero: the entities option matches nothing). */
  entityCount: number;
}

interface Entry {
  format: number;
  inputs: RecordedInputs & { globs: string[] };
  digest: string;
  defaultSchema: string | null;
  model: EntityModel;
}

/** Whether the model cache is on (it is unless ATHANOR_MODEL_CACHE=0). */
export function modelCacheEnabled(): boolean {
  const setting = process.env.ATHANOR_MODEL_CACHE;
  return setting === undefined || !/^(0|false|off|no)$/i.test(setting);
}

export class ModelCache {
  private readonly file: string;

  /** @param dataSourceFile absolute path of the DataSource file the entry belongs to */
  constructor(directory: string, dataSourceFile: string) {
    this.file = join(directory, `model-${sha256(dataSourceFile).slice(0, 24)}.json`);
  }

  /** The remembered model when every input is as it was, else undefined. */
  lookup(defaultSchema: string | undefined): EntityModel | undefined {
    const entry = this.read();
    if (!entry || entry.defaultSchema !== (defaultSchema ?? null)) return undefined;
    return digestOf(entry.inputs) === entry.digest ? entry.model : undefined;
  }

  /** Remember `model` as what `inputs` produce. Failing to write only costs speed. */
  store(inputs: RecordedInputs, globs: string[], defaultSchema: string | undefined, model: EntityModel): void {
    // What was not seen cannot be checked next time.
    if (!inputs.complete) return;
    const all = { ...inputs, globs: [...new Set(globs)].sort() };
    const entry: Entry = { format: FORMAT, inputs: all, digest: digestOf(all), defaultSchema: defaultSchema ?? null, model };
    writeCacheFile(this.file, JSON.stringify(entry));
  }

  private read(): Entry | undefined {
    try {
      const entry = JSON.parse(fs.readFileSync(this.file, "utf8")) as Entry;
      const valid =
        entry?.format === FORMAT &&
        typeof entry.digest === "string" &&
        Array.isArray(entry.inputs?.files) &&
        Array.isArray(entry.inputs.directories) &&
        Array.isArray(entry.inputs.probes) &&
        Array.isArray(entry.inputs.env) &&
        Array.isArray(entry.inputs.globs) &&
        entry.inputs.complete === true &&
        typeof entry.model?.schema?.tables === "object" &&
        typeof entry.model.entityCount === "number";
      return valid ? entry : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Athanor's own code that loads the entities and turns TypeORM's metadata
 * into the model: these folders of the build that is running (not of the
 * build that wrote the entry), so an entry another build or another copy of
 * Athanor made is never used. Named by folder, not file by file, so that a
 * module added there later is covered too; test/unit/architecture.test.ts checks
 * that every module the model is built by lies in one of them. Its modules
 * were loaded before recording started, so the recorder does not see them.
 */
export const OWN_CODE_FOLDERS = ["loader", "config", "metadata", "schema", "model-cache"] as const;

const OWN_CODE_DIRECTORIES = OWN_CODE_FOLDERS.map((folder) => join(__dirname, "..", folder));

function addOwnCode(add: (...parts: string[]) => void): void {
  for (const directory of OWN_CODE_DIRECTORIES) {
    const files = listing(directory);
    add("own", directory, files);
    // By stat, as a package's files are (how an installed Athanor's were
    // already read): a build or an install writes them anew. Reading and
    // hashing each file cost a checkout's every command ≈ 10 ms.
    for (const name of files.split("\n")) if (name.endsWith(".js")) add("own file", name, statState(join(directory, name)));
  }
}

/** One digest of the current state of every input. */
function digestOf(inputs: Entry["inputs"]): string {
  const hash = crypto.createHash("sha256");
  const add = (...parts: string[]) => {
    for (const part of parts) hash.update(part).update("\0");
  };
  add(String(FORMAT), process.version);
  addOwnCode(add);
  for (const file of inputs.files) add("file", file, fileState(file));
  for (const directory of inputs.directories) add("dir", directory, listing(directory));
  for (const path of inputs.probes) add("exists", path, fs.existsSync(path) ? "1" : "0");
  for (const pattern of inputs.globs) add("glob", pattern, globFiles(pattern).sort().join("\n"));
  if (inputs.wholeEnv) {
    for (const name of Object.keys(process.env).sort()) add("env", name, process.env[name] ?? "");
  } else {
    for (const name of inputs.env) add("env", name, name in process.env ? `=${process.env[name]}` : "unset");
  }
  return hash.digest("hex");
}

/** A package file by its stat (installs replace files); anything else by its content. */
function fileState(file: string): string {
  if (file.includes(`${sep}node_modules${sep}`)) return statState(file);
  try {
    return `sha256 ${sha256(fs.readFileSync(file))}`;
  } catch {
    return "missing";
  }
}

function statState(file: string): string {
  try {
    const stat = fs.statSync(file, { bigint: true });
    return stat.isFile() ? `stat ${stat.size} ${stat.mtimeNs} ${stat.ino}` : "not a file";
  } catch {
    return "missing";
  }
}

function listing(directory: string): string {
  try {
    return fs.readdirSync(directory).sort().join("\n");
  } catch {
    return "missing";
  }
}

function sha256(input: string | Buffer): string {
  return hexDigest("sha256", input);
}
