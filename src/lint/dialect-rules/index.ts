/**
 * Lock behaviour is a property of the database, so lock rules are kept per
 * dialect, keyed by `Dialect.name`. A dialect without an entry has no lock
 * codes: SQLite serializes every write through one database lock anyway, so
 * "blocks writes to this table" says nothing there.
 *
 * Rules read SQL statements — the ones a migration sends, rendered by the
 * dialect or written by hand — so whatever form a statement takes (a
 * CONCURRENTLY index, a NOT VALID constraint) is judged as it will run.
 */
import type { Operation } from "../../ops/operations";
import type { Finding } from "../codes";
import { postgresStatementFindings } from "./postgres";

export interface StatementContext {
  /** Tables created in this migration so far, this statement's own step included. */
  readonly created: ReadonlySet<string>;
  /** Statements of this migration before this one, normalized. */
  readonly earlier: readonly string[];
  /** The operation that rendered this statement, when it came from op(). */
  readonly operation?: Operation;
  /** Whether the migration runs inside a transaction; undefined when not known. */
  readonly transaction?: boolean;
}

/** Findings about one normalized statement (see sql-text.normalizeSql). */
export type StatementRules = (statement: string, context: StatementContext) => Finding[];

const RULES_BY_DIALECT: Record<string, StatementRules> = {
  postgres: postgresStatementFindings,
};

export function statementRulesFor(dialectName: string): StatementRules | undefined {
  return RULES_BY_DIALECT[dialectName];
}
