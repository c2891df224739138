/**
 * Renames that keep data. A diff by name alone sees a renamed column as one
 * column dropped and another added, which loses every value in it. Only the
 * user knows which it is, so this module:
 *
 *  - finds rename candidates: a table or column that disappears while a
 *    compatible one appears (columns: same table, a type the old values
 *    convert to; tables: mostly the same columns);
 *  - checks and applies the user's decisions, as renameTable / renameColumn
 *    operations replayed on the current schema before the rest of the diff,
 *    so a renamed column whose type also changed becomes rename + alter.
 *
 * Enum values are renamed the same way: a value that disappears from an enum
 * column while another appears may be the same value renamed, and the rows
 * holding it should keep their meaning (renameEnumValue, before the rest).
 *
 * Column and value renames name the table as the target (the entities) names it; a
 * table that is renamed in the same migration may also be named by its old
 * name.
 */
import { schemaOfTable } from "../schema/table-name";
import type { Operation } from "../ops/operations";
import { apply } from "../schema/apply";
import type { ComparableColumn } from "../schema/equal";
import type { Column, Schema, Table } from "../schema/model";
import { typeRelation } from "../danger/type-change";

export interface TableRename {
  from: string;
  to: string;
}

export interface ColumnRename {
  table: string;
  from: string;
  to: string;
}

/** Value `from` of enum column `table.column` becomes `to` (names as the entities have them). */
export interface ValueRename {
  table: string;
  column: string;
  from: string;
  to: string;
}

/** What the user decided about appearing tables, columns and enum values. */
export interface RenameDecisions {
  tables?: TableRename[];
  columns?: ColumnRename[];
  values?: ValueRename[];
  /** Appearing tables, columns and enum values confirmed as new: no longer candidates. */
  created?: {
    tables?: string[];
    columns?: Array<{ table: string; column: string }>;
    values?: Array<{ table: string; column: string; value: string }>;
  };
}

/** An appearing table that may be one of `from` renamed. */
export interface TableRenameCandidate {
  to: string;
  from: string[];
}

/** An appearing column of `table` (target name) that may be one of `from` renamed. */
export interface ColumnRenameCandidate {
  table: string;
  to: string;
  from: string[];
}

/** An appearing value of enum column `table.column` that may be one of the disappearing `from` renamed. */
export interface ValueRenameCandidate {
  table: string;
  column: string;
  to: string;
  from: string[];
}

export interface RenameCandidates {
  tables: TableRenameCandidate[];
  columns: ColumnRenameCandidate[];
  values: ValueRenameCandidate[];
}

/** Decisions that do not fit the schemas (a hint naming a missing column...). */
export class InvalidRenamesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(" "));
    this.name = "InvalidRenamesError";
  }
}

export function hasRenameCandidates(candidates: RenameCandidates): boolean {
  return candidates.tables.length > 0 || candidates.columns.length > 0 || candidates.values.length > 0;
}

/** `later` added to `earlier`; both sides' entries are kept. */
export function mergeRenameDecisions(earlier: RenameDecisions, later: RenameDecisions): RenameDecisions {
  return {
    tables: [...(earlier.tables ?? []), ...(later.tables ?? [])],
    columns: [...(earlier.columns ?? []), ...(later.columns ?? [])],
    values: [...(earlier.values ?? []), ...(later.values ?? [])],
    created: {
      tables: [...(earlier.created?.tables ?? []), ...(later.created?.tables ?? [])],
      columns: [...(earlier.created?.columns ?? []), ...(later.created?.columns ?? [])],
      values: [...(earlier.created?.values ?? []), ...(later.created?.values ?? [])],
    },
  };
}

/**
 * Whether the values of `from` survive in a column like `to`: the same type,
 * or one they convert to (a wider one, or a narrower one of the same family,
 * which the alter that follows checks).
 */
