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
 * Column renames name the table as the target (the entities) names it; a
 * table that is renamed in the same migration may also be named by its old
 * name.
 */
import { schemaOfTable } from "../schema/table-name";
import type { Operation } from "../ops/operations";
import { apply } from "../schema/apply";
import type { ComparableColumn } from "../schema/equal";
import type { Column, Schema, Table } from "../schema/model";
import { typeRelation } from "./warnings";

export interface TableRename {
  from: string;
  to: string;
}

export interface ColumnRename {
  table: string;
  from: string;
  to: string;
}

/** What the user decided about appearing tables and columns. */
export interface RenameDecisions {
  tables?: TableRename[];
  columns?: ColumnRename[];
  /** Appearing tables and columns confirmed as new: no longer candidates. */
  created?: { tables?: string[]; columns?: Array<{ table: string; column: string }> };
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

export interface RenameCandidates {
  tables: TableRenameCandidate[];
  columns: ColumnRenameCandidate[];
}

/** Decisions that do not fit the schemas (a hint naming a missing column...). */
export class InvalidRenamesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(" "));
    this.name = "InvalidRenamesError";
  }
}

export function hasRenameCandidates(candidates: RenameCandidates): boolean {
  return candidates.tables.length > 0 || candidates.columns.length > 0;
}

/** `later` added to `earlier`; both sides' entries are kept. */
export function mergeRenameDecisions(earlier: RenameDecisions, later: RenameDecisions): RenameDecisions {
  return {
    tables: [...(earlier.tables ?? []), ...(later.tables ?? [])],
    columns: [...(earlier.columns ?? []), ...(later.columns ?? [])],
    created: {
      tables: [...(earlier.created?.tables ?? []), ...(later.created?.tables ?? [])],
      columns: [...(earlier.created?.columns ?? []), ...(later.created?.columns ?? [])],
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
    const from = missing
      .filter((old) => sameSchema(old.name, table.name) && tablesAlike(old, table, comparable))
      .map((old) => old.name);
    if (from.length > 0) tables.push({ to: table.name, from });
  }

  const columns: ColumnRenameCandidate[] = [];
  for (const table of Object.values(target.tables)) {
    const old = current.tables[table.name];
    if (!old) continue;
    const disappearing = old.columns.filter((c) => !table.columns.some((t) => t.name === c.name));
    for (const column of table.columns) {
      if (old.columns.some((c) => c.name === column.name)) continue;
      if (createdColumns.has(`${table.name}.${column.name}`)) continue;
      const from = disappearing.filter((c) => columnsCompatible(c, column, comparable)).map((c) => c.name);
      if (from.length > 0) columns.push({ table: table.name, to: column.name, from });
    }
  }
  return { tables, columns };
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
      problems.push(`Cannot apply ${what}: the entity for ${tableName} has no column ${rename.to}; name the column as the entity names it.`);
    } else if (old.columns.some((c) => c.name === rename.to)) {
      problems.push(`Cannot apply ${what}: column ${rename.to} already exists in table ${oldName}; drop this rename.`);
    } else if (seen.has(`${tableName}.from:${rename.from}`) || seen.has(`${tableName}.to:${rename.to}`)) {
      problems.push(`Cannot apply ${what}: a column is in two renames of table ${tableName}; keep one.`);
    }
    seen.add(`${tableName}.from:${rename.from}`);
    seen.add(`${tableName}.to:${rename.to}`);
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
  const schema = operations.reduce(apply, current);
  return { schema, operations };
}

function sameSchema(a: string, b: string): boolean {
  return schemaOfTable(a) === schemaOfTable(b);
}
