/**
 * Linting one migration: its steps, in order — op() calls with the SQL the
 * dialect renders for them, and raw SQL — through the judge's portable rules
 * (src/danger) and the dialect's statement rules (`Dialect.statementRules`),
 * keeping track of what the migration itself created (nothing done to a
 * brand-new table is a risk). What only raw SQL can do (empty a table, end
 * the runner's transaction, be unreadable) is judged here, where SQL is read.
 */
import { describeOperation } from "../ops/describe";
import { finding, type Finding } from "../danger/codes";
import { droppedEarlier, operationFindings } from "../danger/operation-rules";
import type { Dialect, Refusal } from "../dialects/dialect";
import type { Operation } from "../ops/operations";
import type { ForeignKey, Schema } from "../schema/model";
import { readStatement, type ReadStatement } from "./read-sql";
import { changesSchema } from "../runner/recording-query-runner";
import { normalizeSql, shortStatement, splitStatements } from "../sql/statements";

export interface LintStep {
  /** The op() call, when the step is one; absent (or kind "sql") for raw SQL. */
  operation?: Operation;
  /** The SQL the step sends on the linted dialect, as rendered or as written. */
  statements: string[];
  /**
   * What the database refuses to hold that this op() step brings about
   * (refusalsBroughtAbout), when the schema around it is known.
   */
  refusals?: Refusal[];
}

/** What lint needs of a dialect: its own rules and its view of a column. */
export type LintDialect = Pick<Dialect, "statementRules" | "comparable">;

export interface LintStepsOptions {
  /** The dialect whose statement rules apply and whose view of a column is judged. */
  dialect: LintDialect;
  /** Whether the migration runs inside a transaction; undefined when not known. */
  transaction?: boolean;
}

/** A step cut to what the rules need: operations (real or read from SQL) and their statements. */
interface Unit {
  operations: Operation[];
  statements: string[];
  operation?: Operation;
  refusals?: Refusal[];
  /** For raw SQL: what reading it told. */
  read?: ReadStatement;
}

export function lintSteps(steps: readonly LintStep[], options: LintStepsOptions): Finding[] {
  const units = steps.flatMap(toUnits);
  const replacedAfter = renamedIntoLater(units);
  const created = new Set<string>();
  const tracked: Tracked = { created, droppedExisting: new Set() };
  const earlier: string[] = [];
  const statementRules = options.dialect.statementRules;
  const addedColumns = columnsAdded(units);
  const comparable = (column: Parameters<LintDialect["comparable"]>[0]) => options.dialect.comparable(column);
  const droppedForeignKeys = new Map<string, ForeignKey[]>();
  const findings: Finding[] = [];

  units.forEach((unit, index) => {
    const replaced = replacedAfter[index];
    // Raw SQL findings name the statement; op() findings the operation.
    const subject = unit.read ? shortStatement(unit.statements[0]) : undefined;
    // A statement that writes rows (INSERT, UPDATE, DELETE, TRUNCATE…) may leave some
    // that reference nothing: a key added after it is judged as new (AT-N005).
    if (unit.read && (!changesSchema(unit.statements[0]) || unit.read.emptiedTable)) droppedForeignKeys.clear();
    for (const op of unit.operations) {
      const context = { created, replaced, addedColumns, comparable, droppedForeignKeys };
      findings.push(...operationFindings(op, context, subject ?? describeOperation(op)));
      trackForeignKeys(droppedForeignKeys, created, op);
      track(tracked, op);
    }
    if (unit.read?.emptiedTable && !created.has(unit.read.emptiedTable) && subject) {
      findings.push(
        finding(
          "AT-D006",
          `Every row of ${unit.read.emptiedTable} is deleted`,
          "if that is meant, say so with a lint-disable comment, otherwise add a WHERE clause.",
          subject,
        ),
      );
    }
    if (unit.read && subject && options.transaction !== false) {
      const control = endsOrStartsTransaction(unit.statements[0]);
      if (control) {
        findings.push(
          finding(
            "AT-T001",
            `${control} ends or nests the transaction the runner opened around this migration and its bookkeeping row, so a later failure cannot be rolled back and the error cannot say what remains`,
            "take it out (the runner commits), or set transaction = false if the migration must control its own transactions.",
            subject,
          ),
        );
      }
    }
    if (unit.read && !unit.read.understood && subject) {
      findings.push(finding("AT-X002", "Lint cannot tell what this statement does to tables and locks", "review it by hand.", subject));
    }
    const about = unit.operation ? describeOperation(unit.operation) : "";
    for (const refusal of unit.refusals ?? []) findings.push(finding("AT-R001", refusal.problem, `${refusal.fix}.`, about));
    for (const statement of unit.statements) {
      if (statementRules) {
        findings.push(
          ...statementRules(statement, {
            created,
            earlier,
            operation: unit.operation,
            transaction: options.transaction,
          }),
        );
      }
      earlier.push(statement);
    }
  });
  return dedupe(findings);
}

