/**
 * Operations with their tables' schemas left out, for a dialect without
 * schemas (SQLite): a migration generated on PostgreSQL for
 * `@Entity({ schema: "billing" })` names `"billing"."invoices"`; on SQLite,
 * as TypeORM does there, it works on the plain `invoices`.
 */
import type { ForeignKey, Schema, Table } from "../../schema/model";
import { splitTableName } from "../../schema/table-name";
import type { Operation } from "../../ops/operations";

function plain(table: string): string {
  return splitTableName(table).name;
}

function plainForeignKey(foreignKey: ForeignKey): ForeignKey {
  return { ...foreignKey, referencedTable: plain(foreignKey.referencedTable) };
}

function plainTable(table: Table): Table {
  return { ...table, name: plain(table.name), foreignKeys: table.foreignKeys.map(plainForeignKey) };
}

export function withPlainTableNames(op: Operation): Operation {
  switch (op.kind) {
    case "createTable":
    case "dropTable":
      return { ...op, table: plainTable(op.table) };
    case "renameTable":
      return { ...op, from: plain(op.from), to: plain(op.to) };
    case "addForeignKey":
    case "dropForeignKey":
      return { ...op, table: plain(op.table), foreignKey: plainForeignKey(op.foreignKey) };
    case "createView":
    case "dropView":
      return { ...op, view: { ...op.view, name: plain(op.view.name) } };
    case "sql":
    case "createSchema":
    case "dropSchema":
    case "createExtension":
    case "dropExtension":
      return op;
    default:
      return { ...op, table: plain(op.table) };
  }
}

/** A model (offline SQL's replay) with plain table names; `schema` itself when it has no schemas. */
export function schemaWithPlainTableNames(schema: Schema): Schema {
  if (!schema.schemas || schema.schemas.length === 0) return schema;
  const tables: Record<string, Table> = {};
  for (const table of Object.values(schema.tables)) {
    const stripped = plainTable(table);
    tables[stripped.name] = stripped;
  }
  const views =
    schema.views && Object.fromEntries(Object.values(schema.views).map((view) => [plain(view.name), { ...view, name: plain(view.name) }]));
  return views ? { tables, views } : { tables };
}
