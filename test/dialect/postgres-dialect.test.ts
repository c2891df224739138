/**
 * The PostgreSQL dialect against a real server: what render() writes,
 * introspect() reads back in the same canonical form; every operation and
 * its inverse leave the schema (and the rows) as they were.
 */
import "reflect-metadata";
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DataSource } from "typeorm";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { comparableColumn, normalizeDefault, parseType, postgresDialect } from "../../src/dialects/postgres";
import type { Queryable } from "../../src/dialects/dialect";
import { canonicalExpression, stripCheck } from "../../src/dialects/postgres/expressions";
import { invertAll, type Operation } from "../../src/ops/operations";
import { applyAll } from "../../src/schema/apply";
import type { Column, Schema, Table } from "../../src/schema/model";
import { qualifiedTableName } from "../../src/schema/table-name";

const dialect = postgresDialect;

let database: TestDatabase;
let dataSource: DataSource;

before(async () => {
  database = await createTestDatabase("athanor_pg_dialect");
  dataSource = new DataSource({ type: "postgres", url: database.url });
  await dataSource.initialize();
});

after(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

async function resetDatabase(): Promise<void> {
  await dataSource.query(`DROP SCHEMA public CASCADE`);
  await dataSource.query(`CREATE SCHEMA public`);
}

async function run(op: Operation, context = {}): Promise<string[]> {
  const { statements, notes } = dialect.render(op, context);
  for (const statement of statements) await dataSource.query(statement);
  return notes;
}

async function introspect(): Promise<Schema> {
  return dialect.introspect(dataSource);
}

/** A table as the diff sees it: comparable columns, PK names ignored, every list sorted. */
function comparableTable(table: Table): unknown {
  const byName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: table.name,
    columns: byName(table.columns.map((c) => dialect.comparable(c))),
    primaryKey: table.primaryKey ? [...table.primaryKey.columns] : undefined,
    uniques: byName(table.uniques),
    indexes: byName(table.indexes),
    foreignKeys: byName(table.foreignKeys),
    checks: byName(table.checks),
    comment: table.comment,
  };
}

function comparableSchema(schema: Schema): unknown {
  return Object.keys(schema.tables)
    .sort()
    .map((name) => comparableTable(schema.tables[name]));
}

function column(name: string, type: string, extra: Partial<Column> = {}): Column {
  return { name, type, nullable: true, ...extra };
}

function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return { name, columns, uniques: [], indexes: [], foreignKeys: [], checks: [], ...extra };
}

const owners = table("owners", [column("id", "uuid", { nullable: false, generated: "uuid" }), column("label", "text")], {
  primaryKey: { name: "PK_owners", columns: ["id"] },
});

const everything = table(
  "everything",
  [
    column("id", "integer", { nullable: false, generated: "increment" }),
    column("small", "smallint", { default: "-3" }),
    column("big", "bigint", { default: "3000000000" }),
    column("price", "decimal", { precision: 10, scale: 2, default: "-1.5" }),
    column("ratio", "real", { default: "1.5" }),
    column("score", "double", { default: "0" }),
    column("active", "boolean", { nullable: false, default: "true" }),
    column("name", "varchar", { length: 100, nullable: false, default: "'it''s'" }),
    column("code", "char", { length: 3, default: "'abc'" }),
    column("bio", "text", { default: "''" }),
    column("long", "varchar"),
    column("token", "uuid"),
    column("born", "date", { default: "'2020-01-01'" }),
    column("wakes", "time", { default: "'12:00:00'" }),
    column("created", "timestamp", { nullable: false, default: "CURRENT_TIMESTAMP" }),
    column("updated", "timestamptz", { precision: 3, default: "CURRENT_TIMESTAMP" }),
    column("data", "json", { default: "'[]'" }),
    column("meta", "jsonb", { nullable: false, default: "'{}'" }),
    column("raw", "blob"),
    column("state", "enum", { enum: ["active", "paused", "it's"], nullable: false, default: "'active'" }),
    column("mood", "enum", { enum: ["happy", "sad"], enumName: "mood_kind" }),
    column("negative", "integer", { default: "-1" }),
    column('we"ird Name', "varchar", { length: 5 }),
    column("ownerId", "uuid"),
    column("vector", "tsvector"),
  ],
  {
    primaryKey: { name: "PK_everything", columns: ["id"] },
    uniques: [{ name: "UQ_everything_name_code", columns: ["name", "code"] }],
    indexes: [
      { name: "IDX_everything_big_small", columns: ["big", "small"], unique: false },
      { name: "IDX_everything_long", columns: ["long"], unique: true, where: "long IS NOT NULL" },
    ],
    foreignKeys: [
      {
        name: "FK_everything_owner",
        columns: ["ownerId"],
        referencedTable: "owners",
        referencedColumns: ["id"],
        onDelete: "CASCADE",
        onUpdate: "NO ACTION",
      },
    ],
    checks: [{ name: "CHK_everything_bio", expression: "char_length(bio) < 1000" }],
  },
);

const tags = table(
  "tags",
  [column("id", "bigint", { nullable: false, generated: "identity" }), column("label", "varchar", { length: 20 })],
  { primaryKey: { columns: ["id"] } },
);

