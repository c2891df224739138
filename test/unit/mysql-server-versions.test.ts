/**
 * The MySQL dialect by server version (src/dialects/mysql/server.ts): the
 * version text each server prints, the capability table, offline names
 * (`--dialect mysql@8.0`), and what depends on them — rename rendering, the
 * data check's form, the online algorithm — plus MySQL 8's catalog
 * spellings, from rows as MySQL 8.0's information_schema reports them (its
 * manual: COLUMNS.EXTRA holds DEFAULT_GENERATED for expression defaults,
 * CHECK_CONSTRAINTS from 8.0.16). No MySQL 8 server runs here: these rows
 * are written from the manual, the MariaDB behaviour is tested for real in
 * test/dialect/mysql-versions.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { findDialect } from "../../src/dialects";
import { capabilitiesOf, DEFAULT_SERVER, namedServer, parseServerVersion } from "../../src/dialects/mysql/server";
import { readDefault, comparableDefault } from "../../src/dialects/mysql/defaults";
import { readCheckClause, mysqlPrinted } from "../../src/dialects/mysql/expressions";
import { comparableCollation, comparableColumn } from "../../src/dialects/mysql/comparable";
import { dataCheckStatement, portableDataCheckFailure } from "../../src/dialects/mysql/data-check";
import type { Column, ForeignKey, Schema } from "../../src/schema/model";
import { emptyTable } from "../../src/schema/model";
import { mysqlStatementRules } from "../../src/dialects/mysql/lock-rules";
import { mysqlStatementCost } from "../../src/dialects/mysql/statement-cost";

test("VERSION() text of each server is read into its kind and numbers", () => {
  assert.deepEqual(parseServerVersion("10.11.19-MariaDB-0+deb12u1"), { kind: "mariadb", major: 10, minor: 11, patch: 19 });
  assert.deepEqual(parseServerVersion("5.5.5-10.4.32-MariaDB-log"), { kind: "mariadb", major: 10, minor: 4, patch: 32 });
  assert.deepEqual(parseServerVersion("8.0.36"), { kind: "mysql", major: 8, minor: 0, patch: 36 });
  assert.deepEqual(parseServerVersion("8.0.36-0ubuntu0.22.04.1"), { kind: "mysql", major: 8, minor: 0, patch: 36 });
  assert.deepEqual(parseServerVersion("5.7.44-log"), { kind: "mysql", major: 5, minor: 7, patch: 44 });
  assert.throws(() => parseServerVersion("unknown"), /cannot read the server version "unknown"/);
});

test("the capability table follows the documented versions", () => {
  const at = (text: string) => capabilitiesOf(parseServerVersion(text));
  assert.equal(at("10.4.32-MariaDB").renameColumn, false);
  assert.equal(at("10.5.2-MariaDB").renameColumn, true);
  assert.equal(at("5.7.44").renameColumn, false);
  assert.equal(at("8.0.3").renameColumn, true);
  assert.equal(at("8.0.15").enforcedChecks, false);
  assert.equal(at("8.0.16").enforcedChecks, true);
  assert.equal(at("10.11.6-MariaDB").anonymousBlocks, true);
  assert.equal(at("8.4.0").anonymousBlocks, false);
  assert.equal(at("8.0.36").defaultCollation, "utf8mb4_0900_ai_ci");
  assert.equal(at("10.11.6-MariaDB").defaultCollation, "utf8mb4_general_ci");
  assert.equal(at("8.0.12").instantAddColumn, true);
  assert.equal(at("8.0.11").instantAddColumn, false);
  assert.equal(at("8.0.28").instantDropColumn, false);
  assert.equal(at("8.0.29").instantDropColumn, true);
  assert.equal(at("8.0.27").instantRenameColumn, false);
  assert.equal(at("8.0.28").instantRenameColumn, true);
  assert.equal(at("8.0.36").jsonType, "native");
  assert.equal(at("10.11.6-MariaDB").jsonType, "longtext");
  // Offline, without a named server: the newest server tested.
  assert.deepEqual(DEFAULT_SERVER, { kind: "mariadb", major: 10, minor: 11, patch: 0 });
});

test("a server named offline: a version, optionally with the server's name; 10 and up is MariaDB", () => {
  // Without a patch number: the newest of the series.
  assert.deepEqual(namedServer("8.0"), { kind: "mysql", major: 8, minor: 0, patch: 9999 });
  assert.equal(capabilitiesOf(namedServer("8.0")!).enforcedChecks, true);
  assert.deepEqual(namedServer("10.4.3"), { kind: "mariadb", major: 10, minor: 4, patch: 3 });
  assert.deepEqual(namedServer("mysql-8.0.20"), { kind: "mysql", major: 8, minor: 0, patch: 20 });
  assert.deepEqual(namedServer("MariaDB-11.4.2"), { kind: "mariadb", major: 11, minor: 4, patch: 2 });
  assert.equal(namedServer("latest"), undefined);
  assert.equal(findDialect("mysql@latest"), undefined);
  assert.equal(findDialect("postgres@15"), undefined, "a dialect without versions takes none");
  assert.equal(findDialect("mysql@8.0")!.name, "mysql");
  assert.equal(findDialect("mysql@8.0.36"), findDialect("mysql@8.0.36"), "one dialect object per server version");
  assert.notEqual(findDialect("mysql@8.0.36"), findDialect("mysql@8.0.20"));
});

const note: Column = { name: "note", type: "varchar", length: 20, nullable: true, default: "'none'", comment: "free text" };

function itemsSchema(): Schema {
  const items = emptyTable("items");
  items.columns.push({ name: "id", type: "integer", nullable: false, generated: "increment" }, note);
  return { tables: { items } };
}

test("renameColumn: RENAME COLUMN where the server has it, CHANGE with the full definition where not", () => {
  const op = { kind: "renameColumn" as const, table: "items", from: "note", to: "remark" };
  for (const type of ["mariadb", "mysql@8.0", "mariadb@10.5.2"]) {
    const dialect = findDialect(type)!;
    // Everywhere: the schema says whether TypeORM's record of a generated column moves too.
    assert.equal(dialect.needsSchema(op), true, type);
    assert.deepEqual(
      dialect.render(op, { schema: itemsSchema() }).statements,
      ["ALTER TABLE `items` RENAME COLUMN `note` TO `remark`"],
      type,
    );
  }
  for (const type of ["mariadb@10.4", "mysql@5.7"]) {
    const dialect = findDialect(type)!;
    assert.equal(dialect.needsSchema(op), true, type);
    assert.deepEqual(
      dialect.render(op, { schema: itemsSchema() }).statements,
      ["ALTER TABLE `items` CHANGE COLUMN `note` `remark` varchar(20) NULL DEFAULT 'none' COMMENT 'free text'"],
      type,
    );
    assert.throws(
      () => dialect.render(op, { schema: { tables: {} } }),
      /cannot rename column items.note: the column is not in the database/,
    );
  }
  // A change that also renames is one CHANGE there, MODIFY then RENAME elsewhere.
  const alter = { kind: "alterColumn" as const, table: "items", from: note, to: { ...note, name: "remark", length: 40 } };
  assert.deepEqual(findDialect("mariadb@10.4")!.render(alter).statements, [
    "ALTER TABLE `items` CHANGE COLUMN `note` `remark` varchar(40) NULL DEFAULT 'none' COMMENT 'free text'",
  ]);
  assert.deepEqual(findDialect("mariadb")!.render(alter).statements, [
    "ALTER TABLE `items` MODIFY COLUMN `note` varchar(40) NULL DEFAULT 'none' COMMENT 'free text'",
    "ALTER TABLE `items` RENAME COLUMN `note` TO `remark`",
  ]);
});

test("data checks: BEGIN NOT ATOMIC on MariaDB, one plain SELECT on MySQL; the runner reads the sentence back", () => {
  const narrow = { kind: "alterColumn" as const, table: "items", from: note, to: { ...note, length: 5 } };
  const [mariadbCheck] = findDialect("mariadb")!.render(narrow).statements;
  assert.match(mariadbCheck, /^BEGIN NOT ATOMIC /);
  const [mysqlCheck, modify] = findDialect("mysql@8.0")!.render(narrow).statements;
  assert.equal(
    mysqlCheck,
    "SELECT (SELECT 'athanor data check: no rows in the way' UNION ALL SELECT REPLACE(" +
      "'Cannot change items.note to varchar(5): {rows} row(s) of items hold longer values. Shorten them first, or keep the length.', '{rows}', count(*)) " +
      "FROM `items` WHERE CHAR_LENGTH(CAST(`note` AS CHAR)) > 5 HAVING count(*) > 0) AS `athanor data check`",
  );
  assert.match(modify, /^ALTER TABLE `items` MODIFY COLUMN `note` varchar\(5\)/);

  // What mysql2 (through TypeORM's QueryFailedError) gives the runner when the subquery finds rows.
  const failure = { code: "ER_SUBQUERY_NO_1_ROW", errno: 1242, sqlMessage: "Subquery returns more than 1 row", query: mysqlCheck };
  assert.equal(
    findDialect("mysql@8.0")!.dataCheckFailure!(failure),
    "Cannot change items.note to varchar(5): some row(s) of items hold longer values. Shorten them first, or keep the length.",
  );
  assert.equal(portableDataCheckFailure({ ...failure, query: "SELECT (SELECT 1 UNION SELECT 2)" }), undefined, "another subquery's error");
  assert.equal(portableDataCheckFailure({ code: "ER_PARSE_ERROR", query: mysqlCheck }), undefined);
  // A sentence with a quote and a backslash survives the round trip through the literal.
  const odd = dataCheckStatement("t", { kind: "notNull", condition: "`c` IS NULL", message: "it's {rows} a\\b" }, false);
  assert.equal(portableDataCheckFailure({ errno: 1242, query: odd }), "it's some a\\b");
});

test("online: INSTANT where the server has it for the operation, INPLACE, LOCK=NONE before", () => {
  const drop = { kind: "dropColumn" as const, table: "items", column: note };
  const rename = { kind: "renameColumn" as const, table: "items", from: "note", to: "remark" };
  const add = { kind: "addColumn" as const, table: "items", column: note };
  const online = { online: { online: true } };
  const statement = (type: string, op: any) => findDialect(type)!.render(op, { ...online, schema: itemsSchema() }).statements[0];
  assert.match(statement("mysql@8.0.29", drop), /, ALGORITHM=INSTANT$/);
  assert.match(statement("mysql@8.0.28", drop), /, ALGORITHM=INPLACE, LOCK=NONE$/);
  assert.match(statement("mysql@8.0.28", rename), /RENAME COLUMN .*, ALGORITHM=INSTANT$/);
  assert.match(statement("mysql@8.0.27", rename), /, ALGORITHM=INPLACE, LOCK=NONE$/);
  assert.match(statement("mysql@8.0.11", add), /, ALGORITHM=INPLACE, LOCK=NONE$/);
  assert.match(statement("mariadb", add), /, ALGORITHM=INSTANT$/);
  assert.match(statement("mariadb@10.4", rename), /^ALTER TABLE `items` CHANGE COLUMN .*, ALGORITHM=INPLACE, LOCK=NONE$/);
});

test("MySQL before 8.0.16 ignores CHECK: the rendering says so", () => {
  const op = { kind: "addCheck" as const, table: "items", check: { name: "CK_qty", expression: "qty >= 0" } };
  assert.deepEqual(findDialect("mysql@8.0.15")!.render(op).notes, [
    "check CK_qty is not enforced: MySQL before 8.0.16 accepts CHECK and ignores it",
  ]);
  assert.deepEqual(findDialect("mysql@8.0.16")!.render(op).notes, []);
});

test("MySQL before 8.0.13 refuses an expression default: the rendering says the statement fails there", () => {
  const add = (column: Column) => ({ kind: "addColumn" as const, table: "items", column });
  const uuid: Column = { name: "ref", type: "varchar", length: 36, nullable: false, default: "uuid()" };
  const body: Column = { name: "body", type: "text", nullable: false, default: "'none'" };
  assert.deepEqual(findDialect("mysql@8.0.12")!.render(add(uuid)).notes, [
    "fails on MySQL before 8.0.13: column ref has an expression default (uuid())",
  ]);
  assert.deepEqual(findDialect("mysql@8.0.12")!.render(add(body)).notes, [
    "fails on MySQL before 8.0.13: column body has an expression default ('none')",
  ]);
  assert.deepEqual(findDialect("mysql@8.0.12")!.render(add(note)).notes, [], "a literal default on a varchar is no expression");
  assert.deepEqual(findDialect("mysql@8.0.13")!.render(add(uuid)).notes, []);
});

/**
 * information_schema.COLUMNS rows as MySQL 8.0 reports them: a literal's bare
 * value with an empty EXTRA; an expression default (8.0.13+) and
 * CURRENT_TIMESTAMP marked DEFAULT_GENERATED, the expression printed escaped
 * as a string with charset introducers on its literals.
 */
