/**
 * The MySQL/MariaDB dialect against a real MariaDB server: introspection of
 * what TypeORM's synchronize makes and of what Athanor's migrations make
 * (generate twice finds nothing), the constant number of catalog queries,
 * the rendering of each operation (data kept, data checks that stop a
 * narrowing change), and the GET_LOCK migration lock.
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Check,
  Column,
  CreateDateColumn,
  DataSource,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from "typeorm";
import { compareEntitiesWithDatabase } from "../../src/commands/entity-diff";
import { findDialect } from "../../src/dialects";
import type { Dialect, Queryable } from "../../src/dialects/dialect";
import { INTROSPECTION_QUERY_COUNT } from "../../src/dialects/mysql";
import type { Column as ModelColumn, Schema } from "../../src/schema/model";
import { createMysqlTestDatabase, type MysqlTestDatabase } from "../support/mysql";

enum Role {
  Admin = "admin",
  Member = "member",
}

@Entity({ name: "my_accounts" })
@Check("CK_my_accounts_score", "score >= 0")
class Account {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 120, unique: true }) email: string;
  @Column() name: string;
  @Column({ type: "boolean", default: true }) active: boolean;
  @Column({ type: "int", unsigned: true, default: 0 }) score: number;
  @Column({ type: "bigint", nullable: true }) big: string | null;
  @Column({ type: "smallint", default: 7 }) small: number;
  @Column({ type: "tinyint", default: 1 }) tiny: number;
  @Column({ type: "decimal", precision: 10, scale: 2, default: 1.5 }) balance: string;
  @Column({ type: "decimal" }) plain: string;
  @Column({ type: "double", nullable: true }) ratio: number | null;
  @Column({ type: "float", nullable: true }) approx: number | null;
  @Column({ type: "enum", enum: Role, default: Role.Member }) role: Role;
  @Column({ type: "set", enum: ["a", "b", "c"], default: ["a"] }) flags: string[];
  @Column({ type: "json", nullable: true }) settings: object | null;
  @Column({ type: "text", nullable: true }) bio: string | null;
  @Column({ type: "longtext", nullable: true }) notes: string | null;
  @Column({ type: "blob", nullable: true }) avatar: Buffer | null;
  @Column({ type: "char", length: 2, default: "nl" }) country: string;
  @Column({ type: "varchar", length: 40, default: "its" }) motto: string;
  @Column({ type: "date", nullable: true }) born: string | null;
  @Column({ type: "time", nullable: true }) wakes: string | null;
  @Column({ type: "datetime", nullable: true }) seen: Date | null;
  @Column({ type: "datetime", precision: 3, nullable: true }) seenPrecisely: Date | null;
  @Column({ type: "timestamp", nullable: true }) stamped: Date | null;
  @Column({ type: "datetime", default: () => "CURRENT_TIMESTAMP" }) joined: Date;
  @Column({ type: "int", asExpression: "score * 2", generatedType: "VIRTUAL", nullable: true }) double: number;
  @Column({ type: "int", asExpression: "`score` + 1", generatedType: "STORED", nullable: true }) next: number;
  @Column({ type: "varchar", length: 30, collation: "utf8mb4_bin", nullable: true }) code: string | null;
  @Column({ type: "varchar", length: 30, comment: "shown on the profile", nullable: true }) title: string | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

@Entity({ name: "my_posts" })
@Index("IDX_my_posts_title", ["title"])
@Index("IDX_my_posts_body", ["body"], { fulltext: true })
class Post {
  @PrimaryColumn("uuid") id: string;
  @Column({ type: "varchar", length: 200 }) title: string;
  @Column({ type: "text" }) body: string;
  @ManyToOne(() => Account, { onDelete: "CASCADE" })
  @JoinColumn({ name: "account_id" })
  account: Account;
  @Column({ name: "account_id" }) accountId: number;
}

@Entity({ name: "my_tokens" })
class Token {
  @PrimaryGeneratedColumn("uuid") id: string;
  @ManyToOne(() => Account)
  @JoinColumn({ name: "owner_id" })
  owner: Account;
}

const ENTITIES = [Account, Post, Token];

async function withDatabase<T>(run: (db: MysqlTestDatabase) => Promise<T>): Promise<T> {
  const db = await createMysqlTestDatabase("athanor_my");
  try {
    return await run(db);
  } finally {
    await db.drop();
  }
}

async function open(url: string, type: "mysql" | "mariadb", options: Record<string, unknown> = {}): Promise<DataSource> {
  const ds = new DataSource({ type, url, entities: ENTITIES, ...options } as any);
  await ds.initialize();
  return ds;
}

/** What `generate` would do: the operations between the entities and the database. */
async function pending(dialect: Dialect, ds: DataSource) {
  const comparison = await compareEntitiesWithDatabase(dialect, ds as any, { dataSource: ds, migrationsTableName: "migrations" } as any);
  return comparison.diff.operations;
}