describe("postgres dialect", () => {
  beforeEach(resetDatabase);

  test("createTable round-trips through introspection", async () => {
    for (const t of [owners, everything, tags]) await run({ kind: "createTable", table: t });
    const schema = await introspect();
    assert.deepEqual(comparableSchema(schema), comparableSchema({ tables: { owners, everything, tags } }));

    // The details the comparison may hide are right too.
    const id = schema.tables.everything.columns.find((c) => c.name === "id");
    assert.deepEqual(id, { name: "id", type: "integer", nullable: false, generated: "increment" });
    assert.equal(schema.tables.tags.primaryKey?.name, "PK_tags");
    const state = schema.tables.everything.columns.find((c) => c.name === "state");
    assert.equal(state?.enumName, undefined, "conventional enum names stay implicit");
    const mood = schema.tables.everything.columns.find((c) => c.name === "mood");
    assert.equal(mood?.enumName, "mood_kind");

    // Rows can be written with the defaults.
    await dataSource.query(`INSERT INTO owners (label) VALUES ('o')`);
    await dataSource.query(`INSERT INTO everything (name) VALUES ('x')`);
    const [row] = await dataSource.query(`SELECT id, state, meta, price FROM everything`);
    assert.deepEqual([row.id, row.state, row.meta, row.price], [1, "active", {}, "-1.50"]);
  });

  test("introspection leaves out excluded tables and typeorm_metadata", async () => {
    await run({ kind: "createTable", table: owners });
    await dataSource.query(`CREATE TABLE migrations (id serial PRIMARY KEY)`);
    await dataSource.query(`CREATE TABLE typeorm_metadata (type varchar NOT NULL)`);
    const schema = await dialect.introspect(dataSource, { exclude: ["migrations"] });
    assert.deepEqual(Object.keys(schema.tables), ["owners"]);
  });

  test("introspection runs a constant number of catalog queries", async () => {
    async function countQueries(): Promise<number> {
      let count = 0;
      const counting: Queryable = {
        query(sql, parameters) {
          count++;
          return dataSource.query(sql, parameters);
        },
      };
      await dialect.introspect(counting);
      return count;
    }
    const withEnum = (i: number) =>
      table(
        `t${i}`,
        [
          column("id", "integer", { nullable: false, generated: "increment" }),
          column("kind", "enum", { enum: ["a", "b"] }),
          column("parent", "integer"),
        ],
        {
          primaryKey: { columns: ["id"] },
          indexes: [{ name: `IDX_t${i}_kind`, columns: ["kind"], unique: false }],
          uniques: [{ name: `UQ_t${i}_parent`, columns: ["parent"] }],
        },
      );
    await run({ kind: "createTable", table: withEnum(0) });
    const forOne = await countQueries();
    for (let i = 1; i < 30; i++) await run({ kind: "createTable", table: withEnum(i) });
    const forThirty = await countQueries();
    assert.equal(forOne, forThirty);
    assert.ok(forOne <= 8, `${forOne} queries`);
    assert.equal(Object.keys((await introspect()).tables).length, 30);
  });

  test("the catalog queries run with JIT off, and no setting outlives them", async () => {
    // JIT compiling the columns query took most of its time at 1000 tables
    // (catalog.ts). One connection, as the CLI's query runner is.
    const queryRunner = dataSource.createQueryRunner();
    try {
      await run({ kind: "createTable", table: owners });
      const jit = async () => String((await queryRunner.query(`SELECT current_setting('jit') AS jit`))[0].jit);
      const seen: string[] = [];
      const sent: string[] = [];
      // The runner's transaction control, marked in what was sent.
      const watching = {
        get isTransactionActive() {
          return queryRunner.isTransactionActive;
        },
        startTransaction: () => (sent.push("BEGIN"), queryRunner.startTransaction()),
        commitTransaction: () => (sent.push("COMMIT"), queryRunner.commitTransaction()),
        rollbackTransaction: () => (sent.push("ROLLBACK"), queryRunner.rollbackTransaction()),
        async query(sql: string, parameters?: unknown[]) {
          sent.push(sql.trim());
          if (/\bpg_attribute\b|\bpg_constraint\b|\bpg_index\b/.test(sql)) seen.push(await jit());
          return queryRunner.query(sql, parameters);
        },
      };
      for (const setting of ["on", "off"]) {
        await queryRunner.query(`SET jit = ${setting}`);
        seen.length = 0;
        sent.length = 0;
        const schema = await dialect.introspect(watching);
        assert.deepEqual(Object.keys(schema.tables), ["owners"]);
        assert.deepEqual(seen, ["off", "off", "off"], "JIT was on while a catalog query ran");
        assert.equal(await jit(), setting, "the session's JIT setting changed");
        // Outside a transaction, in one of its own: the setting ends with it.
        assert.equal(sent[0], "BEGIN");
        assert.equal(sent[sent.length - 1], "COMMIT");
      }
      // Inside a transaction (a migration's): put back for the rest of it.
      await queryRunner.query(`SET jit = on`);
      await queryRunner.startTransaction();
      seen.length = 0;
      sent.length = 0;
      await dialect.introspect(watching);
      assert.deepEqual(seen, ["off", "off", "off"]);
      assert.ok(!sent.includes("BEGIN"), "a transaction was begun inside one");
      assert.equal(await jit(), "on");
      await queryRunner.commitTransaction();
      assert.equal(await jit(), "on");

      // Through a pool (no single connection), the queries run as they are.
      sent.length = 0;
      const pooled: Queryable = { query: (sql, parameters) => (sent.push(sql.trim()), dataSource.query(sql, parameters)) };
      await dialect.introspect(pooled);
      assert.ok(!sent.some((sql) => /BEGIN|set_config/.test(sql)), sent.join("\n"));
    } finally {
      await queryRunner.release();
    }
  });

  test("a longer varchar is ALTER TYPE and keeps the rows", async () => {
    await run({ kind: "createTable", table: table("people", [column("name", "varchar", { length: 10 })]) });
    await dataSource.query(`INSERT INTO people (name) VALUES ('ada'), ('grace')`);
    const op: Operation = {
      kind: "alterColumn",
      table: "people",
      from: column("name", "varchar", { length: 10 }),
      to: column("name", "varchar", { length: 50 }),
    };
    const { statements } = dialect.render(op);
    assert.ok(statements.some((s) => /ALTER COLUMN "name" TYPE character varying\(50\)/.test(s)));
    assert.ok(!statements.some((s) => /DROP COLUMN|ADD COLUMN/.test(s)));
    await run(op);
    const rows = await dataSource.query(`SELECT name FROM people ORDER BY name`);
    assert.deepEqual(
      rows.map((r: any) => r.name),
      ["ada", "grace"],
    );
    assert.equal((await introspect()).tables.people.columns[0].length, 50);
  });

  test("a NOT NULL column with a default is added to a table with rows", async () => {
    await run({ kind: "createTable", table: table("people", [column("name", "text")]) });
    await dataSource.query(`INSERT INTO people (name) VALUES ('ada'), ('grace')`);
    await run({
      kind: "addColumn",
      table: "people",
      column: column("level", "integer", { nullable: false, default: "3" }),
    });
    const rows = await dataSource.query(`SELECT level FROM people`);
    assert.deepEqual(
      rows.map((r: any) => r.level),
      [3, 3],
    );
  });

  test("nullable → NOT NULL with a default fills the NULLs first", async () => {
    await run({ kind: "createTable", table: table("people", [column("nick", "varchar", { length: 20 })]) });
    await dataSource.query(`INSERT INTO people (nick) VALUES ('ada'), (NULL)`);
    const notes = await run({
      kind: "alterColumn",
      table: "people",
      from: column("nick", "varchar", { length: 20 }),
      to: column("nick", "varchar", { length: 20, nullable: false, default: "'anon'" }),
    });
    assert.ok(
      notes.some((n) => /fills NULLs/.test(n)),
      notes.join("; "),
    );
    const rows = await dataSource.query(`SELECT nick FROM people ORDER BY nick`);
    assert.deepEqual(
      rows.map((r: any) => r.nick),
      ["ada", "anon"],
    );
    const nick = (await introspect()).tables.people.columns[0];
    assert.deepEqual(nick, { name: "nick", type: "varchar", length: 20, nullable: false, default: "'anon'" });
  });
});

