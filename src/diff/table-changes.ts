/**
 * What compare-table.ts finds changed in one table that exists on both sides.
 */
import type { Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Unique } from "../schema/model";

export interface ColumnChange {
  from: Column;
  to: Column;
}

export interface TableChanges {
  table: string;
  addedColumns: Column[];
  alteredColumns: ColumnChange[];
  droppedColumns: Column[];
  droppedPrimaryKey?: PrimaryKey;
  addedPrimaryKey?: PrimaryKey;
  droppedUniques: Unique[];
  addedUniques: Unique[];
  droppedIndexes: Index[];
  addedIndexes: Index[];
  droppedChecks: Check[];
  addedChecks: Check[];
  droppedExclusions: Exclusion[];
  addedExclusions: Exclusion[];
  droppedForeignKeys: ForeignKey[];
  addedForeignKeys: ForeignKey[];
  /** Foreign keys present on both sides, as they are in the target. */
  keptForeignKeys: Array<{ current: ForeignKey; target: ForeignKey }>;
  /**
   * Generated columns that do not change but read a column whose type does:
   * PostgreSQL refuses to retype a column a generated one uses, so they are
   * dropped before the alter and added again after it.
   */
  regeneratedColumns: ColumnChange[];
  /** The table comment, when it changes (absent on a side: no comment). */
  comment?: { from?: string; to?: string };
  /** The storage engine, when the entity names one other than the table's (schema/equal.ts, enginesDiffer). */
  engine?: { from: string; to: string };
}
