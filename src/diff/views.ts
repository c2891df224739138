/**
 * Which views a diff drops and creates, and in which order.
 *
 * A view is dropped when it goes away or its definition changes, and also,
 * to be created again unchanged, when a table it reads changes (PostgreSQL
 * refuses to change or drop a column a view uses; SQLite's table rebuild
 * cannot rename the copy into place while a view names the missing table)
 * or when a view it reads is dropped. Drops come before every other
 * operation, views reading others first; creates come after every other
 * operation, views read by others first. Inverted, `down` drops the views
 * `up` created first and re-creates the ones it dropped last, so both
 * directions run around the table changes.
 */
import type { Operation } from "../ops/operations";
import type { Schema, View } from "../schema/model";
import { viewReads, viewsEqual } from "../schema/views";

export interface ViewPlan {
  drops: Operation[];
  creates: Operation[];
  /** Sentences for the migration's header: a materialized view is filled again when created. */
  warnings: string[];
}

/** Operations that leave a view reading the table as it was: no need to re-create it. */
const VIEW_SAFE: ReadonlySet<Operation["kind"]> = new Set<Operation["kind"]>([
  "createIndex",
  "dropIndex",
  "setTableComment",
  // Another engine holds the same columns and rows.
  "setTableEngine",
]);

/**
 * The tables the operations change in a way a view reading them must be
 * re-created around. `current`: the schema before them, for the tables an
 * enum value renamed in a shared type also changes (SQLite rebuilds them).
 */
export function tablesChangedUnderViews(ops: readonly Operation[], current: Schema): Set<string> {
  const names = new Set<string>();
  for (const op of ops) {
    if (VIEW_SAFE.has(op.kind)) continue;
    if (op.kind === "renameEnumValue" && op.enumName !== undefined) {
      for (const table of Object.values(current.tables)) {
        if (table.columns.some((column) => column.enumName === op.enumName)) names.add(table.name);
      }
    }
    if (op.kind === "renameTable") {
      names.add(op.from);
      names.add(op.to);
    } else if (op.kind === "createTable" || op.kind === "dropTable") {
      names.add(op.table.name);
    } else if ("table" in op && typeof op.table === "string") {
      names.add(op.table);
    }
  }
  return names;
}

export function planViews(current: Schema, target: Schema, changedTables: ReadonlySet<string>): ViewPlan {
  const existing = current.views ?? {};
  const wanted = target.views ?? {};
  const dropped = new Set<string>();
  for (const [name, view] of Object.entries(existing)) {
    const next = wanted[name];
    if (!next || !viewsEqual(view, next) || [...changedTables].some((table) => viewReads(view, table))) dropped.add(name);
  }
  // A view reading a dropped view goes too (PostgreSQL refuses otherwise), until nothing more is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, view] of Object.entries(existing)) {
      if (dropped.has(name)) continue;
      if ([...dropped].some((other) => viewReads(view, other))) {
        dropped.add(name);
        grew = true;
      }
    }
  }
  const toDrop = creationOrder(Object.values(existing).filter((view) => dropped.has(view.name))).reverse();
  const toCreate = creationOrder(Object.values(wanted).filter((view) => !existing[view.name] || dropped.has(view.name)));
  const warnings = toCreate
    .filter((view) => view.materialized && existing[view.name])
    .map(
      (view) =>
        `materialized view ${view.name} is dropped and created again: it runs its query over every row again, which takes long on large tables.`,
    );
  return {
    drops: toDrop.map((view): Operation => ({ kind: "dropView", view })),
    creates: toCreate.map((view): Operation => ({ kind: "createView", view })),
    warnings,
  };
}

/** Views read by others first; declaration order otherwise (and in a cycle, which no database accepts anyway). */
function creationOrder(views: readonly View[]): View[] {
  const remaining = [...views];
  const ordered: View[] = [];
  while (remaining.length > 0) {
    const ready = remaining.findIndex((view) => !remaining.some((other) => other !== view && viewReads(view, other.name)));
    const [next] = remaining.splice(Math.max(0, ready), 1);
    ordered.push(next);
  }
  return ordered;
}
