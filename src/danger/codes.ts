/**
 * The codes of the danger rules (the judge: src/danger). They are a contract: users silence them by name in
 * migration files and CI scripts match on them, so a code is never renumbered
 * or reused — a retired check keeps its number, unused.
 *
 * The letter says what kind of risk it is:
 *   D  destructive: data is lost (and code still reading it breaks)
 *   N  data-dependent: fails, or not, depending on the rows already there
 *   L  lock-heavy: blocks reads or writes on a live table (per dialect)
 *   B  breaking for application code that is still running
 *   T  transaction control the runner owns
 *   R  refused: the database will refuse the statement (per dialect)
 *   X  what lint could not read
 */

export type Severity = "error" | "warning" | "info";

export type Category = "destructive" | "data-dependent" | "lock-heavy" | "breaking" | "transaction" | "refused" | "unchecked";

export interface CodeInfo {
  severity: Severity;
  category: Category;
  /** One line for the README table and `--help`. */
  title: string;
  /** Dialects whose rule table raises it; absent for portable codes. */
  dialects?: string[];
}

export const LINT_CODES = {
  "AT-D001": { severity: "error", category: "destructive", title: "a table is dropped" },
  "AT-D002": { severity: "error", category: "destructive", title: "a column is dropped" },
  "AT-D003": {
    severity: "error",
    category: "destructive",
    title: "a column's type, length, precision or scale narrows",
  },
  "AT-D004": {
    severity: "warning",
    category: "destructive",
    title: "a column changes to an unrelated type (values may not convert)",
  },
  "AT-D005": { severity: "error", category: "destructive", title: "values are removed from an enum" },
  "AT-D006": {
    severity: "error",
    category: "destructive",
    title: "raw SQL empties a table (TRUNCATE, DELETE without WHERE)",
  },
  "AT-N001": {
    severity: "error",
    category: "data-dependent",
    title: "a NOT NULL column without a default is added to an existing table",
  },
  "AT-N002": { severity: "warning", category: "data-dependent", title: "an existing column becomes NOT NULL" },
  "AT-N003": {
    severity: "warning",
    category: "data-dependent",
    title: "a unique constraint, unique index or primary key is added to an existing table",
  },
  "AT-N004": {
    severity: "warning",
    category: "data-dependent",
    title: "a check constraint is added to an existing table",
  },
  "AT-N005": {
    severity: "warning",
    category: "data-dependent",
    title: "a foreign key is added to an existing table",
  },
  "AT-N006": {
    severity: "info",
    category: "data-dependent",
    title: "a foreign key this migration dropped is added again (every row is checked again; rows written in between were not)",
  },
  "AT-L001": {
    severity: "warning",
    category: "lock-heavy",
    title: "an index is built on an existing table without CONCURRENTLY (writes blocked)",
    dialects: ["postgres"],
  },
  "AT-L002": {
    severity: "warning",
    category: "lock-heavy",
    title: "a foreign key is added without NOT VALID (both tables locked while every row is checked)",
    dialects: ["postgres"],
  },
  "AT-L003": {
    severity: "warning",
    category: "lock-heavy",
    title: "a check constraint is added without NOT VALID (table locked while every row is checked)",
    dialects: ["postgres"],
  },
  "AT-L004": {
    severity: "warning",
    category: "lock-heavy",
    title: "the table is rewritten (type change, volatile default) under an exclusive lock",
    dialects: ["postgres"],
  },
  "AT-L005": {
    severity: "warning",
    category: "lock-heavy",
    title: "SET NOT NULL scans the table under an exclusive lock",
    dialects: ["postgres"],
  },
  "AT-L006": {
    severity: "info",
    category: "lock-heavy",
    title: "an index is dropped without CONCURRENTLY (waits for, then blocks, every query)",
    dialects: ["postgres"],
  },
  "AT-L007": {
    severity: "error",
    category: "lock-heavy",
    title: "CONCURRENTLY in a migration that runs inside a transaction (it will fail)",
    dialects: ["postgres"],
  },
  "AT-L008": {
    severity: "warning",
    category: "lock-heavy",
    title: "MySQL/MariaDB: the statement copies or rebuilds the table (type change, primary key, foreign key, column not at the end)",
    dialects: ["mysql", "mariadb"],
  },
  "AT-L009": {
    severity: "warning",
    category: "lock-heavy",
    title: "MySQL/MariaDB: an index is built without LOCK=NONE (writes may wait for the build)",
    dialects: ["mysql", "mariadb"],
  },
  "AT-B001": { severity: "warning", category: "breaking", title: "a table is renamed" },
  "AT-B002": { severity: "warning", category: "breaking", title: "a column is renamed" },
  "AT-B003": { severity: "warning", category: "breaking", title: "an enum value is renamed" },
  "AT-T001": {
    severity: "error",
    category: "transaction",
    title: "COMMIT, ROLLBACK or BEGIN in a migration that runs in the runner's transaction",
  },
  "AT-R001": {
    severity: "error",
    category: "refused",
    title:
      "MySQL/MariaDB: a foreign key the server refuses (SET NULL on a NOT NULL column, column types that differ, no index on the referenced columns)",
    dialects: ["mysql", "mariadb"],
  },
  "AT-R002": {
    severity: "warning",
    category: "refused",
    title: "MySQL/MariaDB: a storage engine no MySQL or MariaDB build ships (a typo the server refuses, or a plugin)",
    dialects: ["mysql", "mariadb"],
  },
  "AT-X001": {
    severity: "warning",
    category: "unchecked",
    title: "the migration could not be read without a database (not checked)",
  },
  "AT-X002": {
    severity: "info",
    category: "unchecked",
    title: "a raw SQL statement lint cannot read (review it by hand)",
  },
} as const satisfies Record<string, CodeInfo>;

export type LintCode = keyof typeof LINT_CODES;

export function isLintCode(code: string): code is LintCode {
  return Object.prototype.hasOwnProperty.call(LINT_CODES, code);
}

/**
 * What a rule found about one operation or statement: the header of a
 * generated migration, `athanor lint`, `athanor check` and their `--json`
 * all show this one record.
 */
export interface Finding {
  code: LintCode;
  severity: Severity;
  category: Category;
  /** One sentence: what happens, then what to do instead (`sentence; fix`). */
  message: string;
  /** What to do instead, alone (the part of `message` after its `;`). */
  fix: string;
  /** The operation ("drop column users.age") or statement it is about. */
  subject: string;
}

/**
 * A finding of `code`. `sentence` says what happens to which data or code
 * ("users.age is dropped: its data is lost"), `fix` what to do instead
 * ("deploy code that no longer uses it first."); the message joins them.
 */
export function finding(code: LintCode, sentence: string, fix: string, subject: string): Finding {
  const info: CodeInfo = LINT_CODES[code];
  return { code, severity: info.severity, category: info.category, message: `${sentence}; ${fix}`, fix, subject };
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether `severity` is at least as serious as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
