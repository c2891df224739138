/**
 * What changes in one table that exists on both sides. Items are matched by
 * structure (schema/equal), so renamed-but-identical constraints are no
 * change; a constraint whose structure differs is dropped and re-created.
 */
import type { Column, Table } from "../schema/model";
import {
  checkKey,
  comparableTableComment,
  exclusionKey,
  exclusionsOf,
  columnsEqual,
  foreignKeyKey,
  indexKey,
  matchByKey,
  primaryKeyKey,
  uniqueKey,
  type ComparableColumn,
} from "../schema/equal";
import { isGeneratedColumn } from "../schema/generated-columns";
import { generatedColumnsReadingRetyped, recreateDependentsOfRecreatedColumns } from "./recreated-columns";
import type { TableChanges } from "./table-changes";

// The result types live apart so that recreated-columns.ts, which this
// module calls, can use them without importing it back.
export type { ColumnChange, TableChanges } from "./table-changes";

export function compareTable(current: Table, target: Table, comparable: ComparableColumn, tableComments = true): TableChanges {
  const uniques = matchByKey(current.uniques, target.uniques, uniqueKey);
  const indexes = matchByKey(current.indexes, target.indexes, indexKey);
  const checks = matchByKey(current.checks, target.checks, checkKey);
  const foreignKeys = matchByKey(current.foreignKeys, target.foreignKeys, foreignKeyKey);
  const exclusions = matchByKey(exclusionsOf(current), exclusionsOf(target), exclusionKey);
  const changes: TableChanges = {
    table: target.name,
    // Generated columns are added after, and dropped before, the columns their expressions read.
    addedColumns: generatedLast(target.columns.filter((c) => !current.columns.some((o) => o.name === c.name))),
    alteredColumns: [],
    droppedColumns: generatedFirst(current.columns.filter((c) => !target.columns.some((o) => o.name === c.name))),
    droppedUniques: uniques.onlyLeft,
    addedUniques: uniques.onlyRight,
    droppedIndexes: indexes.onlyLeft,
    addedIndexes: indexes.onlyRight,
    droppedChecks: checks.onlyLeft,
    addedChecks: checks.onlyRight,
    droppedExclusions: exclusions.onlyLeft,
    addedExclusions: exclusions.onlyRight,
    droppedForeignKeys: foreignKeys.onlyLeft,
    addedForeignKeys: foreignKeys.onlyRight,
    keptForeignKeys: [],
    regeneratedColumns: [],
  };

  for (const to of target.columns) {
    const from = current.columns.find((c) => c.name === to.name);
    if (from && !columnsEqual(from, to, comparable)) changes.alteredColumns.push({ from, to });
  }

  const fromComment = comparableTableComment(current, tableComments);
  const toComment = comparableTableComment(target, tableComments);
  if (fromComment !== toComment) {
    changes.comment = {
      ...(fromComment !== undefined ? { from: fromComment } : {}),
      ...(toComment !== undefined ? { to: toComment } : {}),
    };
  }

  if (primaryKeyKey(current.primaryKey) !== primaryKeyKey(target.primaryKey)) {
    changes.droppedPrimaryKey = current.primaryKey;
    changes.addedPrimaryKey = target.primaryKey;
  }

  // Pair the foreign keys that stay: a later step may still have to drop and
  // re-create them (when the key they reference is re-created).
  const unpairedTargets = target.foreignKeys.filter((fk) => !foreignKeys.onlyRight.includes(fk));
  for (const fk of current.foreignKeys) {
    if (foreignKeys.onlyLeft.includes(fk)) continue;
    const index = unpairedTargets.findIndex((t) => foreignKeyKey(t) === foreignKeyKey(fk));
    changes.keptForeignKeys.push({ current: fk, target: unpairedTargets[index] });
    unpairedTargets.splice(index, 1);
  }
  changes.regeneratedColumns = generatedColumnsReadingRetyped(changes, current, target, comparable);
  recreateDependentsOfRecreatedColumns(changes, current, target);
  return changes;
}

/** `columns` with the generated ones last (first), each group in its own order. */
function generatedLast(columns: Column[]): Column[] {
  return [...columns.filter((c) => !isGeneratedColumn(c)), ...columns.filter(isGeneratedColumn)];
}

function generatedFirst(columns: Column[]): Column[] {
  return [...columns.filter(isGeneratedColumn), ...columns.filter((c) => !isGeneratedColumn(c))];
}