export function columnsCompatible(from: Column, to: Column, comparable: ComparableColumn): boolean {
  return typeRelation(comparable(from).type, comparable(to).type) !== "other";
}

/**
 * Two tables are alike when more than half of the larger one's columns are
 * in the other under the same name with a compatible type (or both have
 * exactly the same columns). A shared `id` alone does not make two tables alike.
 */
export function tablesAlike(from: Table, to: Table, comparable: ComparableColumn): boolean {
  const shared = to.columns.filter((column) => {
    const old = from.columns.find((c) => c.name === column.name);
    return old !== undefined && columnsCompatible(old, column, comparable);
  }).length;
  const larger = Math.max(from.columns.length, to.columns.length);
  return shared > 0 && (shared === larger || shared * 2 > larger);
}

/**
 * The candidates left once `decisions` are applied: `current` is the schema
 * with the decided renames already replayed on it.
 */
export function findRenameCandidates(
  current: Schema,
  target: Schema,
  comparable: ComparableColumn,
  decisions: RenameDecisions = {},
): RenameCandidates {
  const createdTables = new Set(decisions.created?.tables ?? []);
  const createdColumns = new Set((decisions.created?.columns ?? []).map((c) => `${c.table}.${c.column}`));

  const missing = Object.values(current.tables).filter((t) => !target.tables[t.name]);
  const tables: TableRenameCandidate[] = [];
  for (const table of Object.values(target.tables)) {
    if (current.tables[table.name] || createdTables.has(table.name)) continue;
    // A table that changes schema is dropped and created, never renamed across schemas.
    const from = missing.filter((old) => sameSchema(old.name, table.name) && tablesAlike(old, table, comparable)).map((old) => old.name);
    if (from.length > 0) tables.push({ to: table.name, from });
  }

  const columns: ColumnRenameCandidate[] = [];
  for (const table of Object.values(target.tables)) {
    const old = current.tables[table.name];
    if (!old) continue;
    const names = new Set(table.columns.map((c) => c.name));
    const disappearing = old.columns.filter((c) => !names.has(c.name));
    // No column goes away: none can be a rename (the common case, asked for every table).
    if (disappearing.length === 0) continue;
    for (const column of table.columns) {
      if (old.columns.some((c) => c.name === column.name)) continue;
      if (createdColumns.has(`${table.name}.${column.name}`)) continue;
      const from = disappearing.filter((c) => columnsCompatible(c, column, comparable)).map((c) => c.name);
      if (from.length > 0) columns.push({ table: table.name, to: column.name, from });
    }
  }
  return { tables, columns, values: findValueRenameCandidates(current, target, comparable, decisions) };
}

/** Where the database keeps an enum column's values: its type (PostgreSQL shares a named one). */
export function enumTypeKey(table: string, column: Column): string {
  return column.enumName ?? `${table}_${column.name}_enum`;
}

/**
 * Enum columns on both sides that lose values and gain others: each gained
 * value may be one of the lost ones renamed. A type shared by several
 * columns is one question, asked about its first column (renaming the value
 * renames it for all of them).
 */
function findValueRenameCandidates(
  current: Schema,
  target: Schema,
  comparable: ComparableColumn,
  decisions: RenameDecisions,
): ValueRenameCandidate[] {
  const created = new Set((decisions.created?.values ?? []).map((v) => `${v.table}.${v.column}\u0000${v.value}`));
  const seenTypes = new Set<string>();
  const candidates: ValueRenameCandidate[] = [];
  for (const table of Object.values(target.tables)) {
    const old = current.tables[table.name];
    if (!old) continue;
    const oldColumns = new Map<string, Column>();
    // The first of a name, as find() would give it.
    for (const c of old.columns) if (!oldColumns.has(c.name)) oldColumns.set(c.name, c);
    for (const column of table.columns) {
      const before = oldColumns.get(column.name);
      if (!before || comparable(before).type !== "enum" || comparable(column).type !== "enum") continue;
      const type = enumTypeKey(table.name, before);
      if (seenTypes.has(type)) continue;
      seenTypes.add(type);
      const oldValues = before.enum ?? [];
      const newValues = column.enum ?? [];
      const lost = oldValues.filter((v) => !newValues.includes(v));
      if (lost.length === 0) continue;
      for (const value of newValues) {
        if (oldValues.includes(value) || created.has(`${table.name}.${column.name}\u0000${value}`)) continue;
        candidates.push({ table: table.name, column: column.name, to: value, from: lost });
      }
    }
  }
  return candidates;
}