async function apply(dialect: Dialect, ds: DataSource, ops: Awaited<ReturnType<typeof pending>>): Promise<void> {
  const schema = await dialect.introspect(ds as any);
  for (const op of ops) {
    for (const sql of dialect.render(op, { schema }).statements) await ds.query(sql);
  }
}

// TypeORM's "mysql" driver writes MySQL 8 DDL that MariaDB refuses (NULL after a
// generated column, a double-quoted collation): synchronize is checked as "mariadb".
test("mariadb: a database TypeORM's synchronize made has nothing to generate", async () => {
  const type = "mariadb";
  {
    await withDatabase(async (db) => {
      const ds = await open(db.url, type, { synchronize: true });
      try {
        const ops = await pending(findDialect(type)!, ds);
        // TypeORM's synchronize makes no CHECK constraints on MySQL; Athanor adds the entity's.
        assert.deepEqual(ops, [
          { kind: "addCheck", table: "my_accounts", check: { name: "CK_my_accounts_score", expression: "score >= 0" } },
        ]);
      } finally {
        await ds.destroy();
      }
    });
  }
});

for (const type of ["mariadb", "mysql"] as const) {
  test(`${type}: generate, run, generate again finds nothing`, async () => {
    await withDatabase(async (db) => {
      const dialect = findDialect(type)!;
      const ds = await open(db.url, type);
      try {
        const ops = await pending(dialect, ds);
        assert.ok(ops.length >= 3);
        await apply(dialect, ds, ops);
        const again = await pending(dialect, ds);
        assert.deepEqual(again, [], JSON.stringify(again, null, 1));
        // Rows go in and come back as TypeORM wrote them.
        await ds.getRepository(Account).save({ email: "a@example.com", name: "Ann", plain: "3", settings: { a: 1 } });
        const [row] = await ds.query("SELECT score, active, role, flags, `double`, `next` FROM my_accounts");
        assert.deepEqual({ ...row }, { score: 0, active: 1, role: "member", flags: "a", double: 0, next: 1 });
      } finally {
        await ds.destroy();
      }
    });
  });
}

test("introspection reads MySQL's own spellings into the model", async () => {
  await withDatabase(async (db) => {
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    try {
      await ds.query(
        "CREATE TABLE t (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, b tinyint(1) NOT NULL DEFAULT 1, u int(10) unsigned, " +
          "e enum('x','y''s') DEFAULT 'x', j json, d datetime(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6), " +
          "n varchar(255), KEY pre (n(10)))",
      );
      await ds.query("CREATE TABLE c (id int PRIMARY KEY, tid int, CONSTRAINT fk_c_t FOREIGN KEY (tid) REFERENCES t (id))");
      const schema = await findDialect("mariadb")!.introspect(ds as any);
      const column = (name: string) => schema.tables.t.columns.find((c) => c.name === name)!;
      assert.deepEqual(column("id"), { name: "id", type: "integer", nullable: false, generated: "increment" });
      assert.deepEqual(column("b"), { name: "b", type: "boolean", nullable: false, default: "1" });
      assert.deepEqual(column("u"), { name: "u", type: "integer", nullable: true, unsigned: true });
      assert.deepEqual(column("e"), { name: "e", type: "enum", nullable: true, default: "'x'", enum: ["x", "y's"] });
      assert.deepEqual(column("j"), { name: "j", type: "json", nullable: true });
      assert.deepEqual(column("d"), {
        name: "d",
        type: "timestamp",
        precision: 6,
        nullable: false,
        default: "CURRENT_TIMESTAMP",
        onUpdate: "CURRENT_TIMESTAMP",
      });
      assert.deepEqual(schema.tables.t.checks, [], "MariaDB's json_valid check is part of the json type");
      assert.deepEqual(schema.tables.t.indexes, [], "a prefix-length index is not the model's");
      assert.equal(schema.tables.t.nativeIndexes?.length, 1);
      // The index MySQL made for the foreign key is not an index of the model.
      assert.deepEqual(schema.tables.c.indexes, []);
      assert.equal(schema.tables.c.foreignKeys[0].name, "fk_c_t");
    } finally {
      await ds.destroy();
    }
  });
});