const MYSQL8_DEFAULTS: Array<{ columnDefault: string; extra: string; type: string; canonical: string; entity: string }> = [
  { columnDefault: "abc", extra: "", type: "varchar", canonical: "'abc'", entity: "'abc'" },
  { columnDefault: "it's", extra: "", type: "varchar", canonical: "'it''s'", entity: "'it''s'" },
  { columnDefault: "1.50", extra: "", type: "decimal", canonical: "1.50", entity: "1.5" },
  { columnDefault: "CURRENT_TIMESTAMP", extra: "DEFAULT_GENERATED", type: "datetime", canonical: "CURRENT_TIMESTAMP", entity: "now()" },
  {
    columnDefault: "CURRENT_TIMESTAMP(6)",
    extra: "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)",
    type: "datetime",
    canonical: "CURRENT_TIMESTAMP",
    entity: "CURRENT_TIMESTAMP(6)",
  },
  { columnDefault: "uuid()", extra: "DEFAULT_GENERATED", type: "varchar", canonical: "uuid()", entity: "(uuid())" },
  { columnDefault: "_utf8mb4\\'none\\'", extra: "DEFAULT_GENERATED", type: "text", canonical: "'none'", entity: "'none'" },
  {
    columnDefault: "concat(_utf8mb4\\'a\\',`code`)",
    extra: "DEFAULT_GENERATED",
    type: "varchar",
    canonical: "concat('a',code)",
    entity: "concat('a', \"code\")",
  },
  { columnDefault: "json_array()", extra: "DEFAULT_GENERATED", type: "json", canonical: "json_array()", entity: "(JSON_ARRAY())" },
];

