/**
 * Entities in PostgreSQL schemas other than the default one
 * (`@Entity({ schema: "billing" })`), v1 → v2 → v3 with rows, with the real
 * CLI: a new entity in a new schema creates the schema first and its `down`
 * drops it; a foreign key crosses schemas; the enum type lives in the
 * table's schema; a column of a table in that schema is renamed and altered
 * keeping its rows; a schema that existed before is neither created nor
 * dropped. On SQLite, which has no schemas, the option is ignored as
 * TypeORM ignores it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const CUSTOMER = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "customers" })
export class Customer {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) name: string;
}
`;

const invoice = (columns: string, values: string[]) => `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Customer } from "./Customer";

@Entity("invoices", { schema: "billing" })
export class Invoice {
  @PrimaryGeneratedColumn() id: number;
${columns}
  @Column({ type: "enum", enum: [${values.map((v) => JSON.stringify(v)).join(", ")}], default: "open" }) status: string;
  @ManyToOne(() => Customer, { nullable: false, onDelete: "CASCADE" }) customer: Customer;
}
`;

const INVOICE_V2 = invoice(`  @Column({ type: "integer" }) amount: number;\n  @Column({ type: "varchar", length: 20 }) note: string;`, [
  "open",
  "paid",
]);
const INVOICE_V3 = invoice(`  @Column({ type: "integer" }) total: number;\n  @Column({ type: "varchar", length: 60 }) note: string;`, [
  "open",
  "paid",
  "void",
]);

async function schemaExists(project: TestProject, name: string): Promise<boolean> {
  const found = await rows(project, `SELECT 1 AS found FROM pg_namespace WHERE nspname = '${name}'`);
  return found.length === 1;
}

describe("postgres: entities in a non-default schema", () => {
  let project: TestProject;
  let v1Schema: Schema;
  before(async () => {
    ({ project, v1Schema } = await atVersion1("postgres", {
      v1: { "Customer.ts": CUSTOMER },
      seed: [`INSERT INTO customers (name) VALUES ('Ada'), ('Grace')`],
    }));
  });
  after(async () => project.cleanup());

  test("a new entity in a new schema: schema created first, cross-schema foreign key, enum type in the schema; down drops the schema", async () => {
    const generated = await generateVersion2(project, { "Invoice.ts": INVOICE_V2 });
    const createSchema = generated.up.indexOf(`createSchema("billing")`);
    const createTable = generated.up.indexOf(`createTable(`);
    assert.ok(createSchema >= 0 && createTable > createSchema, `createSchema before createTable:\n${generated.up}`);
    assert.match(generated.header, /create schema billing/);

    await project.ok(["run"]);
    assert.ok(await schemaExists(project, "billing"));
    assert.deepEqual(
      await rows(
        project,
        `SELECT n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'invoices_status_enum'`,
      ),
      [{ nspname: "billing" }],
    );
    assert.deepEqual(await rows(project, `SELECT to_regclass('public.invoices') AS t`), [{ t: null }]);
    await project.query(`INSERT INTO billing.invoices (amount, note, "customerId") VALUES (10, 'a', 1), (20, 'b', 2)`);
    await assert.rejects(project.query(`INSERT INTO billing.invoices (amount, note, "customerId") VALUES (30, 'c', 99)`), /foreign key/);
    await assertNoChanges(project);

    await project.ok(["revert"]);
    assert.equal(await schemaExists(project, "billing"), false);
    assert.deepEqual(await rows(project, `SELECT typname FROM pg_type WHERE typname = 'invoices_status_enum'`), []);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    assert.deepEqual(await rows(project, `SELECT name FROM customers ORDER BY id`), [{ name: "Ada" }, { name: "Grace" }]);

    await project.ok(["run"]);
    await project.query(`INSERT INTO billing.invoices (amount, note, "customerId") VALUES (10, 'a', 1), (20, 'b', 2)`);
  });

  test("a column of a table in the schema renamed and altered keeps its rows; the enum gains a value in place", async () => {
    project.writeEntity("Invoice.ts", INVOICE_V3);
    await project.ok(["generate", "V3", "--no-interactive", "--rename", "billing.invoices.amount=total"]);
    const source = project.readMigration(project.migrationFiles().find((f) => f.endsWith("-V3.ts"))!);
    assert.match(source, /renameColumn\('"billing"\."invoices"', "amount", "total"\)/);
    assert.match(source, /alterColumn\(/);
    assert.doesNotMatch(source, /createSchema|dropSchema/);
    await project.ok(["run"]);
    assert.deepEqual(await rows(project, `SELECT total, note, status FROM billing.invoices ORDER BY id`), [
      { total: "10", note: "a", status: "open" },
      { total: "20", note: "b", status: "open" },
    ]);
    await project.query(`INSERT INTO billing.invoices (total, note, status, "customerId") VALUES (5, '${"x".repeat(50)}', 'void', 1)`);
    await project.query(`DELETE FROM billing.invoices WHERE total = 5`);
    await assertNoChanges(project);

    await project.ok(["revert"]);
    assert.deepEqual(await rows(project, `SELECT amount, note FROM billing.invoices ORDER BY id`), [
      { amount: "10", note: "a" },
      { amount: "20", note: "b" },
    ]);
    assert.ok(await schemaExists(project, "billing"));
  });
});

describe("postgres: a schema that already exists", () => {
  let project: TestProject;
  before(async () => {
    ({ project } = await atVersion1("postgres", {
      v1: { "Customer.ts": CUSTOMER },
      seed: [
        `INSERT INTO customers (name) VALUES ('Ada')`,
        // Made by hand, with something of its own in it.
        `CREATE SCHEMA billing`,
        `CREATE TABLE billing.legacy (id integer PRIMARY KEY)`,
      ],
    }));
  });
  after(async () => project.cleanup());

  test("is neither created nor dropped; what else lives in it stays", async () => {
    const generated = await generateVersion2(project, { "Invoice.ts": INVOICE_V2 });
    assert.doesNotMatch(generated.source, /createSchema|dropSchema/);
    assert.match(generated.stdout, /billing\.legacy|"billing"\."legacy"/);
    await project.ok(["run"]);
    await assertNoChanges(project);
    await project.ok(["revert"]);
    assert.ok(await schemaExists(project, "billing"));
    assert.deepEqual(await rows(project, `SELECT to_regclass('billing.legacy')::text AS t`), [{ t: "billing.legacy" }]);
  });
});

describe("postgres: the DataSource's schema option", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("postgres", { "Customer.ts": CUSTOMER });
    // Every entity in schema "app" (TypeORM's default for entities that name none).
    project.addServerOptions(`schema: "app"`);
  });
  after(async () => project.cleanup());

  test("puts the tables in that schema, created by the migration; the bookkeeping table stays in the default schema; verify passes", async () => {
    await project.ok(["generate", "V1"]);
    const source = project.readMigration(project.migrationFiles()[0]);
    assert.match(source, /createSchema\("app"\)/);
    assert.match(source, /name: '"app"\."customers"'/);
    await project.ok(["run"]);
    assert.deepEqual(await rows(project, `SELECT to_regclass('app.customers')::text AS t, to_regclass('public.migrations')::text AS m`), [
      { t: "app.customers", m: "migrations" },
    ]);
    await assertNoChanges(project);
    await project.ok(["verify"]);
    await project.ok(["revert"]);
    assert.equal(await schemaExists(project, "app"), false);
  });
});

describe("sqlite: an entity's schema", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite", { "Customer.ts": CUSTOMER });
  });
  after(async () => project.cleanup());

  test("is ignored, as TypeORM ignores it: the table is created under its plain name", async () => {
    project.writeEntity(
      "Invoice.ts",
      INVOICE_V2.replace(`{ type: "enum", enum: ["open", "paid"], default: "open" }`, `{ type: "varchar", length: 10, default: "open" }`),
    );
    await project.ok(["generate", "V1"]);
    const [file] = project.migrationFiles();
    const source = project.readMigration(file);
    assert.doesNotMatch(source, /billing/);
    assert.match(source, /createTable\(\{\s*name: "invoices"/);
    await project.ok(["run"]);
    assert.deepEqual(Object.keys((await project.introspect()).tables).sort(), ["customers", "invoices"]);
    await assertNoChanges(project);
  });

  test("a migration generated on PostgreSQL for tables in a schema runs on SQLite with the plain names, and reverts", async () => {
    writeFileSync(join(project.dir, "migrations", "1900000000000-FromPostgres.ts"), FROM_POSTGRES);
    await project.ok(["sum"]);
    await project.ok(["run"]);
    const tables = await project.introspect();
    assert.deepEqual(Object.keys(tables.tables).sort(), ["customers", "invoices", "receipts"]);
    assert.deepEqual(
      tables.tables.receipts.foreignKeys.map((fk) => fk.referencedTable),
      ["invoices"],
    );
    await project.query(`INSERT INTO receipts (id, label) VALUES (1, 'r')`);
    await project.ok(["revert"]);
    assert.deepEqual(Object.keys((await project.introspect()).tables).sort(), ["customers", "invoices"]);
  });
});

/** What generate writes on PostgreSQL for a table in schema "billing" (a foreign key within it, a column added). */
const FROM_POSTGRES = `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";

export class FromPostgres1900000000000 implements MigrationInterface {
  name = "FromPostgres1900000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await op(queryRunner).createSchema("receipts_schema");
    await op(queryRunner).createTable({
      name: '"receipts_schema"."receipts"',
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "invoiceId", type: "integer", nullable: true },
      ],
      primaryKey: { columns: ["id"] },
      uniques: [],
      indexes: [],
      foreignKeys: [
        { name: "FK_r", columns: ["invoiceId"], referencedTable: "invoices", referencedColumns: ["id"], onDelete: "NO ACTION", onUpdate: "NO ACTION" },
      ],
      checks: [],
    });
    await op(queryRunner).addColumn('"receipts_schema"."receipts"', { name: "label", type: "varchar", length: 10, nullable: true });
    await op(queryRunner).alterColumn(
      '"receipts_schema"."receipts"',
      { name: "label", type: "varchar", length: 10, nullable: true },
      { name: "label", type: "varchar", length: 10, nullable: false, default: "'x'" },
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await op(queryRunner).alterColumn(
      '"receipts_schema"."receipts"',
      { name: "label", type: "varchar", length: 10, nullable: false, default: "'x'" },
      { name: "label", type: "varchar", length: 10, nullable: true },
    );
    await op(queryRunner).dropColumn('"receipts_schema"."receipts"', { name: "label", type: "varchar", length: 10, nullable: true });
    await op(queryRunner).dropTable({
      name: '"receipts_schema"."receipts"',
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "invoiceId", type: "integer", nullable: true },
      ],
      primaryKey: { columns: ["id"] },
      uniques: [],
      indexes: [],
      foreignKeys: [],
      checks: [],
    });
    await op(queryRunner).dropSchema("receipts_schema");
  }
}
`;
