/**
 * PostgreSQL's live costs for `athanor plan`: table sizes, a throughput
 * sample and the sessions in the way. Every read runs in a READ ONLY
 * transaction with a short lock_timeout, so a table someone holds an ACCESS
 * EXCLUSIVE lock on makes plan fall back to the catalog's own numbers, never
 * wait behind that lock (and never queue every later reader behind itself).
 */
import type { Queryable } from "../dialect";
import type { Blocker, LiveCosts, SortSample, TableSize, Throughput } from "../statement-cost";
import { lockConflicts, modeOfPgLocks, LOCK_MODES, type LockMode } from "./statement-cost";

/** How long a read waits for a table lock before falling back (ms). */
const LOCK_TIMEOUT_MS = 100;
/** The sample reads at most this many pages (8 kB each: 32 MB) ... */
const SAMPLE_PAGES = 4096;
/** ... for at most this long. */
const SAMPLE_TIMEOUT_MS = 3000;
/** A transaction open longer than this is reported as long-running. */
const LONG_TRANSACTION_SECONDS = 60;

/**
 * Sizes with the size functions, which open each table (ACCESS SHARE):
 * exact bytes. reltuples is -1 for a table never analyzed or vacuumed; the
 * statistics collector's n_live_tup counts its rows then.
 */
const EXACT_SIZES = `
SELECT c.relname AS "table",
       CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE coalesce(s.n_live_tup, 0) END::float8 AS "rows",
       pg_total_relation_size(c.oid)::float8 AS "bytes",
       pg_table_size(c.oid)::float8 AS "heapBytes"
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm') AND c.relname = ANY($1) AND n.nspname = ANY(current_schemas(false))`;

/** Sizes from pg_class alone (pages as of the last VACUUM/ANALYZE): no table is opened. */
const CATALOG_SIZES = `
SELECT c.relname AS "table",
       CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE coalesce(s.n_live_tup, 0) END::float8 AS "rows",
       ((c.relpages + coalesce(t.relpages, 0)
         + coalesce((SELECT sum(i.relpages) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), 0))
        * current_setting('block_size')::int)::float8 AS "bytes",
       ((c.relpages + coalesce(t.relpages, 0)) * current_setting('block_size')::int)::float8 AS "heapBytes"
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm') AND c.relname = ANY($1) AND n.nspname = ANY(current_schemas(false))`;

/**
 * Who holds locks on the tables now (not this session), with their
 * transaction's age, state and first 60 characters of query; and every
 * other transaction of this database open for over a minute.
 */
const BLOCKERS = `
SELECT l.pid, c.relname AS "table", l.mode, l.granted,
       extract(epoch FROM now() - a.xact_start)::float8 AS "transactionSeconds", a.state, left(a.query, 60) AS query
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid() AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND c.relname = ANY($1) AND n.nspname = ANY(current_schemas(false))
UNION ALL
SELECT a.pid, NULL, NULL, NULL, extract(epoch FROM now() - a.xact_start)::float8, a.state, left(a.query, 60)
FROM pg_stat_activity a
WHERE a.pid <> pg_backend_pid() AND a.datname = current_database() AND a.xact_start < now() - make_interval(secs => $2)
ORDER BY 1`;

/** Run `body` in a READ ONLY transaction that waits at most LOCK_TIMEOUT_MS for any lock. */
async function readOnly<T>(db: Queryable, statementTimeoutMs: number, body: () => Promise<T>): Promise<T> {
  await db.query("BEGIN READ ONLY");
  try {
    await db.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
    await db.query(`SET LOCAL statement_timeout = ${statementTimeoutMs}`);
    const result = await body();
    await db.query("COMMIT");
    return result;
  } catch (error) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * The median of runs of `measure`, after one run that warms the cache: at
 * least five, and more (up to fifty) until a fifth of a second is spent, so
 * a read of a small table is not one scheduling accident. The median, not the
 * fastest: on a loaded machine a short read often runs in an uncontended
 * moment, while a migration of seconds gets the machine's average share.
 */
async function median(measure: () => Promise<{ seconds: number; rows: number }>): Promise<{ seconds: number; rows: number }> {
  await measure();
  const runs: { seconds: number; rows: number }[] = [];
  let spent = 0;
  while (runs.length < 5 || (spent < 0.2 && runs.length < 50)) {
    const run = await measure();
    runs.push(run);
    spent += run.seconds;
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)];
}

/** lock_not_available (a lock_timeout) or query_canceled (a statement_timeout). */
function gaveUp(error: unknown): string | undefined {
  const code = (error as { code?: string })?.code;
  if (code === "55P03") return "a table is locked by another session";
  if (code === "57014") return "the sample took too long";
  return undefined;
}

async function tableSizes(db: Queryable, tables: string[]): Promise<TableSize[]> {
  if (tables.length === 0) return [];
  const toSize = (source: string) => (row: any) => ({
    table: row.table,
    rows: Math.round(Number(row.rows)),
    bytes: Number(row.bytes),
    heapBytes: Number(row.heapBytes),
    source,
  });
  try {
    const rows = await readOnly(db, 5000, () => db.query(EXACT_SIZES, [tables]));
    return rows.map(toSize("catalog statistics: reltuples (rows, an estimate), pg_total_relation_size (bytes)"));
  } catch (error) {
    const why = gaveUp(error);
    if (!why) throw error;
    const rows = await readOnly(db, 5000, () => db.query(CATALOG_SIZES, [tables]));
    return rows.map(toSize(`catalog statistics only (${why}): reltuples and relpages as of the last VACUUM/ANALYZE`));
  }
}

