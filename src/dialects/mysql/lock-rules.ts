/**
 * MySQL/MariaDB's own danger rules (AT-L008, AT-L009), served to the judge
 * (src/danger) as `Dialect.statementRules`. What InnoDB's online DDL does:
 *
 * - Changing a column's type or length (MODIFY / CHANGE), adding an
 *   AUTO_INCREMENT or stored generated column, or a primary key rebuilds
 *   the table, mostly by copying it while writes wait; so does a new
 *   storage engine (ENGINE=), always by copying; a foreign key, always by
 *   copying while foreign_key_checks is on (MariaDB 10.11: "ALGORITHM=INPLACE
 *   is not supported. Reason: Adding foreign keys needs
 *   foreign_key_checks=OFF", and the copy takes LOCK=SHARED at least); and a column
 *   added FIRST / AFTER on MySQL before 8.0.29 and MariaDB before 10.3.
 * - An index build without LOCK=NONE lets the server pick its lock; a
 *   FULLTEXT or SPATIAL index always blocks writes while it builds.
 *
 * A statement that states `ALGORITHM=INSTANT`/`NOCOPY`, or `LOCK=NONE`, is
 * safe by construction: the server refuses it rather than lock or copy
 * (what `generate --online` renders, src/dialects/mysql/online.ts).
 */
import { finding, type Finding, type LintCode } from "../../danger/codes";
import type { StatementContext } from "../../danger/statement-rules";
import type { Operation } from "../../ops/operations";
import { readAlterTable, readCreateIndex, shortStatement, splitClauses } from "../../sql/statements";

const STATES_ONLINE = /\bALGORITHM\s*=?\s*(INSTANT|NOCOPY)\b|\bLOCK\s*=?\s*NONE\b/i;
const INDEX_CLAUSE = /^ADD (?:CONSTRAINT \S+ )?(?:UNIQUE|FULLTEXT|SPATIAL|INDEX|KEY)\b/i;

export function mysqlStatementRules(statement: string, context: StatementContext): Finding[] {
  const subject = shortStatement(statement);
  const at = (code: LintCode, sentence: string, fix: string) => finding(code, sentence, fix, subject);
  const online = STATES_ONLINE.test(statement);
  const indexFix = "state `ALGORITHM=INPLACE, LOCK=NONE` (what `generate --online` writes), so the server refuses rather than lock.";

  const index = readCreateIndex(statement) ?? readSpecialIndex(statement);
  if (index) {
    if (!online && !context.created.has(index.table)) {
      return [at("AT-L009", `Building an index on ${index.table} without LOCK=NONE may block writes to it until the build ends`, indexFix)];
    }
    return [];
  }

  const alter = readAlterTable(statement);
  if (!alter || context.created.has(alter.table) || online) return [];
  const clauses = splitClauses(alter.rest);
  const findings: Finding[] = [];
  const copying = clauses.map((clause) => copyReason(clause, context.operation)).find((reason) => reason !== undefined);
  if (copying) {
    findings.push(
      at(
        "AT-L008",
        `${copying} rebuilds table ${alter.table}, mostly by copying it while writes wait`,
        "run it when the table is quiet, or use an online schema change tool (gh-ost, pt-online-schema-change) for a large table.",
      ),
    );
  }
  if (clauses.some((clause) => INDEX_CLAUSE.test(clause) && !/^ADD (?:CONSTRAINT \S+ )?PRIMARY KEY\b/i.test(clause))) {
    findings.push(
      at("AT-L009", `Building an index on ${alter.table} without LOCK=NONE may block writes to it until the build ends`, indexFix),
    );
  }
  return findings;
}

/** `CREATE FULLTEXT|SPATIAL INDEX name ON table` (readCreateIndex knows plain and UNIQUE). */
function readSpecialIndex(statement: string): { table: string } | undefined {
  const match = /^CREATE (?:FULLTEXT|SPATIAL) INDEX \S+ ON (\S+)/i.exec(statement);
  return match ? { table: match[1].replace(/^`|`$/g, "") } : undefined;
}

/** Why one ALTER TABLE clause rebuilds the table, or undefined when it does not. */
function copyReason(clause: string, operation: Operation | undefined): string | undefined {
  if (/^ALGORITHM\s*=?\s*COPY$/i.test(clause)) return "ALGORITHM=COPY";
  // Another engine stores the rows its own way: always a copy.
  if (/^ENGINE\s*=?\s*\S+$/i.test(clause)) return "Changing the storage engine";
  if (/^ADD (?:CONSTRAINT \S+ )?PRIMARY KEY\b/i.test(clause)) return "Adding a primary key";
  // With foreign_key_checks on (what checks the rows) the server has no in-place form: ALGORITHM=COPY, LOCK=SHARED at best.
  if (/^ADD (?:CONSTRAINT \S+ )?FOREIGN KEY\b/i.test(clause)) return "Adding a foreign key (checked against every row: ALGORITHM=COPY)";
  if (/^(MODIFY|CHANGE)\b/i.test(clause)) {
    // From op() we know whether the type changes; a widened varchar or a new default is in place.
    if (operation?.kind === "alterColumn" && sameStorage(operation)) return undefined;
    // A rename on a server without RENAME COLUMN restates the definition unchanged: in place.
    if (operation?.kind === "renameColumn") return undefined;
    return "Changing a column's type, length or nullability with MODIFY/CHANGE";
  }
  if (/^ADD (?:COLUMN )?/i.test(clause) && !/^ADD (?:CONSTRAINT|UNIQUE|FULLTEXT|SPATIAL|INDEX|KEY|PRIMARY|FOREIGN|CHECK)\b/i.test(clause)) {
    if (/\bAUTO_INCREMENT\b/i.test(clause)) return "Adding an AUTO_INCREMENT column";
    if (/\bSTORED\b/i.test(clause)) return "Adding a stored generated column";
    if (/\s(FIRST|AFTER \S+)$/i.test(clause)) return "Adding a column FIRST/AFTER (MySQL before 8.0.29, MariaDB before 10.3)";
  }
  return undefined;
}

/** Whether an alterColumn keeps the column's type, length, precision, scale and sign (only a default, comment or name changes). */
function sameStorage(op: Extract<Operation, { kind: "alterColumn" }>): boolean {
  const { from, to } = op;
  return (
    from.type === to.type &&
    from.length === to.length &&
    from.precision === to.precision &&
    from.scale === to.scale &&
    from.unsigned === to.unsigned &&
    from.nullable === to.nullable &&
    JSON.stringify(from.enum) === JSON.stringify(to.enum) &&
    from.asExpression === to.asExpression
  );
}
