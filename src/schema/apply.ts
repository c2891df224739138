/**
 * apply(schema, op): replay an operation on the model, without a database.
 * Offline SQL, SQLite table rebuilds and `verify` rely on it, and the diff's
 * correctness is stated with it: apply(a, diff(a, b)) equals b.
 *
 * Inputs are never mutated; a new Schema is returned. It shares the tables the
 * operation leaves alone with the input (copy on write), so replaying the
 * hundreds of operations of a large migration stays linear: treat a result as
 * read-only, like the input.
 */
import type { Operation } from "../ops/operations";
import type { Column, Schema, Table } from "./model";
import { renameColumnInExpression } from "./rename-in-expression";
import { schemaOfTable } from "./table-name";

export class ApplyError extends Error {}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function requireTable(schema: Schema, name: string): Table {
  const table = schema.tables[name];
  if (!table) throw new ApplyError(`table "${name}" does not exist`);
  return table;
}

function renameInList(list: string[], from: string, to: string): string[] {
  return list.map((c) => (c === from ? to : c));
}

/** Apply one operation to a whole schema. */
export function apply(schema: Schema, op: Operation): Schema {
  const next: Schema = { ...schema, tables: { ...schema.tables } };
  switch (op.kind) {
    case "createTable":
      if (next.tables[op.table.name]) {
        throw new ApplyError(`table "${op.table.name}" already exists`);
      }
      next.tables[op.table.name] = clone(op.table);
      return next;
    case "dropTable":
      requireTable(next, op.table.name);
      delete next.tables[op.table.name];
      return next;
    case "renameTable": {
      const table = clone(requireTable(next, op.from));
      if (next.tables[op.to]) throw new ApplyError(`table "${op.to}" already exists`);
      delete next.tables[op.from];
      table.name = op.to;
      next.tables[op.to] = table;
      for (const other of referencing(next, op.from)) {
        for (const fk of other.foreignKeys) {
          if (fk.referencedTable === op.from) fk.referencedTable = op.to;
        }
      }
      return next;
    }
    case "createExtension":
    case "dropExtension":
      // The model has no extensions: the column types that need one say so.
      return next;
    case "createSchema": {
      const schemas = next.schemas ?? [];
      if (schemas.includes(op.schema)) throw new ApplyError(`schema "${op.schema}" already exists`);
      next.schemas = [...schemas, op.schema].sort();
      return next;
    }
    case "dropSchema": {
      const schemas = next.schemas ?? [];
      if (!schemas.includes(op.schema)) throw new ApplyError(`schema "${op.schema}" does not exist`);
      // PostgreSQL refuses to drop a schema that still holds a table (no CASCADE); so does the model.
      const left = Object.keys(next.tables).find((name) => schemaOfTable(name) === op.schema);
      if (left !== undefined) throw new ApplyError(`schema "${op.schema}" still holds table ${left}`);
      const remaining = schemas.filter((schema) => schema !== op.schema);
      if (remaining.length > 0) next.schemas = remaining;
      else delete next.schemas;
      return next;
    }
    case "sql":
      // Raw SQL is opaque to the model.
      return next;
    case "createView":
    case "dropView":
      return applyToViews(next, op);
    case "renameEnumValue":
      return renameEnumValueEverywhere(next, op);
    default:
      next.tables[op.table] = applyToTable(requireTable(next, op.table), op);
      if (op.kind === "renameColumn") {
        for (const other of referencing(next, op.table)) {
          for (const fk of other.foreignKeys) {
            if (fk.referencedTable === op.table) {
              fk.referencedColumns = renameInList(fk.referencedColumns, op.from, op.to);
            }
          }
        }
      }
      return next;
  }
}

/** A view created or dropped: views live beside the tables, keyed by name. */
function applyToViews(next: Schema, op: Extract<Operation, { kind: "createView" | "dropView" }>): Schema {
  const views = { ...(next.views ?? {}) };
  const name = op.view.name;
  if (op.kind === "createView") {
    if (views[name]) throw new ApplyError(`view "${name}" already exists`);
    if (next.tables[name]) throw new ApplyError(`table "${name}" already exists`);
    views[name] = { ...op.view };
  } else {
    if (!views[name]) throw new ApplyError(`view "${name}" does not exist`);
    delete views[name];
  }
  if (Object.keys(views).length > 0) next.views = views;
  else delete next.views;
  return next;
}

/**
 * The value changes in the named column and in every column sharing its enum
 * type (a named PostgreSQL type renames the value for all of them).
 */
function renameEnumValueEverywhere(next: Schema, op: Extract<Operation, { kind: "renameEnumValue" }>): Schema {
  next.tables[op.table] = applyToTable(requireTable(next, op.table), op);
  if (op.enumName === undefined) return next;
  for (const [name, table] of Object.entries(next.tables)) {
    if (name === op.table) continue;
    if (!table.columns.some((c) => c.enumName === op.enumName && c.enum?.includes(op.from))) continue;
    const copy = clone(table);
    for (const column of copy.columns) {
      if (column.enumName === op.enumName) renameValueInColumn(column, op.from, op.to);
    }
    next.tables[name] = copy;
  }
  return next;
}

/** `from` becomes `to` in the column's values, in place, and in a default naming it. */
function renameValueInColumn(column: Column, from: string, to: string): void {
  if (!column.enum?.includes(from)) return;
  column.enum = column.enum.map((v) => (v === from ? to : v));
  if (column.default === quoteValue(from)) column.default = quoteValue(to);
}