/**
 * Read up to SAMPLE_PAGES pages of `table` from its start (a TID range scan:
 * sequential, like a rewrite's or an index build's read): one read brings
 * the pages into cache, as the migration's own read would find them on a
 * table in use, then the median of at least five is kept (see `median`).
 */
async function sampleThroughput(db: Queryable, table: string): Promise<Throughput | undefined> {
  const name = `"${table.replace(/"/g, '""')}"`;
  try {
    return await readOnly(db, SAMPLE_TIMEOUT_MS, async () => {
      const [{ pages }] = await db.query(`SELECT least(relpages, ${SAMPLE_PAGES})::int AS pages FROM pg_class WHERE oid = $1::regclass`, [
        name,
      ]);
      const limit = Math.max(1, pages || SAMPLE_PAGES);
      const read = async () => {
        const started = process.hrtime.bigint();
        const [row] = await db.query(`SELECT count(*)::int AS n FROM ${name} WHERE ctid < '(${limit},0)'::tid`);
        return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: row.n as number };
      };
      // The round trip of an empty query is taken off: on a small table it is most of the time measured.
      const roundTrip = await median(async () => {
        const started = process.hrtime.bigint();
        await db.query("SELECT 1");
        return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: 1 };
      });
      const best = await median(read);
      best.seconds = Math.max(best.seconds - roundTrip.seconds, best.seconds / 10);
      if (best.rows === 0) return undefined;
      const bytes = limit * 8192;
      return {
        scanBytesPerSecond: bytes / Math.max(best.seconds, 1e-4),
        source: `sampled: read ${limit} pages (${best.rows} rows) of ${table} in ${(best.seconds * 1000).toFixed(1)} ms, read-only, lock_timeout ${LOCK_TIMEOUT_MS} ms`,
        sampled: true,
      };
    });
  } catch (error) {
    const why = gaveUp(error);
    if (!why) throw error;
    return { ...DEFAULT_THROUGHPUT, source: `not sampled (${why}): ${DEFAULT_THROUGHPUT.source}` };
  }
}

/**
 * Sort the index's key over the same first pages the throughput sample
 * reads, with the memory an index build gets (maintenance_work_mem), once
 * those pages are cached. A key the sort cannot take as written (an operator
 * class, say) gives no sample; the estimate then uses the scan alone.
 */
async function sampleSort(db: Queryable, table: string, key: string): Promise<SortSample | undefined> {
  const name = `"${table.replace(/"/g, '""')}"`;
  try {
    return await readOnly(db, SAMPLE_TIMEOUT_MS, async () => {
      await db.query(`SELECT set_config('work_mem', current_setting('maintenance_work_mem'), true)`);
      const [{ pages }] = await db.query(`SELECT least(relpages, ${SAMPLE_PAGES})::int AS pages FROM pg_class WHERE oid = $1::regclass`, [
        name,
      ]);
      const limit = Math.max(1, pages || SAMPLE_PAGES);
      const sort = async () => {
        const started = process.hrtime.bigint();
        const [row] = await db.query(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${name} WHERE ctid < '(${limit},0)'::tid ORDER BY ${key} OFFSET 0) sorted`,
        );
        return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: row.n as number };
      };
      // The pages are cached by the throughput sample; one sort is long enough to see the machine's load.
      const best = await sort();
      return best.rows > 0 ? best : undefined;
    });
  } catch {
    // Locked, too slow, or a key ORDER BY cannot take: no sample.
    return undefined;
  }
}

const DEFAULT_THROUGHPUT: Throughput = {
  // A sequential read of cached pages on a modest 2-core server (bench/plan-accuracy.mjs).
  scanBytesPerSecond: 400 * 1024 * 1024,
  source: "assumed 400 MB/s sequential read (not measured on this server)",
  sampled: false,
};

async function blockers(db: Queryable, needs: { table: string; lock: string }[]): Promise<Blocker[]> {
  const tables = [...new Set(needs.map((n) => n.table))];
  const rows: any[] = await readOnly(db, 5000, () => db.query(BLOCKERS, [tables, LONG_TRANSACTION_SECONDS]));
  const byPid = new Map<number, Blocker>();
  for (const row of rows) {
    const pid = Number(row.pid);
    const held = row.mode ? modeOfPgLocks(row.mode) : undefined;
    const conflicts =
      row.table !== null &&
      held !== undefined &&
      needs.some(
        (n) => n.table === row.table && (LOCK_MODES as readonly string[]).includes(n.lock) && lockConflicts(n.lock as LockMode, held),
      );
    const blocker: Blocker = {
      pid,
      conflicts,
      table: row.table ?? undefined,
      mode: row.mode ?? undefined,
      transactionSeconds: row.transactionSeconds === null ? undefined : Math.round(Number(row.transactionSeconds) * 10) / 10,
      state: row.state ?? undefined,
      query: row.query ?? undefined,
    };
    const known = byPid.get(pid);
    // One line per session: its conflicting lock if it has one.
    if (!known || (conflicts && !known.conflicts)) byPid.set(pid, blocker);
  }
  return [...byPid.values()].filter((b) => b.conflicts || (b.transactionSeconds ?? 0) >= LONG_TRANSACTION_SECONDS);
}

export const postgresLiveCosts: LiveCosts = {
  tableSizes,
  sampleThroughput,
  sampleSort,
  defaultThroughput: DEFAULT_THROUGHPUT,
  blockers,
  // Calibrated in bench/plan-accuracy.mjs (Session 7 of bench/RESULTS.md).
  effectFactor: { catalog: 0, scan: 1, index: 10, rewrite: 14 },
  statementOverheadSeconds: 0.03,
  sortFactor: 0.85,
};