test("MySQL 8 column defaults read into the entities' spelling and compare equal", () => {
  for (const row of MYSQL8_DEFAULTS) {
    const canonical = readDefault(row.columnDefault, row.extra, false);
    assert.equal(canonical, row.canonical, row.columnDefault);
    assert.equal(
      comparableDefault(canonical, row.type)?.toLowerCase(),
      comparableDefault(row.entity, row.type)?.toLowerCase(),
      `${row.columnDefault} against the entity's ${row.entity}`,
    );
  }
  // No default at all.
  assert.equal(readDefault(null, "", false), undefined);
});

test("MySQL 8 CHECK_CLAUSE (outer parentheses, introducers, escaped quotes) and MariaDB's read alike", () => {
  assert.equal(readCheckClause("(`score` >= 0)"), "score >= 0");
  assert.equal(readCheckClause("`score` >= 0"), "score >= 0");
  assert.equal(readCheckClause("(`status` in (_utf8mb4\\'new\\',_utf8mb4\\'paid\\'))"), "status IN ('new','paid')");
  assert.equal(readCheckClause("((`a` > 0) and (`b` > 0))"), "(a > 0) AND (b > 0)");
  assert.equal(readCheckClause("(`a` > 0) or (`b` > 0)"), "(a > 0) OR (b > 0)", "two groups are not one outer pair");
  assert.equal(readCheckClause("`note` <> 'it\\'s'"), "note <> 'it''s'", "MariaDB's escaped quote inside a literal");
  assert.equal(mysqlPrinted("concat('_x',`c`)"), "concat('_x',`c`)", "a literal's text is never an introducer");
});