describe("postgres dialect without a database", () => {
  test("defaults normalize to the canonical spelling", () => {
    const cases: [string, string, string | undefined][] = [
      ["'abc'::character varying", "varchar", "'abc'"],
      ["'it''s'::text", "text", "'it''s'"],
      ["'{}'::jsonb", "jsonb", "'{}'"],
      ["'{1,2}'::integer[]", "integer[]", "'{1,2}'"],
      ["now()", "timestamp", "CURRENT_TIMESTAMP"],
      ["CURRENT_TIMESTAMP", "timestamptz", "CURRENT_TIMESTAMP"],
      ["current_timestamp(3)", "timestamptz", "CURRENT_TIMESTAMP"],
      ["('now'::text)::timestamp without time zone", "timestamp", "CURRENT_TIMESTAMP"],
      ["TRUE", "boolean", "true"],
      ["'-1'::integer", "integer", "-1"],
      ["(-1)", "integer", "-1"],
      ["'3000000000'::bigint", "bigint", "3000000000"],
      ["'-1.5'::numeric", "decimal", "-1.5"],
      ["'5'", "integer", "5"],
      ["'5'", "varchar", "'5'"],
      ["'active'::game_sessions_state_enum", "enum", "'active'"],
      ["'a'::\"MyEnum\"", "enum", "'a'"],
      ["'12:00:00'::time without time zone", "time", "'12:00:00'"],
      ["NULL::character varying", "varchar", undefined],
      // PostgreSQL's own casts inside an expression go, as the entity writes it.
      ["lower('ABC'::text)", "text", "lower('ABC')"],
      ["'a'::text || 'b'::text", "text", "'a' || 'b'"],
    ];
    for (const [input, type, expected] of cases) {
      assert.equal(normalizeDefault(input, type), expected, input);
      if (expected !== undefined) assert.equal(normalizeDefault(expected, type), expected, `idempotent: ${input}`);
    }
  });

  test("native type names parse to portable types", () => {
    assert.deepEqual(parseType("character varying(20)"), { type: "varchar", length: 20 });
    assert.deepEqual(parseType("character varying"), { type: "varchar", length: undefined });
    assert.deepEqual(parseType("numeric(10,2)"), { type: "decimal", precision: 10, scale: 2 });
    assert.deepEqual(parseType("timestamp(6) without time zone"), { type: "timestamp", precision: undefined });
    assert.deepEqual(parseType("timestamp(3) with time zone"), { type: "timestamptz", precision: 3 });
    assert.deepEqual(parseType("double precision"), { type: "double" });
    assert.deepEqual(parseType("bytea"), { type: "blob" });
    assert.deepEqual(parseType("TSVECTOR"), { type: "tsvector" });
    // Arrays keep their element's modifiers (varchar(20)[] read back as varchar[] lost the length).
    assert.deepEqual(parseType("character varying(20)[]"), { type: "varchar[]", length: 20 });
    assert.deepEqual(parseType("integer[]"), { type: "integer[]" });
  });

  test("checks and predicates read back without PostgreSQL's implicit casts and ANY (ARRAY[...])", () => {
    assert.equal(
      stripCheck("CHECK (((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))"),
      "(kind) IN ('a', 'b')",
    );
    assert.equal(
      stripCheck("CHECK (kind::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[]))"),
      "kind IN ('a', 'b')",
    );
    assert.equal(
      stripCheck("CHECK (length(name::text) > 0 AND name::text <> 'it''s ::text'::text)"),
      "length(name) > 0 AND name <> 'it''s ::text'",
    );
    assert.equal(canonicalExpression("price > 0::numeric"), "price > 0::numeric");
    assert.equal(
      stripCheck("CHECK (((status)::text <> ALL ((ARRAY['gone'::character varying, 'lost'::character varying])::text[])))"),
      "(status) NOT IN ('gone', 'lost')",
    );
    // Inside a larger expression the array's parentheses were taken with the
    // expression's closing one, leaving text that no longer parses.
    assert.equal(
      stripCheck("CHECK ((status::text <> ALL (ARRAY['gone'::character varying]::text[])) AND length(status::text) <> 3)"),
      "(status NOT IN ('gone')) AND length(status) <> 3",
    );
    assert.equal(
      stripCheck("CHECK ((kind::text = ANY (ARRAY['a'::character varying]::text[])) OR kind IS NULL)"),
      "(kind IN ('a')) OR kind IS NULL",
    );
    assert.equal(normalizeDefault("('now'::text)::date", "date"), "CURRENT_DATE");
  });

  test("comparable is idempotent and makes equivalent spellings meet", () => {
    const pairs: [Column, Column][] = [
      [column("a", "int4", { default: "'1'" }), column("a", "integer", { default: "1" })],
      [column("a", "character varying(30)"), column("a", "varchar", { length: 30 })],
      [column("a", "text", { length: 255 }), column("a", "text")],
      [column("a", "char"), column("a", "char", { length: 1 })],
      [column("a", "decimal", { precision: 5 }), column("a", "decimal", { precision: 5, scale: 0 })],
      [column("a", "timestamp", { precision: 6, default: "now()" }), column("a", "timestamp", { default: "CURRENT_TIMESTAMP" })],
      [
        column("a", "integer", { default: "nextval('t_a_seq'::regclass)" }),
        column("a", "integer", { nullable: false, generated: "increment" }),
      ],
      [column("a", "uuid", { default: "uuid_generate_v4()" }), column("a", "uuid", { generated: "uuid" })],
      [column("a", "varchar", { enum: ["x"], enumName: "n" }), column("a", "varchar")],
      // Issues #21/#23: what the server stores for what an entity wrote.
      [column("a", "time with time zone"), column("a", "timetz")],
      [column("a", "time(3) with time zone"), column("a", "timetz", { precision: 3 })],
      [column("a", "bit(1)"), column("a", "bit")],
      [column("a", "bit varying(8)"), column("a", "varbit", { length: 8 })],
      [
        column("a", "jsonb", { default: `'{"a": [1, 2], "b": {"c": null, "d": true}}'::jsonb` }),
        column("a", "jsonb", { default: `'{"b":{"d":true,"c":null},"a":[1,2]}'` }),
      ],
      [column("a", "double precision[]", { default: "'{0,0}'::double precision[]" }), column("a", "double[]", { default: "'{0.0, 0.0}'" })],
      [column("a", "text[]", { default: `'{a,"b c",NULL}'::text[]` }), column("a", "text[]", { default: `'{"a", b c ,null}'` })],
      [column("a", "time", { default: "CURRENT_TIME" }), column("a", "time", { default: "current_time" })],
      [column("a", "integer", { default: "(1 + 2)" }), column("a", "integer", { default: "(1  +   2)" })],
      [column("a", "integer", { default: "(abs('-4'::integer) * 2)" }), column("a", "integer", { default: "abs(-4)*2" })],
      [column("a", "text", { default: "lower('ABC'::text)" }), column("a", "text", { default: "LOWER( 'ABC' )" })],
    ];
    for (const [left, right] of pairs) {
      assert.deepEqual(comparableColumn(left), comparableColumn(right));
      assert.deepEqual(comparableColumn(comparableColumn(left)), comparableColumn(left));
    }
    // Spellings meet; different values do not.
    const differ: [Column, Column][] = [
      [column("a", "jsonb", { default: `'{"a": 1}'` }), column("a", "jsonb", { default: `'{"a": 2}'` })],
      [column("a", "text[]", { default: "'{a,b}'" }), column("a", "text[]", { default: "'{b,a}'" })],
      [column("a", "text", { default: "lower('ABC')" }), column("a", "text", { default: "lower('abc')" })],
      [column("a", "bit", { length: 4 }), column("a", "bit")],
    ];
    for (const [left, right] of differ) assert.notDeepEqual(comparableColumn(left), comparableColumn(right));
    assert.notDeepEqual(
      comparableColumn(column("a", "integer", { generated: "identity" })),
      comparableColumn(column("a", "integer", { generated: "increment" })),
    );
  });
});

