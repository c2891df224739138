/**
 * `athanor plan`: what applying the pending migrations (or `--from/--to`)
 * would cost on the configured database, priced before anything runs.
 *
 * Each migration is read the way `lint` and `run --sql` read it (its `up` on
 * a recording query runner, against the schema replayed from the migrations
 * before it), so the statements priced are the ones `run` would send. Each
 * statement is then costed by its dialect (`Dialect.statementCost`: the lock,
 * and whether it rewrites, scans, indexes or only changes the catalog), and
 * the live server is asked, read-only (`Dialect.liveCosts`), how big the
 * touched tables are, how fast it reads (a short sample of the largest
 * touched table, unless `sample: false`) and who holds locks on those tables
 * now. A statement's duration is its table's bytes × the effect's factor ÷
 * the read throughput; a lock taken in a migration's transaction is held
 * until that transaction commits, so its time is the rest of the migration.
 *
 * Nothing is written and no lock is waited for (see dialects/postgres/live-costs.ts).
 */
import { UsageError } from "../errors";
import { readMigration } from "../lint/read-migration";
import { NAME, normalizeSql, shortStatement, splitStatements, unquoteName } from "../sql/statements";
import type { Dialect } from "../dialects/dialect";
import type { Blocker, LiveCosts, SortSample, StatementEffect, TableSize, Throughput } from "../dialects/statement-cost";
import type { MigrationSource } from "../runner/discover";
import { replayModel } from "../runner/offline";
import { planMigrations } from "../runner/plan";
import { emptyModel } from "../runner/recording-query-runner";
import { appliedOrder, planRun, planScriptUp } from "../runner/targets";
import { withProject, type ProjectOptions } from "./project";
import { formatBytes, formatSeconds } from "./plan-units";
export { formatBytes, formatSeconds } from "./plan-units";

export interface PlanOptions extends ProjectOptions {
  /** Price the migrations after this one (taken as applied) instead of the pending ones. */
  from?: string;
  /** Up to and including this one (default: head). */
  to?: string;
  /** Measure the server's read throughput (default true); false uses the dialect's documented default. */
  sample?: boolean;
  /** Over this many seconds of a lock that blocks writes, the plan is not ok. */
  maxLockSeconds?: number;
  /** Over this many bytes of tables rewritten, the plan is not ok. */
  maxRewriteBytes?: number;
}

export interface PlanStatement {
  /** The statement, shortened to 100 characters. */
  sql: string;
  /** The existing table it works on; absent for a statement that touches none (or that cannot be read). */
  table?: string;
  lock?: string;
  blocksWrites?: boolean;
  blocksReads?: boolean;
  effect?: StatementEffect;
  /** What it does, in words. */
  reason?: string;
  /** For an index build: its key as written. */
  key?: string;
  /** The table's rows and bytes, as the catalog says. */
  rows?: number;
  bytes?: number;
  /** How long the statement itself should take, in seconds. */
  estimatedSeconds?: number;
  /** For an index build: the sort of its key sampled on the server, which its estimate scales. */
  sortSample?: SortSample;
  /** How long its lock is held: to the end of the migration's transaction, or the statement's own time outside one. */
  lockSeconds?: number;
}

export interface PlanMigration {
  name: string;
  /** Whether it runs in a transaction (locks are held until it commits). */
  transaction: boolean;
  statements: PlanStatement[];
  estimatedSeconds: number;
  /** Why it could not be read to the end offline. */
  failure?: string;
}

/** A session in the way of the plan now (see Blocker). */
export type PlanBlocker = Blocker;

export interface PlanResult {
  target: string;
  dialect: string;
  migrations: PlanMigration[];
  /** Every existing table the statements touch, with its size. */
  tables: TableSize[];
  throughput: Throughput;
  /** Sessions in the way now; `blockersKnown` is false where the database cannot list them (SQLite). */
  blockers: PlanBlocker[];
  blockersKnown: boolean;
  /** The statement whose lock (blocking writes) is held longest. */
  longestLock?: { seconds: number; table: string; lock: string; migration: string; sql: string };
  /** Bytes of the tables the plan rewrites, added up. */
  rewriteBytes: number;
  estimatedSeconds: number;
  /** Sentences naming each limit exceeded (`maxLockSeconds`, `maxRewriteBytes`). */
  exceeded: string[];
  /** False when a limit is exceeded: the CLI exits 1. */
  ok: boolean;
  verdict: string;
  /** What the plan could not price (a dialect without costs, a statement it cannot read). */
  notes: string[];
}

