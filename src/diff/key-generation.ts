/**
 * Auto-increment lives on a table's primary key: SQLite can only store it on
 * a lone INTEGER PRIMARY KEY, so a column that gains it before its key exists
 * (or keeps it after its key is gone) silently loses it in the database.
 * When a table's primary key changes, a column's auto-increment is therefore
 * taken off while the old key is still there and put on once the new key
 * exists. Read backwards, `down` keeps the same rule.
 */
import type { Column } from "../schema/model";
import type { ComparableColumn } from "../schema/equal";
import { columnsEqual } from "../schema/equal";
import type { ColumnChange, TableChanges } from "./compare-table";

export interface KeyedAlters {
  /** Run before the old primary key is dropped: auto-increment taken off. */
  beforeKeyDrop: ColumnChange[];
  /** The alters of the table, less what the other two lists do. */
  main: ColumnChange[];
  /** Run after the new primary key is added: auto-increment put on. */
  afterKeyAdd: ColumnChange[];
}

function autoIncrements(column: Column): boolean {
  return column.generated === "increment" || column.generated === "identity";
}

function withoutGeneration(column: Column): Column {
  const { generated: _generated, ...plain } = column;
  return plain;
}

export function splitAltersAroundKey(changes: TableChanges, comparable: ComparableColumn): KeyedAlters {
  const result: KeyedAlters = { beforeKeyDrop: [], main: [], afterKeyAdd: [] };
  const keyChanges = changes.droppedPrimaryKey !== undefined || changes.addedPrimaryKey !== undefined;
  for (const change of changes.alteredColumns) {
    let { from, to } = change;
    const generationChanges = comparable(from).generated !== comparable(to).generated;
    if (!keyChanges || !generationChanges) {
      result.main.push(change);
      continue;
    }
    if (autoIncrements(from)) {
      const plain = withoutGeneration(from);
      result.beforeKeyDrop.push({ from, to: plain });
      from = plain;
    }
    let afterKey: ColumnChange | undefined;
    if (autoIncrements(to)) {
      const plain = withoutGeneration(to);
      afterKey = { from: plain, to };
      to = plain;
    }
    if (!columnsEqual(from, to, comparable)) result.main.push({ from, to });
    if (afterKey) result.afterKeyAdd.push(afterKey);
  }
  return result;
}
