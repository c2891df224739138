/**
 * `athanor check --format markdown|github`: the pull-request report. For the
 * migrations a branch adds (commands/branch-migrations.ts; outside git, the
 * ones pending on the configured database): their operations, what the
 * danger judge finds in them (as `lint` does, silences honoured), what the
 * dialect says about how they run (table rebuilds), the schema they change,
 * and, when asked, `verify`'s answer.
 *
 * Everything but the fallback and --verify is read without a database:
 * every migration's `up` is replayed in file order on the offline model
 * (like `lint` and `show`), so each is judged against the schema the
 * migrations before it built.
 */
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import type { Dialect } from "../dialects/dialect";
import { atLeast, type Finding } from "../danger/codes";
import { DatabaseError, UsageError } from "../errors";
import { describeOperation } from "../ops/describe";
import type { Operation } from "../ops/operations";
import { readMigration } from "../lint/read-migration";
import type { MigrationSource } from "../runner/discover";
import { planMigrations } from "../runner/plan";
import { emptyModel, type OfflineModel } from "../runner/recording-query-runner";
import { apply } from "../schema/apply";
import { schemaChanges } from "../ops/schema-changes";
import type { Schema } from "../schema/model";
import type {
  BranchReport,
  ReportFinding,
  ReportFormat,
  ReportMigration,
  ReportPlan,
  ReportSelection,
  ReportVerify,
} from "../report/report";
import { reportMarkdown } from "../report/markdown";
import { reportAnnotations } from "../report/github";
import { branchMigrations, gitRoot } from "./branch-migrations";
import { lintReadMigration } from "./lint";
import { offlineDialect } from "./offline";
import { loadProject, withProject, type LoadedProject, type ProjectOptions } from "./project";
import { plan } from "./price-plan";
import { verify } from "./verify";

export interface ReportOptions extends ProjectOptions {
  /** The git ref the branch is compared with (default: merge-base of HEAD with origin/main, else main). */
  base?: string;
  /** Judge for this database type instead of the DataSource's (e.g. "postgres" in a SQLite project). */
  dialect?: string;
  /** Also run `verify` on a scratch database (SQLite: a temporary file; PostgreSQL: needs CREATEDB; MySQL/MariaDB: CREATE and DROP on athanor_verify_… databases). */
  verify?: boolean;
  /**
   * Also price the migrations on the configured database (`athanor plan`: the
   * migrations pending there, which in CI against a database at the base are
   * the ones the branch adds). It reads only; an unreachable database is a
   * note in the report, not a failed report.
   */
  plan?: boolean;
  /** What `text` holds (default "markdown"). */
  format?: ReportFormat;
}

export interface ReportResult extends BranchReport {
  format: ReportFormat;
  /** The report printed in `format`. */
  text: string;
}

export async function report(options: ReportOptions): Promise<ReportResult> {
  const project = loadProject(options);
  const dialect = offlineDialect(project, options.dialect);
  const cwd = project.config.cwd;
  const root = gitRoot(cwd);

  let selection: ReportSelection;
  let added: MigrationSource[];
  let edited: MigrationSource[] = [];
  if (root) {
    const branch = branchMigrations(root, project.migrations, options.base);
    selection = { by: "git", base: branch.base, commit: branch.commit };
    added = branch.added;
    edited = branch.edited;
  } else {
    if (options.base !== undefined) {
      throw new UsageError(
        `--base ${options.base} needs a git repository, and ${cwd} is not in one: leave --base out to report the pending migrations.`,
      );
    }
    added = await pendingMigrations(options, project);
    selection = { by: "pending", target: project.target, why: "the project is not in a git repository" };
  }

  const { migrations, before, after, operations } = await readAll(project, dialect, new Set(added), root);
  const verifying = options.verify ? await verifySummary(options) : undefined;
  const pricing = options.plan ? await planSummary(options) : undefined;
  const priced = typeof pricing === "string" ? undefined : pricing;
  const verified = typeof verifying === "string" ? undefined : verifying;
  const all = migrations.flatMap((m) => m.findings);
  const count = (severity: Finding["severity"]) => all.filter((f) => f.severity === severity).length;
  const branch: BranchReport = {
    dialect: dialect.name,
    selection,
    migrations,
    edited: edited.map((m) => m.name),
    changes: schemaChanges(before, after, operations),
    verify: verified,
    verifyNote: typeof verifying === "string" ? verifying : undefined,
    plan: priced,
    planNote:
      typeof pricing === "string"
        ? pricing
        : priced
          ? undefined
          : "run `athanor plan` against the database (or add --plan) for the locks, rewrites and durations these migrations would take there",
    counts: {
      error: count("error"),
      warning: count("warning"),
      info: count("info"),
      silenced: migrations.reduce((n, m) => n + m.silenced.length, 0),
    },
    failed: all.some((f) => atLeast(f.severity, "error")) || verified?.ok === false || priced?.exceeded === true,
  };
  const format = options.format ?? "markdown";
  return { ...branch, format, text: format === "github" ? reportAnnotations(branch) : reportMarkdown(branch) };
}

/** Outside git: the migrations the configured database has not applied (connects, reads the bookkeeping). */
async function pendingMigrations(options: ProjectOptions, project: LoadedProject): Promise<MigrationSource[]> {
  const names = await withProject(
    options,
    async (open) => {
      const applied = (await open.bookkeeping.exists()) ? await open.bookkeeping.applied() : [];
      return new Set(planMigrations(open.migrations, applied).pending.map((s) => s.name));
    },
    { deferEntityMetadata: true },
  );
  return project.migrations.filter((m) => names.has(m.name));
}