test("introspection runs the same number of queries for 1 table and for 12", async () => {
  await withDatabase(async (db) => {
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    try {
      const counting = (): Queryable & { count: number } => {
        const q = { count: 0, query: (sql: string, params?: unknown[]) => ((q.count += 1), ds.query(sql, params)) };
        return q;
      };
      await ds.query("CREATE TABLE t0 (id int PRIMARY KEY, v varchar(10))");
      const one = counting();
      await findDialect("mariadb")!.introspect(one);
      for (let i = 1; i < 12; i++) await ds.query(`CREATE TABLE t${i} (id int PRIMARY KEY, v varchar(10), KEY k (v))`);
      const twelve = counting();
      const schema = await findDialect("mariadb")!.introspect(twelve);
      assert.equal(Object.keys(schema.tables).length, 12);
      assert.equal(one.count, INTROSPECTION_QUERY_COUNT);
      assert.equal(twelve.count, INTROSPECTION_QUERY_COUNT);
    } finally {
      await ds.destroy();
    }
  });
});

test("views TypeORM recorded cost one query more, whatever their number; other views and typeorm_metadata are not the model's", async () => {
  await withDatabase(async (db) => {
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    try {
      const dialect = findDialect("mariadb")!;
      const counting = (): Queryable & { count: number } => {
        const q = { count: 0, query: (sql: string, params?: unknown[]) => ((q.count += 1), ds.query(sql, params)) };
        return q;
      };
      await ds.query("CREATE TABLE t (id int PRIMARY KEY, v varchar(10))");
      const create = (name: string) => ({ kind: "createView", view: { name, expression: "SELECT `id`, `v` FROM `t`" } }) as const;
      for (const sql of dialect.render(create("v0")).statements) await ds.query(sql);
      await ds.query("CREATE VIEW not_recorded AS SELECT id FROM t");
      const one = counting();
      const first = await dialect.introspect(one);
      for (let i = 1; i < 6; i++) for (const sql of dialect.render(create(`v${i}`)).statements) await ds.query(sql);
      const six = counting();
      const schema = await dialect.introspect(six);
      assert.deepEqual(Object.keys(first.views ?? {}), ["v0"]);
      assert.deepEqual(Object.keys(schema.views ?? {}).sort(), ["v0", "v1", "v2", "v3", "v4", "v5"]);
      assert.deepEqual(schema.views!.v3, { name: "v3", expression: "SELECT `id`, `v` FROM `t`" });
      assert.deepEqual(Object.keys(schema.tables), ["t"]);
      assert.equal(one.count, INTROSPECTION_QUERY_COUNT + 1);
      assert.equal(six.count, INTROSPECTION_QUERY_COUNT + 1);
    } finally {
      await ds.destroy();
    }
  });
});

