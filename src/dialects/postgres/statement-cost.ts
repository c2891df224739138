/**
 * PostgreSQL: the lock each statement takes and what it does to the table's
 * rows, for `athanor plan`. The lock levels are those of PostgreSQL's
 * documentation ("Explicit Locking", and each ALTER TABLE form's page); what
 * rewrites and what scans follows the same reading as the lock rules
 * (lock-rules.ts), which this shares its helpers with.
 */
import { NAME, readAlterTable, readCreateIndex, splitClauses, unquoteName } from "../../sql/statements";
import type { StatementCost, StatementCostContext, StatementEffect } from "../statement-cost";
import { isRelabel, provenNotNull, rewritesOnAdd } from "./lock-rules";
import { wrappedStatementOf } from "./validate-or-undo";

/** PostgreSQL's table lock modes, weakest first (the order of the conflict table below). */
export const LOCK_MODES = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** For each mode (by index), the modes it conflicts with: the table in the manual, row by row. */
const CONFLICTS: readonly (readonly number[])[] = [
  [7],
  [6, 7],
  [4, 5, 6, 7],
  [3, 4, 5, 6, 7],
  [2, 3, 5, 6, 7],
  [2, 3, 4, 5, 6, 7],
  [1, 2, 3, 4, 5, 6, 7],
  [0, 1, 2, 3, 4, 5, 6, 7],
];

/** Whether a lock held in `held` mode makes a request for `wanted` wait. */
export function lockConflicts(wanted: LockMode, held: LockMode): boolean {
  return CONFLICTS[LOCK_MODES.indexOf(wanted)].includes(LOCK_MODES.indexOf(held));
}