describe("postgres enum types", () => {
  beforeEach(resetDatabase);

  test("a named enum type shared by two tables lives until its last column goes", async () => {
    const shared = (name: string) => table(name, [column("kind", "enum", { enum: ["x", "y"], enumName: "shared_kind" })]);
    await run({ kind: "createTable", table: shared("first") });
    await run({ kind: "createTable", table: shared("second") });
    const schema = await introspect();
    assert.equal(find(schema, "second", "kind").enumName, "shared_kind");
    const exists = async () => (await dataSource.query(`SELECT 1 FROM pg_type WHERE typname = 'shared_kind'`)).length === 1;
    await run({ kind: "dropTable", table: shared("first") });
    assert.equal(await exists(), true);
    await run({ kind: "dropTable", table: shared("second") });
    assert.equal(await exists(), false);
  });

  test("a conventional enum name longer than PostgreSQL keeps stays implicit", async () => {
    const longName = "a_table_with_a_rather_long_name_for_testing";
    await run({
      kind: "createTable",
      table: table(longName, [column("the_status_column", "enum", { enum: ["on", "off"] })]),
    });
    const status = (await introspect()).tables[longName].columns[0];
    assert.deepEqual(status, { name: "the_status_column", type: "enum", nullable: true, enum: ["on", "off"] });
  });
});

