/**
 * What a set of migrations changes, table by table and column by column:
 * the model before and after them compared by name, with the renames their
 * operations made (so a renamed column reads "renamed", not "dropped" and
 * "added"). The pull-request report (`check --format markdown`) lists it;
 * `diagram --pending` colours it.
 */
import type { Operation } from "./operations";
import { formatColumnType } from "../schema/equal";
import type { Column, Schema, Table } from "../schema/model";

export type ChangeKind = "added" | "changed" | "dropped" | "renamed";

export interface ColumnChange {
  column: string;
  kind: ChangeKind;
  /** For "renamed": the old name. */
  from?: string;
  /** In words: the new type (added), what changed (changed). */
  detail: string;
}

export interface TableChange {
  table: string;
  kind: ChangeKind;
  /** For "renamed": the old name. */
  from?: string;
  columns: ColumnChange[];
  /** Keys, indexes, foreign keys and checks added or dropped, in words. */
  constraints: string[];
}

/** Renames the operations made, so that the comparison by name can follow them. */
interface Renames {
  /** New table name → old. */
  tables: Map<string, string>;
  /** `newTable\u0000newColumn` → old column name. */
  columns: Map<string, string>;
}

function renamesOf(ops: readonly Operation[]): Renames {
  const tables = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const op of ops) {
    if (op.kind === "renameTable") {
      const original = tables.get(op.from) ?? op.from;
      tables.delete(op.from);
      tables.set(op.to, original);
      for (const [key, old] of [...columns]) {
        const [table, column] = key.split("\u0000");
        if (table !== op.from) continue;
        columns.delete(key);
        columns.set(`${op.to}\u0000${column}`, old);
      }
    } else if (op.kind === "renameColumn") {
      const key = `${op.table}\u0000${op.to}`;
      const original = columns.get(`${op.table}\u0000${op.from}`) ?? op.from;
      columns.delete(`${op.table}\u0000${op.from}`);
      columns.set(key, original);
    }
  }
  return { tables, columns };
}

/** `varchar(255) NOT NULL` */
function columnWords(column: Column): string {
  return `${formatColumnType(column)}${column.nullable ? "" : " NOT NULL"}`;
}

function columnDifference(from: Column, to: Column): string {
  const parts: string[] = [];
  if (formatColumnType(from) !== formatColumnType(to)) parts.push(`${formatColumnType(from)} → ${formatColumnType(to)}`);
  if (from.nullable !== to.nullable) parts.push(from.nullable ? "NULL → NOT NULL" : "NOT NULL → NULL");
  if (from.default !== to.default) parts.push(`default ${from.default ?? "none"} → ${to.default ?? "none"}`);
  if (JSON.stringify(from.enum) !== JSON.stringify(to.enum))
    parts.push(`values ${(from.enum ?? []).join("|")} → ${(to.enum ?? []).join("|")}`);
  if (from.asExpression !== to.asExpression) parts.push(`generated as ${from.asExpression ?? "none"} → ${to.asExpression ?? "none"}`);
  if (from.generated !== to.generated) parts.push(`generated ${from.generated ?? "none"} → ${to.generated ?? "none"}`);
  if (from.collation !== to.collation) parts.push(`collation ${from.collation ?? "default"} → ${to.collation ?? "default"}`);
  return parts.join(", ");
}

/** Named parts of a table other than columns, as comparable one-line words. */
function constraintWords(table: Table): Map<string, string> {
  const words = new Map<string, string>();
  if (table.primaryKey) words.set("pk", `primary key (${table.primaryKey.columns.join(", ")})`);
  for (const u of table.uniques) words.set(`u:${u.name}`, `unique ${u.name} (${u.columns.join(", ")})`);
  for (const i of table.indexes) words.set(`i:${i.name}`, `${i.unique ? "unique " : ""}index ${i.name} (${i.columns.join(", ")})`);
  for (const f of table.foreignKeys) {
    words.set(`f:${f.name}`, `foreign key ${f.name} (${f.columns.join(", ")}) → ${f.referencedTable} (${f.referencedColumns.join(", ")})`);
  }
  for (const c of table.checks) words.set(`c:${c.name}`, `check ${c.name}: ${c.expression}`);
  return words;
}

function constraintChanges(before: Table, after: Table): string[] {
  const was = constraintWords(before);
  const now = constraintWords(after);
  const changes: string[] = [];
  for (const [key, text] of was) if (now.get(key) !== text) changes.push(`dropped ${text}`);
  for (const [key, text] of now) if (was.get(key) !== text) changes.push(`added ${text}`);
  return changes;
}

function tableChange(before: Table, after: Table, renames: Renames, renamedFrom?: string): TableChange | undefined {
  const columns: ColumnChange[] = [];
  const matched = new Set<string>();
  for (const column of after.columns) {
    const oldName = renames.columns.get(`${after.name}\u0000${column.name}`) ?? column.name;
    const old = before.columns.find((c) => c.name === oldName);
    if (!old) {
      columns.push({ column: column.name, kind: "added", detail: columnWords(column) });
      continue;
    }
    matched.add(old.name);
    const difference = columnDifference(old, column);
    if (oldName !== column.name) {
      columns.push({ column: column.name, kind: "renamed", from: oldName, detail: difference });
    } else if (difference) {
      columns.push({ column: column.name, kind: "changed", detail: difference });
    }
  }
  for (const column of before.columns) {
    if (!matched.has(column.name)) columns.push({ column: column.name, kind: "dropped", detail: columnWords(column) });
  }
  const constraints = constraintChanges(before, after);
  if (!renamedFrom && columns.length === 0 && constraints.length === 0) return undefined;
  return renamedFrom
    ? { table: after.name, kind: "renamed", from: renamedFrom, columns, constraints }
    : { table: after.name, kind: "changed", columns, constraints };
}

/**
 * The tables `after` adds, changes, renames and drops compared with
 * `before`; `ops` (the operations that led from one to the other) say which
 * differences are renames. Ordered: added, renamed, changed, dropped; each by name.
 */
export function schemaChanges(before: Schema, after: Schema, ops: readonly Operation[] = []): TableChange[] {
  const renames = renamesOf(ops);
  const changes: TableChange[] = [];
  const kept = new Set<string>();
  for (const table of Object.values(after.tables)) {
    const oldName = renames.tables.get(table.name) ?? table.name;
    const old = before.tables[oldName];
    if (!old) {
      changes.push({
        table: table.name,
        kind: "added",
        columns: table.columns.map((c) => ({ column: c.name, kind: "added", detail: columnWords(c) })),
        constraints: [],
      });
      continue;
    }
    kept.add(oldName);
    const change = tableChange(old, table, renames, oldName !== table.name ? oldName : undefined);
    if (change) changes.push(change);
  }
  for (const table of Object.values(before.tables)) {
    if (kept.has(table.name)) continue;
    changes.push({
      table: table.name,
      kind: "dropped",
      columns: table.columns.map((c) => ({ column: c.name, kind: "dropped", detail: columnWords(c) })),
      constraints: [],
    });
  }
  const order: Record<ChangeKind, number> = { added: 0, renamed: 1, changed: 2, dropped: 3 };
  return changes.sort((a, b) => order[a.kind] - order[b.kind] || a.table.localeCompare(b.table));
}
