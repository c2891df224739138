/**
 * Runner hooks around each migration's transaction. `PRAGMA foreign_keys` is
 * a no-op inside a transaction, so it is switched off before BEGIN (a table
 * rebuild drops the old table, which with foreign keys on would run ON DELETE
 * actions on child rows) and restored after; `PRAGMA foreign_key_check`
 * before COMMIT refuses a migration that left dangling references. The
 * check covers the tables the transaction wrote and the tables referencing
 * them (a violation elsewhere was there before and is not this migration's);
 * the whole database when a statement is not understood or a trigger could
 * have written elsewhere.
 */
import type { MigrationSessionHooks, Queryable } from "../dialect";
import { quoteString } from "./quote";
import { tablesCreatedWithoutForeignKeys, tablesWrittenByAll } from "./touched-tables";

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

  async beforeCommit(db, statements) {
    const violations = await foreignKeyViolations(db, statements);
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

/** `PRAGMA foreign_key_check` over what `statements` can have broken (everything when unknown). */
async function foreignKeyViolations(db: Queryable, statements: readonly string[] | undefined): Promise<ForeignKeyViolation[]> {
  // A script (run --sql) cannot ask what its statements touched: it checks everything.
  const offline = "athanorOffline" in db;
  const written = statements && !offline ? tablesWrittenByAll(statements) : undefined;
  if (!written) return db.query("PRAGMA foreign_key_check");
  if (written.size === 0) return [];
  // Only tables created here (and filled): they exist, no other row pointed
  // at them, and a trigger on them would have been created here too (which
  // makes the statements unknown): each one's own references are all to check.
  // Of those, a table created with no foreign key has nothing to check (a
  // run of many small CREATE TABLE migrations sends no check at all).
  if ([...written.values()].every((removes) => !removes)) {
    const keyless = tablesCreatedWithoutForeignKeys(statements ?? []);
    const violations: ForeignKeyViolation[] = [];
    for (const table of written.keys()) {
      if (!keyless.has(table)) violations.push(...(await db.query(`PRAGMA foreign_key_check(${quoteString(table)})`)));
    }
    return violations;
  }
  const names = [...written.keys()].map(quoteString).join(", ");
  const removed = [...written].filter(([, removes]) => removes).map(([name]) => quoteString(name));
  // Tables that still exist among those written, plus every table whose
  // foreign keys point at one that may have lost rows (reading every
  // table's keys only then: a migration that only creates and inserts needs
  // none); none of it when a trigger exists.
  const referencing =
    removed.length === 0
      ? ""
      : ` OR EXISTS (SELECT 1 FROM pragma_foreign_key_list(m.name) f WHERE lower(f."table") IN (${removed.join(", ")}))`;
  // One pass over the catalog: the tables to check, and any trigger.
  const rows: Array<{ type: string; name: string }> = await db.query(
    `SELECT m.type AS type, m.name AS name FROM sqlite_master m WHERE m.type = 'trigger' ` +
      `OR (m.type = 'table' AND (lower(m.name) IN (${names})${referencing}))`,
  );
  if (rows.some((row) => row.type === "trigger")) return db.query("PRAGMA foreign_key_check");
  const violations: ForeignKeyViolation[] = [];
  for (const row of rows) {
    violations.push(...(await db.query(`PRAGMA foreign_key_check(${quoteString(row.name)})`)));
  }
  return violations;
}
