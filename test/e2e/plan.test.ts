/**
 * `athanor plan`: the pending migration priced on a real database through the
 * real CLI, on PostgreSQL and SQLite. The migration adds a NOT NULL column
 * with a default (catalog only), changes a column's type (a rewrite on
 * PostgreSQL), makes a column NOT NULL (a scan; a table copy on SQLite) and
 * builds an index, on a table holding rows. Also: a session holding a lock
 * on the table is reported, and plan neither waits for it nor fails; the
 * gates' exit codes; --no-sample; a bad gate value (E250).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { TestProject, type DialectName } from "../support/project";

const V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100, nullable: true })
  name: string | null;

  @Column({ type: "integer" })
  qty: number;
}
`;

const V2 = `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
@Index("IDX_items_name", ["name"])
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  name: string;

  @Column({ type: "bigint" })
  qty: string;

  @Column({ type: "boolean", default: false })
  archived: boolean;
}
`;

const ROWS = 20_000;

async function projectWithPendingMigration(dialect: DialectName): Promise<TestProject> {
  const project = await TestProject.create(dialect, { "Item.ts": V1 });
  await project.ok(["generate", "CreateItems"]);
  await project.ok(["run"]);
  const fill =
    dialect === "postgres"
      ? [`INSERT INTO items (name, qty) SELECT 'item ' || g, g FROM generate_series(1, ${ROWS}) g`, "ANALYZE items"]
      : [
          `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS}) INSERT INTO items (name, qty) SELECT 'item ' || n, n FROM g`,
        ];
  const ds = await project.connect();
  try {
    for (const sql of fill) await ds.query(sql);
  } finally {
    await ds.destroy();
  }
  project.writeEntity("Item.ts", V2);
  await project.ok(["generate", "ChangeItems"]);
  return project;
}

interface JsonStatement {
  sql: string;
  table?: string;
  lock?: string;
  effect?: string;
  rows?: number;
  bytes?: number;
  estimatedSeconds?: number;
  lockSeconds?: number;
  blocksWrites?: boolean;
}

function statements(json: any): JsonStatement[] {
  assert.equal(json.migrations.length, 1, "one pending migration");
  assert.match(json.migrations[0].name, /ChangeItems/);
  return json.migrations[0].statements;
}

function find(list: JsonStatement[], pattern: RegExp): JsonStatement {
  const found = list.find((s) => pattern.test(s.sql));
  assert.ok(found, `a statement matching ${pattern} in:\n${list.map((s) => s.sql).join("\n")}`);
  return found;
}

describe("athanor plan on PostgreSQL", () => {
  let project: TestProject;
  before(async () => {
    project = await projectWithPendingMigration("postgres");
  });
  after(async () => {
    await project?.cleanup();
  });

  test("prices each statement: lock, effect, the table's size, a duration from a sampled throughput", async () => {
    const result = await project.ok(["plan", "--json"]);
    const json = JSON.parse(result.stdout);
    const list = statements(json);

    const added = find(list, /ADD "archived"|ADD COLUMN "archived"/);
    assert.equal(added.lock, "ACCESS EXCLUSIVE");
    assert.equal(added.effect, "catalog", "a constant default is catalog-only on PostgreSQL 11+");
    assert.equal(added.estimatedSeconds, 0);

    const retyped = find(list, /"qty" TYPE bigint/);
    assert.equal(retyped.lock, "ACCESS EXCLUSIVE");
    assert.equal(retyped.effect, "rewrite");
    assert.ok(Math.abs(retyped.rows! - ROWS) < ROWS * 0.1, `rows ~${ROWS}: ${retyped.rows}`);
    assert.ok(retyped.bytes! > 500_000, `bytes: ${retyped.bytes}`);
    assert.ok(retyped.estimatedSeconds! > 0);

    const notNull = find(list, /"name" SET NOT NULL/);
    assert.equal(notNull.effect, "scan");

    const index = find(list, /^CREATE INDEX "IDX_items_name"/);
    assert.equal(index.lock, "SHARE");
    assert.equal(index.effect, "index");
    assert.ok(index.estimatedSeconds! > 0);

    // In the migration's transaction the first lock is held until COMMIT: the whole migration.
    const total = list.reduce((sum, s) => sum + (s.estimatedSeconds ?? 0), 0);
    assert.ok(Math.abs(added.lockSeconds! - total) < 0.01, `${added.lockSeconds} ~ ${total}`);
    assert.equal(json.longestLock.table, "items");

    assert.equal(json.throughput.sampled, true);
    assert.match(json.throughput.source, /^sampled: read \d+ pages \(\d+ rows\) of items/);
    assert.deepEqual(json.blockers, []);
    assert.equal(json.blockersKnown, true);
    assert.equal(json.ok, true);
    assert.ok(json.rewriteBytes >= retyped.bytes!);

    // Nothing was applied.
    const status = JSON.parse((await project.ok(["status", "--json"])).stdout);
    assert.equal(status.pending, 1);
  });

  test("prints each statement with its cost and a verdict line", async () => {
    const { stdout } = await project.ok(["plan"]);
    assert.match(stdout, /ACCESS EXCLUSIVE on items · rewrites the table · ~\d+ rows, [\d.]+ [kM]B · ~/);
    assert.match(stdout, /SHARE on items · builds an index/);
    assert.match(stdout, /Blocking now: nobody holds a conflicting lock\./);
    assert.match(
      stdout,
      /^Verdict: ok: 1 migration, about .*; longest lock ACCESS EXCLUSIVE on items for about .*; rewrites [\d.]+ [kM]B; 0 sessions would block it now\.$/m,
    );
  });

  test("--no-sample uses the documented default throughput", async () => {
    const json = JSON.parse((await project.ok(["plan", "--json", "--no-sample"])).stdout);
    assert.equal(json.throughput.sampled, false);
    assert.match(json.throughput.source, /^--no-sample: assumed 400 MB\/s/);
    assert.equal(json.throughput.scanBytesPerSecond, 400 * 1024 * 1024);
  });

  test("the gates: exit 1 over --max-lock-seconds or --max-rewrite-bytes, 0 under", async () => {
    const overLock = await project.cli(["plan", "--max-lock-seconds", "0"]);
    assert.equal(overLock.code, 1, overLock.stdout + overLock.stderr);
    assert.match(
      overLock.stdout,
      /^Verdict: over the limit \(ChangeItems\d+ holds ACCESS EXCLUSIVE on items for about .*, over --max-lock-seconds 0\)/m,
    );
    const overBytes = await project.cli(["plan", "--json", "--max-rewrite-bytes", "1000"]);
    assert.equal(overBytes.code, 1);
    const json = JSON.parse(overBytes.stdout);
    assert.equal(json.ok, false);
    assert.match(json.exceeded[0], /^the plan rewrites [\d.]+ [kM]B, over --max-rewrite-bytes 1000$/);
    const under = await project.cli(["plan", "--max-lock-seconds", "3600", "--max-rewrite-bytes", "1e12"]);
    assert.equal(under.code, 0, under.stdout + under.stderr);
  });

  test("--from/--to price a range instead of the pending migrations", async () => {
    const json = JSON.parse((await project.ok(["plan", "--json", "--from", "base", "--to", "CreateItems"])).stdout);
    assert.deepEqual(
      json.migrations.map((m: any) => m.name.replace(/\d+$/, "")),
      ["CreateItems"],
    );
    // The table it creates is its own: nothing to lock or price.
    assert.equal(json.migrations[0].statements.filter((s: JsonStatement) => s.lock).length, 0);
    const pending = JSON.parse((await project.ok(["plan", "--json", "--from", "CreateItems"])).stdout);
    assert.match(pending.migrations[0].name, /^ChangeItems/);
  });

  test("E250: a gate that is not a number zero or above is a usage error", async () => {
    const result = await project.cli(["plan", "--max-lock-seconds", "-1"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--max-lock-seconds takes a number zero or above, e\.g\. --max-lock-seconds 5\./);
  });

  test("a session holding a lock on the table is reported as a blocker; plan does not wait for it", async () => {
    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
      const [{ pid }] = (await holder.query("SELECT pg_backend_pid() AS pid")).rows;
      const started = Date.now();
      const result = await project.cli(["plan", "--json"]);
      const took = Date.now() - started;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const json = JSON.parse(result.stdout);
      const blocker = json.blockers.find((b: any) => b.pid === pid);
      assert.ok(blocker, `pid ${pid} among ${JSON.stringify(json.blockers)}`);
      assert.equal(blocker.conflicts, true);
      assert.equal(blocker.table, "items");
      assert.equal(blocker.mode, "AccessExclusiveLock");
      assert.equal(blocker.state, "idle in transaction");
      assert.ok(blocker.transactionSeconds >= 0);
      assert.ok(blocker.query.length <= 60);
      // Sizes came from the catalog alone and the sample gave up at once: nothing waited for the lock.
      assert.match(json.tables[0].source, /^catalog statistics only \(a table is locked by another session\)/);
      assert.match(json.throughput.source, /^not sampled \(a table is locked by another session\)/);
      assert.ok(json.tables[0].rows > 0);
      assert.match(json.verdict, /; 1 session would block it now\.$/);
      assert.ok(took < 30_000, `took ${took} ms`);

      const { stdout } = await project.cli(["plan"]);
      assert.match(
        stdout,
        new RegExp(
          `Blocking now: 1 session:\\n  pid ${pid} holds AccessExclusiveLock on items, transaction open .*, idle in transaction: "SELECT pg_backend_pid\\(\\) AS pid"`,
        ),
      );
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    }
  });

  test("a reader in an open transaction blocks the ACCESS EXCLUSIVE the migration needs", async () => {
    const reader = new Client({ connectionString: project.env.DATABASE_URL });
    await reader.connect();
    try {
      await reader.query("BEGIN");
      await reader.query("SELECT count(*) FROM items");
      const [{ pid }] = (await reader.query("SELECT pg_backend_pid() AS pid")).rows;
      const json = JSON.parse((await project.ok(["plan", "--json"])).stdout);
      const blocker = json.blockers.find((b: any) => b.pid === pid);
      assert.ok(blocker, JSON.stringify(json.blockers));
      assert.equal(blocker.mode, "AccessShareLock");
      assert.equal(blocker.conflicts, true);
    } finally {
      await reader.query("ROLLBACK").catch(() => undefined);
      await reader.end();
    }
  });
});

describe("athanor plan on SQLite", () => {
  let project: TestProject;
  before(async () => {
    project = await projectWithPendingMigration("sqlite");
  });
  after(async () => {
    await project?.cleanup();
  });

  test("the rebuild is a table copy under the database write lock; sizes are estimates", async () => {
    const json = JSON.parse((await project.ok(["plan", "--json"])).stdout);
    const list = statements(json);
    const copy = find(list, /^INSERT INTO "temporary_items"/);
    assert.equal(copy.table, "items");
    assert.equal(copy.lock, "database write lock");
    assert.equal(copy.effect, "rewrite");
    assert.equal(copy.rows, ROWS);
    assert.ok(copy.bytes! > 100_000, `bytes ${copy.bytes}`);
    assert.ok(copy.estimatedSeconds! > 0);
    // The new copy is the migration's own table: nothing to price.
    assert.equal(find(list, /^CREATE TABLE "temporary_items"/).lock, undefined);
    const index = find(list, /^CREATE INDEX "IDX_items_name"/);
    assert.equal(index.effect, "index");
    assert.match(json.tables[0].source, /^rows: max\(rowid\), an estimate/);
    assert.equal(json.blockersKnown, false);
    assert.equal(json.throughput.sampled, true);
    assert.equal(json.ok, true);
  });

  test("gates and --no-sample work the same way; the text says SQLite cannot list sessions", async () => {
    const over = await project.cli(["plan", "--no-sample", "--max-rewrite-bytes", "0"]);
    assert.equal(over.code, 1, over.stdout + over.stderr);
    assert.match(over.stdout, /Throughput: 200\.0 MB\/s read \(--no-sample: assumed 200 MB\/s/);
    assert.match(over.stdout, /Blocking now: not listed on sqlite/);
    assert.match(over.stdout, /^Verdict: over the limit \(the plan rewrites .*, over --max-rewrite-bytes 0\)/m);
    assert.equal((await project.cli(["plan", "--max-lock-seconds", "3600"])).code, 0);
  });
});