test("generated columns: TypeORM's typeorm_metadata rows follow every operation, and introspection reads the expression from there", async () => {
  await withItems(async (ds, dialect) => {
    const records = async () =>
      (
        await ds.query(
          "SELECT `database`, `schema`, `table`, `name`, `value` FROM typeorm_metadata WHERE `type` = 'GENERATED_COLUMN' ORDER BY `table`, `name`",
        )
      ).map((row: Record<string, unknown>) => ({ ...row }));
    const [{ db }] = await ds.query("SELECT DATABASE() AS db");
    const stored: ModelColumn = { name: "twice", type: "int", nullable: true, asExpression: "qty * 2", generatedType: "STORED" };
    const virtual: ModelColumn = {
      name: "label",
      type: "varchar",
      length: 60,
      nullable: true,
      asExpression: "concat(name, '!')",
      generatedType: "VIRTUAL",
    };
    // A plain rename neither moves records nor makes the table.
    assert.deepEqual(await runOp(ds, dialect, { kind: "renameColumn", table: "items", from: "note", to: "remark" }), [
      "ALTER TABLE `items` RENAME COLUMN `note` TO `remark`",
    ]);
    assert.deepEqual(await ds.query("SHOW TABLES LIKE 'typeorm_metadata'"), []);

    await runOp(ds, dialect, { kind: "addColumn", table: "items", column: stored });
    await runOp(ds, dialect, { kind: "addColumn", table: "items", column: virtual });
    assert.deepEqual(await records(), [
      { database: null, schema: db, table: "items", name: "label", value: "concat(name, '!')" },
      { database: null, schema: db, table: "items", name: "twice", value: "qty * 2" },
    ]);
    // The entity's spelling, not the server's (`qty` * 2).
    let schema = await dialect.introspect(ds as any);
    assert.equal(schema.tables.items.columns.find((c) => c.name === "twice")!.asExpression, "qty * 2");
    assert.deepEqual(Object.keys(schema.tables), ["items", "owners"], "typeorm_metadata is not a table of the model");

    await runOp(ds, dialect, { kind: "renameColumn", table: "items", from: "twice", to: "double" });
    await runOp(ds, dialect, { kind: "renameTable", from: "items", to: "goods" });
    const double = { ...stored, name: "double" };
    await runOp(ds, dialect, { kind: "alterColumn", table: "goods", from: double, to: { ...double, asExpression: "qty * 3" } });
    await runOp(ds, dialect, { kind: "dropColumn", table: "goods", column: virtual });
    assert.deepEqual(await records(), [{ database: null, schema: db, table: "goods", name: "double", value: "qty * 3" }]);
    assert.deepEqual(await ds.query("SELECT `double` FROM goods ORDER BY id"), [{ double: 9 }, { double: 210000 }]);

    // A stored column that stops being generated keeps its values, and its record goes.
    const plain: ModelColumn = { name: "double", type: "integer", nullable: false };
    const alter = await runOp(ds, dialect, {
      kind: "alterColumn",
      table: "goods",
      from: { ...double, asExpression: "qty * 3" },
      to: plain,
    });
    assert.doesNotMatch(alter.join("\n"), /DROP COLUMN/);
    assert.deepEqual(await ds.query("SELECT `double` FROM goods ORDER BY id"), [{ double: 9 }, { double: 210000 }]);
    assert.deepEqual(await records(), []);
    schema = await dialect.introspect(ds as any);
    assert.deepEqual(dialect.comparable(schema.tables.goods.columns.find((c) => c.name === "double")!), plain);
  });
});

test("recorded generated-column expressions cost one query more, whatever their number", async () => {
  await withItems(async (ds, dialect) => {
    const counting = (): Queryable & { count: number } => {
      const q = { count: 0, query: (sql: string, params?: unknown[]) => ((q.count += 1), ds.query(sql, params)) };
      return q;
    };
    const create = (name: string) => ({ kind: "createView", view: { name, expression: "SELECT `id` FROM `items`" } }) as const;
    await runOp(ds, dialect, create("v"));
    const viewsOnly = counting();
    await dialect.introspect(viewsOnly);
    for (let i = 0; i < 5; i++) {
      const column: ModelColumn = { name: `g${i}`, type: "int", nullable: true, asExpression: `qty + ${i}`, generatedType: "VIRTUAL" };
      await runOp(ds, dialect, { kind: "addColumn", table: "items", column });
    }
    const five = counting();
    const schema = await dialect.introspect(five);
    assert.equal(viewsOnly.count, INTROSPECTION_QUERY_COUNT + 1);
    assert.equal(five.count, INTROSPECTION_QUERY_COUNT + 2);
    assert.equal(schema.tables.items.columns.find((c) => c.name === "g4")!.asExpression, "qty + 4");
  });
});

/** A fresh database with one table `items` holding rows, for the rendering tests. */
async function withItems(run: (ds: DataSource, dialect: Dialect) => Promise<void>): Promise<void> {
  await withDatabase(async (db) => {
    const ds = new DataSource({ type: "mariadb", url: db.url });
    await ds.initialize();
    try {
      await ds.query("CREATE TABLE owners (id int NOT NULL PRIMARY KEY) ");
      await ds.query(
        "CREATE TABLE items (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, note varchar(20) NULL, " +
          "size enum('s','m','l') NOT NULL DEFAULT 's', qty int NOT NULL DEFAULT 0, owner_id int NULL, " +
          "KEY IDX_items_owner_name (owner_id, name), CONSTRAINT FK_items_owner FOREIGN KEY (owner_id) REFERENCES owners (id))",
      );
      await ds.query("INSERT INTO owners VALUES (1)");
      await ds.query(
        "INSERT INTO items (name, note, size, qty, owner_id) VALUES ('apple', NULL, 'm', 3, 1), ('a longer name here', 'x', 'l', 70000, NULL)",
      );
      await run(ds, findDialect("mariadb")!);
    } finally {
      await ds.destroy();
    }
  });
}

async function runOp(ds: DataSource, dialect: Dialect, op: Parameters<Dialect["render"]>[0]): Promise<string[]> {
  const schema = await dialect.introspect(ds as any);
  const statements = dialect.render(op, { schema }).statements;
  for (const sql of statements) await ds.query(sql);
  return statements;
}