export async function plan(options: PlanOptions): Promise<PlanResult> {
  for (const [flag, value] of [
    ["--max-lock-seconds", options.maxLockSeconds],
    ["--max-rewrite-bytes", options.maxRewriteBytes],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError(`${flag} takes a number zero or above, e.g. ${flag} ${flag === "--max-lock-seconds" ? "5" : "1000000000"}.`);
    }
  }
  return withProject(
    options,
    async (project) => {
      const { dialect, queryRunner } = project;
      const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
      const states = planMigrations(project.migrations, applied);
      let before: MigrationSource[];
      let selected: MigrationSource[];
      if (options.from !== undefined) {
        const script = planScriptUp(states.states, { from: options.from, to: options.to });
        before = script.before.flatMap((s) => (s.source ? [s.source] : []));
        selected = script.steps.flatMap((s) => (s.source ? [s.source] : []));
      } else {
        before = appliedOrder(states).flatMap((s) => (s.source ? [s.source] : []));
        selected = planRun(states, { to: options.to }).flatMap((s) => (s.source ? [s.source] : []));
      }

      const migrations = await readStatements(dialect, project.config.migrationsTableName, before, selected);
      const notes: string[] = [];
      if (!dialect.statementCost || !dialect.liveCosts) {
        notes.push(`Athanor does not price statements on ${dialect.name} yet: the statements are listed without locks or durations.`);
      }
      const live = dialect.liveCosts;
      const priced = migrations.flatMap((m) => m.statements).filter((s) => s.table !== undefined);
      const tableNames = [...new Set(priced.map((s) => s.table!))];
      const tables = live ? await live.tableSizes(queryRunner, tableNames) : [];
      const sizeOf = new Map(tables.map((t) => [t.table, t]));

      const throughput = await measure(dialect, queryRunner, options.sample !== false, priced, sizeOf);
      const sorts = new Map<string, SortSample | undefined>();
      for (const migration of migrations) {
        for (const statement of migration.statements) {
          const size = statement.table === undefined ? undefined : sizeOf.get(statement.table);
          if (!size || !live || !statement.effect) continue;
          statement.rows = size.rows;
          statement.bytes = size.bytes;
          let sort: SortSample | undefined;
          if (statement.effect === "index" && statement.key && live.sampleSort && throughput.sampled && size.rows > 0) {
            const id = `${size.table}\u0000${statement.key}`;
            if (!sorts.has(id)) sorts.set(id, await live.sampleSort(queryRunner, size.table, statement.key));
            sort = sorts.get(id);
          }
          statement.estimatedSeconds = round(estimate(statement.effect, size, throughput, live, sort));
          if (sort) statement.sortSample = sort;
        }
        holdLocks(migration);
      }

      const blockersKnown = Boolean(live?.blockers);
      const needs = priced.filter((s) => sizeOf.has(s.table!)).map((s) => ({ table: s.table!, lock: s.lock! }));
      const blockers = live?.blockers && needs.length > 0 ? await live.blockers(queryRunner, needs) : [];

      const longestLock = longest(migrations);
      const rewriteBytes = migrations
        .flatMap((m) => m.statements)
        .filter((s) => s.effect === "rewrite" && s.bytes !== undefined)
        .reduce((sum, s) => sum + s.bytes!, 0);
      const exceeded: string[] = [];
      if (options.maxLockSeconds !== undefined && longestLock && longestLock.seconds > options.maxLockSeconds) {
        exceeded.push(
          `${longestLock.migration} holds ${longestLock.lock} on ${longestLock.table} for about ${formatSeconds(longestLock.seconds)}, over --max-lock-seconds ${options.maxLockSeconds}`,
        );
      }
      if (options.maxRewriteBytes !== undefined && rewriteBytes > options.maxRewriteBytes) {
        exceeded.push(`the plan rewrites ${formatBytes(rewriteBytes)}, over --max-rewrite-bytes ${options.maxRewriteBytes}`);
      }
      const estimatedSeconds = round(migrations.reduce((sum, m) => sum + m.estimatedSeconds, 0));
      const result = {
        target: project.target,
        dialect: dialect.name,
        migrations,
        tables,
        throughput,
        blockers,
        blockersKnown,
        longestLock,
        rewriteBytes,
        estimatedSeconds,
        exceeded,
        ok: exceeded.length === 0,
        notes,
      };
      return { ...result, verdict: verdictOf(result) };
    },
    { deferEntityMetadata: true },
  );
}

/** Each selected migration's statements, read offline and costed by the dialect. */
async function readStatements(
  dialect: Dialect,
  tableName: string,
  before: MigrationSource[],
  selected: MigrationSource[],
): Promise<PlanMigration[]> {
  const context = { dialect, migrationsTableName: tableName };
  let model = await replayModel(before, context, emptyModel());
  const result: PlanMigration[] = [];
  for (const migration of selected) {
    const read = await readMigration(migration, dialect, tableName, model);
    model = read.model;
    const created = new Set<string>();
    const statements: PlanStatement[] = [];
    const earlier: string[] = [];
    for (const step of read.steps) {
      if (step.operation?.kind === "createTable") created.add(unquoteName(step.operation.table.name));
      const texts =
        step.operation && step.operation.kind !== "sql" ? step.statements.map(normalizeSql) : step.statements.flatMap(splitStatements);
      for (const text of texts) {
        const createdHere = new RegExp(String.raw`^CREATE TABLE (?:IF NOT EXISTS )?(${NAME})`, "i").exec(text);
        if (createdHere) created.add(unquoteName(createdHere[1]));
        const cost = dialect.statementCost?.(text, { operation: step.operation, earlier });
        earlier.push(text);
        const statement: PlanStatement = { sql: shortStatement(cost?.statement ?? text) };
        // Nothing done to a table this migration created (or a rebuild's new copy) waits or takes time.
        if (cost && !created.has(cost.table)) Object.assign(statement, cost);
        statements.push(statement);
      }
    }
    // Where DDL commits itself (MySQL), no transaction holds its locks: the runner runs such migrations outside one.
    const transaction = migration.transaction && dialect.transactionalDDL;
    result.push({ name: migration.name, transaction, statements, estimatedSeconds: 0, failure: read.failure });
  }
  return result;
}

