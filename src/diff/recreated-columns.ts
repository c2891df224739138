/**
 * A column re-created because its generation changes (schema/generated-columns.ts)
 * takes with it, when it is dropped, the uniques, indexes, checks, exclusions
 * and foreign keys that involve it. Those are dropped before and added again
 * after (the diff's usual order), so the migration, and its inverse, end with
 * them in place.
 */
import type { Table } from "../schema/model";
import { exclusionsOf } from "../schema/equal";
import { recreatesColumn } from "../schema/generated-columns";
import { mentionsColumn } from "../schema/rename-in-expression";
import type { TableChanges } from "./compare-table";

export function recreateDependentsOfRecreatedColumns(changes: TableChanges, current: Table, target: Table): void {
  const recreated = changes.alteredColumns.filter(({ from, to }) => recreatesColumn(from, to)).map(({ to }) => to.name);
  if (recreated.length === 0) return;
  const named = (columns: readonly string[]) => columns.some((c) => recreated.includes(c));
  const mentioned = (expression: string | undefined) =>
    expression !== undefined && recreated.some((c) => mentionsColumn(expression, c));

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
