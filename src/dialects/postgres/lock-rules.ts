/**
 * PostgreSQL's own danger rules: the lock codes (AT-L…), served to the judge
 * (src/danger) as `Dialect.statementRules`. What takes which lock, for how long:
 *
 * - CREATE INDEX holds a SHARE lock (writes blocked) for the whole build;
 *   CREATE INDEX CONCURRENTLY does not, but cannot run in a transaction.
 *   ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE, unless
 *   it adopts an existing one (USING INDEX).
 * - ADD FOREIGN KEY / CHECK scan every row under their lock; with NOT VALID
 *   they check new rows only, and VALIDATE CONSTRAINT later scans under a
 *   lock that lets reads and writes through.
 * - ALTER COLUMN TYPE rewrites the table under ACCESS EXCLUSIVE, except a
 *   varchar that widens or becomes text; so does ADD COLUMN whose default is
 *   volatile (gen_random_uuid(), a serial or identity).
 * - SET NOT NULL scans the table under ACCESS EXCLUSIVE, unless a validated
 *   CHECK (col IS NOT NULL) already proves it (PostgreSQL 12+).
 * - DROP INDEX takes ACCESS EXCLUSIVE on the table: brief, but it queues
 *   behind running queries and everything queues behind it.
 */
import { finding, type Finding, type LintCode } from "../../danger/codes";
import type { StatementContext } from "../../danger/statement-rules";
import { wrappedStatementOf } from "./validate-or-undo";
// Lint's statement reader; it moves below the dialects with the one SQL scanner (#17 §4).
import { readAlterTable, readCreateIndex, shortStatement, splitClauses } from "../../sql/statements";
import type { Column } from "../../schema/model";

export function postgresStatementRules(wrapped: string, context: StatementContext): Finding[] {
  // A change whose data check runs only when the database refuses it is judged as that change
  // (an add-validate-or-undo block as its VALIDATE: its ADD is NOT VALID, which no rule objects to).
  const statement = wrappedStatementOf(wrapped) ?? wrapped;
  const subject = shortStatement(statement);
  const at = (code: LintCode, sentence: string, fix: string) => finding(code, sentence, fix, subject);
  const existing = (table: string) => !context.created.has(table);
  const findings: Finding[] = [];

  if (/\bCONCURRENTLY\b/i.test(statement) && context.transaction === true) {
    findings.push(
      at(
        "AT-L007",
        "CONCURRENTLY cannot run inside a transaction block, and this migration runs in one",
        "set `transaction = false` on the migration class.",
      ),
    );
  }

  const index = readCreateIndex(statement);
  if (index) {
    if (!index.concurrently && existing(index.table)) {
      findings.push(
        at(
          "AT-L001",
          `Building an index on ${index.table} without CONCURRENTLY blocks writes to it until the build ends`,
          `use CREATE INDEX CONCURRENTLY in a migration with transaction = false.`,
        ),
      );
    }
    return findings;
  }

  if (/^DROP INDEX /i.test(statement) && !/^DROP INDEX CONCURRENTLY /i.test(statement)) {
    findings.push(
      at(
        "AT-L006",
        "DROP INDEX takes an exclusive lock on its table (brief, but it waits for running queries while every new one waits for it)",
        "use DROP INDEX CONCURRENTLY in a migration with transaction = false on busy tables.",
      ),
    );
    return findings;
  }

  const alter = readAlterTable(statement);
  if (!alter || !existing(alter.table)) return findings;
  const table = alter.table;
  for (const clause of splitClauses(alter.rest)) {
    findings.push(...clauseFindings(table, clause, context, at));
  }
  return findings;
}

type At = (code: LintCode, sentence: string, fix: string) => Finding;

