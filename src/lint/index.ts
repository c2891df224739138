/**
 * Lint: every operation of a migration classified into findings with stable
 * codes (codes.ts) — destructive, data-dependent, lock-heavy (per dialect,
 * dialect-rules/), breaking — for `generate` and `athanor lint`.
 */
export { LINT_CODES, atLeast, finding, isLintCode, type Category, type CodeInfo, type Finding, type LintCode, type Severity } from "./codes";
export { lintOperations, type LintOperationsOptions } from "./lint-operations";
export { lintSteps, type LintStep, type LintStepsOptions } from "./lint-steps";
export { readMigration, type ReadMigration } from "./read-migration";
export { applySilences, readSilences, type Silence, type SilencedFinding } from "./silence";
