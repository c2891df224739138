/**
 * The migration round trip on random schemas, against real databases
 * (SQLite files, PostgreSQL and MariaDB), for each dialect:
 *
 *   create a (diff from the empty schema, run as a migration) → introspect ≡ a
 *   insert rows → run diff(introspected a, b) as a migration → introspect ≡ b,
 *   rows of surviving tables and columns kept → revert it → introspect ≡ a,
 *   rows kept again.
 *
 * "≡" is schema equality through the dialect's comparable view of columns:
 * the normalization each dialect documents. Everything runs in-process
 * through the runner (executeMigrations) and the `op` API a migration file
 * calls, so rendering, quoting, execution, session hooks and introspection
 * are all exercised, with identifiers full of reserved words, quotes, spaces
 * and non-ASCII text (see support/arbitraries.ts).
 *
 * ATHANOR_PROPS_DB_RUNS sets the samples per dialect (default 50).
 */
import "reflect-metadata";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { DataSource, type QueryRunner } from "typeorm";
import { diff } from "../../src/diff";
import type { Dialect } from "../../src/dialects/dialect";
import { postgresDialect } from "../../src/dialects/postgres";
import { sqliteDialect } from "../../src/dialects/sqlite";
import { mariadbDialect } from "../../src/dialects/mysql";
import { op } from "../../src/migration-api/api";
import { invertAll, type Operation } from "../../src/ops/operations";
import { Bookkeeping, bookkeepingTableNames } from "../../src/runner/bookkeeping";
import { executeMigrations } from "../../src/runner/execute";
import type { MigrationSource } from "../../src/runner/discover";
import { describeDifferences } from "../../src/schema/equal";
import { emptySchema, type Schema } from "../../src/schema/model";
import {
  MYSQL_LEAVES_OUT,
  mysqlLeftOutIn,
  rowValue,
  schemaPairArbitrary,
  type ArbitraryProfile,
  type SchemaPair,
} from "../support/arbitraries";
import { DATABASE_REGRESSIONS } from "../support/property-regressions";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { createMysqlTestDatabase, type MysqlTestDatabase } from "../support/mysql";

const SAMPLES = Number(process.env.ATHANOR_PROPS_DB_RUNS ?? 50);
/** Rows inserted into every table of `a`. */
const ROWS = 3;
const BOOKKEEPING = "migrations";

/** How a test talks to one database: the parts that differ per dialect. */
interface Target {
  dialect: Dialect;
  /** A fresh, empty database on a query runner; `close` releases it. */
  open(): Promise<{ queryRunner: QueryRunner; close(): Promise<void> }>;
  placeholder(position: number): string;
  /** The model as the dialect's users declare it, when it differs from the portable one. */
  model?(schema: Schema): Schema;
  /** Insert rows without foreign key checks (rows are consistent, but parents may come later). */
  withoutForeignKeyChecks(queryRunner: QueryRunner, body: () => Promise<void>): Promise<void>;
}

/** A migration that runs `ops` through the `op` API, as a generated file does. */
function migration(name: string, timestamp: number, ops: Operation[]): MigrationSource {
  return {
    name: `${name}${timestamp}`,
    timestamp,
    transaction: true,
    instance: {
      async up(queryRunner: QueryRunner) {
        for (const operation of ops) await op(queryRunner as any).run(operation);
      },
      async down(queryRunner: QueryRunner) {
        for (const operation of invertAll(ops)) await op(queryRunner as any).run(operation);
      },
    },
  };
}

function assertSameSchema(dialect: Dialect, actual: Schema, expected: Schema, when: string): void {
  const differences = describeDifferences(actual, expected, (c) => dialect.comparable(c), dialect.tableComments);
  assert.deepEqual(differences, [], `${when}, the database ("first") differs from the model ("second"):\n${differences.join("\n")}`);
}

