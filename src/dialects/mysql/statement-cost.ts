/**
 * MySQL/MariaDB (InnoDB): what each statement costs, for `athanor plan`.
 * Every ALTER takes an exclusive metadata lock at its start and end (brief,
 * but it waits for every open transaction that touched the table, and every
 * later query waits behind it); between the two, InnoDB's online DDL either
 * works in place — writes go on — or copies the table, blocking writes for
 * the whole copy. Which one, per the MySQL 8.0 / MariaDB 10.6 online DDL
 * tables: a type change, a foreign key (with foreign_key_checks on), a check
 * and dropping the primary key copy; adding a column is instant; an index is
 * built in place.
 */
import { readAlterTable, readCreateIndex, splitClauses } from "../../sql/statements";
import type { StatementCost, StatementCostContext, StatementEffect } from "../statement-cost";

const IN_PLACE = "metadata lock (exclusive at start and end); in place: writes go on";
const COPY = "metadata lock; table copy: writes wait for the whole copy";

interface ClauseCost {
  copy: boolean;
  effect: StatementEffect;
  reason: string;
}

const ORDER: StatementEffect[] = ["catalog", "scan", "index", "rewrite"];

function cost(table: string, clauses: ClauseCost[]): StatementCost {
  const copy = clauses.some((c) => c.copy);
  const dearest = clauses.reduce((a, b) => (ORDER.indexOf(b.effect) > ORDER.indexOf(a.effect) ? b : a));
  return {
    table,
    lock: copy ? COPY : IN_PLACE,
    blocksWrites: copy,
    blocksReads: false,
    effect: dearest.effect,
    reason: clauses.map((c) => c.reason).join("; "),
  };
}

export function mysqlStatementCost(statement: string, context: StatementCostContext): StatementCost | undefined {
  const index = readCreateIndex(statement);
  if (index) return cost(index.table, [{ copy: false, effect: "index", reason: "builds an index in place" }]);
  const alter = readAlterTable(statement);
  if (!alter) return undefined;
  // ALGORITHM= / LOCK= (generate --online) change no table: they only make the server refuse a copy.
  const clauses = splitClauses(alter.rest).filter((clause) => !ALGORITHM_OR_LOCK.test(clause));
  if (clauses.length === 0) return undefined;
  return cost(
    alter.table,
    clauses.map((clause) => clauseCost(clause, context)),
  );
}

const ALGORITHM_OR_LOCK = /^(ALGORITHM|LOCK)\s*=?\s*\w+$/i;

function clauseCost(clause: string, context: StatementCostContext): ClauseCost {
  if (/^ADD (?:COLUMN )?(?!CONSTRAINT|INDEX|KEY|UNIQUE|PRIMARY|FOREIGN|FULLTEXT|SPATIAL|CHECK)/i.test(clause)) {
    return { copy: false, effect: "catalog", reason: "adds a column (instant on MySQL 8.0.29+ / MariaDB 10.4+)" };
  }
  if (/^ADD (?:CONSTRAINT \S+ )?(?:UNIQUE|INDEX|KEY)\b/i.test(clause))
    return { copy: false, effect: "index", reason: "builds an index in place" };
  if (/^ADD (?:CONSTRAINT \S+ )?PRIMARY KEY\b/i.test(clause))
    return { copy: false, effect: "rewrite", reason: "adds a primary key (rebuilds the table in place)" };
  if (/^ADD (?:CONSTRAINT \S+ )?FOREIGN KEY\b/i.test(clause))
    return { copy: true, effect: "rewrite", reason: "adds a foreign key (table copy while foreign_key_checks is on)" };
  if (/^ADD (?:CONSTRAINT \S+ )?CHECK\b/i.test(clause))
    return { copy: true, effect: "rewrite", reason: "adds a check (table copy: every row is checked)" };
  if (/^ENGINE\s*=?\s*\S+$/i.test(clause)) return { copy: true, effect: "rewrite", reason: "changes the storage engine (table copy)" };
  if (/^DROP PRIMARY KEY\b/i.test(clause)) return { copy: true, effect: "rewrite", reason: "drops the primary key (table copy)" };
  if (/^DROP (?:COLUMN )?(?!INDEX|KEY|FOREIGN|CONSTRAINT|CHECK|PRIMARY)/i.test(clause)) {
    return {
      copy: false,
      effect: "rewrite",
      reason: "drops a column (rebuilds the table in place; instant on MySQL 8.0.29+ / MariaDB 10.4+)",
    };
  }
  if (/^(MODIFY|CHANGE) /i.test(clause)) {
    const op = context.operation;
    // A rename on a server without RENAME COLUMN restates the definition unchanged.
    if (op?.kind === "renameColumn") return { copy: false, effect: "catalog", reason: "renames a column (in place)" };
    const sameType = op?.kind === "alterColumn" && op.from.type === op.to.type && op.from.length === op.to.length;
    return sameType
      ? { copy: false, effect: "rewrite", reason: "changes a column's definition (rebuilds the table in place)" }
      : { copy: true, effect: "rewrite", reason: "changes a column's type (table copy)" };
  }
  return { copy: false, effect: "catalog", reason: `${clause.split(" ").slice(0, 2).join(" ").toLowerCase()} (in place)` };
}
