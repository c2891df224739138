/**
 * The shape of a dialect's own rules (`Dialect.statementRules`). Lock
 * behaviour is a property of the database, so lock rules (AT-L…) live with
 * each dialect (src/dialects/<name>/), not here; a dialect without them has
 * no lock codes — SQLite serializes every write through one database lock,
 * so "blocks writes to this table" says nothing there.
 *
 * Such rules read SQL statements — the ones a migration sends, rendered by
 * the dialect or written by hand — so whatever form a statement takes (a
 * CONCURRENTLY index, a NOT VALID constraint) is judged as it will run.
 */
import type { Operation } from "../ops/operations";
import type { Finding } from "./codes";

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

/**
 * Findings about one statement, normalized (comments removed, whitespace
 * collapsed: lint/sql-text normalizeSql). Build each with codes.ts `finding`,
 * its subject the statement shortened.
 */
export type StatementRules = (statement: string, context: StatementContext) => Finding[];
