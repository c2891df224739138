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
import type { DiagramOptions, DiagramResult } from "./commands/diagram";
import type { EditOptions, EditResult } from "./commands/edit";
import type { GenerateOptions, GenerateResult } from "./commands/generate";
import type { HistoryOptions, HistoryResult } from "./commands/history";
import type { InitOptions, InitResult } from "./commands/init";
import type { LintOptions, LintResult } from "./commands/lint";
import type { OfflineSqlOptions, OfflineSqlResult } from "./commands/offline";
import type { PlanOptions, PlanResult } from "./commands/price-plan";
import type { ProjectOptions } from "./commands/project";
import type { RebaseOptions, RebaseResult } from "./commands/rebase";
import type { RestoreOptions, RestoreResult } from "./commands/restore";
import type { ReportOptions, ReportResult } from "./commands/report";
import type { RevertOptions, RevertResult } from "./commands/revert";
import type { RunOptions, RunResult } from "./commands/run";
import type { ShowOptions, ShowResult } from "./commands/show";
import type { StampOptions, StampResult } from "./commands/stamp";
import type { StatusResult } from "./commands/status";
import type { SumResult } from "./commands/sum";
import type { VerifyOptions, VerifyResult } from "./commands/verify";
import type { Direction } from "./runner/execute";

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
export type VerifyCallOptions = Own<VerifyOptions>;
export type HistoryCallOptions = Own<HistoryOptions>;
export type StampCallOptions = Omit<Own<StampOptions>, "revision">;
export type ShowCallOptions = Omit<Own<ShowOptions>, "revision">;
export type LintCallOptions = Own<LintOptions>;
export type EditCallOptions = Omit<Own<EditOptions>, "revision">;
export type RebaseCallOptions = Omit<Own<RebaseOptions>, "migrations">;
export type RestoreCallOptions = Omit<Own<RestoreOptions>, "file">;
export type OfflineSqlCallOptions = Omit<Own<OfflineSqlOptions>, "direction">;
export type ReportCallOptions = Own<ReportOptions>;
export type DiagramCallOptions = Own<DiagramOptions>;
export type PlanCallOptions = Own<PlanOptions>;

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

  /**
   * What applying the pending migrations (or `from`/`to`) would cost on the
   * configured database (`athanor plan`): per statement the lock, whether it
   * rewrites, scans, indexes or only changes the catalog, the table's size
   * and an estimated duration; the sessions that would block it now; and
   * `ok: false` when `maxLockSeconds` or `maxRewriteBytes` is exceeded.
   * Reads only, and waits for no lock.
   */
  async plan(options: PlanCallOptions = {}): Promise<PlanResult> {
    const { plan } = require("./commands/price-plan") as typeof import("./commands/price-plan");
    return plan({ ...options, ...this.project() });
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

  /**
   * The pull-request report (`athanor check --format markdown|github`): the
   * migrations the branch adds (those not in `base`'s tree, default the
   * merge-base of HEAD with origin/main or main; outside git, the pending
   * ones), their operations, danger findings and schema changes, read
   * without a database; `verify` adds verify's answer. `result.text` is
   * the report in `format`; `result.failed` is what makes the CLI exit 1.
   */
  async report(options: ReportCallOptions = {}): Promise<ReportResult> {
    const { report } = require("./commands/report") as typeof import("./commands/report");
    return report({ ...options, ...this.project() });
  }

  /**
   * The schema as an entity-relationship diagram (`athanor diagram`):
   * Mermaid text or a self-contained HTML/SVG page in `result.text`. The
   * entities by default (connects to nothing); `database`: the live schema;
   * `pending`: the live schema after the pending migrations, what they
   * change marked.
   */
  async diagram(options: DiagramCallOptions = {}): Promise<DiagramResult> {
    const { diagram } = require("./commands/diagram") as typeof import("./commands/diagram");
    return diagram({ ...options, ...this.project() });
  }

  /** Write a blank migration to fill in (`athanor create`); connects to nothing. */
  async create(name: string, options: CreateCallOptions = {}): Promise<CreateResult> {
    const { create } = require("./commands/create") as typeof import("./commands/create");
    return create({ ...options, ...this.project(), name });
  }

  /**
   * The SQL script that applying (`"up"`) or reverting (`"down"`) a range of
   * migrations would execute (`athanor run --sql`, `athanor revert --sql`);
   * connects to nothing and writes nothing.
   */
  async offlineSql(direction: Direction, options: OfflineSqlCallOptions = {}): Promise<OfflineSqlResult> {
    const { offlineSql } = require("./commands/offline") as typeof import("./commands/offline");
    return offlineSql({ ...options, ...this.project(), direction });
  }

  /**
   * Every migration, newest first, with whether and when it was applied
   * (`athanor history`); `range` is `start:end`, either side optional.
   * Reads the bookkeeping table and never creates it.
   */
  async history(options: HistoryCallOptions = {}): Promise<HistoryResult> {
    const { history } = require("./commands/history") as typeof import("./commands/history");
    return history({ ...options, ...this.project() });
  }

  /**
   * Make the bookkeeping say that exactly the migrations up to `revision`
   * (`head`, `base` or a migration) are applied, running none of them
   * (`athanor stamp`); `purge` first empties the table.
   */
  async stamp(revision: string, options: StampCallOptions = {}): Promise<StampResult> {
    const { stamp } = require("./commands/stamp") as typeof import("./commands/stamp");
    return stamp({ ...options, ...this.project(), revision });
  }

  /**
   * One migration's header, operations and up/down SQL (`athanor show`),
   * for the DataSource's database type or `databaseType`; connects to nothing.
   */
  async show(revision: string, options: ShowCallOptions = {}): Promise<ShowResult> {
    const { show } = require("./commands/show") as typeof import("./commands/show");
    return show({ ...options, ...this.project(), revision });
  }

  /**
   * The lint findings of the migrations named in `revisions` (default all),
   * read without a database (`athanor lint`); `result.failed` is what makes
   * the CLI exit 1.
   */
  async lint(options: LintCallOptions = {}): Promise<LintResult> {
    const { lint } = require("./commands/lint") as typeof import("./commands/lint");
    return lint({ ...options, ...this.project() });
  }

  /**
   * On a scratch database, run every migration up, down and up again, and
   * compare head with the entities (`athanor verify`); the configured
   * database is never migrated. A broken migration is `ok: false` with the
   * `failure`, not an error; `onStart` and `onStep` report progress.
   */
  async verify(options: VerifyCallOptions = {}): Promise<VerifyResult> {
    const { verify } = require("./commands/verify") as typeof import("./commands/verify");
    return verify({ ...options, ...this.project() });
  }

  /**
   * Open a migration file (default head) in $VISUAL or $EDITOR (read from
   * `env`, default process.env) and wait for it to close (`athanor edit`);
   * connects to nothing and leaves athanor.sum as it is.
   */
  async edit(revision = "head", options: EditCallOptions = {}): Promise<EditResult> {
    const { edit } = require("./commands/edit") as typeof import("./commands/edit");
    return edit({ ...options, ...this.project(), revision });
  }

  /** Re-write migrations/athanor.sum from the migration files as they are (`athanor sum`); connects to nothing. */
  async sum(): Promise<SumResult> {
    const { sum } = require("./commands/sum") as typeof import("./commands/sum");
    return sum(this.project());
  }

  /**
   * Give the pending migrations named in `migrations` (default: every one
   * older than the newest applied migration) new timestamps just after it,
   * in file name, class name and `name`, and re-write athanor.sum
   * (`athanor rebase`); then check the rebased line with `verify` on a
   * scratch database unless `verify: false`. An applied migration is refused.
   */
  async rebase(migrations: string[] = [], options: RebaseCallOptions = {}): Promise<RebaseResult> {
    const { rebase } = require("./commands/rebase") as typeof import("./commands/rebase");
    return rebase({ ...options, ...this.project(), migrations });
  }

  /**
   * Put back the copy `run({ backup: true })` took (`athanor restore`),
   * replacing everything in the database: SQLite's file, or every schema of
   * a PostgreSQL database (through pg_restore). `confirm`, when given, is
   * asked after the file is checked and before anything changes.
   */
  async restore(file: string, options: RestoreCallOptions = {}): Promise<RestoreResult> {
    const { restore } = require("./commands/restore") as typeof import("./commands/restore");
    return restore({ ...options, ...this.project(), file });
  }

  /**
   * Scaffold the project in `cwd` (`athanor init`). The one method that
   * ignores `dataSource` and `connectTimeoutMs`: it writes the DataSource
   * file, so there is none to load yet.
   */
  async init(options: Omit<InitOptions, "cwd"> = {}): Promise<InitResult> {
    const { init } = require("./commands/init") as typeof import("./commands/init");
    return init({ ...options, cwd: this.options.cwd });
  }

  private project(): ProjectOptions {
    return { dataSource: this.options.dataSource, cwd: this.options.cwd, connectTimeoutMs: this.options.connectTimeoutMs };
  }
}