/**
 * What the database refuses (Dialect.refusals) that `op` brings about, for
 * AT-R001: the refusals around the table it touches after it that were not
 * there before it. Computed where the schema is known (lint-operations.ts,
 * read-migration.ts), so steps need not keep a schema each.
 */
export function refusalsBroughtAbout(
  dialect: Pick<Dialect, "refusals">,
  op: Operation,
  before: Schema,
  after: Schema,
): Refusal[] | undefined {
  if (!dialect.refusals) return undefined;
  const table = op.kind === "createTable" ? op.table.name : "table" in op && typeof op.table === "string" ? op.table : undefined;
  if (table === undefined) return undefined;
  const tables = new Set([table]);
  const earlier = new Set(dialect.refusals(before, tables).map((r) => r.key));
  const found = dialect.refusals(after, tables).filter((r) => !earlier.has(r.key));
  return found.length > 0 ? found : undefined;
}

/**
 * For each unit, the tables a later unit renames another table to: dropping
 * one of them is a replacement (a SQLite rebuild drops the table, then
 * renames the new copy into its place), not the loss of a table.
 */
function renamedIntoLater(units: Unit[]): Set<string>[] {
  const result: Set<string>[] = [];
  let later = new Set<string>();
  for (let i = units.length - 1; i >= 0; i--) {
    result[i] = later;
    const targets = units[i].operations.flatMap((op) => (op.kind === "renameTable" ? [op.to] : []));
    if (targets.length > 0) later = new Set([...later, ...targets]);
  }
  return result;
}

/**
 * The columns each table gains in this migration: a column dropped from the
 * same table may have been meant as a rename of one of them.
 */
function columnsAdded(units: Unit[]): Map<string, string[]> {
  const added = new Map<string, string[]>();
  for (const op of units.flatMap((unit) => unit.operations)) {
    if (op.kind === "addColumn") added.set(op.table, [...(added.get(op.table) ?? []), op.column.name]);
  }
  return added;
}

/**
 * COMMIT, ROLLBACK (not ROLLBACK TO a savepoint), BEGIN, START TRANSACTION
 * or END: statements that end or open a transaction. Savepoints nest inside
 * the runner's transaction and are left alone.
 */
function endsOrStartsTransaction(statement: string): string | undefined {
  const match = /^(COMMIT|END|ABORT|BEGIN|START\s+TRANSACTION|ROLLBACK)\b(?!\s+(?:WORK\s+|TRANSACTION\s+)?TO\b)/i.exec(statement.trim());
  return match ? match[1].toUpperCase().replace(/\s+/g, " ") : undefined;
}

function toUnits(step: LintStep): Unit[] {
  const { operation } = step;
  if (operation && operation.kind !== "sql") {
    return [{ operations: [operation], statements: step.statements.map(normalizeSql), operation, refusals: step.refusals }];
  }
  // Raw SQL: one unit per statement, each read on its own.
  return step.statements.flatMap(splitStatements).map((statement) => {
    const read = readStatement(statement);
    return { operations: read.operations, statements: [statement], read };
  });
}

/** Tables the migration created, and existing tables it dropped. */
interface Tracked {
  created: Set<string>;
  droppedExisting: Set<string>;
}

/**
 * Follow the migration's own tables through creation, renames and drops. A
 * new table renamed into the place of a dropped existing one is a rebuild
 * (SQLite): it holds the old rows, so it does not count as new.
 */
function track({ created, droppedExisting }: Tracked, op: Operation): void {
  if (op.kind === "createTable") {
    created.add(op.table.name);
  } else if (op.kind === "dropTable") {
    if (!created.delete(op.table.name)) droppedExisting.add(op.table.name);
  } else if (op.kind === "renameTable" && created.delete(op.from)) {
    if (!droppedExisting.delete(op.to)) created.add(op.to);
  }
}

/**
 * The foreign keys dropped from existing tables and not yet added again
 * (AT-N006): a drop is remembered, an add over the same columns and
 * references takes its key back out.
 */
function trackForeignKeys(dropped: Map<string, ForeignKey[]>, created: ReadonlySet<string>, op: Operation): void {
  if (op.kind === "dropForeignKey" && !created.has(op.table)) {
    dropped.set(op.table, [...(dropped.get(op.table) ?? []), op.foreignKey]);
  } else if (op.kind === "addForeignKey") {
    const back = droppedEarlier(dropped, op.table, op.foreignKey);
    if (back)
      dropped.set(
        op.table,
        (dropped.get(op.table) ?? []).filter((key) => key !== back),
      );
  }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.subject}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
