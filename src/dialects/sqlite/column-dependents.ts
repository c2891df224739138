/**
 * The parts of a table that involve one column: its primary key, uniques,
 * indexes (keys or WHERE), foreign keys and CHECKs. SQLite's DROP COLUMN
 * refuses a column that has any; a rebuild that drops the column drops them
 * with it, as PostgreSQL's DROP COLUMN does.
 */
import type { Check, ForeignKey, Index, Table, Unique } from "../../schema/model";
import { tokenize } from "./tokenize";

export interface ColumnDependents {
  primaryKey: boolean;
  uniques: Unique[];
  indexes: Index[];
  foreignKeys: ForeignKey[];
  checks: Check[];
}

export function dependentsOfColumn(table: Table, columnName: string): ColumnDependents {
  const named = (list: readonly string[]) => list.some((c) => sameName(c, columnName));
  return {
    primaryKey: table.primaryKey !== undefined && named(table.primaryKey.columns),
    uniques: table.uniques.filter((u) => named(u.columns)),
    indexes: table.indexes.filter((i) => named(i.columns) || (i.where !== undefined && mentions(i.where, columnName))),
    foreignKeys: table.foreignKeys.filter((f) => named(f.columns)),
    checks: table.checks.filter((c) => mentions(c.expression, columnName)),
  };
}

export function hasDependents(dependents: ColumnDependents): boolean {
  const { primaryKey, uniques, indexes, foreignKeys, checks } = dependents;
  return primaryKey || uniques.length + indexes.length + foreignKeys.length + checks.length > 0;
}

/** `table` without the given dependents, and a sentence for each one removed. */
export function withoutDependents(table: Table, dependents: ColumnDependents): { table: Table; removed: string[] } {
  const removed: string[] = [];
  const next: Table = {
    ...table,
    uniques: table.uniques.filter((u) => !dependents.uniques.includes(u)),
    indexes: table.indexes.filter((i) => !dependents.indexes.includes(i)),
    foreignKeys: table.foreignKeys.filter((f) => !dependents.foreignKeys.includes(f)),
    checks: table.checks.filter((c) => !dependents.checks.includes(c)),
  };
  if (dependents.primaryKey) {
    delete next.primaryKey;
    removed.push("its primary key");
  }
  for (const u of dependents.uniques) removed.push(`unique constraint "${u.name}"`);
  for (const i of dependents.indexes) removed.push(`index "${i.name}"`);
  for (const f of dependents.foreignKeys) removed.push(`foreign key "${f.name}"`);
  for (const c of dependents.checks) removed.push(`check constraint "${c.name}"`);
  return { table: next, removed };
}

/** Whether an SQL expression names the column (quoted or bare). */
function mentions(expression: string, columnName: string): boolean {
  return tokenize(expression).some((t) => (t.kind === "identifier" || t.kind === "word") && sameName(t.value, columnName));
}

/** SQLite compares identifiers case-insensitively. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
