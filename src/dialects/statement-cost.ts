/**
 * What a statement costs on a database, as `athanor plan` prices it: the
 * lock it takes, what it does to the table's rows, and — read from the live
 * server — how big the tables are, how fast the server reads them and who
 * holds locks on them now. The shapes are shared; the knowledge is each
 * dialect's (`Dialect.statementCost`, `Dialect.liveCosts`).
 */
import type { Operation } from "../ops/operations";

/**
 * A connection to read from: dialect.ts's Queryable, spelled here so that
 * dialect.ts can import these shapes without an import cycle.
 */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/**
 * What a statement does to the rows of its table, from cheapest to dearest:
 * `catalog` changes only the catalog (instant once the lock is granted);
 * `scan` reads every row (a validation); `index` reads every row and builds
 * an index; `rewrite` writes a new copy of the table (and its indexes).
 */
export type StatementEffect = "catalog" | "scan" | "index" | "rewrite";

export interface StatementCost {
  /** The existing table it works on (unqualified, as the catalog names it). */
  table: string;
  /** The lock, in the database's own words ("ACCESS EXCLUSIVE", "database write lock"). */
  lock: string;
  /** Whether the lock keeps other sessions from writing the table while it is held. */
  blocksWrites: boolean;
  /** Whether it also keeps them from reading it. */
  blocksReads: boolean;
  effect: StatementEffect;
  /** Why, in words ("changes the type of age", "table copy"). */
  reason: string;
  /** For an index build: its key as written (`"name", lower("email")`), so its sort can be sampled. */
  key?: string;
  /** The statement priced, when the one given wraps it (a data check's block): what the plan shows. */
  statement?: string;
}

/** A sort of an index key over the start of the table, timed. */
export interface SortSample {
  rows: number;
  seconds: number;
}

export interface StatementCostContext {
  /** The operation that rendered the statement, when it came from op(). */
  operation?: Operation;
  /** The statements before it in the same migration: what they proved can spare it a scan (a validated check before SET NOT NULL). */
  earlier?: readonly string[];
}

/** A table's size as the live database says it. */
export interface TableSize {
  table: string;
  rows: number;
  /** The table with its indexes and TOAST: what a rewrite writes again. */
  bytes: number;
  /** The table alone (heap and TOAST): what a scan or an index build reads. */
  heapBytes: number;
  /** How the numbers were read ("catalog statistics (reltuples, pg_total_relation_size)"). */
  source: string;
}

/** How fast this server reads a table, measured or assumed. */
export interface Throughput {
  /** Bytes per second of a sequential read. */
  scanBytesPerSecond: number;
  /** "sampled: 2048 pages of users in 14 ms" or why the default was used. */
  source: string;
  sampled: boolean;
}

/** A session that would make the statement wait if it ran now. */
export interface Blocker {
  pid: number;
  /** Whether it holds a lock that conflicts with one the plan's statements need (else: a long-running transaction). */
  conflicts: boolean;
  /** The table it holds a lock on; absent for a long-running transaction holding none of them. */
  table?: string;
  /** The lock it holds ("AccessShareLock"), or absent. */
  mode?: string;
  /** Seconds its transaction has been open. */
  transactionSeconds?: number;
  state?: string;
  /** The first 60 characters of its current or last query. */
  query?: string;
}

/** Reading the live costs: every method reads only, and gives up rather than wait for a lock. */
export interface LiveCosts {
  /** The sizes of `tables`, in one catalog query where the database allows it; absent tables are left out. */
  tableSizes(db: Queryable, tables: string[]): Promise<TableSize[]>;
  /** A short, bounded, read-only measurement of `table` (the largest touched one), or undefined where none can be made. */
  sampleThroughput(db: Queryable, table: string): Promise<Throughput | undefined>;
  /**
   * Sort `key` (an index's key, as written) over the rows the throughput
   * sample reads, read-only and bounded: what an index build spends most of
   * its time on, for the key's own type and collation.
   */
  sampleSort?(db: Queryable, table: string, key: string): Promise<SortSample | undefined>;
  /** The throughput assumed when no sample is taken (`--no-sample`), with where it comes from. */
  defaultThroughput: Throughput;
  /**
   * Sessions that hold a lock on one of `needs`' tables conflicting with the
   * lock the plan needs there, and transactions open for over a minute;
   * absent where the database cannot tell.
   */
  blockers?(db: Queryable, needs: { table: string; lock: string }[]): Promise<Blocker[]>;
  /**
   * Seconds per byte of table for each effect, as a multiple of reading it:
   * rewrite and index builds write as well as read. Calibrated in
   * bench/plan-accuracy.mjs against the real statements.
   */
  effectFactor: Record<StatementEffect, number>;
  /**
   * Seconds any statement that reads its table spends besides reading it
   * (new files, catalog entries, the commit's flush): what dominates on
   * small tables.
   */
  statementOverheadSeconds: number;
  /** An index build's time as a multiple of its sampled sort scaled to the table (plus one read of it). */
  sortFactor: number;
}
