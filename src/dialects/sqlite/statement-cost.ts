/**
 * SQLite: what each statement costs, for `athanor plan`. Every write takes
 * the one database write lock, so the lock is the same for all; what differs
 * is how long it is held: a table rebuild copies every row (INSERT … SELECT),
 * DROP COLUMN rewrites the table in place, an index reads every row, and
 * ADD/RENAME COLUMN and RENAME TABLE only edit the schema text.
 */
import { NAME, readAlterTable, readCreateIndex, unquoteName } from "../../sql/statements";
import type { StatementCost, StatementEffect } from "../statement-cost";

const LOCK = "database write lock";

function cost(table: string, effect: StatementEffect, reason: string): StatementCost {
  // Readers go on (WAL) or wait only while it commits (rollback journal); every writer waits.
  return { table, lock: LOCK, blocksWrites: true, blocksReads: false, effect, reason };
}

export function sqliteStatementCost(statement: string): StatementCost | undefined {
  const index = readCreateIndex(statement);
  if (index) return cost(index.table, "index", "builds an index (reads every row)");

  const copy = new RegExp(String.raw`^INSERT INTO ${NAME}\s*(?:\([^)]*\))?\s*SELECT\b.*\bFROM (${NAME})\s*$`, "is").exec(statement);
  if (copy) {
    const table = unquoteName(copy[1]);
    if (table === "sqlite_sequence") return undefined;
    return cost(table, "rewrite", "table copy: the rebuild copies every row into a new table");
  }

  const alter = readAlterTable(statement);
  if (alter) {
    if (/^DROP (?:COLUMN )?/i.test(alter.rest)) return cost(alter.table, "rewrite", "drops a column (rewrites every row in place)");
    if (/^ADD /i.test(alter.rest)) return cost(alter.table, "catalog", "adds a column (schema only)");
    return cost(alter.table, "catalog", "renames (schema only)");
  }

  const other = new RegExp(String.raw`^(DROP TABLE|UPDATE|DELETE FROM)\s+(?:IF EXISTS\s+)?(${NAME})`, "i").exec(statement);
  if (other) {
    const verb = other[1].toUpperCase();
    const table = unquoteName(other[2]);
    if (verb === "DROP TABLE") return cost(table, "scan", "drops the table (frees every page)");
    return cost(table, "rewrite", verb === "UPDATE" ? "updates rows" : "deletes rows");
  }
  return undefined;
}