/**
 * A statement's seconds: nothing for a catalog change; for an index build
 * whose sort was sampled, that sort scaled to the table (n log n) times the
 * dialect's sortFactor; otherwise the bytes it reads (the whole table with
 * its indexes for a rewrite, the table for a scan or an index) times the
 * effect's factor, at the read throughput. Plus the dialect's fixed
 * overhead for any statement that reads its table.
 */
function estimate(effect: StatementEffect, size: TableSize, throughput: Throughput, live: LiveCosts, sort?: SortSample): number {
  if (effect === "catalog") return 0;
  if (effect === "index" && sort && sort.rows > 1 && size.rows > 1) {
    const scale = (size.rows / sort.rows) * (Math.log2(Math.max(size.rows, 2)) / Math.log2(Math.max(sort.rows, 2)));
    return live.statementOverheadSeconds + sort.seconds * Math.max(scale, 1) * live.sortFactor;
  }
  const read = effect === "rewrite" ? size.bytes : size.heapBytes;
  return live.statementOverheadSeconds + (read * live.effectFactor[effect]) / throughput.scanBytesPerSecond;
}

/** The throughput: sampled on the largest table a statement reads or writes, or the dialect's default. */
async function measure(
  dialect: Dialect,
  db: Parameters<NonNullable<Dialect["liveCosts"]>["tableSizes"]>[0],
  sample: boolean,
  priced: PlanStatement[],
  sizeOf: Map<string, TableSize>,
): Promise<Throughput> {
  const live = dialect.liveCosts;
  const fallback: Throughput = live?.defaultThroughput ?? { scanBytesPerSecond: 1, source: "none", sampled: false };
  if (!live) return fallback;
  if (!sample) return { ...fallback, source: `--no-sample: ${fallback.source}` };
  const read = priced.filter((s) => s.effect !== "catalog" && sizeOf.has(s.table!)).map((s) => sizeOf.get(s.table!)!);
  const largest = read.sort((a, b) => b.heapBytes - a.heapBytes)[0];
  if (!largest) return { ...fallback, source: `nothing to sample (no statement reads a table): ${fallback.source}` };
  return (await live.sampleThroughput(db, largest.table)) ?? { ...fallback, source: `${largest.table} is empty: ${fallback.source}` };
}

/**
 * Inside a transaction every lock is held until COMMIT: a statement's lock
 * lasts for it and every statement after it in the migration. Outside one,
 * for the statement alone.
 */
function holdLocks(migration: PlanMigration): void {
  const seconds = migration.statements.map((s) => s.estimatedSeconds ?? 0);
  migration.estimatedSeconds = round(seconds.reduce((a, b) => a + b, 0));
  migration.statements.forEach((statement, i) => {
    if (statement.lock === undefined || statement.estimatedSeconds === undefined) return;
    statement.lockSeconds = migration.transaction ? round(seconds.slice(i).reduce((a, b) => a + b, 0)) : statement.estimatedSeconds;
  });
}

function longest(migrations: PlanMigration[]): PlanResult["longestLock"] {
  let best: PlanResult["longestLock"];
  for (const migration of migrations) {
    for (const s of migration.statements) {
      if (!s.blocksWrites || s.lockSeconds === undefined) continue;
      if (!best || s.lockSeconds > best.seconds) {
        best = { seconds: s.lockSeconds, table: s.table!, lock: s.lock!, migration: migration.name, sql: s.sql };
      }
    }
  }
  return best;
}

function verdictOf(result: Omit<PlanResult, "verdict">): string {
  const parts: string[] = [];
  const count = result.migrations.length;
  if (count === 0) return "Nothing to apply.";
  parts.push(`${count} migration${count === 1 ? "" : "s"}, about ${formatSeconds(result.estimatedSeconds)}`);
  const lock = result.longestLock;
  parts.push(lock ? `longest lock ${lock.lock} on ${lock.table} for about ${formatSeconds(lock.seconds)}` : "no lock that blocks writes");
  parts.push(result.rewriteBytes > 0 ? `rewrites ${formatBytes(result.rewriteBytes)}` : "rewrites nothing");
  const blocking = result.blockers.filter((b) => b.conflicts).length;
  if (result.blockersKnown) parts.push(`${blocking} session${blocking === 1 ? "" : "s"} would block it now`);
  const head = result.ok ? "ok" : `over the limit (${result.exceeded.join("; ")})`;
  return `${head}: ${parts.join("; ")}.`;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
