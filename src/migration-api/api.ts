/**
 * The runtime `op` API that generated migration files call:
 *
 *     await op(queryRunner).addColumn("users", { name: "email", type: "varchar", nullable: false });
 *
 * Each call builds one Operation, renders it for the database the query
 * runner is connected to, and executes the statements on that runner (so it
 * joins the runner's transaction). The same migration file therefore runs on
 * SQLite in development and PostgreSQL in production.
 *
 * `op(queryRunner, { online: true, lockTimeout: "5s" })` runs the calls in
 * their lock-safe form where the database has one (see ops/online.ts); the
 * migration must then set `transaction = false`.
 */
import type { Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Table, Unique, View } from "../schema/model";
import type { MigrationQueryRunner } from "../dialects/migration-query-runner";
import type { Operation } from "../ops/operations";
import type { OnlineOptions } from "../ops/online";
import { executeOperation } from "./execute";

export class OperationApi {
  constructor(
    private readonly queryRunner: MigrationQueryRunner,
    private readonly options?: OnlineOptions,
  ) {}

  /** Run any operation record. The named methods below are shorthands. */
  async run(operation: Operation): Promise<void> {
    await executeOperation(this.queryRunner, operation, this.options);
  }

  createTable(table: Table) {
    return this.run({ kind: "createTable", table });
  }
  dropTable(table: Table) {
    return this.run({ kind: "dropTable", table });
  }
  renameTable(from: string, to: string) {
    return this.run({ kind: "renameTable", from, to });
  }
  addColumn(table: string, column: Column) {
    return this.run({ kind: "addColumn", table, column });
  }
  dropColumn(table: string, column: Column) {
    return this.run({ kind: "dropColumn", table, column });
  }
  renameColumn(table: string, from: string, to: string) {
    return this.run({ kind: "renameColumn", table, from, to });
  }
  alterColumn(table: string, from: Column, to: Column) {
    return this.run({ kind: "alterColumn", table, from, to });
  }
  addPrimaryKey(table: string, primaryKey: PrimaryKey) {
    return this.run({ kind: "addPrimaryKey", table, primaryKey });
  }
  dropPrimaryKey(table: string, primaryKey: PrimaryKey) {
    return this.run({ kind: "dropPrimaryKey", table, primaryKey });
  }
  addUnique(table: string, unique: Unique) {
    return this.run({ kind: "addUnique", table, unique });
  }
  dropUnique(table: string, unique: Unique) {
    return this.run({ kind: "dropUnique", table, unique });
  }
  createIndex(table: string, index: Index) {
    return this.run({ kind: "createIndex", table, index });
  }
  dropIndex(table: string, index: Index) {
    return this.run({ kind: "dropIndex", table, index });
  }
  addForeignKey(table: string, foreignKey: ForeignKey) {
    return this.run({ kind: "addForeignKey", table, foreignKey });
  }
  dropForeignKey(table: string, foreignKey: ForeignKey) {
    return this.run({ kind: "dropForeignKey", table, foreignKey });
  }
  addCheck(table: string, check: Check) {
    return this.run({ kind: "addCheck", table, check });
  }
  dropCheck(table: string, check: Check) {
    return this.run({ kind: "dropCheck", table, check });
  }
  addExclusion(table: string, exclusion: Exclusion) {
    return this.run({ kind: "addExclusion", table, exclusion });
  }
  dropExclusion(table: string, exclusion: Exclusion) {
    return this.run({ kind: "dropExclusion", table, exclusion });
  }
  renameEnumValue(table: string, column: string, from: string, to: string, enumName?: string) {
    return this.run({ kind: "renameEnumValue", table, column, from, to, ...(enumName === undefined ? {} : { enumName }) });
  }
  /** `null` (or nothing) for "no comment". */
  setTableComment(table: string, from?: string | null, to?: string | null) {
    return this.run({
      kind: "setTableComment",
      table,
      ...(from == null ? {} : { from }),
      ...(to == null ? {} : { to }),
    });
  }
  setTableEngine(table: string, from: string, to: string) {
    return this.run({ kind: "setTableEngine", table, from, to });
  }
  createSchema(schema: string) {
    return this.run({ kind: "createSchema", schema });
  }
  dropSchema(schema: string) {
    return this.run({ kind: "dropSchema", schema });
  }
  createExtension(extension: string) {
    return this.run({ kind: "createExtension", extension });
  }
  dropExtension(extension: string) {
    return this.run({ kind: "dropExtension", extension });
  }
  createView(view: View) {
    return this.run({ kind: "createView", view });
  }
  dropView(view: View) {
    return this.run({ kind: "dropView", view });
  }
  sql(up: string, down?: string) {
    return this.run({ kind: "sql", up, down });
  }
}

/** Operations on the database that `queryRunner` is connected to. */
export function op(queryRunner: MigrationQueryRunner, options?: OnlineOptions): OperationApi {
  return new OperationApi(queryRunner, options);
}