/**
 * What is wrong with `decisions` for turning `current` into `target`, as
 * sentences; empty when every rename names a table or column that
 * disappears and one that appears, each used once.
 */
export function renameProblems(current: Schema, target: Schema, decisions: RenameDecisions): string[] {
  const problems: string[] = [];
  const tableRenames = decisions.tables ?? [];
  const renamedTo = new Map<string, string>();
  const seen = new Set<string>();

  for (const { from, to } of tableRenames) {
    const what = `renaming table ${from} to ${to}`;
    if (!current.tables[from]) {
      problems.push(`Cannot apply ${what}: the database has no table ${from}; name a table that is in the database.`);
    } else if (target.tables[from]) {
      problems.push(`Cannot apply ${what}: an entity still maps table ${from}, so it is not going away; drop this rename.`);
    } else if (!target.tables[to]) {
      problems.push(`Cannot apply ${what}: no entity maps a table ${to}; name the table as the entity names it.`);
    } else if (current.tables[to]) {
      problems.push(`Cannot apply ${what}: table ${to} already exists in the database; drop this rename.`);
    } else if (!sameSchema(from, to)) {
      problems.push(
        `Cannot apply ${what}: the tables are in different schemas, and a table that changes schema is dropped and created; drop this rename (or move the table by hand with ALTER TABLE … SET SCHEMA in a migration of its own).`,
      );
    } else if (seen.has(`from:${from}`) || seen.has(`to:${to}`)) {
      problems.push(`Cannot apply ${what}: table ${seen.has(`from:${from}`) ? from : to} is in two table renames; keep one.`);
    } else {
      renamedTo.set(from, to);
    }
    seen.add(`from:${from}`);
    seen.add(`to:${to}`);
  }

  for (const rename of decisions.columns ?? []) {
    const tableName = renamedTo.get(rename.table) ?? rename.table;
    const what = `renaming column ${rename.table}.${rename.from} to ${rename.to}`;
    const oldName = [...renamedTo].find(([, to]) => to === tableName)?.[0] ?? tableName;
    const old = current.tables[oldName];
    const wanted = target.tables[tableName];
    if (!old || !wanted) {
      problems.push(
        `Cannot apply ${what}: ${!old ? "the database has" : "the entities have"} no table ${rename.table}; name a table both have (or one renamed in this migration).`,
      );
    } else if (!old.columns.some((c) => c.name === rename.from)) {
      problems.push(`Cannot apply ${what}: table ${oldName} in the database has no column ${rename.from}; name a column it has.`);
    } else if (wanted.columns.some((c) => c.name === rename.from)) {
      problems.push(`Cannot apply ${what}: the entity still has column ${rename.from}, so it is not going away; drop this rename.`);
    } else if (!wanted.columns.some((c) => c.name === rename.to)) {
      problems.push(
        `Cannot apply ${what}: the entity for ${tableName} has no column ${rename.to}; name the column as the entity names it.`,
      );
    } else if (old.columns.some((c) => c.name === rename.to)) {
      problems.push(`Cannot apply ${what}: column ${rename.to} already exists in table ${oldName}; drop this rename.`);
    } else if (seen.has(`${tableName}.from:${rename.from}`) || seen.has(`${tableName}.to:${rename.to}`)) {
      problems.push(`Cannot apply ${what}: a column is in two renames of table ${tableName}; keep one.`);
    }
    seen.add(`${tableName}.from:${rename.from}`);
    seen.add(`${tableName}.to:${rename.to}`);
  }

  for (const rename of decisions.values ?? []) {
    const what = `renaming value "${rename.from}" of ${rename.table}.${rename.column} to "${rename.to}"`;
    const tableName = renamedTo.get(rename.table) ?? rename.table;
    const oldTable = [...renamedTo].find(([, to]) => to === tableName)?.[0] ?? tableName;
    const oldColumn =
      (decisions.columns ?? []).find((c) => (renamedTo.get(c.table) ?? c.table) === tableName && c.to === rename.column)?.from ??
      rename.column;
    const old = current.tables[oldTable]?.columns.find((c) => c.name === oldColumn);
    const wanted = target.tables[tableName]?.columns.find((c) => c.name === rename.column);
    if (!old?.enum || !wanted?.enum) {
      problems.push(
        `Cannot apply ${what}: ${rename.table}.${rename.column} is not an enum column in ${!old?.enum ? "the database" : "the entities"}; name an enum column both have.`,
      );
    } else if (!old.enum.includes(rename.from)) {
      problems.push(
        `Cannot apply ${what}: the database's ${rename.table}.${rename.column} has no value "${rename.from}"; name one it has.`,
      );
    } else if (wanted.enum.includes(rename.from)) {
      problems.push(`Cannot apply ${what}: the entity still allows "${rename.from}", so it is not going away; drop this rename.`);
    } else if (!wanted.enum.includes(rename.to)) {
      problems.push(
        `Cannot apply ${what}: the entity's ${rename.table}.${rename.column} has no value "${rename.to}"; name the value as the entity spells it.`,
      );
    } else if (old.enum.includes(rename.to)) {
      problems.push(`Cannot apply ${what}: the database's ${rename.table}.${rename.column} already has "${rename.to}"; drop this rename.`);
    } else {
      const key = enumTypeKey(oldTable, old);
      if (seen.has(`value.from:${key}:${rename.from}`) || seen.has(`value.to:${key}:${rename.to}`)) {
        problems.push(`Cannot apply ${what}: a value is in two renames of the same enum; keep one.`);
      }
      seen.add(`value.from:${key}:${rename.from}`);
      seen.add(`value.to:${key}:${rename.to}`);
    }
  }
  return problems;
}