/** A value as text that compares equal however the driver hands it back. */
function comparableValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `hex:${value.toString("hex")}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

async function readRows(target: Target, queryRunner: QueryRunner, table: string, columns: string[]): Promise<string[]> {
  const q = target.dialect.quote;
  const rows: any[] = await queryRunner.query(`SELECT ${columns.map(q).join(", ")} FROM ${q(table)}`);
  return rows.map((row) => JSON.stringify(columns.map((c) => comparableValue(row[c])))).sort();
}

async function insertRows(target: Target, queryRunner: QueryRunner, schema: Schema): Promise<void> {
  const q = target.dialect.quote;
  await target.withoutForeignKeyChecks(queryRunner, async () => {
    await queryRunner.startTransaction();
    for (const table of Object.values(schema.tables)) {
      const columns = table.columns.map((c) => q(c.name)).join(", ");
      const placeholders = table.columns.map((_, i) => target.placeholder(i + 1)).join(", ");
      for (let row = 0; row < ROWS; row++) {
        await queryRunner.query(
          `INSERT INTO ${q(table.name)} (${columns}) VALUES (${placeholders})`,
          table.columns.map((c) => rowValue(c, row)),
        );
      }
    }
    await queryRunner.commitTransaction();
  });
}

/** Rows of every surviving table, in `a`'s names (from) or `b`'s (to). */
async function survivingRows(
  target: Target,
  queryRunner: QueryRunner,
  pair: SchemaPair,
  side: "from" | "to",
): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const survivor of pair.survivors) {
    const columns = survivor.columns.map((c) => c[side]);
    if (columns.length === 0) continue;
    rows[survivor.from] = await readRows(target, queryRunner, survivor[side], columns);
  }
  return rows;
}

/** What a server says when it refuses a foreign key (errno 150 and its kin): what Dialect.refusals foretells. */
const SERVER_REFUSES_FOREIGN_KEY =
  /errno: 150 "Foreign key constraint is incorrectly formed"|needed in a foreign key constraint|cannot be used in the (CHECK|GENERATED ALWAYS AS) clause|on a generated column|Cannot change column/;

async function roundTrip(target: Target, given: SchemaPair): Promise<void> {
  const { dialect } = target;
  const pair = target.model ? { ...given, a: target.model(given.a), b: target.model(given.b) } : given;
  const { queryRunner, close } = await target.open();
  try {
    if (await refusedAsForetold(target, pair, queryRunner)) return;
    const bookkeeping = new Bookkeeping(queryRunner, dialect, BOOKKEEPING);
    await bookkeeping.ensure();
    const context = { queryRunner, dialect, bookkeeping };
    const introspect = () => dialect.introspect(queryRunner, { exclude: bookkeepingTableNames(BOOKKEEPING) });
    const comparable = (c: any) => dialect.comparable(c);

    const create = migration("CreateA", 1700000000000, diff(emptySchema(), pair.a, { comparable }).operations);
    await executeMigrations(context, [create], "up");
    const current = await introspect();
    assertSameSchema(dialect, current, pair.a, "after creating a");

    await insertRows(target, queryRunner, pair.a);
    const rowsBefore = await survivingRows(target, queryRunner, pair, "from");

    const { operations } = diff(current, pair.b, {
      comparable,
      renames: pair.renames,
      dropTables: pair.dropTables,
      tableComments: dialect.tableComments,
      foldName: dialect.foldName,
      foreignKeyBlocksAlter: dialect.foreignKeyBlocksAlter,
    });
    const change = migration("AToB", 1700000000001, operations);
    await executeMigrations(context, [change], "up");
    assertSameSchema(dialect, await introspect(), pair.b, "after the migration a → b");
    assert.deepEqual(await survivingRows(target, queryRunner, pair, "to"), rowsBefore, "rows after the migration a → b");

    await executeMigrations(context, [change], "down");
    assertSameSchema(dialect, await introspect(), pair.a, "after reverting the migration");
    assert.deepEqual(await survivingRows(target, queryRunner, pair, "from"), rowsBefore, "rows after reverting");
  } finally {
    await close();
  }
}

/**
 * Where the dialect refuses `a` or `b` (Dialect.refusals: generate would stop
 * with E234–E236), the server must refuse it too: creating `a`, or the
 * migration a → b (run on an empty `a`, so no data check stops it first),
 * fails with the server's foreign-key error. True when the pair was refused.
 */
async function refusedAsForetold(target: Target, pair: SchemaPair, queryRunner: QueryRunner): Promise<boolean> {
  const { dialect } = target;
  const refusedA = dialect.refusals?.(pair.a) ?? [];
  const refusedB = dialect.refusals?.(pair.b) ?? [];
  if (refusedA.length === 0 && refusedB.length === 0) return false;
  const bookkeeping = new Bookkeeping(queryRunner, dialect, BOOKKEEPING);
  await bookkeeping.ensure();
  const context = { queryRunner, dialect, bookkeeping };
  const comparable = (c: any) => dialect.comparable(c);
  const create = migration("CreateA", 1700000000000, diff(emptySchema(), pair.a, { comparable }).operations);
  const foretold = (refusedA.length > 0 ? refusedA : refusedB).map((r) => `${r.problem}: ${r.fix}`).join("\n");
  if (refusedA.length > 0) {
    await assert.rejects(
      executeMigrations(context, [create], "up"),
      SERVER_REFUSES_FOREIGN_KEY,
      `the server took a, which Athanor refuses:\n${foretold}`,
    );
    return true;
  }
  await executeMigrations(context, [create], "up");
  const current = await dialect.introspect(queryRunner, { exclude: bookkeepingTableNames(BOOKKEEPING) });
  const { operations } = diff(current, pair.b, {
    comparable,
    renames: pair.renames,
    dropTables: pair.dropTables,
    tableComments: dialect.tableComments,
    foreignKeyBlocksAlter: dialect.foreignKeyBlocksAlter,
  });
  const change = migration("AToB", 1700000000001, operations);
  await assert.rejects(
    executeMigrations(context, [change], "up"),
    SERVER_REFUSES_FOREIGN_KEY,
    `the server took a → b, which Athanor refuses:\n${foretold}`,
  );
  return true;
}

/**
 * The regression examples, then SAMPLES random pairs of `profile`. On MySQL
 * an example that uses what the profile leaves out (MYSQL_LEAVES_OUT) must
 * still fail: one that passes means the list is out of date.
 */
async function runSamples(target: Target, profile: ArbitraryProfile = "portable"): Promise<void> {
  for (const { why, pair } of DATABASE_REGRESSIONS) {
    const leftOut = profile === "mysql" ? [...new Set([...mysqlLeftOutIn(pair.a), ...mysqlLeftOutIn(pair.b)])] : [];
    let failure: unknown;
    try {
      await roundTrip(target, pair);
    } catch (error) {
      failure = error;
    }
    if (leftOut.length > 0) {
      const reasons = leftOut.map((what) => MYSQL_LEAVES_OUT[what]).join("; ");
      assert.ok(
        failure !== undefined,
        `regression example "${why}" now passes on ${target.dialect.name} although ${reasons}: update MYSQL_LEAVES_OUT`,
      );
    } else if (failure !== undefined) {
      if (failure instanceof Error) failure.message = `regression example "${why}": ${failure.message}`;
      throw failure;
    }
  }
  try {
    await fc.assert(
      fc.asyncProperty(schemaPairArbitrary(profile), (pair) => roundTrip(target, pair)),
      {
        numRuns: SAMPLES,
        // ATHANOR_PROPS_SEED pins a seed (to replay a reported failure); otherwise a new one every run.
        seed: process.env.ATHANOR_PROPS_SEED ? Number(process.env.ATHANOR_PROPS_SEED) : undefined,
        // Shrinking re-runs migrations many times; ATHANOR_PROPS_NO_SHRINK=1 reports the first failure as found.
        endOnFailure: process.env.ATHANOR_PROPS_NO_SHRINK === "1",
      },
    );
  } catch (error) {
    // fast-check reports the counterexample; say what went wrong with it too.
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof Error && cause instanceof Error) error.message += `\nCause: ${cause.message}`;
    throw error;
  }
}

describe("SQLite", () => {
  let directory: string;
  let counter = 0;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), "athanor-props-"));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  const target: Target = {
    dialect: sqliteDialect,
    async open() {
      const dataSource = new DataSource({ type: "sqlite", database: join(directory, `sample-${++counter}.sqlite`) });
      await dataSource.initialize();
      const queryRunner = dataSource.createQueryRunner();
      // A throwaway file: no need to wait for the disk.
      await queryRunner.query("PRAGMA synchronous = OFF");
      return {
        queryRunner,
        async close() {
          await queryRunner.release();
          await dataSource.destroy();
        },
      };
    },
    placeholder: () => "?",
    async withoutForeignKeyChecks(queryRunner, body) {
      await queryRunner.query("PRAGMA foreign_keys = OFF");
      try {
        await body();
      } finally {
        await queryRunner.query("PRAGMA foreign_keys = ON");
      }
    },
  };

  test(`${SAMPLES} random migrations run, introspect as their model, revert, and keep rows`, () => runSamples(target));
});

describe("PostgreSQL", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  before(async () => {
    database = await createTestDatabase("athanor_props");
    dataSource = new DataSource({ type: "postgres", url: database.url });
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const target: Target = {
    dialect: postgresDialect,
    async open() {
      // One database for every sample: a fresh public schema is much faster than a database.
      await dataSource.query("DROP SCHEMA public CASCADE");
      await dataSource.query("CREATE SCHEMA public");
      const queryRunner = dataSource.createQueryRunner();
      await queryRunner.connect();
      // Commits need not wait for the disk: a test database, on a busy machine.
      await queryRunner.query("SET synchronous_commit = off");
      return { queryRunner, close: () => queryRunner.release() };
    },
    placeholder: (position) => `$${position}`,
    async withoutForeignKeyChecks(queryRunner, body) {
      await queryRunner.query("SET session_replication_role = replica");
      try {
        await body();
      } finally {
        await queryRunner.query("SET session_replication_role = DEFAULT");
      }
    },
  };

  test(`${SAMPLES} random migrations run, introspect as their model, revert, and keep rows`, () => runSamples(target));
});

describe("MariaDB", () => {
  let database: MysqlTestDatabase;
  let dataSource: DataSource;
  before(async () => {
    database = await createMysqlTestDatabase("athanor_props");
    dataSource = new DataSource({ type: "mariadb", url: database.url });
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const target: Target = {
    dialect: mariadbDialect,
    async open() {
      // One database for every sample, emptied: faster than a database each.
      const queryRunner = dataSource.createQueryRunner();
      await queryRunner.connect();
      await queryRunner.query("SET FOREIGN_KEY_CHECKS = 0");
      for (const row of await queryRunner.query(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
      )) {
        await queryRunner.query(`DROP TABLE ${mariadbDialect.quote(row.name)}`);
      }
      await queryRunner.query("SET FOREIGN_KEY_CHECKS = 1");
      return { queryRunner, close: () => queryRunner.release() };
    },
    placeholder: () => "?",
    // TypeORM declares a unique constraint on MySQL as a unique index (its metadata does the same): so does the model.
    model: (schema) => ({
      ...schema,
      tables: Object.fromEntries(
        Object.entries(schema.tables).map(([name, table]) => [
          name,
          {
            ...table,
            uniques: [],
            indexes: [...table.uniques.map((u) => ({ name: u.name, columns: u.columns, unique: true })), ...table.indexes],
          },
        ]),
      ),
    }),
    async withoutForeignKeyChecks(queryRunner, body) {
      await queryRunner.query("SET FOREIGN_KEY_CHECKS = 0");
      try {
        await body();
      } finally {
        await queryRunner.query("SET FOREIGN_KEY_CHECKS = 1");
      }
    },
  };

  test(`${SAMPLES} random migrations run, introspect as their model, revert, and keep rows`, () => runSamples(target, "mysql"));
});