// ---------------------------------------------------------------------------
// Every operation, then its inverse.

const authors = table(
  "authors",
  [
    column("id", "integer", { nullable: false, generated: "increment" }),
    column("name", "varchar", { length: 50, nullable: false }),
    column("status", "enum", { enum: ["a", "b"], nullable: false, default: "'a'" }),
    column("nickname", "varchar", { length: 20 }),
    column("score", "integer", { default: "0" }),
    column("ref", "uuid"),
  ],
  {
    primaryKey: { name: "PK_authors", columns: ["id"] },
    uniques: [{ name: "UQ_authors_name", columns: ["name"] }],
    indexes: [{ name: "IDX_authors_nickname", columns: ["nickname"], unique: false }],
    checks: [{ name: "CHK_authors_score", expression: "score >= 0" }],
  },
);

const books = table(
  "books",
  [
    column("id", "uuid", { nullable: false, generated: "uuid" }),
    column("authorId", "integer"),
    column("title", "text", { nullable: false }),
  ],
  {
    primaryKey: { name: "PK_books", columns: ["id"] },
    foreignKeys: [
      {
        name: "FK_books_author",
        columns: ["authorId"],
        referencedTable: "authors",
        referencedColumns: ["id"],
        onDelete: "CASCADE",
        onUpdate: "NO ACTION",
      },
    ],
  },
);

const loose = table("loose", [
  column("a", "integer", { nullable: false }),
  column("b", "integer", { nullable: false }),
  column("c", "enum", { enum: ["p", "q"] }),
]);

async function createBase(): Promise<Schema> {
  await resetDatabase();
  for (const t of [authors, books, loose]) await run({ kind: "createTable", table: t });
  await dataSource.query(
    `INSERT INTO authors (name, status, nickname, score) VALUES ('ada', 'a', 'countess', 1), ('grace', 'b', NULL, NULL)`,
  );
  await dataSource.query(`INSERT INTO books ("authorId", title) VALUES (1, 'notes'), (2, 'cobol')`);
  await dataSource.query(`INSERT INTO loose (a, b) VALUES (1, 2), (2, 4)`);
  return introspect();
}

/** Names of enum types and sequences: nothing may leak or vanish. */
async function typesAndSequences(): Promise<string[]> {
  const rows = await dataSource.query(`
    SELECT t.typname AS name FROM pg_type t
    WHERE t.typtype = 'e' AND t.typnamespace = 'public'::regnamespace
    UNION ALL
    SELECT c.relname FROM pg_class c WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace
    ORDER BY 1`);
  return rows.map((r: { name: string }) => r.name);
}

function find(schema: Schema, tableName: string, columnName: string): Column {
  const found = schema.tables[tableName].columns.find((c) => c.name === columnName);
  if (!found) throw new Error(`no column ${tableName}.${columnName}`);
  return found;
}

/** One operation, or a few that only make sense together (drop an index, then its column). */
type OpCase = [label: string, build: (base: Schema) => Operation | Operation[], context?: boolean];

const alter =
  (tableName: string, name: string, change: Partial<Column>) =>
  (base: Schema): Operation => {
    const from = find(base, tableName, name);
    const to: Column = { ...from, ...change };
    for (const key of Object.keys(to) as (keyof Column)[]) if (to[key] === undefined) delete to[key];
    return { kind: "alterColumn", table: tableName, from, to };
  };