/**
 * The rename operations `decisions` call for, and `current` with them
 * replayed. Table renames come first, so column renames use the new table
 * names. Invalid decisions throw an InvalidRenamesError.
 */
export function applyRenames(
  current: Schema,
  target: Schema,
  decisions: RenameDecisions = {},
): { schema: Schema; operations: Operation[] } {
  const problems = renameProblems(current, target, decisions);
  if (problems.length > 0) throw new InvalidRenamesError(problems);

  const operations: Operation[] = [];
  const renamedTo = new Map<string, string>();
  for (const { from, to } of decisions.tables ?? []) {
    operations.push({ kind: "renameTable", from, to });
    renamedTo.set(from, to);
  }
  for (const { table, from, to } of decisions.columns ?? []) {
    operations.push({ kind: "renameColumn", table: renamedTo.get(table) ?? table, from, to });
  }
  let schema = operations.reduce(apply, current);
  // Values last: their table and column go by the names just given.
  for (const { table, column, from, to } of decisions.values ?? []) {
    const name = renamedTo.get(table) ?? table;
    const enumName = schema.tables[name]?.columns.find((c) => c.name === column)?.enumName;
    const op: Operation = { kind: "renameEnumValue", table: name, column, from, to, ...(enumName ? { enumName } : {}) };
    operations.push(op);
    schema = apply(schema, op);
  }
  return { schema, operations };
}

function sameSchema(a: string, b: string): boolean {
  return schemaOfTable(a) === schemaOfTable(b);
}