async function columnOf(ds: DataSource, dialect: Dialect, table: string, name: string): Promise<ModelColumn> {
  const schema: Schema = await dialect.introspect(ds as any);
  return schema.tables[table].columns.find((c) => c.name === name)!;
}

test("alterColumn widens with MODIFY COLUMN and keeps every row", async () => {
  await withItems(async (ds, dialect) => {
    const from = await columnOf(ds, dialect, "items", "name");
    const statements = await runOp(ds, dialect, { kind: "alterColumn", table: "items", from, to: { ...from, length: 200 } });
    assert.match(statements.at(-1)!, /^ALTER TABLE `items` MODIFY COLUMN `name` varchar\(200\) NOT NULL$/);
    assert.equal((await columnOf(ds, dialect, "items", "name")).length, 200);
    assert.deepEqual(
      (await ds.query("SELECT name FROM items ORDER BY id")).map((r: any) => r.name),
      ["apple", "a longer name here"],
    );
  });
});

test("narrowing stops with the data check's sentence before anything changes", async () => {
  await withItems(async (ds, dialect) => {
    const name = await columnOf(ds, dialect, "items", "name");
    await assert.rejects(
      runOp(ds, dialect, { kind: "alterColumn", table: "items", from: name, to: { ...name, length: 10 } }),
      (error: Error) => {
        assert.equal(
          dialect.dataCheckFailure!(error),
          "Cannot change items.name to varchar(10): 1 row(s) of items hold longer values. Shorten them first, or keep the length.",
        );
        return true;
      },
    );
    assert.equal((await columnOf(ds, dialect, "items", "name")).length, 50);

    const qty = await columnOf(ds, dialect, "items", "qty");
    await assert.rejects(
      runOp(ds, dialect, { kind: "alterColumn", table: "items", from: qty, to: { ...qty, type: "smallint" } }),
      /1 row\(s\) of items hold values outside its range/,
    );

    const note = await columnOf(ds, dialect, "items", "note");
    await assert.rejects(
      runOp(ds, dialect, { kind: "alterColumn", table: "items", from: note, to: { ...note, nullable: false } }),
      /it is NULL in 1 row\(s\) of items/,
    );

    const size = await columnOf(ds, dialect, "items", "size");
    await assert.rejects(
      runOp(ds, dialect, { kind: "alterColumn", table: "items", from: size, to: { ...size, enum: ["s", "m"] } }),
      /Cannot remove "l" from items.size: 1 row\(s\) of items hold it/,
    );
    // Adding an enum value is a MODIFY that keeps the rows.
    await runOp(ds, dialect, { kind: "alterColumn", table: "items", from: size, to: { ...size, enum: ["s", "m", "l", "xl"] } });
    assert.deepEqual((await columnOf(ds, dialect, "items", "size")).enum, ["s", "m", "l", "xl"]);
  });
});

test("renameColumn, renameEnumValue, renameTable and table comments", async () => {
  await withItems(async (ds, dialect) => {
    await runOp(ds, dialect, { kind: "renameColumn", table: "items", from: "note", to: "remark" });
    assert.deepEqual(
      (await ds.query("SELECT remark FROM items ORDER BY id")).map((r: any) => r.remark),
      [null, "x"],
    );
    await runOp(ds, dialect, { kind: "renameEnumValue", table: "items", column: "size", from: "m", to: "medium" });
    assert.deepEqual(
      (await ds.query("SELECT size FROM items ORDER BY id")).map((r: any) => r.size),
      ["medium", "l"],
    );
    assert.deepEqual((await columnOf(ds, dialect, "items", "size")).enum, ["s", "medium", "l"]);
    await runOp(ds, dialect, { kind: "setTableComment", table: "items", to: "things for sale" });
    await runOp(ds, dialect, { kind: "renameTable", from: "items", to: "goods" });
    const schema = await dialect.introspect(ds as any);
    assert.equal(schema.tables.goods.comment, "things for sale");
  });
});

