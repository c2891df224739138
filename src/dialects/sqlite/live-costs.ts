/**
 * SQLite's live costs for `athanor plan`. count(*) is exact but reads the
 * whole table (seconds on 10^7 rows), so rows are estimated as max(rowid) —
 * one b-tree descent, exact unless rows were deleted — and bytes are the
 * pages dbstat counts for the table and its indexes (the file's size where
 * SQLite was built without dbstat). SQLite cannot list other connections, so
 * there are no blockers to report.
 */
import { quoteIdentifier } from "./quote";
import type { Queryable } from "../dialect";
import type { LiveCosts, TableSize, Throughput } from "../statement-cost";

/** The sample reads at most this many rows. */
const SAMPLE_ROWS = 200_000;

async function rowEstimate(db: Queryable, table: string): Promise<number> {
  try {
    const [row] = await db.query(`SELECT max(rowid) AS n FROM ${quoteIdentifier(table)}`);
    return Number(row?.n ?? 0);
  } catch {
    // WITHOUT ROWID: no rowid to read.
    const [row] = await db.query(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
    return Number(row?.n ?? 0);
  }
}

async function pages(db: Queryable, table: string): Promise<{ bytes: number; heapBytes: number; source: string }> {
  try {
    const rows: { name: string; bytes: number }[] = await db.query(
      `SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name = ? OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?) GROUP BY name`,
      [table, table],
    );
    const heapBytes = Number(rows.find((r) => r.name === table)?.bytes ?? 0);
    const bytes = rows.reduce((sum, r) => sum + Number(r.bytes), 0);
    return { bytes, heapBytes, source: "rows: max(rowid), an estimate; bytes: dbstat pages of the table and its indexes" };
  } catch {
    const [{ size }] = await db.query(
      `SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS size`,
    );
    return {
      bytes: Number(size),
      heapBytes: Number(size),
      source: "rows: max(rowid), an estimate; bytes: the whole database file (no dbstat), an upper bound",
    };
  }
}

async function tableSizes(db: Queryable, tables: string[]): Promise<TableSize[]> {
  const present: { name: string }[] = await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  const names = new Set(present.map((t) => t.name));
  const sizes: TableSize[] = [];
  for (const table of tables.filter((t) => names.has(t))) {
    const { bytes, heapBytes, source } = await pages(db, table);
    sizes.push({ table, rows: await rowEstimate(db, table), bytes, heapBytes, source });
  }
  return sizes;
}

/** Read up to SAMPLE_ROWS rows of `table` in rowid order, twice, and keep the faster (the first warms the cache). */
async function sampleThroughput(db: Queryable, table: string): Promise<Throughput | undefined> {
  const [size] = await tableSizes(db, [table]);
  if (!size || size.rows === 0 || size.heapBytes === 0) return undefined;
  const limit = Math.min(SAMPLE_ROWS, size.rows);
  const read = async () => {
    const started = process.hrtime.bigint();
    await db.query(`SELECT count(*) AS n FROM (SELECT * FROM ${quoteIdentifier(table)} LIMIT ${limit})`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  await read();
  const seconds = await read();
  const bytes = (size.heapBytes * limit) / size.rows;
  return {
    scanBytesPerSecond: bytes / Math.max(seconds, 1e-4),
    source: `sampled: read ${limit} rows of ${table} in ${(seconds * 1000).toFixed(1)} ms`,
    sampled: true,
  };
}

export const sqliteLiveCosts: LiveCosts = {
  tableSizes,
  sampleThroughput,
  defaultThroughput: {
    scanBytesPerSecond: 200 * 1024 * 1024,
    source: "assumed 200 MB/s sequential read (not measured on this server)",
    sampled: false,
  },
  // Not calibrated on SQLite (bench/RESULTS.md, Session 7): PostgreSQL's multiples.
  effectFactor: { catalog: 0, scan: 1, index: 4, rewrite: 8 },
  statementOverheadSeconds: 0.005,
  sortFactor: 1.5,
};
