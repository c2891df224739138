/**
 * What changes in one table that exists on both sides. Items are matched by
 * structure (schema/equal), so renamed-but-identical constraints are no
 * change; a constraint whose structure differs is dropped and re-created.
 * Names still count twice: among items of the same structure, those of the
 * same name pair first, and an item kept under its live name is dropped and
 * re-created when an added item takes that name (see unpairNameClashes).
 */
import type { Column, Table } from "../schema/model";
import {
  checkKey,
  comparableTableComment,
  enginesDiffer,
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

/** How the database compares index and constraint names (Dialect.foldName); exact by default. */
export type FoldName = (name: string) => string;

export function compareTable(
  current: Table,
  target: Table,
  comparable: ComparableColumn,
  tableComments = true,
  foldName: FoldName = (name) => name,
  /** Whether a target table other than this one names an index or constraint so (a folded name). */
  takenElsewhere: (folded: string) => boolean = () => false,
): TableChanges {
  if (unchanged(current, target, comparable, tableComments)) return noChanges(current, target);
  const sameName = (a: { name: string }, b: { name: string }) => foldName(a.name) === foldName(b.name);
  const uniques = matchByKey(current.uniques, target.uniques, uniqueKey, sameName);
  const indexes = matchByKey(current.indexes, target.indexes, indexKey, sameName);
  const checks = matchByKey(current.checks, target.checks, checkKey, sameName);
  const foreignKeys = matchByKey(current.foreignKeys, target.foreignKeys, foreignKeyKey, sameName);
  const exclusions = matchByKey(exclusionsOf(current), exclusionsOf(target), exclusionKey, sameName);
  unpairNameClashes([uniques, indexes, checks, foreignKeys, exclusions], foldName, takenElsewhere);
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

  if (enginesDiffer(current, target)) changes.engine = { from: current.engine!, to: target.engine! };

  if (primaryKeyKey(current.primaryKey) !== primaryKeyKey(target.primaryKey)) {
    changes.droppedPrimaryKey = current.primaryKey;
    changes.addedPrimaryKey = target.primaryKey;
  }

  // The foreign keys that stay: a later step may still have to drop and
  // re-create them (when the key they reference is re-created).
  changes.keptForeignKeys = foreignKeys.pairs.map(({ left, right }) => ({ current: left, target: right }));
  changes.regeneratedColumns = generatedColumnsReadingRetyped(changes, current, target, comparable);
  recreateDependentsOfRecreatedColumns(changes, current, target);
  return changes;
}

/**
 * Whether the table is the same on both sides: the same columns in the same
 * order, the same items under the same names (foreign keys in the same
 * order): what a no-op `generate` finds for every table, answered without
 * the matching below. Anything else (another column or key order, another
 * name, a difference) goes through the full comparison, which finds the same
 * result for such tables: items of equal key and name all pair (foreign keys
 * in their order), no name clashes, no column added, dropped or altered.
 */
function unchanged(current: Table, target: Table, comparable: ComparableColumn, tableComments: boolean): boolean {
  const columns = current.columns;
  if (columns.length !== target.columns.length) return false;
  for (let i = 0; i < columns.length; i++) {
    const to = target.columns[i];
    if (columns[i].name !== to.name || !columnsEqual(columns[i], to, comparable)) return false;
  }
  return (
    primaryKeyKey(current.primaryKey) === primaryKeyKey(target.primaryKey) &&
    sameItemsByName(current.uniques, target.uniques, uniqueKey) &&
    sameItemsByName(current.indexes, target.indexes, indexKey) &&
    sameItemsByName(current.checks, target.checks, checkKey) &&
    sameItemsInOrder(current.foreignKeys, target.foreignKeys, foreignKeyKey) &&
    sameItemsByName(exclusionsOf(current), exclusionsOf(target), exclusionKey) &&
    comparableTableComment(current, tableComments) === comparableTableComment(target, tableComments) &&
    !enginesDiffer(current, target)
  );
}

/** Same length, and at each position the same name and the same structural key. */
function sameItemsInOrder<T extends { name: string }>(left: readonly T[], right: readonly T[], key: (item: T) => string): boolean {
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) {
    if (left[i].name !== right[i].name || key(left[i]) !== key(right[i])) return false;
  }
  return true;
}

/**
 * Each item on one side has one of the same name and key on the other, names
 * unique on both sides (introspection orders indexes by name, the entities
 * as declared).
 */
function sameItemsByName<T extends { name: string }>(left: readonly T[], right: readonly T[], key: (item: T) => string): boolean {
  if (left.length !== right.length) return false;
  if (left.length === 0 || sameItemsInOrder(left, right, key)) return true;
  const byName = new Map<string, T>();
  for (const item of right) byName.set(item.name, item);
  if (byName.size !== right.length) return false;
  const seen = new Set<string>();
  for (const item of left) {
    const other = byName.get(item.name);
    if (other === undefined || seen.has(item.name) || key(item) !== key(other)) return false;
    seen.add(item.name);
  }
  return true;
}

/** The changes of an unchanged table: none, its foreign keys kept (paired in order, as matchByKey pairs them). */
function noChanges(current: Table, target: Table): TableChanges {
  return {
    table: target.name,
    addedColumns: [],
    alteredColumns: [],
    droppedColumns: [],
    droppedUniques: [],
    addedUniques: [],
    droppedIndexes: [],
    addedIndexes: [],
    droppedChecks: [],
    addedChecks: [],
    droppedExclusions: [],
    addedExclusions: [],
    droppedForeignKeys: [],
    addedForeignKeys: [],
    keptForeignKeys: current.foreignKeys.map((foreignKey, i) => ({ current: foreignKey, target: target.foreignKeys[i] })),
    regeneratedColumns: [],
  };
}

interface Matched<T> {
  onlyLeft: T[];
  onlyRight: T[];
  pairs: Array<{ left: T; right: T }>;
}

/**
 * An item kept under its live name (paired with a target item of another
 * name: no change) while an added item takes that name would meet it on the
 * server: "relation already exists" (PostgreSQL), "Duplicate key name"
 * (MySQL, which compares the names ignoring case). Such a kept item is
 * dropped and created under its new name instead; the drops run before the
 * adds. The names of every table are taken as one namespace — wider than
 * any database's (MySQL keeps indexes and constraints apart, and per table)
 * but never narrower (PostgreSQL and SQLite keep index names per schema or
 * database), and a needless re-creation of an unchanged item is only slower.
 */
function unpairNameClashes(kinds: Array<Matched<{ name: string }>>, foldName: FoldName, takenElsewhere: (folded: string) => boolean): void {
  for (;;) {
    const added = new Set(kinds.flatMap((kind) => kind.onlyRight.map((item) => foldName(item.name))));
    let moved = false;
    for (const kind of kinds) {
      kind.pairs = kind.pairs.filter(({ left, right }) => {
        const live = foldName(left.name);
        const clashes = live !== foldName(right.name) && (added.has(live) || takenElsewhere(live));
        if (!clashes) return true;
        kind.onlyLeft.push(left);
        kind.onlyRight.push(right);
        moved = true;
        return false;
      });
    }
    if (!moved) return;
  }
}

/** `columns` with the generated ones last (first), each group in its own order. */
function generatedLast(columns: Column[]): Column[] {
  return [...columns.filter((c) => !isGeneratedColumn(c)), ...columns.filter(isGeneratedColumn)];
}

function generatedFirst(columns: Column[]): Column[] {
  return [...columns.filter(isGeneratedColumn), ...columns.filter((c) => !isGeneratedColumn(c))];
}
