/**
 * What a diagram draws: tables with their columns and key marks, and the
 * foreign keys between them, each optionally marked as added, changed,
 * renamed or dropped by pending migrations. Built from the schema model
 * (and, for `--pending`, the model before them and ops/schema-changes.ts);
 * mermaid.ts and html.ts only print it.
 */
import { formatColumnType } from "../schema/equal";
import type { ChangeKind, TableChange } from "../ops/schema-changes";
import type { Schema, Table } from "../schema/model";

export type Mark = ChangeKind;

export interface DiagramColumn {
  name: string;
  /** `varchar(255)` */
  type: string;
  nullable: boolean;
  primary: boolean;
  foreign: boolean;
  unique: boolean;
  mark?: Mark;
  /** What changed, in words (marked columns). */
  detail?: string;
}

export interface DiagramTable {
  name: string;
  columns: DiagramColumn[];
  mark?: Mark;
  /** For a renamed table: its old name. */
  from?: string;
}

export interface DiagramEdge {
  /** The table holding the foreign key. */
  from: string;
  columns: string[];
  to: string;
  referenced: string[];
  /** The foreign key's columns are all nullable: a row may reference nothing. */
  optional: boolean;
  /** The foreign key's columns are unique: at most one row references each. */
  oneToOne: boolean;
  mark?: Mark;
}

export interface Diagram {
  tables: DiagramTable[];
  edges: DiagramEdge[];
  /** Whether marks are shown (a legend is drawn). */
  marked: boolean;
}

function columnsOf(table: Table): DiagramColumn[] {
  const primary = new Set(table.primaryKey?.columns ?? []);
  const foreign = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
  const unique = new Set([
    ...table.uniques.filter((u) => u.columns.length === 1).map((u) => u.columns[0]),
    ...table.indexes.filter((i) => i.unique && i.columns.length === 1 && !i.where).map((i) => i.columns[0]),
  ]);
  return table.columns.map((c) => ({
    name: c.name,
    type: formatColumnType(c),
    nullable: c.nullable,
    primary: primary.has(c.name),
    foreign: foreign.has(c.name),
    unique: unique.has(c.name) && !primary.has(c.name),
  }));
}

function edgesOf(table: Table, mark?: Mark): DiagramEdge[] {
  const uniqueSets = [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((u) => u.columns),
    ...table.indexes.filter((i) => i.unique && !i.where).map((i) => i.columns),
  ].map((cols) => [...cols].sort().join("\u0000"));
  return table.foreignKeys.map((fk) => ({
    from: table.name,
    columns: fk.columns,
    to: fk.referencedTable,
    referenced: fk.referencedColumns,
    optional: fk.columns.every((name) => table.columns.find((c) => c.name === name)?.nullable ?? true),
    oneToOne: uniqueSets.includes([...fk.columns].sort().join("\u0000")),
    mark,
  }));
}

/** The diagram of `schema`, tables in name order. */
export function diagramOf(schema: Schema): Diagram {
  const tables = Object.values(schema.tables).sort((a, b) => a.name.localeCompare(b.name));
  return {
    tables: tables.map((t) => ({ name: t.name, columns: columnsOf(t) })),
    edges: tables.flatMap((t) => edgesOf(t)),
    marked: false,
  };
}

/**
 * The diagram of `after`, with what `changes` says marked, and what was
 * dropped (tables, columns, foreign keys of `before`) drawn too, marked dropped.
 */
export function diagramOfChanges(before: Schema, after: Schema, changes: TableChange[]): Diagram {
  const byTable = new Map(changes.map((c) => [c.table, c]));
  const diagram = diagramOf(after);
  diagram.marked = true;
  for (const table of diagram.tables) {
    const change = byTable.get(table.name);
    if (!change) continue;
    table.mark = change.kind === "dropped" ? undefined : change.kind;
    if (change.kind === "renamed") table.from = change.from;
    for (const columnChange of change.columns) {
      const column = table.columns.find((c) => c.name === columnChange.column);
      if (column) {
        column.mark = change.kind === "added" ? undefined : columnChange.kind;
        column.detail = columnChange.kind === "renamed" ? `renamed from ${columnChange.from}` : columnChange.detail;
      }
    }
    if (change.kind === "changed" || change.kind === "renamed") {
      const old = before.tables[change.from ?? change.table];
      for (const dropped of change.columns.filter((c) => c.kind === "dropped")) {
        const column = old && columnsOf(old).find((c) => c.name === dropped.column);
        if (column) table.columns.push({ ...column, mark: "dropped", detail: dropped.detail });
      }
      if (!table.mark && (change.columns.length || change.constraints.length)) table.mark = "changed";
    }
  }
  for (const change of changes.filter((c) => c.kind === "dropped")) {
    const old = before.tables[change.table];
    if (!old) continue;
    diagram.tables.push({ name: old.name, columns: columnsOf(old), mark: "dropped" });
    diagram.edges.push(...edgesOf(old, "dropped"));
  }
  // Foreign keys: new ones are added; those only `before` had are dropped.
  const key = (e: DiagramEdge) => `${e.from}\u0000${e.columns.join(",")}\u0000${e.to}`;
  const renamedFrom = new Map(changes.filter((c) => c.kind === "renamed").map((c) => [c.from!, c.table]));
  const rename = (name: string) => renamedFrom.get(name) ?? name;
  const beforeEdges = new Set(
    Object.values(before.tables)
      .flatMap((t) => edgesOf(t))
      .map((e) => key({ ...e, from: rename(e.from), to: rename(e.to) })),
  );
  for (const edge of diagram.edges) {
    if (!edge.mark && !beforeEdges.has(key(edge))) edge.mark = "added";
  }
  const afterEdges = new Set(diagram.edges.map(key));
  for (const table of Object.values(before.tables)) {
    if (!after.tables[rename(table.name)]) continue;
    for (const edge of edgesOf(table, "dropped")) {
      const moved = { ...edge, from: rename(edge.from), to: rename(edge.to) };
      if (!afterEdges.has(key(moved))) diagram.edges.push(moved);
    }
  }
  diagram.tables.sort((a, b) => a.name.localeCompare(b.name));
  return diagram;
}
