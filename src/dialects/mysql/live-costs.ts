/**
 * MySQL/MariaDB's live costs for `athanor plan`: sizes from
 * information_schema.TABLES (InnoDB's estimates, read without opening the
 * table). No throughput sample and no list of blocking sessions yet
 * (performance_schema's metadata locks are off on many servers): the
 * default throughput is assumed and said so.
 */
import type { Queryable } from "../dialect";
import type { LiveCosts, TableSize, Throughput } from "../statement-cost";

const DEFAULT_THROUGHPUT: Throughput = {
  scanBytesPerSecond: 100 * 1024 * 1024,
  source: "assumed 100 MB/s (not measured: Athanor does not sample MySQL/MariaDB yet)",
  sampled: false,
};

async function tableSizes(db: Queryable, tables: string[]): Promise<TableSize[]> {
  if (tables.length === 0) return [];
  const rows: any[] = await db.query(
    `SELECT TABLE_NAME AS name, TABLE_ROWS AS \`rows\`, DATA_LENGTH AS data, INDEX_LENGTH AS idx FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => "?").join(", ")})`,
    tables,
  );
  return rows.map((r) => ({
    table: r.name,
    rows: Number(r.rows ?? 0),
    bytes: Number(r.data ?? 0) + Number(r.idx ?? 0),
    heapBytes: Number(r.data ?? 0),
    source: "information_schema.TABLES: TABLE_ROWS and DATA_LENGTH + INDEX_LENGTH (InnoDB's estimates)",
  }));
}

export const mysqlLiveCosts: LiveCosts = {
  tableSizes,
  sampleThroughput: async () => DEFAULT_THROUGHPUT,
  defaultThroughput: DEFAULT_THROUGHPUT,
  // PostgreSQL's multiples (bench/plan-accuracy.mjs); not calibrated on InnoDB.
  effectFactor: { catalog: 0, scan: 1, index: 10, rewrite: 14 },
  statementOverheadSeconds: 0.03,
  sortFactor: 1,
};