const opCases: OpCase[] = [
  [
    "createTable with enum, index and foreign key",
    () => ({
      kind: "createTable",
      table: table(
        "reviews",
        [
          column("id", "bigint", { nullable: false, generated: "increment" }),
          column("authorId", "integer", { nullable: false }),
          column("stars", "enum", { enum: ["1", "2", "3"], default: "'3'" }),
        ],
        {
          primaryKey: { columns: ["id"] },
          indexes: [
            { name: "IDX_reviews_stars", columns: ["stars", "authorId"], unique: false, where: "stars <> '1'::reviews_stars_enum" },
          ],
          foreignKeys: [
            {
              name: "FK_reviews_author",
              columns: ["authorId"],
              referencedTable: "authors",
              referencedColumns: ["id"],
              onDelete: "SET NULL",
              onUpdate: "CASCADE",
            },
          ],
        },
      ),
    }),
  ],
  ["dropTable with an enum column", (base) => ({ kind: "dropTable", table: base.tables.loose })],
  [
    "alterColumn: a comment and a collation",
    (base) => {
      const from = base.tables.authors.columns.find((c) => c.name === "nickname")!;
      return { kind: "alterColumn", table: "authors", from, to: { ...from, comment: "it's shown", collation: "C" } };
    },
  ],
  [
    "alterColumn: serial → identity BY DEFAULT → identity ALWAYS",
    (base) => {
      const serial = base.tables.authors.columns.find((c) => c.name === "id")!;
      const byDefault: Column = { ...serial, generated: "identity" };
      return [
        { kind: "alterColumn", table: "authors", from: serial, to: byDefault },
        { kind: "alterColumn", table: "authors", from: byDefault, to: { ...byDefault, generatedAlways: true } },
      ];
    },
  ],
  [
    "createIndex with a method, deferrable foreign key",
    () => [
      { kind: "createIndex", table: "authors", index: { name: "IDX_authors_name_hash", columns: ["name"], unique: false, method: "hash" } },
      {
        kind: "addForeignKey",
        table: "loose",
        foreignKey: {
          name: "FK_loose_author",
          columns: ["a"],
          referencedTable: "authors",
          referencedColumns: ["id"],
          onDelete: "NO ACTION",
          onUpdate: "NO ACTION",
          deferrable: "INITIALLY DEFERRED",
        },
      },
    ],
  ],
  ["renameTable (enum type follows)", () => ({ kind: "renameTable", from: "authors", to: "writers" })],
  ["renameTable with schema context", () => ({ kind: "renameTable", from: "authors", to: "writers" }), true],
  ["addColumn enum", () => ({ kind: "addColumn", table: "authors", column: column("mood", "enum", { enum: ["x", "y"], default: "'x'" }) })],
  [
    "addColumn enum with a named type",
    () => ({ kind: "addColumn", table: "authors", column: column("kind", "enum", { enum: ["x"], enumName: "author_kind" }) }),
  ],
  [
    "addColumn serial",
    () => ({ kind: "addColumn", table: "loose", column: column("n", "bigint", { nullable: false, generated: "increment" }) }),
  ],
  [
    "addColumn identity",
    () => ({ kind: "addColumn", table: "loose", column: column("n", "integer", { nullable: false, generated: "identity" }) }),
  ],
  [
    "addColumn NOT NULL with default",
    () => ({ kind: "addColumn", table: "authors", column: column("flag", "boolean", { nullable: false, default: "false" }) }),
  ],
  [
    "dropColumn (after its index)",
    (base) => [
      { kind: "dropIndex", table: "authors", index: base.tables.authors.indexes[0] },
      { kind: "dropColumn", table: "authors", column: find(base, "authors", "nickname") },
    ],
  ],
  ["dropColumn enum", (base) => ({ kind: "dropColumn", table: "authors", column: find(base, "authors", "status") })],
  ["renameColumn enum", () => ({ kind: "renameColumn", table: "authors", from: "status", to: "state" })],
  ["renameColumn enum with schema context", () => ({ kind: "renameColumn", table: "authors", from: "status", to: "state" }), true],
  ["renameColumn", () => ({ kind: "renameColumn", table: "authors", from: "name", to: "full_name" })],
  ["alterColumn varchar length", alter("authors", "nickname", { length: 40 })],
  ["alterColumn varchar → text", alter("authors", "nickname", { type: "text", length: undefined })],
  ["alterColumn integer → bigint with default", alter("authors", "score", { type: "bigint" })],
  ["alterColumn serial integer → bigint", alter("authors", "id", { type: "bigint" })],
  ["alterColumn nullable → NOT NULL with default", alter("authors", "score", { nullable: false, default: "5" })],
  ["alterColumn default change", alter("authors", "score", { default: "7" })],
  ["alterColumn enum values", alter("authors", "status", { enum: ["a", "b", "c"] })],
  ["alterColumn enum type name", alter("authors", "status", { enumName: "author_status" })],
  ["alterColumn enum → varchar", alter("authors", "status", { type: "varchar", length: 10, enum: undefined })],
  ["alterColumn varchar → enum", alter("authors", "nickname", { type: "enum", length: undefined, enum: ["countess", "admiral"] })],
  ["alterColumn none → increment", alter("loose", "a", { generated: "increment" })],
  ["alterColumn none → identity", alter("loose", "a", { generated: "identity" })],
  ["alterColumn increment → identity", alter("authors", "id", { generated: "identity" })],
  ["alterColumn none → uuid", alter("authors", "ref", { generated: "uuid" })],
  ["addPrimaryKey", () => ({ kind: "addPrimaryKey", table: "loose", primaryKey: { name: "PK_loose", columns: ["a", "b"] } })],
  ["dropPrimaryKey", (base) => ({ kind: "dropPrimaryKey", table: "books", primaryKey: base.tables.books.primaryKey! })],
  ["dropPrimaryKey without a name", () => ({ kind: "dropPrimaryKey", table: "books", primaryKey: { columns: ["id"] } })],
  ["addUnique", () => ({ kind: "addUnique", table: "authors", unique: { name: "UQ_authors_nick_score", columns: ["nickname", "score"] } })],
  ["dropUnique", (base) => ({ kind: "dropUnique", table: "authors", unique: base.tables.authors.uniques[0] })],
  [
    "createIndex partial",
    () => ({
      kind: "createIndex",
      table: "authors",
      index: { name: "IDX_authors_score", columns: ["score", "name"], unique: true, where: "score > 0" },
    }),
  ],
  ["dropIndex", (base) => ({ kind: "dropIndex", table: "authors", index: base.tables.authors.indexes[0] })],
  [
    "addForeignKey",
    () => ({
      kind: "addForeignKey",
      table: "loose",
      foreignKey: {
        name: "FK_loose_a",
        columns: ["a"],
        referencedTable: "authors",
        referencedColumns: ["id"],
        onDelete: "RESTRICT",
        onUpdate: "SET DEFAULT",
      },
    }),
  ],
  ["dropForeignKey", (base) => ({ kind: "dropForeignKey", table: "books", foreignKey: base.tables.books.foreignKeys[0] })],
  ["addCheck", () => ({ kind: "addCheck", table: "loose", check: { name: "CHK_loose_ab", expression: "a < b" } })],
  ["dropCheck", (base) => ({ kind: "dropCheck", table: "authors", check: base.tables.authors.checks[0] })],
  [
    "renameEnumValue (rows and the default follow)",
    () => ({ kind: "renameEnumValue", table: "authors", column: "status", from: "a", to: "it's" }),
  ],
  ["setTableComment", () => ({ kind: "setTableComment", table: "authors", to: "who's who" })],
  [
    "createTable with a comment",
    () => ({ kind: "createTable", table: table("notes", [column("id", "integer")], { comment: "it's a note" }) }),
  ],
  ["sql", () => ({ kind: "sql", up: `CREATE TABLE extra (x integer)`, down: `DROP TABLE extra` })],
];