/** A value as the model spells a string default: quoted, quotes doubled. */
function quoteValue(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The tables of `next` with a foreign key to `tableName`, each replaced by a
 * copy in `next` so the caller may change it without touching the input.
 */
function referencing(next: Schema, tableName: string): Table[] {
  const copies: Table[] = [];
  for (const [name, table] of Object.entries(next.tables)) {
    if (!table.foreignKeys.some((fk) => fk.referencedTable === tableName)) continue;
    next.tables[name] = clone(table);
    copies.push(next.tables[name]);
  }
  return copies;
}

/** Apply a list of operations in order. */
export function applyAll(schema: Schema, ops: readonly Operation[]): Schema {
  return ops.reduce(apply, schema);
}

/**
 * Apply a table-level operation to one table (a copy is returned). Used by
 * dialects that rebuild a table from its definition after the change.
 */
export function applyToTable(input: Table, op: Operation): Table {
  const table = clone(input);
  const where = `table "${table.name}"`;
  switch (op.kind) {
    case "addColumn":
      if (table.columns.some((c) => c.name === op.column.name)) {
        throw new ApplyError(`column "${op.column.name}" already exists in ${where}`);
      }
      table.columns.push(clone(op.column));
      return table;
    case "dropColumn": {
      const index = table.columns.findIndex((c) => c.name === op.column.name);
      if (index < 0) throw new ApplyError(`column "${op.column.name}" does not exist in ${where}`);
      table.columns.splice(index, 1);
      return table;
    }
    case "renameColumn": {
      const column = table.columns.find((c) => c.name === op.from);
      if (!column) throw new ApplyError(`column "${op.from}" does not exist in ${where}`);
      column.name = op.to;
      if (table.primaryKey) {
        table.primaryKey.columns = renameInList(table.primaryKey.columns, op.from, op.to);
      }
      for (const u of table.uniques) u.columns = renameInList(u.columns, op.from, op.to);
      for (const i of table.indexes) {
        i.columns = renameInList(i.columns, op.from, op.to);
        if (i.where !== undefined) i.where = renameColumnInExpression(i.where, op.from, op.to);
      }
      // The databases rewrite CHECKs and index predicates on rename; so does the model.
      for (const c of table.checks) c.expression = renameColumnInExpression(c.expression, op.from, op.to);
      for (const f of table.foreignKeys) f.columns = renameInList(f.columns, op.from, op.to);
      return table;
    }
    case "alterColumn": {
      const index = table.columns.findIndex((c) => c.name === op.from.name);
      if (index < 0) throw new ApplyError(`column "${op.from.name}" does not exist in ${where}`);
      table.columns[index] = clone(op.to);
      return table;
    }
    case "addPrimaryKey":
      if (table.primaryKey) throw new ApplyError(`${where} already has a primary key`);
      table.primaryKey = clone(op.primaryKey);
      return table;
    case "dropPrimaryKey":
      if (!table.primaryKey) throw new ApplyError(`${where} has no primary key`);
      delete table.primaryKey;
      return table;
    case "addUnique":
      table.uniques.push(clone(op.unique));
      return table;
    case "dropUnique":
      table.uniques = removeNamed(table.uniques, op.unique.name, "unique constraint", where);
      return table;
    case "createIndex":
      table.indexes.push(clone(op.index));
      return table;
    case "dropIndex":
      table.indexes = removeNamed(table.indexes, op.index.name, "index", where);
      return table;
    case "addForeignKey":
      table.foreignKeys.push(clone(op.foreignKey));
      return table;
    case "dropForeignKey":
      table.foreignKeys = removeNamed(table.foreignKeys, op.foreignKey.name, "foreign key", where);
      return table;
    case "addCheck":
      table.checks.push(clone(op.check));
      return table;
    case "dropCheck":
      table.checks = removeNamed(table.checks, op.check.name, "check constraint", where);
      return table;
    case "addExclusion":
      table.exclusions = [...(table.exclusions ?? []), clone(op.exclusion)];
      return table;
    case "dropExclusion": {
      const left = removeNamed(table.exclusions ?? [], op.exclusion.name, "exclusion constraint", where);
      if (left.length > 0) table.exclusions = left;
      else delete table.exclusions;
      return table;
    }
    case "renameEnumValue": {
      const column = table.columns.find((c) => c.name === op.column);
      if (!column) throw new ApplyError(`column "${op.column}" does not exist in ${where}`);
      if (!column.enum?.includes(op.from)) {
        throw new ApplyError(`column "${op.column}" of ${where} has no enum value "${op.from}"`);
      }
      for (const c of table.columns) {
        if (c === column || (op.enumName !== undefined && c.enumName === op.enumName)) renameValueInColumn(c, op.from, op.to);
      }
      return table;
    }
    case "setTableComment":
      if (op.to === undefined) delete table.comment;
      else table.comment = op.to;
      return table;
    case "setTableEngine":
      table.engine = op.to;
      return table;
    default:
      throw new ApplyError(`operation ${op.kind} does not apply to a single table`);
  }
}

function removeNamed<T extends { name: string }>(list: T[], name: string, what: string, where: string): T[] {
  const index = list.findIndex((item) => item.name === name);
  if (index < 0) throw new ApplyError(`${what} "${name}" does not exist in ${where}`);
  return list.filter((_, i) => i !== index);
}
