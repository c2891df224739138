/**
 * Runner hooks around each migration's transaction. `PRAGMA foreign_keys` is
 * a no-op inside a transaction, so it is switched off before BEGIN (a table
 * rebuild drops the old table, which with foreign keys on would run ON DELETE
 * actions on child rows) and restored after; `PRAGMA foreign_key_check`
 * before COMMIT refuses a migration that left dangling references.
 */
import type { MigrationSessionHooks, Queryable } from "../dialect";

/** Whether foreign keys were on before each connection's migration. */
const foreignKeysWereOn = new WeakMap<Queryable, boolean>();

interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
}

export const sqliteSession: MigrationSessionHooks = {
  async beforeTransaction(db) {
    const rows: Array<{ foreign_keys: number }> = await db.query("PRAGMA foreign_keys");
    foreignKeysWereOn.set(db, Number(rows[0]?.foreign_keys ?? 0) === 1);
    await db.query("PRAGMA foreign_keys = OFF");
  },

  async beforeCommit(db) {
    const violations: ForeignKeyViolation[] = await db.query("PRAGMA foreign_key_check");
    if (violations.length === 0) return;
    const sample = violations
      .slice(0, 5)
      .map((v) => `row ${v.rowid ?? "?"} of "${v.table}" points at a missing row of "${v.parent}"`)
      .join("; ");
    throw new Error(
      `The migration leaves ${violations.length} foreign key violation(s): ${sample}. ` +
        `Fix the data or the migration; nothing was committed.`,
    );
  },

  async afterTransaction(db) {
    if (foreignKeysWereOn.get(db)) await db.query("PRAGMA foreign_keys = ON");
    foreignKeysWereOn.delete(db);
  },
};