describe("each operation, then its inverse", () => {
  for (const [label, build, withContext] of opCases) {
    test(label, async () => {
      const base = await createBase();
      const baseObjects = await typesAndSequences();
      const [{ count: authorsBefore }] = await dataSource.query(`SELECT count(*) FROM authors`);
      const built = build(base);
      const ops = Array.isArray(built) ? built : [built];

      // The database after the operations is what the model says it is.
      let model = base;
      for (const op of ops) {
        await run(op, withContext ? { schema: model } : {});
        model = applyAll(model, [op]);
      }
      const changed = await introspect();
      if (ops[0].kind === "sql") {
        assert.ok(changed.tables.extra);
      } else {
        assert.deepEqual(comparableSchema(changed), comparableSchema(model));
      }

      // The inverse restores it, with no type or sequence left behind.
      for (const op of invertAll(ops)) {
        await run(op, withContext ? { schema: model } : {});
        model = applyAll(model, [op]);
      }
      assert.deepEqual(comparableSchema(await introspect()), comparableSchema(base));
      assert.deepEqual(await typesAndSequences(), baseObjects);
      if (!ops.some((op) => op.kind === "dropTable")) {
        const [{ count: authorsAfter }] = await dataSource.query(`SELECT count(*) FROM authors`);
        assert.equal(authorsAfter, authorsBefore);
      }
    });
  }
});

// ── Tables in a schema other than the default one ───────────────────────────

const LEDGER = "ledger";
const accountsName = qualifiedTableName(LEDGER, "accounts");
const entriesName = qualifiedTableName(LEDGER, "entries");

const accounts = table(
  accountsName,
  [
    column("id", "integer", { nullable: false, generated: "increment" }),
    column("status", "enum", { enum: ["open", "closed"], nullable: false, default: "'open'" }),
    column("code", "varchar", { length: 10 }),
    column("plain", "integer"),
  ],
  {
    primaryKey: { name: "PK_accounts", columns: ["id"] },
    uniques: [{ name: "UQ_accounts_code", columns: ["code"] }],
    indexes: [{ name: "IDX_accounts_status", columns: ["status"], unique: false }],
    checks: [{ name: "CHK_accounts_plain", expression: "plain >= 0" }],
  },
);

const entries = table(entriesName, [column("id", "integer", { nullable: false, generated: "increment" }), column("accountId", "integer")], {
  primaryKey: { name: "PK_entries", columns: ["id"] },
  foreignKeys: [
    {
      name: "FK_entries_account",
      columns: ["accountId"],
      referencedTable: accountsName,
      referencedColumns: ["id"],
      onDelete: "CASCADE",
      onUpdate: "NO ACTION",
    },
  ],
});

async function introspectWithLedger(): Promise<Schema> {
  return dialect.introspect(dataSource, { schemas: [LEDGER] });
}

async function createLedgerBase(): Promise<Schema> {
  await resetDatabase();
  await dataSource.query(`DROP SCHEMA IF EXISTS ${LEDGER} CASCADE`);
  await run({ kind: "createSchema", schema: LEDGER });
  await run({ kind: "createTable", table: authors });
  for (const t of [accounts, entries]) await run({ kind: "createTable", table: t });
  await dataSource.query(`INSERT INTO authors (name, status) VALUES ('ada', 'a'), ('grace', 'b')`);
  await dataSource.query(`INSERT INTO ledger.accounts (status, code, plain) VALUES ('open', 'a', 1), ('closed', 'b', 2)`);
  await dataSource.query(`INSERT INTO ledger.entries ("accountId") VALUES (1), (2)`);
  return introspectWithLedger();
}

/** Enum types and sequences by schema: nothing may leak into (or out of) either. */
async function ledgerObjects(): Promise<string[]> {
  const rows = await dataSource.query(`
    SELECT t.typnamespace::regnamespace::text || '.' || t.typname AS name FROM pg_type t
    WHERE t.typtype = 'e' AND t.typnamespace IN ('public'::regnamespace, 'ledger'::regnamespace)
    UNION ALL
    SELECT c.relnamespace::regnamespace::text || '.' || c.relname FROM pg_class c
    WHERE c.relkind IN ('S', 'i') AND c.relnamespace IN ('public'::regnamespace, 'ledger'::regnamespace)
    ORDER BY 1`);
  return rows.map((r: { name: string }) => r.name);
}