test("dropping the index a foreign key uses keeps an index for the key; dropping the key drops MySQL's index", async () => {
  await withItems(async (ds, dialect) => {
    const schema = await dialect.introspect(ds as any);
    const index = schema.tables.items.indexes.find((i) => i.name === "IDX_items_owner_name")!;
    await runOp(ds, dialect, { kind: "dropIndex", table: "items", index });
    let after = await dialect.introspect(ds as any);
    assert.deepEqual(after.tables.items.indexes, []);
    assert.equal(after.tables.items.foreignKeys.length, 1);
    const fk = after.tables.items.foreignKeys[0];
    await runOp(ds, dialect, { kind: "dropForeignKey", table: "items", foreignKey: fk });
    const keys = await ds.query(
      "SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items'",
    );
    assert.deepEqual(
      keys.map((k: any) => k.name),
      ["PRIMARY"],
    );
    await runOp(ds, dialect, { kind: "addForeignKey", table: "items", foreignKey: fk });
    after = await dialect.introspect(ds as any);
    assert.deepEqual(after.tables.items.foreignKeys, [fk]);
    assert.deepEqual(after.tables.items.indexes, []);
  });
});

/** Render `op` with `--online` and run it: MariaDB refuses a stated algorithm it cannot honour, so running it proves the clause. */
async function runOnline(ds: DataSource, dialect: Dialect, op: Parameters<Dialect["render"]>[0]) {
  const schema = await dialect.introspect(ds as any);
  const rendered = dialect.render(op, { schema, online: { online: true } });
  for (const sql of rendered.statements) await ds.query(sql);
  return rendered;
}

