// The SQLite dialect against real SQLite files, through TypeORM's DataSource:
// introspection is a fixed point of rendering, catalog queries are constant,
// and every table rebuild keeps every row (of the table and of its children).
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { sqliteDialect, INTROSPECTION_QUERY_COUNT } from "../../src/dialects/sqlite";
import { normalizeDefault } from "../../src/dialects/sqlite/defaults";
import { parseNativeType } from "../../src/dialects/sqlite/types";
import type { Queryable } from "../../src/dialects/dialect";
import { invert, type Operation } from "../../src/ops/operations";
import { apply } from "../../src/schema/apply";
import type { Column, Schema, Table } from "../../src/schema/model";
import { GameSession } from "../../entities/GameSession";
import { Leaderboard } from "../../entities/Leaderboard";
import { LeaderboardEntry } from "../../entities/LeaderboardEntry";
import { RefreshToken } from "../../entities/RefreshToken";
import { User } from "../../entities/User";

// ---------------------------------------------------------------- helpers

async function withDatabase(body: (db: DataSource) => Promise<void>, options: { entities?: Function[] } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "athanor-sqlite-"));
  const db = new DataSource({
    type: "sqlite",
    database: join(dir, "test.sqlite"),
    entities: options.entities ?? [],
    synchronize: options.entities !== undefined,
  });
  await db.initialize();
  try {
    await body(db);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run statements as the runner does: foreign keys off outside the transaction, checked before commit. */
async function runMigration(db: Queryable, statements: string[]): Promise<void> {
  const session = sqliteDialect.session!;
  await session.beforeTransaction(db);
  await db.query("BEGIN");
  try {
    for (const statement of statements) await db.query(statement);
    await session.beforeCommit(db);
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  } finally {
    await session.afterTransaction(db);
  }
}

/** Render `op` against `schema`, run it, and return the schema SQLite reports afterwards. */
async function renderAndRun(db: Queryable, schema: Schema, op: Operation): Promise<{ schema: Schema; notes: string[] }> {
  const context = sqliteDialect.needsSchema(op) ? { schema } : {};
  const rendered = sqliteDialect.render(op, context);
  if (process.env.DEBUG_SQL) console.log(rendered.statements.join(";\n"));
  await runMigration(db, rendered.statements);
  return { schema: await sqliteDialect.introspect(db), notes: rendered.notes };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** A table as the diff compares it: columns through comparable(), order and PK names ignored. */
function comparableTable(table: Table) {
  return plain({
    name: table.name,
    columns: table.columns.map((c) => sqliteDialect.comparable(c)).sort(byName),
    primaryKey: table.primaryKey ? { columns: table.primaryKey.columns } : undefined,
    uniques: [...table.uniques].sort(byName),
    indexes: [...table.indexes].sort(byName),
    foreignKeys: [...table.foreignKeys].sort(byName),
    checks: [...table.checks].sort(byName),
  });
}

function comparableSchema(schema: Schema) {
  return Object.values(schema.tables).sort(byName).map(comparableTable);
}

async function count(db: Queryable, table: string): Promise<number> {
  const rows = await db.query(`SELECT COUNT(*) AS n FROM "${table}"`);
  return Number(rows[0].n);
}

// ------------------------------------------------------------- fixtures

const col = (name: string, type: string, extra: Partial<Column> = {}): Column => ({
  name,
  type,
  nullable: true,
  ...extra,
});

const parents: Table = {
  name: "parents",
  columns: [col("id", "integer", { nullable: false, generated: "increment" }), col("name", "varchar", { length: 100, nullable: false })],
  primaryKey: { columns: ["id"] },
  uniques: [{ name: "UQ_parents_name", columns: ["name"] }],
  indexes: [],
  foreignKeys: [],
  checks: [],
};

/** Every portable type, defaults, an increment PK, composite unique and index, a partial index, a cascading FK, an enum. */
const everything: Table = {
  name: "everything",
  columns: [
    col("id", "integer", { nullable: false, generated: "increment" }),
    col("small", "smallint", { default: "1" }),
    col("big", "bigint", { nullable: false, default: "0" }),
    col("price", "decimal", { precision: 10, scale: 2, default: "1.50" }),
    col("ratio", "real"),
    col("precise", "double", { default: "-2.5" }),
    col("flag", "boolean", { nullable: false, default: "true" }),
    col("off", "boolean", { nullable: false, default: "false" }),
    col("title", "varchar", { length: 50, nullable: false, default: "'it''s'" }),
    col("loose", "varchar"),
    col("code", "char", { length: 3 }),
    col("body", "text"),
    col("external_id", "uuid"),
    col("day", "date"),
    col("at", "time"),
    col("created_at", "timestamp", { nullable: false, default: "CURRENT_TIMESTAMP" }),
    col("seen_at", "timestamptz"),
    col("doc", "json"),
    col("docb", "jsonb"),
    col("bytes", "blob"),
    col("state", "enum", { nullable: false, enum: ["draft", "it's live", "gone"], default: "'draft'", enumName: "state_enum" }),
    col("parent_id", "integer", { nullable: false }),
  ],
  primaryKey: { name: "PK_everything", columns: ["id"] },
  uniques: [{ name: "UQ_everything_title_code", columns: ["title", "code"] }],
  indexes: [
    { name: "IDX_everything_small_big", columns: ["small", "big"], unique: false },
    { name: "IDX_everything_day_flagged", columns: ["day"], unique: false, where: `"flag" = 1` },
    { name: "IDX_everything_external", columns: ["external_id"], unique: true },
  ],
  foreignKeys: [
    {
      name: "FK_everything_parent",
      columns: ["parent_id"],
      referencedTable: "parents",
      referencedColumns: ["id"],
      onDelete: "CASCADE",
      onUpdate: "NO ACTION",
    },
  ],
  checks: [{ name: "CHK_everything_small_positive", expression: `"small" > 0` }],
};

/** parents ← children (composite PK, cascading FK), each with rows. */
async function seedFamily(db: Queryable): Promise<Schema> {
  const children: Table = {
    name: "children",
    columns: [
      col("parent_id", "integer", { nullable: false }),
      col("position", "integer", { nullable: false }),
      col("label", "varchar", { length: 20 }),
      col("score", "integer", { default: "0" }),
    ],
    primaryKey: { columns: ["parent_id", "position"] },
    uniques: [],
    indexes: [{ name: "IDX_children_label", columns: ["label"], unique: false }],
    foreignKeys: [
      {
        name: "FK_children_parent",
        columns: ["parent_id"],
        referencedTable: "parents",
        referencedColumns: ["id"],
        onDelete: "CASCADE",
        onUpdate: "NO ACTION",
      },
    ],
    checks: [{ name: "CHK_children_position", expression: `"position" >= 0` }],
  };
  const parentsWithExtras: Table = {
    ...parents,
    columns: [...parents.columns, col("note", "varchar", { length: 40 }), col("rank", "integer")],
    indexes: [{ name: "IDX_parents_rank", columns: ["rank"], unique: false }],
  };
  for (const table of [parentsWithExtras, children]) {
    await runMigration(db, sqliteDialect.render({ kind: "createTable", table }).statements);
  }
  for (let i = 1; i <= 5; i++) {
    await db.query(`INSERT INTO "parents" ("name", "note", "rank") VALUES ('p${i}', ${i % 2 ? "NULL" : `'n${i}'`}, ${i})`);
    await db.query(`INSERT INTO "children" ("parent_id", "position", "label") VALUES (${i}, 0, 'a${i}'), (${i}, 1, NULL)`);
  }
  return sqliteDialect.introspect(db);
}

// ---------------------------------------------------------------- tests

test("createTable renders DDL that introspects back to the same table", async () => {
  await withDatabase(async (db) => {
    let schema: Schema = { tables: {} };
    for (const table of [parents, everything]) {
      const op: Operation = { kind: "createTable", table };
      ({ schema } = await renderAndRun(db, schema, op));
    }
    assert.deepEqual(comparableTable(schema.tables.everything), comparableTable(everything));
    assert.deepEqual(comparableTable(schema.tables.parents), comparableTable(parents));
    const again = sqliteDialect.render({ kind: "createTable", table: schema.tables.everything });
    // TypeORM reads the key as generated only without a CONSTRAINT name before AUTOINCREMENT.
    const [first] = sqliteDialect.render({ kind: "createTable", table: everything }).statements;
    for (const statement of [first, again.statements[0]]) {
      assert.match(statement, /\("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,/);
    }
  });
});

test("the DDL uses TypeORM's spellings and TEXT affinity for strings", () => {
  const [create] = sqliteDialect.render({ kind: "createTable", table: everything }).statements;
  assert.match(create, /"external_id" varchar,/);
  assert.match(create, /"doc" text,/);
  assert.match(create, /"created_at" datetime NOT NULL DEFAULT \(CURRENT_TIMESTAMP\)/);
  assert.match(create, /"flag" boolean NOT NULL DEFAULT \(1\)/);
  // Literals as the model spells them (TypeORM compares the text): 1.50 stays 1.50.
  assert.match(create, /"price" decimal\(10,2\) DEFAULT \(1.50\)/);
  assert.match(create, /CHECK \("state" IN \('draft','it''s live','gone'\)\)/);
  assert.match(
    create,
    /CONSTRAINT "FK_everything_parent" FOREIGN KEY \("parent_id"\) REFERENCES "parents" \("id"\) ON DELETE CASCADE ON UPDATE NO ACTION/,
  );
});

test("introspection runs the same number of queries for 1 table and for 30", async () => {
  await withDatabase(async (db) => {
    let calls = 0;
    const counting: Queryable = {
      query: (sql, parameters) => {
        calls++;
        return db.query(sql, parameters);
      },
    };
    const table = (n: number): Table => ({
      ...everything,
      name: `t${n}`,
      indexes: everything.indexes.map((i) => ({ ...i, name: `${i.name}_${n}` })),
      foreignKeys: [],
    });
    await runMigration(db, sqliteDialect.render({ kind: "createTable", table: table(0) }).statements);
    await sqliteDialect.introspect(counting);
    const forOne = calls;
    for (let n = 1; n < 30; n++) {
      await runMigration(db, sqliteDialect.render({ kind: "createTable", table: table(n) }).statements);
    }
    calls = 0;
    const schema = await sqliteDialect.introspect(counting);
    assert.equal(Object.keys(schema.tables).length, 30);
    assert.equal(calls, forOne);
    assert.equal(calls, INTROSPECTION_QUERY_COUNT);
  });
});

test("introspection started ahead reads what introspect reads, its catalog queries already under way", async () => {
  await withDatabase(
    async (db) => {
      await db.query(`CREATE TABLE "migrations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL)`);
      await db.query(`CREATE VIEW "active_users" AS SELECT "id" FROM "users" WHERE "is_active" = 1`);
      const runner = db.createQueryRunner();
      try {
        const queries: string[] = [];
        const counting = Object.assign(Object.create(runner), {
          query: (sql: string, parameters?: unknown[]) => {
            queries.push(sql);
            return runner.query(sql, parameters);
          },
        });
        const finish = await sqliteDialect.introspectAhead!(counting, { exclude: ["migrations"] });
        assert.ok(finish, "node sqlite3 runs ahead");
        // The four catalog queries went to the driver itself, not through TypeORM's query().
        assert.deepEqual(queries, []);
        const ahead = await finish();
        assert.deepEqual(ahead, await sqliteDialect.introspect(runner, { exclude: ["migrations"] }));
        assert.ok(ahead.tables.users && !ahead.tables.migrations);
      } finally {
        await runner.release();
      }
    },
    { entities: [User, GameSession, Leaderboard, LeaderboardEntry, RefreshToken] },
  );
});

test("introspection started ahead falls back to introspect where the driver cannot run it, or fails", async () => {
  await withDatabase(
    async (db) => {
      const expected = await sqliteDialect.introspect(db);
      // Anything but node sqlite3 (better-sqlite3, sql.js, a wrapper): nothing to start.
      assert.equal(await sqliteDialect.introspectAhead!({ query: (sql) => db.query(sql) }, {}), undefined);
      // A statement node sqlite3 cannot prepare: `introspect` runs instead, through TypeORM.
      const queries: string[] = [];
      const refusing = {
        query: (sql: string) => {
          queries.push(sql);
          return db.query(sql);
        },
        connection: {
          options: { type: "sqlite" },
          driver: {
            databaseConnection: {
              prepare: (_sql: string, callback: (error: Error | null) => void) => {
                setImmediate(() => callback(new Error("SQLITE_ERROR: no such table: pragma_table_xinfo")));
                return { all: () => assert.fail("never run"), finalize: () => undefined };
              },
            },
          },
        },
      };
      const finish = await sqliteDialect.introspectAhead!(refusing, {});
      assert.ok(finish);
      assert.deepEqual(await finish(), expected);
      assert.equal(queries.length, INTROSPECTION_QUERY_COUNT);
    },
    { entities: [User, GameSession, Leaderboard, LeaderboardEntry, RefreshToken] },
  );
});

test("internal, excluded and TypeORM metadata tables are left out", async () => {
  await withDatabase(async (db) => {
    await db.query(`CREATE TABLE "migrations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL)`);
    await db.query(`CREATE TABLE "typeorm_metadata" ("type" varchar NOT NULL)`);
    await db.query(`CREATE TABLE "kept" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL)`);
    await db.query(`INSERT INTO "kept" DEFAULT VALUES`);
    const schema = await sqliteDialect.introspect(db, { exclude: ["migrations"] });
    assert.deepEqual(Object.keys(schema.tables), ["kept"]);
  });
});

test("reads tables TypeORM synchronized: inline enum CHECK, named uniques and foreign keys", async () => {
  await withDatabase(
    async (db) => {
      const schema = await sqliteDialect.introspect(db);
      const sessions = schema.tables.game_sessions;
      const state = sessions.columns.find((c) => c.name === "state")!;
      assert.deepEqual(state.enum, ["active", "won", "lost", "abandoned"]);
      assert.equal(state.type, "enum");
      assert.equal(state.default, "'active'");
      assert.deepEqual(sessions.checks, []);
      assert.deepEqual(sessions.primaryKey, { columns: ["session_id"] });

      const users = schema.tables.users;
      assert.equal(users.columns.find((c) => c.name === "id")!.generated, "increment");
      assert.equal(users.columns.find((c) => c.name === "is_active")!.default, "true");
      assert.equal(users.columns.find((c) => c.name === "created_at")!.default, "CURRENT_TIMESTAMP");
      assert.equal(users.columns.find((c) => c.name === "created_at")!.type, "timestamp");
      assert.deepEqual(
        users.uniques.map((u) => u.columns),
        [["email"], ["username"]],
      );
      assert.ok(users.uniques.every((u) => /^UQ_[0-9a-f]{27}$/.test(u.name)));

      const entries = schema.tables.leaderboard_entries;
      assert.equal(entries.foreignKeys.length, 1);
      assert.match(entries.foreignKeys[0].name, /^FK_/);
      assert.equal(entries.foreignKeys[0].onDelete, "CASCADE");
      assert.deepEqual(entries.indexes, [
        { name: "IDX_leaderboard_entries_leaderboard_score", columns: ["leaderboard_id", "score"], unique: false },
      ]);

      // Re-rendering each table and reading it back is a fixed point.
      for (const table of Object.values(schema.tables)) {
        const [create] = sqliteDialect.render({ kind: "createTable", table }).statements;
        await db.query(create.replace(`CREATE TABLE "${table.name}"`, `CREATE TABLE "copy_${table.name}"`));
      }
      const copies = await sqliteDialect.introspect(db);
      for (const table of Object.values(schema.tables)) {
        const copy = comparableTable({ ...copies.tables[`copy_${table.name}`], name: table.name });
        const original = comparableTable(table);
        // Indexes are separate statements and synthesized names follow the table name.
        assert.deepEqual({ ...copy, indexes: [] }, { ...original, indexes: [] });
      }
    },
    { entities: [User, RefreshToken, GameSession, Leaderboard, LeaderboardEntry] },
  );
});

/** Operations that rebuild a table, with a check of the data afterwards. */
const rebuildCases: Array<{ name: string; op: (schema: Schema) => Operation; verify?: (db: Queryable) => Promise<void> }> = [
  {
    name: "varchar length change",
    op: (s) => ({
      kind: "alterColumn",
      table: "parents",
      from: s.tables.parents.columns.find((c) => c.name === "name")!,
      to: { ...s.tables.parents.columns.find((c) => c.name === "name")!, length: 255 },
    }),
    verify: async (db) => {
      const rows = await db.query(`SELECT "name" FROM "parents" ORDER BY "id"`);
      assert.deepEqual(
        rows.map((r: any) => r.name),
        ["p1", "p2", "p3", "p4", "p5"],
      );
    },
  },
  {
    name: "nullable column becomes NOT NULL with a default",
    op: (s) => {
      const from = s.tables.parents.columns.find((c) => c.name === "note")!;
      return { kind: "alterColumn", table: "parents", from, to: { ...from, nullable: false, default: "'none'" } };
    },
    verify: async (db) => {
      const rows = await db.query(`SELECT "note" FROM "parents" ORDER BY "id"`);
      assert.deepEqual(
        rows.map((r: any) => r.note),
        ["none", "n2", "none", "n4", "none"],
      );
    },
  },
  {
    name: "column type change (integer → bigint)",
    op: (s) => {
      const from = s.tables.children.columns.find((c) => c.name === "score")!;
      return { kind: "alterColumn", table: "children", from, to: { ...from, type: "bigint" } };
    },
  },
  {
    name: "add unique",
    op: () => ({ kind: "addUnique", table: "parents", unique: { name: "UQ_parents_note", columns: ["note", "rank"] } }),
  },
  { name: "drop unique", op: (s) => ({ kind: "dropUnique", table: "parents", unique: s.tables.parents.uniques[0] }) },
  { name: "add check", op: () => ({ kind: "addCheck", table: "parents", check: { name: "CHK_parents_rank", expression: `"rank" > 0` } }) },
  { name: "drop check", op: (s) => ({ kind: "dropCheck", table: "children", check: s.tables.children.checks[0] }) },
  { name: "drop foreign key", op: (s) => ({ kind: "dropForeignKey", table: "children", foreignKey: s.tables.children.foreignKeys[0] }) },
  {
    name: "add foreign key",
    op: () => ({
      kind: "addForeignKey",
      table: "parents",
      foreignKey: {
        name: "FK_parents_rank",
        columns: ["rank"],
        referencedTable: "parents",
        referencedColumns: ["id"],
        onDelete: "SET NULL",
        onUpdate: "CASCADE",
      },
    }),
  },
  { name: "drop primary key", op: (s) => ({ kind: "dropPrimaryKey", table: "children", primaryKey: s.tables.children.primaryKey! }) },
  {
    name: "add NOT NULL column with CURRENT_TIMESTAMP default",
    op: () => ({
      kind: "addColumn",
      table: "parents",
      column: col("created_at", "timestamp", { nullable: false, default: "CURRENT_TIMESTAMP" }),
    }),
    verify: async (db) => {
      const rows = await db.query(`SELECT COUNT(*) AS n FROM "parents" WHERE "created_at" IS NOT NULL`);
      assert.equal(Number(rows[0].n), 5);
    },
  },
];

for (const testCase of rebuildCases) {
  test(`rebuild keeps every row, and its inverse restores the schema: ${testCase.name}`, async () => {
    await withDatabase(async (db) => {
      const original = await seedFamily(db);
      const op = testCase.op(original);
      const rendered = sqliteDialect.render(op, { schema: original });
      assert.ok(
        rendered.notes.some((n) => /rebuilds table ".+" \(copies every row\)/.test(n)),
        `expected a rebuild for ${op.kind}: ${rendered.statements.join("; ")}`,
      );
      assert.ok(!rendered.statements.some((s) => /PRAGMA\s+foreign_keys/i.test(s)));

      const { schema: after } = await renderAndRun(db, original, op);
      assert.deepEqual(comparableSchema(after), comparableSchema(apply(original, op)));
      assert.equal(await count(db, "parents"), 5);
      assert.equal(await count(db, "children"), 10);
      await testCase.verify?.(db);

      const { schema: restored } = await renderAndRun(db, after, invert(op));
      assert.deepEqual(comparableSchema(restored), comparableSchema(original));
      assert.equal(await count(db, "parents"), 5);
      assert.equal(await count(db, "children"), 10);
      // The children's foreign key still works against the rebuilt table.
      await db.query("PRAGMA foreign_keys = ON");
      await assert.rejects(db.query(`INSERT INTO "children" ("parent_id", "position") VALUES (999, 0)`));
    });
  });
}

test("dropping a column SQLite's DROP COLUMN refuses rebuilds without what involves it", async () => {
  await withDatabase(async (db) => {
    const original = await seedFamily(db);
    const label = original.tables.children.columns.find((c) => c.name === "label")!;
    const name = original.tables.parents.columns.find((c) => c.name === "name")!;
    const position = original.tables.children.columns.find((c) => c.name === "position")!;

    const dropLabel: Operation = { kind: "dropColumn", table: "children", column: label };
    const { schema: afterLabel, notes } = await renderAndRun(db, original, dropLabel);
    assert.ok(notes.includes(`rebuilds table "children" (copies every row)`));
    assert.ok(notes.includes(`drops index "IDX_children_label" of table "children" with column "label"`));
    assert.deepEqual(afterLabel.tables.children.indexes, []);

    const dropName: Operation = { kind: "dropColumn", table: "parents", column: name };
    const { schema: afterName } = await renderAndRun(db, afterLabel, dropName);
    assert.deepEqual(afterName.tables.parents.uniques, []);

    // Part of the primary key and of a CHECK: both go with it.
    const dropPosition: Operation = { kind: "dropColumn", table: "children", column: position };
    const { schema: afterPosition } = await renderAndRun(db, afterName, dropPosition);
    assert.equal(afterPosition.tables.children.primaryKey, undefined);
    assert.deepEqual(afterPosition.tables.children.checks, []);
    assert.equal(await count(db, "parents"), 5);
    assert.equal(await count(db, "children"), 10);

    // A NOT NULL column without a default cannot come back while rows exist:
    // the rebuild fails and the transaction leaves everything as it was.
    await assert.rejects(renderAndRun(db, afterPosition, invert(dropPosition)), /NOT NULL constraint failed/);
    assert.deepEqual(comparableSchema(await sqliteDialect.introspect(db)), comparableSchema(afterPosition));
    assert.equal(await count(db, "children"), 10);

    // A nullable one can; the rows stay.
    const { schema } = await renderAndRun(db, afterPosition, invert(dropLabel));
    assert.ok(schema.tables.children.columns.some((c) => c.name === "label"));
    assert.equal(await count(db, "children"), 10);
    const labels = await db.query(`SELECT "label" FROM "children" WHERE "label" IS NOT NULL`);
    assert.equal(labels.length, 0, "a dropped column's data is gone; the column comes back empty");
  });
});

test("native column changes: ADD COLUMN with a constant default, DROP COLUMN, RENAME COLUMN", async () => {
  await withDatabase(async (db) => {
    let schema = await seedFamily(db);
    const steps: Operation[] = [
      { kind: "addColumn", table: "parents", column: col("active", "boolean", { nullable: false, default: "true" }) },
      { kind: "addColumn", table: "parents", column: col("kind", "enum", { nullable: false, enum: ["a", "b"], default: "'a'" }) },
      { kind: "renameColumn", table: "parents", from: "note", to: "remark" },
      { kind: "dropColumn", table: "parents", column: col("kind", "enum", { nullable: false, enum: ["a", "b"], default: "'a'" }) },
      {
        kind: "createIndex",
        table: "parents",
        index: { name: "IDX_parents_remark", columns: ["remark"], unique: true, where: `"remark" IS NOT NULL` },
      },
      { kind: "renameTable", from: "parents", to: "guardians" },
    ];
    for (const op of steps) {
      const rendered = sqliteDialect.render(op, sqliteDialect.needsSchema(op) ? { schema } : {});
      // A unique index is preceded by its data check (a read), never by a rebuild.
      const changes = rendered.statements.filter((sql) => !sql.includes(`AS "athanor data check"`));
      assert.equal(changes.length, 1, `${op.kind} should be one native statement: ${rendered.statements}`);
      const expected = apply(schema, op);
      ({ schema } = await renderAndRun(db, schema, op));
      assert.deepEqual(comparableSchema(schema), comparableSchema(expected), op.kind);
    }
    const rows = await db.query(`SELECT "active", "remark" FROM "guardians" ORDER BY "id"`);
    assert.deepEqual(
      rows.map((r: any) => r.active),
      [1, 1, 1, 1, 1],
    );
    assert.equal(rows[1].remark, "n2");
    // Renaming the parent table rewrote the children's reference.
    assert.equal(schema.tables.children.foreignKeys[0].referencedTable, "guardians");
    assert.equal(await count(db, "children"), 10);
  });
});

test("a rebuild keeps the AUTOINCREMENT counter", async () => {
  await withDatabase(async (db) => {
    const schema = await seedFamily(db);
    await db.query(`DELETE FROM "children" WHERE "parent_id" = 5`);
    await db.query(`DELETE FROM "parents" WHERE "id" = 5`);
    await renderAndRun(db, schema, { kind: "addCheck", table: "parents", check: { name: "CHK_p", expression: `"id" > 0` } });
    await db.query(`INSERT INTO "parents" ("name") VALUES ('new')`);
    const rows = await db.query(`SELECT "id" FROM "parents" WHERE "name" = 'new'`);
    assert.equal(rows[0].id, 6);
  });
});

test("the session hooks refuse a migration that leaves dangling references", async () => {
  await withDatabase(async (db) => {
    await seedFamily(db);
    await assert.rejects(runMigration(db, [`DELETE FROM "parents" WHERE "id" = 1`]), /foreign key violation/);
    assert.equal(await count(db, "parents"), 5);
    const rows = await db.query("PRAGMA foreign_keys");
    assert.equal(rows[0].foreign_keys, 1, "foreign keys are back on after the migration");
  });
});

test("operations that may rebuild ask for the schema", () => {
  assert.equal(sqliteDialect.needsSchema({ kind: "createIndex", table: "t", index: { name: "i", columns: ["a"], unique: false } }), false);
  assert.equal(sqliteDialect.needsSchema({ kind: "addColumn", table: "t", column: col("a", "integer") }), false);
  assert.equal(
    sqliteDialect.needsSchema({
      kind: "addColumn",
      table: "t",
      column: col("a", "timestamp", { nullable: false, default: "CURRENT_TIMESTAMP" }),
    }),
    true,
  );
  assert.equal(sqliteDialect.needsSchema({ kind: "dropCheck", table: "t", check: { name: "c", expression: "1" } }), true);
  assert.throws(() => sqliteDialect.render({ kind: "dropCheck", table: "t", check: { name: "c", expression: "1" } }), /needs the schema/);
  // A key on a missing column would silently index the string 'gone' in SQLite: refused.
  const broken: Table = { ...parents, indexes: [{ name: "IDX_gone", columns: ["gone"], unique: false }] };
  assert.throws(() => sqliteDialect.render({ kind: "createTable", table: broken }), /names column "gone"/);
});

test("comparable() hides what SQLite cannot store", () => {
  assert.deepEqual(
    sqliteDialect.comparable({ name: "id", type: "uuid", length: 36, nullable: false, generated: "uuid", default: "gen_random_uuid()" }),
    { name: "id", type: "varchar", nullable: false },
  );
  assert.deepEqual(sqliteDialect.comparable({ name: "n", type: "bigint", nullable: false, generated: "identity" }), {
    name: "n",
    type: "integer",
    nullable: false,
    generated: "increment",
  });
  assert.deepEqual(sqliteDialect.comparable({ name: "t", type: "timestamptz", nullable: true, default: "now()" }), {
    name: "t",
    type: "timestamp",
    nullable: true,
    default: "CURRENT_TIMESTAMP",
  });
  assert.equal(sqliteDialect.comparable({ name: "j", type: "jsonb", nullable: true }).type, "text");
  assert.equal(sqliteDialect.comparable({ name: "e", type: "enum", enum: ["a"], enumName: "x", nullable: true }).enumName, undefined);
});

test("defaults and native types normalize to the canonical spelling", () => {
  assert.equal(normalizeDefault("1", "boolean"), "true");
  assert.equal(normalizeDefault("'0'", "boolean"), "false");
  assert.equal(normalizeDefault("datetime('now')", "timestamp"), "CURRENT_TIMESTAMP");
  assert.equal(normalizeDefault("current_timestamp", "timestamp"), "CURRENT_TIMESTAMP");
  assert.equal(normalizeDefault("((-1))", "integer"), "-1");
  assert.equal(normalizeDefault("'5'", "integer"), "5");
  assert.equal(normalizeDefault("01.50", "decimal"), "1.5");
  assert.equal(normalizeDefault(`"abc"`, "varchar"), "'abc'");
  assert.equal(normalizeDefault("'it''s'", "varchar"), "'it''s'");
  assert.equal(normalizeDefault("NULL", "varchar"), undefined);
  assert.equal(normalizeDefault("(lower('X'))", "varchar"), "lower('X')");
  assert.deepEqual(parseNativeType("VARCHAR(255)"), { type: "varchar", length: 255 });
  assert.deepEqual(parseNativeType("character varying(10)"), { type: "varchar", length: 10 });
  assert.deepEqual(parseNativeType("NUMERIC(10, 2)"), { type: "decimal", precision: 10, scale: 2 });
  assert.deepEqual(parseNativeType("double precision"), { type: "double" });
  assert.deepEqual(parseNativeType("clob"), { type: "text" });
  assert.deepEqual(parseNativeType("datetime"), { type: "timestamp" });
  assert.deepEqual(parseNativeType("Geometry"), { type: "geometry" });
  assert.equal(sqliteDialect.quote(`we"ird`), `"we""ird"`);
});