test("collations: MySQL 8's default is no change on MySQL 8; utf8 is utf8mb3; MariaDB keeps what it is told", () => {
  const mysql8 = capabilitiesOf(parseServerVersion("8.0.36"));
  const mariadb = capabilitiesOf(DEFAULT_SERVER);
  assert.equal(comparableCollation("utf8mb4_0900_ai_ci", mysql8), undefined);
  assert.equal(comparableCollation("utf8mb4_bin", mysql8), "utf8mb4_bin");
  assert.equal(comparableCollation("utf8_general_ci", mysql8), "utf8mb3_general_ci");
  assert.equal(comparableCollation("utf8mb4_general_ci", mariadb), "utf8mb4_general_ci");
  const entity: Column = { name: "title", type: "varchar", length: 80, nullable: false, collation: "utf8mb4_0900_ai_ci" };
  // The introspected column of a utf8mb4_0900_ai_ci table reports no collation of its own.
  const { collation: _none, ...live } = entity;
  assert.deepEqual(comparableColumn(entity, "mysql", mysql8), comparableColumn(live, "mysql", mysql8));
  assert.notDeepEqual(comparableColumn(entity, "mysql", mariadb), comparableColumn(live, "mysql", mariadb));
  assert.deepEqual(findDialect("mysql@8.0")!.comparable(entity), findDialect("mysql@8.0")!.comparable(live));
});