test("online: each operation states the algorithm that keeps writes going, and MariaDB accepts it", async () => {
  await withItems(async (ds, dialect) => {
    const column: ModelColumn = { name: "added", type: "varchar", length: 10, nullable: false, default: "'n/a'" };
    let rendered = await runOnline(ds, dialect, { kind: "addColumn", table: "items", column });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` ADD COLUMN `added` varchar(10) NOT NULL DEFAULT 'n/a', ALGORITHM=INSTANT"]);
    rendered = await runOnline(ds, dialect, { kind: "renameColumn", table: "items", from: "added", to: "extra" });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` RENAME COLUMN `added` TO `extra`, ALGORITHM=INSTANT"]);
    rendered = await runOnline(ds, dialect, { kind: "dropColumn", table: "items", column: { ...column, name: "extra" } });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` DROP COLUMN `extra`, ALGORITHM=INSTANT"]);

    const index = { name: "IDX_items_name", columns: ["name"], unique: false };
    rendered = await runOnline(ds, dialect, { kind: "createIndex", table: "items", index });
    assert.deepEqual(rendered.statements, ["CREATE INDEX `IDX_items_name` ON `items` (`name`) ALGORITHM=INPLACE LOCK=NONE"]);
    rendered = await runOnline(ds, dialect, { kind: "dropIndex", table: "items", index });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` DROP INDEX `IDX_items_name`, ALGORITHM=INPLACE, LOCK=NONE"]);
    // A unique index keeps its data check (a plain SELECT, no clause) before the online build.
    rendered = await runOnline(ds, dialect, {
      kind: "createIndex",
      table: "items",
      index: { ...index, name: "UQ_items_name", unique: true },
    });
    assert.equal(rendered.statements.length, 2);
    assert.equal(rendered.statements[1], "CREATE UNIQUE INDEX `UQ_items_name` ON `items` (`name`) ALGORITHM=INPLACE LOCK=NONE");
    assert.doesNotMatch(rendered.statements[0], /ALGORITHM/);
    const unique = { name: "UQ_items_note", columns: ["note"] };
    rendered = await runOnline(ds, dialect, { kind: "addUnique", table: "items", unique });
    assert.match(rendered.statements.at(-1)!, /UNIQUE \(`note`\), ALGORITHM=INPLACE, LOCK=NONE$/);
    rendered = await runOnline(ds, dialect, { kind: "dropUnique", table: "items", unique });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` DROP INDEX `UQ_items_note`, ALGORITHM=INPLACE, LOCK=NONE"]);

    // The index a foreign key uses: dropped and replaced in one online ALTER; then the key and MySQL's index for it.
    let schema = await dialect.introspect(ds as any);
    const fkIndex = schema.tables.items.indexes.find((i) => i.name === "IDX_items_owner_name")!;
    rendered = await runOnline(ds, dialect, { kind: "dropIndex", table: "items", index: fkIndex });
    assert.match(
      rendered.statements[0],
      /DROP INDEX `IDX_items_owner_name`, ADD INDEX `FK_items_owner` \(`owner_id`\), ALGORITHM=INPLACE, LOCK=NONE$/,
    );
    schema = await dialect.introspect(ds as any);
    rendered = await runOnline(ds, dialect, { kind: "dropForeignKey", table: "items", foreignKey: schema.tables.items.foreignKeys[0] });
    assert.deepEqual(rendered.statements, [
      "ALTER TABLE `items` DROP FOREIGN KEY `FK_items_owner`, ALGORITHM=INPLACE, LOCK=NONE",
      "ALTER TABLE `items` DROP INDEX `FK_items_owner`, ALGORITHM=INPLACE, LOCK=NONE",
    ]);

    schema = await dialect.introspect(ds as any);
    assert.deepEqual(
      schema.tables.items.indexes.map((i) => i.name),
      ["UQ_items_name"],
    );
    assert.deepEqual(
      (await ds.query("SELECT name FROM items ORDER BY id")).map((r: any) => r.name),
      ["apple", "a longer name here"],
    );
  });
});

test("online: a change MariaDB only makes by copying is rendered plainly with a note, since the server would refuse the clause", async () => {
  await withItems(async (ds, dialect) => {
    const qty = await columnOf(ds, dialect, "items", "qty");
    const op = { kind: "alterColumn", table: "items", from: qty, to: { ...qty, type: "bigint" } } as const;
    const rendered = await runOnline(ds, dialect, op);
    assert.equal(rendered.statements.at(-1), "ALTER TABLE `items` MODIFY COLUMN `qty` bigint NOT NULL DEFAULT 0");
    assert.ok(
      rendered.notes.includes("no online form: changing column items.qty copies the table in most cases"),
      rendered.notes.join("; "),
    );
    // Why no clause: the server refuses the in-place form of a type change.
    await assert.rejects(
      ds.query("ALTER TABLE `items` MODIFY COLUMN `qty` int NOT NULL DEFAULT 0, ALGORITHM=INPLACE, LOCK=NONE"),
      /Try ALGORITHM=COPY/,
    );

    const stored: ModelColumn = { name: "twice", type: "int", nullable: true, asExpression: "qty * 2", generatedType: "STORED" };
    const added = await runOnline(ds, dialect, { kind: "addColumn", table: "items", column: stored });
    assert.doesNotMatch(added.statements[0], /ALGORITHM/);
    assert.ok(added.notes.includes("no online form: adding items.twice copies the table"));
    const fulltext = await runOnline(ds, dialect, {
      kind: "createIndex",
      table: "items",
      index: { name: "FT_items_name", columns: ["name"], unique: false, method: "fulltext" },
    });
    assert.equal(fulltext.statements[0], "CREATE FULLTEXT INDEX `FT_items_name` ON `items` (`name`)");
    assert.ok(fulltext.notes[0].startsWith("no online form: a fulltext index on items blocks writes"));
  });
});

test("online on MySQL before 8.0.28: dropping and renaming a column ask for INPLACE, LOCK=NONE (INSTANT comes late there), which MariaDB accepts too", async () => {
  await withItems(async (ds) => {
    const mysql = findDialect("mysql@8.0.20")!;
    let rendered = await runOnline(ds, mysql, { kind: "renameColumn", table: "items", from: "note", to: "remark" });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` RENAME COLUMN `note` TO `remark`, ALGORITHM=INPLACE, LOCK=NONE"]);
    const remark: ModelColumn = { name: "remark", type: "varchar", length: 20, nullable: true };
    rendered = await runOnline(ds, mysql, { kind: "dropColumn", table: "items", column: remark });
    assert.deepEqual(rendered.statements, ["ALTER TABLE `items` DROP COLUMN `remark`, ALGORITHM=INPLACE, LOCK=NONE"]);
    // Without --online nothing changes.
    assert.deepEqual(mysql.render({ kind: "renameColumn", table: "items", from: "a", to: "b" }).statements, [
      "ALTER TABLE `items` RENAME COLUMN `a` TO `b`",
    ]);
  });
});

test("a unique over repeated values stops with the data check; checks and columns come and go", async () => {
  await withItems(async (ds, dialect) => {
    await ds.query("UPDATE items SET name = 'apple'");
    await assert.rejects(
      runOp(ds, dialect, { kind: "addUnique", table: "items", unique: { name: "UQ_items_name", columns: ["name"] } }),
      /Cannot add unique UQ_items_name on items \(name\): 1 value\(s\) appear in more than one row/,
    );
    await runOp(ds, dialect, { kind: "addCheck", table: "items", check: { name: "CK_qty", expression: "qty >= 0" } });
    let schema = await dialect.introspect(ds as any);
    assert.deepEqual(schema.tables.items.checks, [{ name: "CK_qty", expression: "qty >= 0" }]);
    await runOp(ds, dialect, { kind: "dropCheck", table: "items", check: { name: "CK_qty", expression: "qty >= 0" } });
    const column: ModelColumn = { name: "added", type: "varchar", length: 10, nullable: false, default: "'n/a'" };
    await runOp(ds, dialect, { kind: "addColumn", table: "items", column });
    schema = await dialect.introspect(ds as any);
    assert.deepEqual(schema.tables.items.checks, []);
    assert.deepEqual(dialect.comparable(schema.tables.items.columns.find((c) => c.name === "added")!), column);
    await runOp(ds, dialect, { kind: "dropColumn", table: "items", column });
  });
});

