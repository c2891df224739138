/**
 * The MySQL dialect by server version, on the real MariaDB 10.11 of this
 * machine: the connected dialect reads the server's version; what older
 * servers and MySQL get instead (CHANGE COLUMN for a rename, the portable
 * data check) is portable SQL, so it is forced here (`findDialect("mariadb@10.4")`,
 * `"mysql@8.0"`) and executed for real, rows checked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DataSource } from "typeorm";
import { findDialect } from "../../src/dialects";
import type { Dialect } from "../../src/dialects/dialect";
import { executeOperation } from "../../src/migration-api/execute";
import type { Column as ModelColumn, Schema } from "../../src/schema/model";
import { createMysqlTestDatabase } from "../support/mysql";

async function withItems(run: (ds: DataSource) => Promise<void>): Promise<void> {
  const db = await createMysqlTestDatabase("athanor_versions");
  const ds = new DataSource({ type: "mysql", url: db.url });
  try {
    await ds.initialize();
    await ds.query(
      "CREATE TABLE items (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, " +
        "note varchar(20) COLLATE utf8mb4_bin NULL DEFAULT 'none' COMMENT 'free text', qty int NOT NULL DEFAULT 0)",
    );
    await ds.query("INSERT INTO items (name, note, qty) VALUES ('apple', NULL, 3), ('a longer name here', 'x', 7), ('pear', DEFAULT, 1)");
    await run(ds);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
  }
}

async function runOp(ds: DataSource, dialect: Dialect, op: Parameters<Dialect["render"]>[0]): Promise<string[]> {
  const schema: Schema | undefined = dialect.needsSchema(op) ? await dialect.introspect(ds as any) : undefined;
  const statements = dialect.render(op, { schema }).statements;
  for (const sql of statements) await ds.query(sql);
  return statements;
}

async function columnOf(ds: DataSource, name: string): Promise<ModelColumn | undefined> {
  const schema = await findDialect("mariadb")!.introspect(ds as any);
  return schema.tables.items.columns.find((c) => c.name === name);
}

test("the connected dialect reads the server's version once and renders for it", async () => {
  await withItems(async (ds) => {
    const queryRunner = ds.createQueryRunner();
    try {
      const version = String((await ds.query("SELECT VERSION() AS v"))[0].v);
      assert.match(version, /MariaDB/, "this machine runs MariaDB");
      const dialect = await findDialect("mysql")!.forServer!(queryRunner);
      assert.equal(dialect, await findDialect("mysql")!.forServer!(queryRunner), "the same dialect for the same connection");
      assert.equal(dialect, findDialect(`mysql@mariadb-${/^\d+\.\d+\.\d+/.exec(version)![0]}`), "the dialect of the server's version");
      // MariaDB 10.5+: RENAME COLUMN, and the data check is the compound statement that carries the count.
      assert.deepEqual(dialect.render({ kind: "renameColumn", table: "items", from: "a", to: "b" }).statements, [
        "ALTER TABLE `items` RENAME COLUMN `a` TO `b`",
      ]);
    } finally {
      await queryRunner.release();
    }
  });
});

test("a migration's op() renders for the server behind its query runner", async () => {
  await withItems(async (ds) => {
    const queryRunner = ds.createQueryRunner();
    const sent: string[] = [];
    const query = queryRunner.query.bind(queryRunner);
    queryRunner.query = ((sql: string, ...rest: any[]) => (sent.push(sql), query(sql, ...rest))) as any;
    try {
      const note = (await columnOf(ds, "note"))!;
      await executeOperation(queryRunner as any, { kind: "alterColumn", table: "items", from: note, to: { ...note, length: 2 } }).then(
        () => assert.fail("the narrowing should have been stopped"),
        (error) => {
          // MariaDB's compound statement counts the rows: 'none' holds more than 2 characters.
          assert.match(
            findDialect("mysql")!.dataCheckFailure!(error) ?? "",
            /^Cannot change items.note to varchar\(2\): 1 row\(s\) of items/,
          );
        },
      );
      // The dialect's own read (introspection, which a rename needs, reads VERSION() beside DATABASE()).
      const versionReads = () => sent.filter((s) => s === "SELECT VERSION() AS version").length;
      assert.equal(versionReads(), 1, "the version is read once");
      assert.match(sent.find((s) => /athanor|BEGIN NOT ATOMIC/.test(s)) ?? "", /^BEGIN NOT ATOMIC/, "MariaDB's own form with the count");
      await executeOperation(queryRunner as any, { kind: "renameColumn", table: "items", from: "qty", to: "quantity" });
      assert.equal(versionReads(), 1, "still once per connection");
    } finally {
      await queryRunner.release();
    }
  });
});

test("rename on a server without RENAME COLUMN: CHANGE with the full definition, executed, rows and definition kept", async () => {
  await withItems(async (ds) => {
    const old = findDialect("mariadb@10.4")!;
    const before = (await columnOf(ds, "note"))!;
    const statements = await runOp(ds, old, { kind: "renameColumn", table: "items", from: "note", to: "remark" });
    assert.deepEqual(statements, [
      "ALTER TABLE `items` CHANGE COLUMN `note` `remark` varchar(20) COLLATE utf8mb4_bin NULL DEFAULT 'none' COMMENT 'free text'",
    ]);
    assert.deepEqual(
      (await ds.query("SELECT remark FROM items ORDER BY id")).map((r: any) => r.remark),
      [null, "x", "none"],
    );
    assert.deepEqual(await columnOf(ds, "remark"), { ...before, name: "remark" }, "type, collation, default and comment kept");
    assert.equal(await columnOf(ds, "note"), undefined);

    // A change that renames too is one CHANGE, which also keeps the rows.
    const remark = (await columnOf(ds, "remark"))!;
    const changed = await runOp(ds, old, {
      kind: "alterColumn",
      table: "items",
      from: remark,
      to: { ...remark, name: "note", length: 40 },
    });
    assert.deepEqual(changed, [
      "ALTER TABLE `items` CHANGE COLUMN `remark` `note` varchar(40) COLLATE utf8mb4_bin NULL DEFAULT 'none' COMMENT 'free text'",
    ]);
    assert.deepEqual(await columnOf(ds, "note"), { ...before, length: 40 });
    assert.deepEqual(
      (await ds.query("SELECT note FROM items ORDER BY id")).map((r: any) => r.note),
      [null, "x", "none"],
    );

    // The same rename on a current server: RENAME COLUMN, same result.
    await runOp(ds, findDialect("mariadb")!, { kind: "renameColumn", table: "items", from: "note", to: "remark" });
    assert.deepEqual(await columnOf(ds, "remark"), { ...before, name: "remark", length: 40 });
  });
});

test("MySQL's data check (a plain SELECT) stops a narrowing change on the server with its sentence, and lets a fitting one through", async () => {
  await withItems(async (ds) => {
    const mysql = findDialect("mysql@8.0")!;
    const name = (await columnOf(ds, "name"))!;
    let failed: unknown;
    await runOp(ds, mysql, { kind: "alterColumn", table: "items", from: name, to: { ...name, length: 10 } }).catch(
      (error) => (failed = error),
    );
    assert.ok(failed, "the check stops the change");
    assert.equal((failed as any).code, "ER_SUBQUERY_NO_1_ROW");
    assert.equal(
      mysql.dataCheckFailure!(failed),
      "Cannot change items.name to varchar(10): some row(s) of items hold longer values. Shorten them first, or keep the length.",
    );
    assert.equal((await columnOf(ds, "name"))!.length, 50, "nothing changed");

    // NOT NULL over NULLs, and a unique over repeated values.
    const note = (await columnOf(ds, "note"))!;
    await assert.rejects(
      runOp(ds, mysql, { kind: "alterColumn", table: "items", from: note, to: { ...note, nullable: false, default: undefined } }),
      (error) => /NOT NULL: it is NULL in some row\(s\) of items/.test(mysql.dataCheckFailure!(error) ?? ""),
    );
    await ds.query("UPDATE items SET qty = 1");
    await assert.rejects(
      runOp(ds, mysql, { kind: "addUnique", table: "items", unique: { name: "UQ_items_qty", columns: ["qty"] } }),
      (error) =>
        /Cannot add unique UQ_items_qty on items \(qty\): some value\(s\) appear in more than one row/.test(
          mysql.dataCheckFailure!(error) ?? "",
        ),
    );

    // Where every row fits, the check returns its one row and the change runs.
    const statements = await runOp(ds, mysql, { kind: "alterColumn", table: "items", from: name, to: { ...name, length: 20 } });
    assert.match(statements[0], /^SELECT \(SELECT 'athanor data check: no rows in the way'/);
    assert.deepEqual(await ds.query(statements[0]), [{ "athanor data check": "athanor data check: no rows in the way" }]);
    assert.equal((await columnOf(ds, "name"))!.length, 20);
    assert.deepEqual(
      (await ds.query("SELECT name FROM items ORDER BY id")).map((r: any) => r.name),
      ["apple", "a longer name here", "pear"],
    );
  });
});
