/**
 * A constraint added NOT VALID and validated in one statement that, when the
 * rows refuse it, takes the constraint away again before it stops: the
 * lock-safe way to a constraint, whose data check costs nothing when the
 * change succeeds.
 *
 * Online statements run outside a transaction, so the NOT VALID constraint
 * is committed before VALIDATE scans the rows (that is the point: the scan
 * must not hold the ADD's exclusive lock). A VALIDATE the rows refuse would
 * leave it behind, already refusing NULL (or unchecked) writes of the
 * application. Since PostgreSQL 11 a DO block run outside a transaction
 * block may COMMIT, though not inside a sub-block with an EXCEPTION clause;
 * so the block
 *
 * 1. adds the constraint NOT VALID unless it exists, and COMMITs (the
 *    exclusive lock ends there);
 * 2. validates it in a sub-block that only notes the refusal (a
 *    `check_violation`, or a `foreign_key_violation` for a foreign key);
 * 3. when it was refused: drops the constraint, COMMITs, counts the rows the
 *    data checks name and raises their sentence with the count (or the
 *    refusal as it came, when no check explains it).
 *
 * The statement as a whole fails or succeeds: what it leaves behind on
 * failure is what was there before (the runner's journal of applied
 * statements stays true, and running the migration again runs it again).
 * Its COMMITs make it invalid inside a transaction block: a migration that
 * runs in a transaction renders the plain change instead (online.ts).
 */
import type { DataCheck } from "../data-checks";
import { countedThenRaised, refusedStatementOf } from "./alter-column";
import { doBlock, quoteIdentifier, quoteLiteral, quoteTable, truncateIdentifier } from "./quote";

/** The SQL condition "`table` has a constraint named `name`". */
export function constraintExists(table: string, name: string): string {
  return (
    `EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(${quoteLiteral(quoteTable(table))}) ` +
    `AND conname = ${quoteLiteral(truncateIdentifier(name))})`
  );
}

const DECLARATIONS = "athanor_rows bigint; athanor_refused text;";

/** How VALIDATE refuses the rows: a check (also the NOT NULL one) or a foreign key. */
export type Refusal = "check_violation" | "foreign_key_violation";

/**
 * `ALTER TABLE table ADD <clause> NOT VALID` (a constraint named `name`),
 * committed, then validated; refused (`refusal`), the constraint is dropped
 * and `checks` explain why.
 */
export function addValidateOrUndo(
  table: string,
  name: string,
  clause: string,
  checks: readonly DataCheck[],
  refusal: Refusal = "check_violation",
): string {
  const quotedTable = quoteTable(table);
  const constraint = quoteIdentifier(name);
  const explain = checks.map((check) => countedThenRaised(table, check)).join("");
  return doBlock(
    `IF NOT ${constraintExists(table, name)} THEN ALTER TABLE ${quotedTable} ADD ${clause} NOT VALID; COMMIT; END IF; ` +
      `BEGIN ALTER TABLE ${quotedTable} VALIDATE CONSTRAINT ${constraint}; EXCEPTION WHEN ${refusal} THEN athanor_refused := SQLERRM; END; ` +
      `IF athanor_refused IS NOT NULL THEN ALTER TABLE ${quotedTable} DROP CONSTRAINT IF EXISTS ${constraint}; COMMIT; ` +
      `${explain}RAISE EXCEPTION USING ERRCODE = '${refusal}', MESSAGE = athanor_refused; END IF;`,
    DECLARATIONS,
  );
}

/** The VALIDATE CONSTRAINT inside a block addValidateOrUndo wrote, or undefined for any other statement. */
export function validatedStatementOf(sql: string): string | undefined {
  const block = new RegExp(
    String.raw`^DO (\$\w*\$) DECLARE ${escape(DECLARATIONS)} BEGIN IF NOT EXISTS [\s\S]*? COMMIT; END IF; ` +
      String.raw`BEGIN (ALTER TABLE [\s\S]*? VALIDATE CONSTRAINT [\s\S]*?); EXCEPTION WHEN [a-z_]+ THEN athanor_refused := SQLERRM; END; [\s\S]* END \1$`,
  ).exec(sql.trim());
  return block?.[2];
}

/**
 * The statement a block of Athanor's runs, for judging its lock and cost
 * (lint, plan): the change inside a refused-then-counted block, the
 * VALIDATE inside an add-validate-or-undo block; undefined for any other
 * statement.
 */
export function wrappedStatementOf(sql: string): string | undefined {
  return refusedStatementOf(sql) ?? validatedStatementOf(sql);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