test("GET_LOCK: one runner at a time, a lost lock session is noticed", async () => {
  await withDatabase(async (db) => {
    const dialect = findDialect("mariadb")!;
    const a = new DataSource({ type: "mariadb", url: db.url, poolSize: 1 } as any);
    const b = new DataSource({ type: "mariadb", url: db.url, poolSize: 1 } as any);
    await a.initialize();
    await b.initialize();
    const ra = a.createQueryRunner();
    const rb = b.createQueryRunner();
    try {
      await ra.connect();
      await rb.connect();
      const held = await dialect.acquireMigrationLock!(ra, { timeoutMs: 1000 });
      assert.equal(await held.stillHeld!(), true);
      let waited = false;
      await assert.rejects(
        dialect.acquireMigrationLock!(rb, { timeoutMs: 300, onWait: () => (waited = true) }),
        /held the lock for more than/,
      );
      assert.equal(waited, true);
      await held.release();
      const second = await dialect.acquireMigrationLock!(rb, { timeoutMs: 1000 });
      // The lock's session ends (KILL): the runner learns it no longer holds the lock.
      const [{ id }] = await rb.query("SELECT CONNECTION_ID() AS id");
      await ra.query(`KILL ${id}`);
      assert.equal(await second.stillHeld!(), false);
      // A lock in another database is another lock.
      const other = await createMysqlTestDatabase("athanor_my_other");
      const c = new DataSource({ type: "mariadb", url: other.url } as any);
      await c.initialize();
      try {
        const third = await dialect.acquireMigrationLock!(ra, { timeoutMs: 1000 });
        const elsewhere = await dialect.acquireMigrationLock!(c.createQueryRunner(), { timeoutMs: 300 });
        await elsewhere.release().catch(() => undefined);
        await third.release();
      } finally {
        await c.destroy();
        await other.drop();
      }
    } finally {
      await ra.release().catch(() => undefined);
      await rb.release().catch(() => undefined);
      await a.destroy();
      await b.destroy();
    }
  });
});

test("the per-migration claim makes a second runner wait; a signal's KILL QUERY stops the migration's statement", async () => {
  await withDatabase(async (db) => {
    const dialect = findDialect("mariadb")!;
    const a = new DataSource({ type: "mariadb", url: db.url, poolSize: 2 } as any);
    await a.initialize();
    const ra = a.createQueryRunner();
    const rb = a.createQueryRunner();
    try {
      await ra.connect();
      await rb.connect();
      const release = await dialect.migrationClaim!.outsideTransaction(ra, { timeoutMs: 1000 });
      // While A applies a migration, B (which may have taken over a lost run-level lock) waits.
      await assert.rejects(dialect.migrationClaim!.outsideTransaction(rb, { timeoutMs: 300 }), /held the lock for more than/);
      await release();
      const releaseB = await dialect.migrationClaim!.outsideTransaction(rb, { timeoutMs: 1000 });
      await releaseB();

      const cancel = await dialect.statementCanceller!(ra);
      const started = Date.now();
      const sleeping = ra.query("SELECT SLEEP(20) AS slept");
      // Listened to at once: KILL QUERY can fail the statement before
      // `cancel` returns (the two connections' packets come in either order
      // on a loaded machine), and a rejection no one listens to yet fails
      // the test as an unhandled rejection.
      sleeping.catch(() => undefined);
      // Cancelled once the server runs it (a KILL QUERY before that would find nothing to stop).
      for (;;) {
        const running = await rb.query(`SELECT 1 FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(20) AS slept'`);
        if (running.length > 0) break;
        assert.ok(Date.now() - started < 10_000, "the statement never ran");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await cancel(rb);
      // KILL QUERY interrupts the statement: it fails, and at once.
      await assert.rejects(sleeping, /Query execution was interrupted/);
      assert.ok(Date.now() - started < 10_000, "the statement was cancelled");
    } finally {
      await ra.release().catch(() => undefined);
      await rb.release().catch(() => undefined);
      await a.destroy();
    }
  });
});
