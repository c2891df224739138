/**
 * Linting operations that are about to become a migration (`generate`): each
 * is rendered for the project's dialect — only when that dialect has
 * statement rules — so lock findings judge the SQL that will run.
 */
import type { Dialect } from "../dialects/dialect";
import type { Operation } from "../ops/operations";
import { apply } from "../schema/apply";
import type { Schema } from "../schema/model";
import type { Finding } from "../danger/codes";
import { lintSteps, refusalsBroughtAbout, type LintStep } from "./lint-steps";

export interface LintOperationsOptions {
  dialect: Dialect;
  /** The schema before the first operation (SQLite renders rebuilds from it). */
  schema: Schema;
  /** Whether the migration will run inside a transaction (default: yes). */
  transaction?: boolean;
  /**
   * How an operation is rendered when not simply `dialect.render` (a lock-safe
   * rendering, say); gets the schema just before the operation.
   */
  render?: (op: Operation, schema: Schema) => string[];
}

export function lintOperations(ops: readonly Operation[], options: LintOperationsOptions): Finding[] {
  const { dialect } = options;
  const needsSql = dialect.statementRules !== undefined;
  const render = options.render ?? ((op: Operation, schema: Schema) => dialect.render(op, { schema }).statements);
  let schema = options.schema;
  const steps: LintStep[] = [];
  for (const operation of ops) {
    const statements = operation.kind === "sql" ? [operation.up] : needsSql ? render(operation, schema) : [];
    const before = schema;
    schema = apply(schema, operation);
    steps.push({ operation, statements, refusals: refusalsBroughtAbout(dialect, operation, before, schema) });
  }
  return lintSteps(steps, { dialect, transaction: options.transaction ?? true });
}