const ledgerCases: OpCase[] = [
  [
    "renameTable in the schema (enum types follow)",
    () => ({ kind: "renameTable", from: accountsName, to: qualifiedTableName(LEDGER, "wallets") }),
  ],
  [
    "renameTable in the schema, with the schema at hand",
    () => ({ kind: "renameTable", from: accountsName, to: qualifiedTableName(LEDGER, "wallets") }),
    true,
  ],
  ["renameColumn of an enum column", () => ({ kind: "renameColumn", table: accountsName, from: "status", to: "state" })],
  [
    "renameColumn of an enum column, with the schema at hand",
    () => ({ kind: "renameColumn", table: accountsName, from: "status", to: "state" }),
    true,
  ],
  ["alterColumn enum value added", alter(accountsName, "status", { enum: ["open", "frozen", "closed"] })],
  ["alterColumn enum values reordered (type swap)", alter(accountsName, "status", { enum: ["closed", "open"] })],
  ["alterColumn enum type name", alter(accountsName, "status", { enumName: "account_state" })],
  ["alterColumn increment → identity", alter(accountsName, "id", { generated: "identity" })],
  ["alterColumn none → increment", alter(accountsName, "plain", { generated: "increment" })],
  ["alterColumn varchar → enum", alter(accountsName, "code", { type: "enum", length: undefined, enum: ["a", "b"] })],
  ["addColumn enum", () => ({ kind: "addColumn", table: accountsName, column: column("kind", "enum", { enum: ["x", "y"] }) })],
  [
    "dropColumn enum (its index goes first)",
    (base) => [
      { kind: "dropIndex", table: accountsName, index: base.tables[accountsName].indexes[0] },
      { kind: "dropColumn", table: accountsName, column: find(base, accountsName, "status") },
    ],
  ],
  // Operations from other features, on a table in the schema: the statement they add must name it qualified.
  [
    "renameEnumValue in the schema's enum type",
    () => ({ kind: "renameEnumValue", table: accountsName, column: "status", from: "closed", to: "shut" }),
  ],
  ["setTableComment", () => ({ kind: "setTableComment", table: accountsName, to: "ledger's accounts" })],
  [
    "addUnique (its duplicate check reads the qualified table)",
    () => ({ kind: "addUnique", table: accountsName, unique: { name: "UQ_accounts_status_code", columns: ["status", "code"] } }),
  ],
  // Its check goes first: PostgreSQL would rewrite it with a cast to numeric that the inverse keeps.
  [
    "alterColumn plain → decimal(3,1) (its overflow check reads the qualified table)",
    (base) => [
      { kind: "dropCheck", table: accountsName, check: base.tables[accountsName].checks[0] },
      alter(accountsName, "plain", { type: "decimal", precision: 3, scale: 1 })(base),
    ],
  ],
  [
    "createIndex",
    () => ({
      kind: "createIndex",
      table: accountsName,
      index: { name: "IDX_accounts_code_plain", columns: ["code", "plain"], unique: true, where: "plain > 0" },
    }),
  ],
  ["dropPrimaryKey without a name", () => ({ kind: "dropPrimaryKey", table: entriesName, primaryKey: { columns: ["id"] } })],
  ["dropUnique", (base) => ({ kind: "dropUnique", table: accountsName, unique: base.tables[accountsName].uniques[0] })],
  ["dropCheck", (base) => ({ kind: "dropCheck", table: accountsName, check: base.tables[accountsName].checks[0] })],
  [
    "addForeignKey to the default schema",
    () => ({
      kind: "addForeignKey",
      table: entriesName,
      foreignKey: {
        name: "FK_entries_author",
        columns: ["accountId"],
        referencedTable: "authors",
        referencedColumns: ["id"],
        onDelete: "NO ACTION",
        onUpdate: "NO ACTION",
      },
    }),
  ],
  [
    "dropForeignKey across tables of the schema",
    (base) => ({ kind: "dropForeignKey", table: entriesName, foreignKey: base.tables[entriesName].foreignKeys[0] }),
  ],
  [
    "dropTable (its enum type goes with it)",
    (base) => [
      { kind: "dropTable", table: base.tables[entriesName] },
      { kind: "dropTable", table: base.tables[accountsName] },
    ],
  ],
];

describe("each operation on tables in a non-default schema, then its inverse", () => {
  test("the base reads back as created: qualified names, the enum type and the foreign key in the schema", async () => {
    const base = await createLedgerBase();
    assert.deepEqual(Object.keys(base.tables).sort(), ['"ledger"."accounts"', '"ledger"."entries"', "authors"]);
    assert.deepEqual(base.schemas, [LEDGER]);
    assert.equal(base.tables[entriesName].foreignKeys[0].referencedTable, accountsName);
    assert.ok((await ledgerObjects()).includes("ledger.accounts_status_enum"));
    assert.deepEqual(Object.keys((await introspect()).tables), ["authors"], "without the schema asked for, only the default one is read");
  });

  for (const [label, build, withContext] of ledgerCases) {
    test(label, async () => {
      const base = await createLedgerBase();
      const before = await ledgerObjects();
      const built = build(base);
      const ops = Array.isArray(built) ? built : [built];
      let model = base;
      for (const op of ops) {
        await run(op, withContext ? { schema: model } : {});
        model = applyAll(model, [op]);
      }
      assert.deepEqual(comparableSchema(await introspectWithLedger()), comparableSchema(model));
      for (const op of invertAll(ops)) {
        await run(op, withContext ? { schema: model } : {});
        model = applyAll(model, [op]);
      }
      assert.deepEqual(comparableSchema(await introspectWithLedger()), comparableSchema(base));
      assert.deepEqual(await ledgerObjects(), before);
    });
  }

  test("dropSchema fails while something else lives in the schema, and works once it is empty", async () => {
    await createLedgerBase();
    await assert.rejects(run({ kind: "dropSchema", schema: LEDGER }), /depend|other objects/);
    await run({ kind: "dropTable", table: entries });
    await run({ kind: "dropTable", table: accounts });
    await run({ kind: "dropSchema", schema: LEDGER });
    assert.deepEqual(await dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = '${LEDGER}'`), []);
  });
});