interface ReadAll {
  migrations: ReportMigration[];
  /** The model without the added migrations (the base's head). */
  before: Schema;
  /** The model with them (the branch's head). */
  after: Schema;
  /** The added migrations' operations, in order (their renames name the schema changes). */
  operations: Operation[];
}

/**
 * Replay every migration in file order; judge the added ones. The base's
 * head is replayed separately, leaving the added ones out, so a branch
 * migration older than main's newest still counts only its own changes.
 */
async function readAll(project: LoadedProject, dialect: Dialect, added: Set<MigrationSource>, root: string | undefined): Promise<ReadAll> {
  const table = project.config.migrationsTableName;
  const cwd = project.config.cwd;
  const migrations: ReportMigration[] = [];
  const operations: Operation[] = [];
  let model: OfflineModel = emptyModel();
  let base: OfflineModel = emptyModel();
  for (const migration of project.migrations) {
    const read = await readMigration(migration, dialect, table, model);
    if (!added.has(migration)) base = (await readMigration(migration, dialect, table, base)).model;
    if (added.has(migration)) {
      const lint = lintReadMigration(migration, read, dialect, cwd);
      const source = migration.file ? readFileSync(migration.file, "utf8") : "";
      operations.push(...read.operations);
      migrations.push({
        name: migration.name,
        file: lint.file,
        repoFile: migration.file && root ? relative(root, migration.file).split(sep).join("/") : undefined,
        transaction: migration.transaction,
        operations: read.operations.map(describeOperation),
        notes: renderNotes(dialect, model.schema, read.operations),
        findings: lint.findings.map((f): ReportFinding => ({ ...f, line: lineOf(source, f) })),
        silenced: lint.silenced,
      });
    }
    model = read.model;
  }
  return { migrations, before: base.schema, after: model.schema, operations };
}

/** What the dialect says about how each operation runs ("rebuilds table users (copies every row)"), once each. */
function renderNotes(dialect: Dialect, schema: Schema, ops: Operation[]): string[] {
  const notes = new Set<string>();
  for (const op of ops) {
    if (op.kind === "sql") continue;
    try {
      for (const note of dialect.render(op, { schema }).notes) notes.add(note);
      schema = apply(schema, op);
    } catch {
      // A model offline mode could not follow: the findings already say so.
      break;
    }
  }
  return [...notes];
}

/**
 * The line of the migration's `up` a finding is most likely about: the
 * first line there naming the last identifier of its subject ("drop column
 * users.age" → the line with "age"); else the line of `up` itself; else 1.
 */
export function lineOf(source: string, finding: Finding): number {
  const lines = source.split("\n");
  const upLine = lines.findIndex((line) => /\basync\s+up\s*\(|\bup\s*\(\s*queryRunner/.test(line));
  const downLine = lines.findIndex((line, i) => i > upLine && /\basync\s+down\s*\(|\bdown\s*\(\s*queryRunner/.test(line));
  const end = downLine > upLine ? downLine : lines.length;
  const names = (finding.subject.match(/[A-Za-z_][\w$]*/g) ?? []).reverse();
  for (const name of names.slice(0, 3)) {
    const pattern = new RegExp(`["'\`]${name}["'\`]|\\b${name}\\b`);
    for (let i = Math.max(upLine, 0); i < end; i++) if (pattern.test(lines[i])) return i + 1;
  }
  return upLine >= 0 ? upLine + 1 : 1;
}

/**
 * verify's answer, or why it could not run: a report posted from CI should
 * still say what it can when no scratch database can be made there (the
 * reason is the error's sentence, which never holds a password).
 */
/** `athanor plan` on the configured database as a report table, or why it could not run. */
async function planSummary(options: ProjectOptions): Promise<ReportPlan | string> {
  let result;
  try {
    result = await plan({ dataSource: options.dataSource, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs });
  } catch (error) {
    if (error instanceof DatabaseError) return error.message.replace(/\.$/, "");
    throw error;
  }
  const seconds = (s: number | undefined) => (s === undefined ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`);
  const rows = result.migrations.flatMap((m) =>
    m.statements.map((st) => [
      m.name,
      st.table ?? "",
      st.lock ?? "",
      st.effect ?? "",
      st.rows === undefined ? "" : String(Math.round(st.rows)),
      seconds(st.estimatedSeconds),
      seconds(st.lockSeconds),
    ]),
  );
  const blockers = result.blockers.length > 0 ? `; ${result.blockers.length} session(s) in the way now` : "";
  return {
    target: result.target,
    verdict: `${result.verdict}${blockers}`,
    exceeded: result.exceeded.length > 0,
    table: { headers: ["migration", "table", "lock", "effect", "rows", "estimated", "lock held"], rows },
  };
}

async function verifySummary(options: ProjectOptions): Promise<ReportVerify | string> {
  let result;
  try {
    result = await verify({ dataSource: options.dataSource, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs });
  } catch (error) {
    if (error instanceof DatabaseError) return error.message;
    throw error;
  }
  const failure = result.failure;
  return {
    ok: result.ok,
    migrations: result.migrations,
    failure: failure && {
      at: failure.name
        ? `the ${failure.phase === "reapply" ? "second up" : failure.phase} of ${failure.name}`
        : failure.phase === "entities"
          ? "the comparison of head with the entities"
          : "the second run of every migration",
      problems: failure.problems,
    },
    notes: result.notes,
  };
}