test("a rename rendered as CHANGE COLUMN is judged a rename: no table copy (AT-L008), a catalog change in the plan", () => {
  const op = { kind: "renameColumn" as const, table: "items", from: "note", to: "remark" };
  const [statement] = findDialect("mariadb@10.4")!.render(op, { schema: itemsSchema() }).statements;
  const context = { created: new Set<string>(), earlier: [], operation: op };
  assert.deepEqual(mysqlStatementRules(statement, context), []);
  const cost = mysqlStatementCost(statement, { operation: op })!;
  assert.deepEqual([cost.table, cost.effect, cost.blocksWrites, cost.reason], ["items", "catalog", false, "renames a column (in place)"]);
  // The same statement from a real change of type still is one.
  const alter = { kind: "alterColumn" as const, table: "items", from: note, to: { ...note, name: "remark", type: "text" } };
  const [changed] = findDialect("mariadb@10.4")!.render(alter).statements;
  assert.deepEqual(
    mysqlStatementRules(changed, { ...context, operation: alter }).map((f) => f.code),
    ["AT-L008"],
  );
});

test("a deferrable foreign key is created as a plain one, with a note; a live key is read with the entity's timing", () => {
  const mariadb = findDialect("mariadb")!;
  const fk: ForeignKey = {
    name: "FK_books_editor",
    columns: ["editor_id"],
    referencedTable: "authors",
    referencedColumns: ["id"],
    onDelete: "NO ACTION",
    onUpdate: "NO ACTION",
  };
  const deferred: ForeignKey = { ...fk, deferrable: "INITIALLY DEFERRED" };
  const rendered = mariadb.render({ kind: "addForeignKey", table: "books", foreignKey: deferred });
  assert.doesNotMatch(rendered.statements.join(";"), /DEFERRABLE/);
  assert.deepEqual(rendered.notes, ["MySQL has no deferrable foreign keys: FK_books_editor is checked at once, not at COMMIT"]);
  const table = (foreignKey: ForeignKey) => ({ ...emptyTable("books"), foreignKeys: [foreignKey] });
  const live: Schema = { tables: { books: table(fk) } };
  const read = mariadb.readAsDeclared!(live, { tables: { books: table(deferred) } });
  assert.deepEqual(read.tables.books.foreignKeys, [deferred]);
  // Another key (other action) is not taken for the declared one.
  const other = mariadb.readAsDeclared!(
    { tables: { books: table({ ...fk, onDelete: "CASCADE" }) } },
    { tables: { books: table(deferred) } },
  );
  assert.equal(other.tables.books.foreignKeys[0].deferrable, undefined);
});
