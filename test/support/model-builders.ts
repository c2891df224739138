/**
 * Builders for the schema model in tests that need no database: a column,
 * a table, a foreign key, a schema, written as shortly as the case reads.
 * Columns are NOT NULL unless `extra` says otherwise; a table with an "id"
 * column has it as its primary key (PK_<table>).
 */
import type { Column, ForeignKey, Schema, Table } from "../../src/schema/model";

export function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return { name, type, nullable: false, ...extra };
}

/** The usual generated integer key column. */
export const id = (): Column => col("id", "integer", { generated: "increment" });

export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return {
    name,
    columns,
    primaryKey: columns.some((c) => c.name === "id") ? { name: `PK_${name}`, columns: ["id"] } : undefined,
    uniques: [],
    indexes: [],
    foreignKeys: [],
    checks: [],
    ...extra,
  };
}

/** A foreign key to `referencedTable`'s id, with no actions. */
export function fk(name: string, columns: string[], referencedTable: string, extra: Partial<ForeignKey> = {}): ForeignKey {
  return {
    name,
    columns,
    referencedTable,
    referencedColumns: ["id"],
    onDelete: "NO ACTION",
    onUpdate: "NO ACTION",
    ...extra,
  };
}

export function schema(...tables: Table[]): Schema {
  return { tables: Object.fromEntries(tables.map((t) => [t.name, t])) };
}
