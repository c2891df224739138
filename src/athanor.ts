/**
 * The programmatic API: `new Athanor({ dataSource })` and one method per
 * command, returning what the command found instead of printing it. The CLI
 * calls the same methods; errors are thrown as AthanorError (UsageError,
 * DatabaseError) carrying the exit code the CLI would use.
 *
 * The command modules are required lazily: migration files import `op` from
 * this package, and that should not load every command.
 */
import type { DataSource } from "typeorm";
import type { CheckResult } from "./commands/check";
import type { CreateOptions, CreateResult } from "./commands/create";
import type { GenerateOptions, GenerateResult } from "./commands/generate";
import type { InitOptions, InitResult } from "./commands/init";
import type { ProjectOptions } from "./commands/project";
import type { RevertOptions, RevertResult } from "./commands/revert";
import type { RunOptions, RunResult } from "./commands/run";
import type { StatusResult } from "./commands/status";

export interface AthanorOptions {
  /**
   * The DataSource: a file path, relative to `cwd` (default: ormconfig.ts,
   * else ormconfig.js/.mts/.mjs/.cts/.cjs), or a DataSource instance. An
   * instance that is not connected is connected for each call and closed
   * after it; one already connected is used as it is and left open.
   */
  dataSource?: string | DataSource;
  /** The project directory; relative paths resolve from it. Default: process.cwd(). */
  cwd?: string;
  /**
   * How long to wait for a PostgreSQL server to answer a new connection, in
   * milliseconds (default: the DataSource's connectTimeoutMS, else the URL's
   * connect_timeout, else 10 000; 0 waits forever).
   */
  connectTimeoutMs?: number;
}

/** A command's own options, without where the project is (the Athanor instance knows). */
type Own<T> = Omit<T, keyof ProjectOptions>;

export type GenerateCallOptions = Omit<Own<GenerateOptions>, "name">;
export type RunCallOptions = Own<RunOptions>;
export type RevertCallOptions = Own<RevertOptions>;
export type CreateCallOptions = Omit<Own<CreateOptions>, "name">;

export class Athanor {
  constructor(readonly options: AthanorOptions = {}) {}

  /**
   * Compare the entities with the database and write a migration for the
   * difference (`athanor generate`). `result.changes` is false when there is
   * nothing to write; `check` or `dryRun` write nothing. Possible renames
   * need `renames` or `acceptDataLoss`, or a `resolveRenames` callback.
   */
  async generate(name?: string, options: GenerateCallOptions = {}): Promise<GenerateResult> {
    const { generate } = require("./commands/generate") as typeof import("./commands/generate");
    return generate({ ...options, ...this.project(), name });
  }

  /** Apply pending migrations (`athanor run`). */
  async run(options: RunCallOptions = {}): Promise<RunResult> {
    const { run } = require("./commands/run") as typeof import("./commands/run");
    return run({ ...options, ...this.project() });
  }

  /** Undo the last migration, or `step` of them, or all after `to` (`athanor revert`). */
  async revert(options: RevertCallOptions = {}): Promise<RevertResult> {
    const { revert } = require("./commands/revert") as typeof import("./commands/revert");
    return revert({ ...options, ...this.project() });
  }

  /** Applied and pending migrations, and anything abnormal (`athanor status`). */
  async status(): Promise<StatusResult> {
    const { status } = require("./commands/status") as typeof import("./commands/status");
    return status(this.project());
  }

  /** Whether migrations are pending or the entities differ from the database (`athanor check`); changes nothing. */
  async check(): Promise<CheckResult> {
    const { check } = require("./commands/check") as typeof import("./commands/check");
    return check(this.project());
  }

  /** Write a blank migration to fill in (`athanor create`); connects to nothing. */
  async create(name: string, options: CreateCallOptions = {}): Promise<CreateResult> {
    const { create } = require("./commands/create") as typeof import("./commands/create");
    return create({ ...options, ...this.project(), name });
  }

  /** Scaffold the project in `cwd` (`athanor init`); needs no DataSource. */
  async init(options: Omit<InitOptions, "cwd"> = {}): Promise<InitResult> {
    const { init } = require("./commands/init") as typeof import("./commands/init");
    return init({ ...options, cwd: this.options.cwd });
  }

  private project(): ProjectOptions {
    return { dataSource: this.options.dataSource, cwd: this.options.cwd, connectTimeoutMs: this.options.connectTimeoutMs };
  }
}
