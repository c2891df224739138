/**
 * The judge of danger: one set of rules about what a migration does to data,
 * to locks and to running code, each with a stable code (codes.ts), a
 * severity, a sentence and a fix. The generated migration's header,
 * `athanor lint`, `athanor check` and their `--json` all show its findings.
 *
 * - operation-rules.ts: the portable rules, one per code, over Operations;
 * - statement-rules.ts: the shape of a dialect's own rules over SQL
 *   statements (`Dialect.statementRules`, e.g. dialects/postgres/lock-rules.ts);
 * - type-change.ts: what a column's new type does to its values.
 *
 * It imports schema/ and ops/ only; diff/, lint/, codegen/, commands/ and
 * the dialects' rules import it.
 *
 * Adding a rule: give it a code in codes.ts (the next free number of its
 * letter; never reuse one), then either add an entry to OPERATION_RULES
 * (a portable judgement of an Operation) or, for something only one
 * database does, a clause to that dialect's statement rules. Add a row to
 * the README's lint table and a test in test/e2e/lint.test.ts.
 */
export {
  LINT_CODES,
  atLeast,
  finding,
  isLintCode,
  type Category,
  type CodeInfo,
  type Finding,
  type LintCode,
  type Severity,
} from "./codes";
export { OPERATION_RULES, operationFindings, type Judgement, type OperationContext, type OperationRule } from "./operation-rules";
export type { StatementContext, StatementRules } from "./statement-rules";
export { narrowsSize, typeChange, typeRelation, type TypeChange } from "./type-change";