/** pg_locks spells modes "AccessExclusiveLock": the mode in the manual's words. */
export function modeOfPgLocks(mode: string): LockMode | undefined {
  const words = mode
    .replace(/Lock$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : undefined;
}

const EFFECT_ORDER: StatementEffect[] = ["catalog", "scan", "index", "rewrite"];

interface ClauseCost {
  lock: LockMode;
  effect: StatementEffect;
  reason: string;
}

export function postgresStatementCost(wrapped: string, context: StatementCostContext): StatementCost | undefined {
  // A change whose data check runs only when the database refuses it costs what the change costs;
  // an add-validate-or-undo block what its VALIDATE costs (its NOT VALID ADD is a brief catalog change).
  const inner = wrappedStatementOf(wrapped);
  const statement = inner ?? wrapped;
  const priced = postgresCostOf(statement, context);
  return priced && inner ? { ...priced, statement: inner } : priced;
}

function postgresCostOf(statement: string, context: StatementCostContext): StatementCost | undefined {
  const index = readCreateIndex(statement);
  if (index) {
    const built = index.concurrently
      ? cost(index.table, "SHARE UPDATE EXCLUSIVE", "index", "builds an index concurrently (two scans; writes go on)")
      : cost(index.table, "SHARE", "index", "builds an index (writes wait until it is built)");
    return { ...built, key: indexKey(statement) };
  }
  const alter = readAlterTable(statement);
  if (alter) {
    const clauses = splitClauses(alter.rest).map((clause) => clauseCost(alter.table, clause, context));
    // The statement holds the strongest lock any clause needs, for as long as its dearest clause takes.
    const lock = LOCK_MODES[Math.max(...clauses.map((c) => LOCK_MODES.indexOf(c.lock)))];
    const dearest = clauses.reduce((a, b) => (EFFECT_ORDER.indexOf(b.effect) > EFFECT_ORDER.indexOf(a.effect) ? b : a));
    return cost(alter.table, lock, dearest.effect, clauses.map((c) => c.reason).join("; "));
  }
  const other = new RegExp(
    String.raw`^(DROP TABLE|TRUNCATE(?: TABLE)?|UPDATE|DELETE FROM)\s+(?:IF EXISTS\s+)?(?:ONLY\s+)?(${NAME})`,
    "i",
  ).exec(statement);
  if (other) {
    const verb = other[1].toUpperCase();
    const table = unquoteName(other[2]);
    if (verb === "UPDATE" || verb === "DELETE FROM") {
      return cost(
        table,
        "ROW EXCLUSIVE",
        "rewrite",
        `${verb === "UPDATE" ? "updates" : "deletes"} rows (each one locked; other writers of those rows wait)`,
      );
    }
    return cost(table, "ACCESS EXCLUSIVE", "catalog", verb === "DROP TABLE" ? "drops the table" : "empties the table");
  }
  return undefined;
}

/** The key of `CREATE INDEX … ON t [USING m] (key)`: the text inside the parentheses after the table. */
function indexKey(statement: string): string | undefined {
  const on = new RegExp(String.raw`\bON (?:ONLY )?${NAME}\s*(?:USING \w+\s*)?\(`, "i").exec(statement);
  if (!on) return undefined;
  let depth = 1;
  const start = on.index + on[0].length;
  for (let i = start; i < statement.length; i++) {
    const c = statement[i];
    if (c === "'" || c === '"') {
      const close = statement.indexOf(c, i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return statement.slice(start, i);
  }
  return undefined;
}

function cost(table: string, lock: LockMode, effect: StatementEffect, reason: string): StatementCost {
  const index = LOCK_MODES.indexOf(lock);
  return {
    table,
    lock,
    // ROW EXCLUSIVE takes row locks only; from SHARE up, writers wait; ACCESS EXCLUSIVE stops readers too.
    blocksWrites: index >= LOCK_MODES.indexOf("SHARE"),
    blocksReads: lock === "ACCESS EXCLUSIVE",
    effect,
    reason,
  };
}

function clauseCost(table: string, clause: string, context: StatementCostContext): ClauseCost {
  const notValid = /\bNOT VALID\s*$/i.test(clause);
  const constraint = /^ADD (?:CONSTRAINT \S+ )?(UNIQUE|PRIMARY KEY|FOREIGN KEY|CHECK|EXCLUDE)\b/i.exec(clause);
  if (constraint) {
    const kind = constraint[1].toUpperCase();
    if (kind === "FOREIGN KEY") {
      return notValid
        ? { lock: "SHARE ROW EXCLUSIVE", effect: "catalog", reason: "adds a foreign key NOT VALID (new rows only)" }
        : { lock: "SHARE ROW EXCLUSIVE", effect: "scan", reason: "adds a foreign key (checks every row)" };
    }
    if (kind === "CHECK") {
      return notValid
        ? { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: "adds a check NOT VALID (new rows only)" }
        : { lock: "ACCESS EXCLUSIVE", effect: "scan", reason: "adds a check (checks every row)" };
    }
    if (/\bUSING INDEX\b/i.test(clause)) return { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: "adopts an existing index" };
    return { lock: "ACCESS EXCLUSIVE", effect: "index", reason: `adds a ${kind.toLowerCase()} constraint (builds its index)` };
  }
  if (/^VALIDATE CONSTRAINT\b/i.test(clause)) {
    return { lock: "SHARE UPDATE EXCLUSIVE", effect: "scan", reason: "validates a constraint (reads every row; writes go on)" };
  }
  const alterColumn = /^ALTER (?:COLUMN )?(\S+) (.*)$/i.exec(clause);
  if (alterColumn) {
    const column = alterColumn[1].replace(/^"|"$/g, "");
    const change = alterColumn[2];
    if (/^(SET DATA )?TYPE /i.test(change)) {
      const op = context.operation;
      if (op?.kind === "alterColumn" && isRelabel(op.from, op.to)) {
        return { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: `widens ${column} (no rewrite)` };
      }
      return { lock: "ACCESS EXCLUSIVE", effect: "rewrite", reason: `changes the type of ${column} (rewrites the table and its indexes)` };
    }
    if (/^SET NOT NULL$/i.test(change)) {
      // PostgreSQL 12+ skips the scan when a validated CHECK (column IS NOT NULL) proves it (the --online form).
      return provenNotNull(table, column, context.earlier ?? [])
        ? { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: `sets ${column} NOT NULL (a validated check proves it: no scan)` }
        : { lock: "ACCESS EXCLUSIVE", effect: "scan", reason: `sets ${column} NOT NULL (checks every row)` };
    }
    if (/^SET STATISTICS\b/i.test(change))
      return { lock: "SHARE UPDATE EXCLUSIVE", effect: "catalog", reason: `sets statistics of ${column}` };
    return { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: `alters ${column} (${change.split(" ").slice(0, 3).join(" ")})` };
  }
  const addColumn = /^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(\S+) (.*)$/i.exec(clause);
  if (addColumn) {
    const column = addColumn[1].replace(/^"|"$/g, "");
    return rewritesOnAdd(addColumn[2])
      ? { lock: "ACCESS EXCLUSIVE", effect: "rewrite", reason: `adds ${column} with a value computed per row (rewrites the table)` }
      : { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: `adds ${column} (catalog only)` };
  }
  if (/^(SET|RESET) \(/i.test(clause)) return { lock: "SHARE UPDATE EXCLUSIVE", effect: "catalog", reason: "sets storage parameters" };
  const verb = clause.split(" ").slice(0, 2).join(" ").toLowerCase();
  return { lock: "ACCESS EXCLUSIVE", effect: "catalog", reason: `${verb} (catalog only)` };
}
