/**
 * Lint: the steps of a migration — op() calls and the SQL they render, and
 * hand-written SQL read by pattern — put before the judge (src/danger), whose
 * findings carry stable codes, for `generate`, `check` and `athanor lint`.
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
} from "../danger/codes";
export { lintOperations, type LintOperationsOptions } from "./lint-operations";
export { lintSteps, type LintDialect, type LintStep, type LintStepsOptions } from "./lint-steps";
export { readMigration, type ReadMigration } from "./read-migration";
export { applySilences, readSilences, type Silence, type SilencedFinding } from "./silence";
