/**
 * The experiments behind dialects/mysql/refused-foreign-keys.ts, kept as a
 * test against the real MariaDB: for each foreign-key shape, the tables are
 * created with the statements Athanor renders, and the server refuses them
 * exactly when `Dialect.refusals` says it will (with the E… id it gives).
 * A shape the server starts to take, or one it refuses that Athanor lets
 * through, fails here.
 */
import "reflect-metadata";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createConnection, type Connection } from "mysql2/promise";
import { diff } from "../../src/diff";
import { mariadbDialect } from "../../src/dialects/mysql";
import { apply } from "../../src/schema/apply";
import {
  emptySchema,
  emptyTable,
  type Column,
  type ForeignKey,
  type ForeignKeyAction,
  type Schema,
  type Table,
} from "../../src/schema/model";
import { createMysqlTestDatabase, type MysqlTestDatabase } from "../support/mysql";

const int = (name: string, nullable = false, extra: Partial<Column> = {}): Column => ({ name, type: "integer", nullable, ...extra });

interface Shape {
  what: string;
  parent: Column[];
  child: Column[];
  /** p.id is the primary key; these are uniques and indexes of p besides. */
  uniques?: string[][];
  indexes?: string[][];
  checks?: string[];
  fk: { columns?: string[]; referencedColumns?: string[]; onDelete?: ForeignKeyAction; onUpdate?: ForeignKeyAction };
  /** The id Athanor refuses it with, or undefined when the server takes it. */
  refused?: "E234" | "E235" | "E236";
}

const SHAPES: Shape[] = [
  { what: "ON DELETE SET NULL on a NOT NULL column", parent: [], child: [int("x")], fk: { onDelete: "SET NULL" }, refused: "E234" },
  { what: "ON UPDATE SET NULL on a NOT NULL column", parent: [], child: [int("x")], fk: { onUpdate: "SET NULL" }, refused: "E234" },
  { what: "ON DELETE SET NULL on a nullable column", parent: [], child: [int("x", true)], fk: { onDelete: "SET NULL" } },
  ...(["RESTRICT", "NO ACTION", "CASCADE"] as const).map((onDelete): Shape => ({
    what: `ON UPDATE CASCADE from a nullable column into a NOT NULL one, ON DELETE ${onDelete}`,
    parent: [int("code", true)],
    uniques: [["code"]],
    child: [int("x")],
    fk: { referencedColumns: ["code"], onUpdate: "CASCADE", onDelete },
    refused: onDelete === "RESTRICT" ? "E234" : undefined,
  })),
  {
    what: "ON DELETE CASCADE from a nullable column into a NOT NULL one",
    parent: [int("code", true)],
    uniques: [["code"]],
    child: [int("x")],
    fk: { referencedColumns: ["code"], onDelete: "CASCADE" },
  },
  { what: "bigint to int", parent: [], child: [{ name: "x", type: "bigint", nullable: false }], fk: {}, refused: "E235" },
  { what: "smallint to int", parent: [], child: [{ name: "x", type: "smallint", nullable: false }], fk: {}, refused: "E235" },
  { what: "int unsigned to int", parent: [], child: [int("x", false, { unsigned: true })], fk: {}, refused: "E235" },
  {
    what: "varchar(10) to varchar(20)",
    parent: [{ name: "code", type: "varchar", length: 20, nullable: false }],
    uniques: [["code"]],
    child: [{ name: "x", type: "varchar", length: 10, nullable: false }],
    fk: { referencedColumns: ["code"] },
  },
  {
    what: "char(20) to varchar(20)",
    parent: [{ name: "code", type: "varchar", length: 20, nullable: false }],
    uniques: [["code"]],
    child: [{ name: "x", type: "char", length: 20, nullable: false }],
    fk: { referencedColumns: ["code"] },
  },
  {
    what: "varchar of another collation",
    parent: [{ name: "code", type: "varchar", length: 20, nullable: false, collation: "utf8mb4_bin" }],
    uniques: [["code"]],
    child: [{ name: "x", type: "varchar", length: 20, nullable: false, collation: "utf8mb4_general_ci" }],
    fk: { referencedColumns: ["code"] },
    refused: "E235",
  },
  {
    what: "varchar to int",
    parent: [],
    child: [{ name: "x", type: "varchar", length: 20, nullable: false }],
    fk: {},
    refused: "E235",
  },
  {
    what: "date to timestamp (datetime)",
    parent: [{ name: "at", type: "timestamp", nullable: false }],
    uniques: [["at"]],
    child: [{ name: "x", type: "date", nullable: false }],
    fk: { referencedColumns: ["at"] },
    refused: "E235",
  },
  {
    what: "timestamp(3) to timestamp",
    parent: [{ name: "at", type: "timestamp", nullable: false }],
    uniques: [["at"]],
    child: [{ name: "x", type: "timestamp", precision: 3, nullable: false }],
    fk: { referencedColumns: ["at"] },
  },
  {
    what: "decimal(12,2) to decimal(10,2)",
    parent: [{ name: "amount", type: "decimal", precision: 10, scale: 2, nullable: false }],
    uniques: [["amount"]],
    child: [{ name: "x", type: "decimal", precision: 12, scale: 2, nullable: false }],
    fk: { referencedColumns: ["amount"] },
  },
  {
    what: "float to double",
    parent: [{ name: "v", type: "double", nullable: false }],
    uniques: [["v"]],
    child: [{ name: "x", type: "double", declaredType: "float", nullable: false }],
    fk: { referencedColumns: ["v"] },
    refused: "E235",
  },
  {
    what: "varchar(36) to uuid",
    parent: [{ name: "u", type: "uuid", nullable: false }],
    uniques: [["u"]],
    child: [{ name: "x", type: "varchar", length: 36, nullable: false }],
    fk: { referencedColumns: ["u"] },
    refused: "E235",
  },
  {
    what: "a referenced column without an index",
    parent: [int("code")],
    child: [int("x")],
    fk: { referencedColumns: ["code"] },
    refused: "E236",
  },
  {
    what: "a referenced column with a plain index",
    parent: [int("code")],
    indexes: [["code"]],
    child: [int("x")],
    fk: { referencedColumns: ["code"] },
  },
  {
    what: "the first column of a two-column unique",
    parent: [int("a"), int("b")],
    uniques: [["a", "b"]],
    child: [int("x")],
    fk: { referencedColumns: ["a"] },
  },
  {
    what: "the second column of a two-column unique",
    parent: [int("a"), int("b")],
    uniques: [["a", "b"]],
    child: [int("x")],
    fk: { referencedColumns: ["b"] },
    refused: "E236",
  },
  {
    what: "ON UPDATE CASCADE on a STORED generated column",
    parent: [],
    child: [int("x", true, { asExpression: '"id" * 2', generatedType: "STORED" })],
    fk: { onUpdate: "CASCADE" },
    refused: "E234",
  },
  {
    what: "ON UPDATE CASCADE on a column a STORED generated column reads",
    parent: [],
    child: [int("x", true), int("g", true, { asExpression: '"x" * 2', generatedType: "STORED" })],
    fk: { onUpdate: "CASCADE" },
    refused: "E234",
  },
  {
    what: "ON DELETE CASCADE on a column a STORED generated column reads",
    parent: [],
    child: [int("x", true), int("g", true, { asExpression: '"x" * 2', generatedType: "STORED" })],
    fk: { onDelete: "CASCADE" },
  },
  {
    what: "ON UPDATE CASCADE on a column a check names",
    parent: [],
    child: [int("x")],
    checks: ['"x" > 0'],
    fk: { onUpdate: "CASCADE" },
    refused: "E234",
  },
  { what: "ON DELETE CASCADE on a column a check names", parent: [], child: [int("x")], checks: ['"x" > 0'], fk: { onDelete: "CASCADE" } },
];

