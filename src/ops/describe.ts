/**
 * Operations in words, one line each: the migration header and the CLI's
 * dry-run output ("add column users.email varchar(255) NOT NULL").
 */
import type { Operation } from "./operations";
import type { Column, ForeignKey } from "../schema/model";
import { formatColumnType } from "../schema/equal";

/** `varchar(255) NOT NULL DEFAULT 'x'` */
export function describeColumn(column: Column): string {
  const parts = [formatColumnType(column)];
  if (!column.nullable) parts.push("NOT NULL");
  if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`);
  if (column.generated) parts.push(`generated (${column.generated})`);
  if (column.asExpression !== undefined) parts.push(generatedAs(column));
  return parts.join(" ");
}

/** `AS (price * 2) STORED` */
function generatedAs(column: Column): string {
  return `AS (${column.asExpression}) ${column.generatedType ?? "VIRTUAL"}`;
}

/** What changes between two versions of a column: `varchar(100) → varchar(255)`. */
export function describeColumnChange(from: Column, to: Column): string {
  const changes: string[] = [];
  const fromType = formatColumnType(from);
  const toType = formatColumnType(to);
  if (fromType !== toType) changes.push(`${fromType} → ${toType}`);
  if (from.nullable !== to.nullable) changes.push(from.nullable ? "NULL → NOT NULL" : "NOT NULL → NULL");
  if (from.default !== to.default) {
    changes.push(`default ${from.default ?? "none"} → ${to.default ?? "none"}`);
  }
  if (from.generated !== to.generated) {
    changes.push(`generated ${from.generated ?? "none"} → ${to.generated ?? "none"}`);
  }
  if (from.asExpression !== to.asExpression || from.generatedType !== to.generatedType) {
    const as = (c: Column) => (c.asExpression === undefined ? "not generated" : generatedAs(c));
    changes.push(`${as(from)} → ${as(to)} (the column is re-created)`);
  }
  if (from.enumName !== to.enumName) changes.push(`enum type ${from.enumName ?? "none"} → ${to.enumName ?? "none"}`);
  return changes.join(", ");
}

function list(columns: readonly string[]): string {
  return `(${columns.join(", ")})`;
}

function describeForeignKey(table: string, fk: ForeignKey): string {
  const actions = [
    fk.onDelete !== "NO ACTION" ? `ON DELETE ${fk.onDelete}` : "",
    fk.onUpdate !== "NO ACTION" ? `ON UPDATE ${fk.onUpdate}` : "",
  ].filter(Boolean);
  const target = `${fk.referencedTable} ${list(fk.referencedColumns)}`;
  return [`${fk.name} on ${table} ${list(fk.columns)} → ${target}`, ...actions].join(" ");
}

function firstLine(sql: string, max = 60): string {
  const line = sql.trim().split("\n")[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case "createTable":
      return `create table ${op.table.name}${op.table.comment ? ` (comment ${JSON.stringify(op.table.comment)})` : ""}`;
    case "dropTable":
      return `drop table ${op.table.name}`;
    case "renameTable":
      return `rename table ${op.from} → ${op.to}`;
    case "addColumn":
      return `add column ${op.table}.${op.column.name} ${describeColumn(op.column)}`;
    case "dropColumn":
      return `drop column ${op.table}.${op.column.name}`;
    case "renameColumn":
      return `rename column ${op.table}.${op.from} → ${op.to}`;
    case "alterColumn": {
      const change = describeColumnChange(op.from, op.to);
      return `alter column ${op.table}.${op.to.name}${change ? `: ${change}` : ""}`;
    }
    case "addPrimaryKey":
      return `add primary key on ${op.table} ${list(op.primaryKey.columns)}`;
    case "dropPrimaryKey":
      return `drop primary key on ${op.table} ${list(op.primaryKey.columns)}`;
    case "addUnique":
      return `add unique ${op.unique.name} on ${op.table} ${list(op.unique.columns)}`;
    case "dropUnique":
      return `drop unique ${op.unique.name} on ${op.table} ${list(op.unique.columns)}`;
    case "createIndex":
    case "dropIndex": {
      const verb = op.kind === "createIndex" ? "create" : "drop";
      const unique = op.index.unique ? "unique " : "";
      const where = op.index.where ? ` where ${op.index.where}` : "";
      return `${verb} ${unique}index ${op.index.name} on ${op.table} ${list(op.index.columns)}${where}`;
    }
    case "addForeignKey":
      return `add foreign key ${describeForeignKey(op.table, op.foreignKey)}`;
    case "dropForeignKey":
      return `drop foreign key ${describeForeignKey(op.table, op.foreignKey)}`;
    case "addCheck":
      return `add check ${op.check.name} on ${op.table}: ${op.check.expression}`;
    case "dropCheck":
      return `drop check ${op.check.name} on ${op.table}: ${op.check.expression}`;
    case "addExclusion":
      return `add exclusion ${op.exclusion.name} on ${op.table}: EXCLUDE ${op.exclusion.expression}`;
    case "dropExclusion":
      return `drop exclusion ${op.exclusion.name} on ${op.table}: EXCLUDE ${op.exclusion.expression}`;
    case "renameEnumValue":
      return `rename value ${op.table}.${op.column}: ${JSON.stringify(op.from)} → ${JSON.stringify(op.to)} (rows keep their meaning)`;
    case "setTableEngine":
      return `change the storage engine of ${op.table}: ${op.from} → ${op.to} (the server copies the table)`;
    case "setTableComment":
      return op.to === undefined ? `remove the comment on table ${op.table}` : `comment on table ${op.table}: ${JSON.stringify(op.to)}`;
    case "createSchema":
      return `create schema ${op.schema}`;
    case "dropSchema":
      return `drop schema ${op.schema} (fails if anything else lives in it)`;
    case "createExtension":
      return `create extension ${op.extension} if the database lacks it`;
    case "dropExtension":
      return `drop extension ${op.extension} if this migration created it and nothing else uses it`;
    case "createView":
      return `create ${op.view.materialized ? "materialized " : ""}view ${op.view.name}`;
    case "dropView":
      return `drop ${op.view.materialized ? "materialized " : ""}view ${op.view.name}`;
    case "sql":
      return `run SQL: ${firstLine(op.up)}`;
  }
}
