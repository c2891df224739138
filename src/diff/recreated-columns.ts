/**
 * A column re-created because its generation changes (schema/generated-columns.ts)
 * takes with it, when it is dropped, the uniques, indexes, checks, exclusions
 * and foreign keys that involve it. Those are dropped before and added again
 * after (the diff's usual order), so the migration, and its inverse, end with
 * them in place.
 */
import type { Column, Table } from "../schema/model";
import { exclusionsOf, type ComparableColumn } from "../schema/equal";
import { generationChanges, isGeneratedColumn, recreatesColumn } from "../schema/generated-columns";
import { mentionsColumn } from "../schema/rename-in-expression";
import type { ColumnChange, TableChanges } from "./table-changes";

/**
 * The unchanged generated columns whose expression reads a column whose type
 * changes (PostgreSQL: "cannot alter type of a column used by a generated
 * column"): the diff drops them before the alter and adds them after.
 */
export function generatedColumnsReadingRetyped(
  changes: TableChanges,
  current: Table,
  target: Table,
  comparable: ComparableColumn,
): ColumnChange[] {
  const retyped = changes.alteredColumns
    .filter(({ from, to }) => !generationChanges(from, to) && typeChanges(comparable(from), comparable(to)))
    .map(({ to }) => to.name);
  if (retyped.length === 0) return [];
  const altered = new Set(changes.alteredColumns.map(({ to }) => to.name));
  const result: ColumnChange[] = [];
  for (const to of target.columns) {
    const from = current.columns.find((c) => c.name === to.name);
    if (!from || altered.has(to.name) || !isGeneratedColumn(to)) continue;
    if (retyped.some((name) => mentionsColumn(to.asExpression!, name))) result.push({ from, to });
  }
  return result;
}

function typeChanges(from: Column, to: Column): boolean {
  return from.type !== to.type || from.length !== to.length || from.precision !== to.precision || from.scale !== to.scale;
}

export function recreateDependentsOfRecreatedColumns(changes: TableChanges, current: Table, target: Table): void {
  const recreated = [
    ...changes.alteredColumns.filter(({ from, to }) => recreatesColumn(from, to)).map(({ to }) => to.name),
    ...changes.regeneratedColumns.map(({ to }) => to.name),
  ];
  if (recreated.length === 0) return;
  const named = (columns: readonly string[]) => columns.some((c) => recreated.includes(c));
  const mentioned = (expression: string | undefined) => expression !== undefined && recreated.some((c) => mentionsColumn(expression, c));

  const move = <T>(from: readonly T[], to: readonly T[], involves: (item: T) => boolean, dropped: T[], added: T[]) => {
    for (const item of from) if (involves(item) && !dropped.includes(item)) dropped.push(item);
    for (const item of to) if (involves(item) && !added.includes(item)) added.push(item);
  };
  move(current.uniques, target.uniques, (u) => named(u.columns), changes.droppedUniques, changes.addedUniques);
  move(current.indexes, target.indexes, (i) => named(i.columns) || mentioned(i.where), changes.droppedIndexes, changes.addedIndexes);
  move(current.checks, target.checks, (c) => mentioned(c.expression), changes.droppedChecks, changes.addedChecks);
  move(exclusionsOf(current), exclusionsOf(target), (e) => mentioned(e.expression), changes.droppedExclusions, changes.addedExclusions);
  const keptForeignKeys = changes.keptForeignKeys.filter(({ current: fk }) => named(fk.columns));
  for (const kept of keptForeignKeys) {
    changes.droppedForeignKeys.push(kept.current);
    changes.addedForeignKeys.push(kept.target);
  }
  changes.keptForeignKeys = changes.keptForeignKeys.filter((kept) => !keptForeignKeys.includes(kept));
}