/** The server's errors for a foreign key it refuses. */
const SERVER_REFUSES_FOREIGN_KEY =
  /errno: 150 "Foreign key constraint is incorrectly formed"|cannot be used in the (CHECK|GENERATED ALWAYS AS) clause|on a generated column/;

function schemaOf(shape: Shape): Schema {
  const parent: Table = {
    ...emptyTable("p"),
    columns: [int("id"), ...shape.parent],
    primaryKey: { columns: ["id"] },
    uniques: (shape.uniques ?? []).map((columns, i) => ({ name: `UQ_p_${i}`, columns })),
    indexes: (shape.indexes ?? []).map((columns, i) => ({ name: `IDX_p_${i}`, columns, unique: false })),
  };
  const fk: ForeignKey = {
    name: "FK_c_p",
    columns: shape.fk.columns ?? ["x"],
    referencedTable: "p",
    referencedColumns: shape.fk.referencedColumns ?? ["id"],
    onDelete: shape.fk.onDelete ?? "NO ACTION",
    onUpdate: shape.fk.onUpdate ?? "NO ACTION",
  };
  const child: Table = {
    ...emptyTable("c"),
    columns: [int("id"), ...shape.child],
    primaryKey: { columns: ["id"] },
    foreignKeys: [fk],
    checks: (shape.checks ?? []).map((expression, i) => ({ name: `CHK_c_${i}`, expression })),
  };
  return { tables: { p: parent, c: child } };
}

describe("MariaDB refuses a foreign key exactly when Athanor says it will", () => {
  let database: MysqlTestDatabase;
  let connection: Connection;
  before(async () => {
    database = await createMysqlTestDatabase("athanor_fk");
    connection = await createConnection(database.url);
  });
  after(async () => {
    await connection?.end();
    await database?.drop();
  });

  for (const shape of SHAPES) {
    test(`${shape.what}: ${shape.refused ? `refused (${shape.refused})` : "taken"}`, async () => {
      const schema = schemaOf(shape);
      const refusals = mariadbDialect.refusals!(schema);
      assert.deepEqual(
        refusals.map((r) => r.id),
        shape.refused ? [shape.refused] : [],
        refusals.map((r) => r.problem).join("\n"),
      );
      await connection.query("DROP TABLE IF EXISTS `c`, `p`");
      let failure: Error | undefined;
      let current = emptySchema();
      try {
        for (const op of diff(emptySchema(), schema, { comparable: (c) => mariadbDialect.comparable(c) }).operations) {
          for (const sql of mariadbDialect.render(op, { schema: current }).statements) await connection.query(sql);
          current = apply(current, op);
        }
      } catch (error) {
        failure = error as Error;
      }
      if (shape.refused) {
        assert.ok(failure, `MariaDB took it, though Athanor refuses: ${refusals[0]?.problem}`);
        assert.match(failure.message, SERVER_REFUSES_FOREIGN_KEY);
      } else assert.equal(failure, undefined, `MariaDB refused it, though Athanor lets it through: ${failure?.message}`);
    });
  }
});
