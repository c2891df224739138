/**
 * Foreign keys in the way of a column change. Some databases refuse to
 * change a column while a foreign key uses it, on either side of the key
 * (MySQL/MariaDB: a new type or collation, and NULL-ness under a cascading
 * key; DiffOptions.foreignKeyBlocksAlter, from the dialect). Such a key is
 * dropped before the change and added again after it, by the diff's usual
 * order (step 1 and step 7); read backwards, `down` drops it before the
 * inverse change and adds it after, so the question is asked both ways.
 *
 * The keys concerned: kept keys of either table (the referencing table's
 * own column, or the column it references, changes), keys of tables no
 * entity maps that reference a changed column, and keys of new tables to
 * a changed column (created after the change instead of inline).
 */
import type { Column, ForeignKey } from "../schema/model";
import type { ColumnChange, TableChanges } from "./table-changes";

/** Whether changing a column from `from` to `to` is refused while `foreignKey` uses it. */
export type ForeignKeyBlocksAlter = (from: Column, to: Column, foreignKey: ForeignKey) => boolean;

export class BlockedAlters {
  /** The altered columns, by table and column name (names as in the target). */
  private readonly altered = new Map<string, Map<string, ColumnChange>>();

  constructor(
    changes: readonly TableChanges[],
    private readonly blocks?: ForeignKeyBlocksAlter,
  ) {
    if (!blocks) return;
    for (const c of changes) {
      if (c.alteredColumns.length > 0) this.altered.set(c.table, new Map(c.alteredColumns.map((change) => [change.to.name, change])));
    }
  }

  /** Whether `foreignKey` of `table` must be off while the columns it uses change (up or down). */
  blocked(table: string, foreignKey: ForeignKey): boolean {
    return this.inTheWay(table, foreignKey.columns, foreignKey) || this.referenceBlocked(foreignKey);
  }

  /** The same, judged on the referenced columns alone (a new table's key: its own columns do not change). */
  referenceBlocked(foreignKey: ForeignKey): boolean {
    return this.inTheWay(foreignKey.referencedTable, foreignKey.referencedColumns, foreignKey);
  }

  private inTheWay(table: string, columns: readonly string[], foreignKey: ForeignKey): boolean {
    const blocks = this.blocks;
    const altered = this.altered.get(table);
    if (!blocks || !altered) return false;
    return columns.some((name) => {
      const change = altered.get(name);
      return change !== undefined && (blocks(change.from, change.to, foreignKey) || blocks(change.to, change.from, foreignKey));
    });
  }
}

/** Kept foreign keys in the way of a change: dropped before it and added again after it. */
export function recreateForeignKeysAroundBlockedAlters(changes: readonly TableChanges[], blocked: BlockedAlters): void {
  for (const c of changes) {
    c.keptForeignKeys = c.keptForeignKeys.filter((kept) => {
      if (!blocked.blocked(c.table, kept.target)) return true;
      c.droppedForeignKeys.push(kept.current);
      c.addedForeignKeys.push(kept.target);
      return false;
    });
  }
}
