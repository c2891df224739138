/**
 * In which order to create a set of new tables, and which of their foreign
 * keys can be written inline in CREATE TABLE.
 *
 * Inline foreign keys matter for SQLite, where adding one to an existing
 * table means rebuilding it. A foreign key is inline when the table it
 * references exists by then: the table itself, a table created earlier in
 * the plan, or an existing table whose referenced key is already in place.
 * The rest (reference cycles, keys that are created later) are deferred to
 * separate addForeignKey operations after all tables exist.
 *
 * The same plan, reversed, is the order to drop tables: dropping is the
 * inverse of creating, so `down` recreates them in a valid order.
 */
import type { ForeignKey, Table } from "../schema/model";

export interface DeferredForeignKey {
  table: string;
  foreignKey: ForeignKey;
}

export interface CreationPlan {
  /** Tables in creation order, each carrying only its inline foreign keys. */
  tables: Table[];
  deferred: DeferredForeignKey[];
}

/**
 * @param tables the new tables, in their preferred order (kept when possible)
 * @param existingKeyReady whether a foreign key to a table outside `tables`
 *   can be created at the time the tables are created
 */
export function planCreation(tables: readonly Table[], existingKeyReady: (fk: ForeignKey) => boolean): CreationPlan {
  const planned = new Set(tables.map((t) => t.name));
  const created = new Set<string>();
  const remaining = [...tables];
  const plan: CreationPlan = { tables: [], deferred: [] };

  const dependsOnPending = (table: Table) =>
    table.foreignKeys.some(
      (fk) => fk.referencedTable !== table.name && planned.has(fk.referencedTable) && !created.has(fk.referencedTable),
    );

  while (remaining.length > 0) {
    // The first table whose references are all created; in a cycle, the
    // first table left (its forward references are deferred).
    const nextIndex = Math.max(
      0,
      remaining.findIndex((t) => !dependsOnPending(t)),
    );
    const [table] = remaining.splice(nextIndex, 1);
    const inline: ForeignKey[] = [];
    for (const fk of table.foreignKeys) {
      const ready =
        fk.referencedTable === table.name || created.has(fk.referencedTable) || (!planned.has(fk.referencedTable) && existingKeyReady(fk));
      if (ready) inline.push(fk);
      else plan.deferred.push({ table: table.name, foreignKey: fk });
    }
    plan.tables.push({ ...table, foreignKeys: inline });
    created.add(table.name);
  }
  return plan;
}