function clauseFindings(table: string, clause: string, context: StatementContext, at: At): Finding[] {
  const notValid = /\bNOT VALID\s*$/i.test(clause);
  const constraint = /^ADD (?:CONSTRAINT \S+ )?(UNIQUE|PRIMARY KEY|FOREIGN KEY|CHECK)\b/i.exec(clause);
  if (constraint) {
    const kind = constraint[1].toUpperCase();
    if ((kind === "UNIQUE" || kind === "PRIMARY KEY") && !/\bUSING INDEX\b/i.test(clause)) {
      return [
        at(
          "AT-L001",
          `Adding a ${kind.toLowerCase()} constraint to ${table} builds its index while holding an exclusive lock (no reads or writes)`,
          `build a unique index CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX.`,
        ),
      ];
    }
    if (kind === "FOREIGN KEY" && !notValid) {
      return [
        at(
          "AT-L002",
          `Adding a foreign key to ${table} checks every row while blocking writes to it and to the table it references`,
          `add it NOT VALID, then VALIDATE CONSTRAINT in a later statement.`,
        ),
      ];
    }
    if (kind === "CHECK" && !notValid) {
      return [
        at(
          "AT-L003",
          `Adding a check constraint to ${table} checks every row under an exclusive lock`,
          `add it NOT VALID, then VALIDATE CONSTRAINT in a later statement.`,
        ),
      ];
    }
    return [];
  }

  const alterColumn = /^ALTER (?:COLUMN )?(\S+) (.*)$/i.exec(clause);
  if (alterColumn) {
    const column = alterColumn[1].replace(/^"|"$/g, "");
    const change = alterColumn[2];
    if (/^(SET DATA )?TYPE /i.test(change)) {
      const op = context.operation;
      if (op?.kind === "alterColumn" && isRelabel(op.from, op.to)) return [];
      const hedge = op?.kind === "alterColumn" ? "" : " (unless it only widens a varchar or makes it text)";
      return [
        at(
          "AT-L004",
          `Changing the type of ${table}.${column} rewrites the whole table under an exclusive lock${hedge}`,
          `on a large table add a new column, backfill it in batches, and switch over.`,
        ),
      ];
    }
    if (/^SET NOT NULL$/i.test(change) && !provenNotNull(table, column, context.earlier)) {
      return [
        at(
          "AT-L005",
          `SET NOT NULL on ${table}.${column} scans every row under an exclusive lock`,
          `first add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it, then SET NOT NULL skips the scan.`,
        ),
      ];
    }
    return [];
  }

  const addColumn = /^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(\S+) (.*)$/i.exec(clause);
  if (addColumn && rewritesOnAdd(addColumn[2])) {
    return [
      at(
        "AT-L004",
        `Adding ${table}.${addColumn[1].replace(/^"|"$/g, "")} with a value computed per row (a volatile default, serial or identity) rewrites the whole table under an exclusive lock`,
        `add it without the default, backfill in batches, then set the default.`,
      ),
    ];
  }
  return [];
}

/** varchar(n) → varchar(m ≥ n) or unbounded, varchar/text → text: PostgreSQL only relabels. */
export function isRelabel(from: Column, to: Column): boolean {
  const textual = (c: Column) => c.type === "varchar" || c.type === "text";
  if (!textual(from) || !textual(to)) return false;
  if (to.type === "text" || to.length === undefined) return true;
  return from.type === "varchar" && from.length !== undefined && from.length <= to.length;
}

const VOLATILE_DEFAULT = /\bDEFAULT\s+\(?\s*(gen_random_uuid|uuid_generate_v[14]|random|clock_timestamp|timeofday|nextval)\s*\(/i;
const COMPUTED_TYPE = /^(SMALLSERIAL|SERIAL|BIGSERIAL|SERIAL[248])\b|\bGENERATED\b/i;

export function rewritesOnAdd(definition: string): boolean {
  return VOLATILE_DEFAULT.test(definition) || COMPUTED_TYPE.test(definition);
}

/**
 * Whether earlier statements added and validated CHECK (column IS NOT NULL)
 * on the table. The ADD may sit inside a DO block (an idempotent online
 * form), so it is looked for anywhere in a statement.
 */
export function provenNotNull(table: string, column: string, earlier: readonly string[]): boolean {
  const name = (text: string) => String.raw`(?:\S+\.)?"?${escapeRegExp(text)}"?`;
  const added = new RegExp(
    String.raw`ALTER TABLE (?:ONLY )?${name(table)} ADD CONSTRAINT \S+ CHECK\s*\(+\s*${name(column)}\s+IS NOT NULL\s*\)+ NOT VALID`,
    "i",
  );
  const validated = (statement: string) => {
    const alter = readAlterTable(wrappedStatementOf(statement) ?? statement);
    return alter?.table === table && /^VALIDATE CONSTRAINT\b/i.test(alter.rest);
  };
  return earlier.some((s) => added.test(s)) && earlier.some(validated);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
