/**
 * ALTER COLUMN: every change is made in place — a type change is
 * `ALTER ... TYPE ... USING`, never a drop and add, so rows survive.
 *
 * Steps run in an order where each is valid: the old generation (serial
 * sequence, identity, uuid default) goes first, then the default if the type
 * changes under it, the type, nullability, the plain default, and last the
 * new generation (identity needs NOT NULL before it can be added).
 */
import type { RenderedOperation } from "../dialect";
import type { Column } from "../../schema/model";
import { dataChecksForAlter, decimalNarrowingCheck, ROW_COUNT, type DataCheck, type DataCheckKind } from "../data-checks";
import { comparableColumn } from "./comparable";
import { renderColumnDefault } from "./defaults";
import { columnType, commentOnColumn, identityClause } from "./definitions";
import { createEnumType, createEnumTypeStatement, dropEnumType, enumTypeName } from "./enums";
import { doBlock, quoteIdentifier, quoteLiteral, quoteInSchemaOf, quoteTable } from "./quote";
import { onColumnSequence, rememberSequencePosition, restoreSequencePosition, resyncSequence, serialSequenceName } from "./sequences";

function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function typeChanged(from: Column, to: Column, table: string): boolean {
  if (from.type !== to.type) return true;
  if (from.length !== to.length || from.precision !== to.precision || from.scale !== to.scale) return true;
  if (from.type === "enum") {
    return !sameList(from.enum, to.enum) || enumTypeName(table, from) !== enumTypeName(table, to);
  }
  return false;
}

/** varchar(n) → varchar(m ≥ n), varchar → text: PostgreSQL relabels, no rewrite. */
function isRelabel(from: Column, to: Column): boolean {
  const textual = (c: Column) => c.type === "varchar" || c.type === "text";
  if (!textual(from) || !textual(to)) return false;
  if (to.type === "text" || to.length === undefined) return true;
  return from.type === "varchar" && from.length !== undefined && from.length <= to.length;
}

class AlterColumnPlan {
  readonly statements: string[] = [];
  readonly notes: string[] = [];
  private readonly alter: string;

  constructor(
    private readonly table: string,
    private readonly column: string,
  ) {
    this.alter = `ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${quoteIdentifier(column)}`;
  }

  add(...statements: string[]): void {
    this.statements.push(...statements);
  }

  get alterStatement(): string {
    return this.alter;
  }

  alterColumn(clause: string): void {
    this.add(`${this.alter} ${clause}`);
  }

  /**
   * Adds `statement`, which `checks` must allow and which the database
   * refuses (REFUSED_WITH) when they would fail. When it is the first
   * statement that changes anything, the checks only run once it is refused
   * (`refusedThenCounted`), so a refusal leaves nothing behind even outside
   * a transaction; after another change they run up front.
   */
  guarded(statement: string, checks: DataCheck[]): void {
    const first = this.statements.length === 0;
    const inside = first ? checks : [];
    const upFront = checks.filter((check) => !inside.includes(check));
    this.upFront.push(...upFront.map((check) => dataCheckStatement(this.table, check)));
    this.add(inside.length > 0 ? refusedThenCounted(this.table, statement, inside) : statement);
  }

  /** Checks that run before every statement of the plan. */
  readonly upFront: string[] = [];
  /** The checks a type change can fail (lengths, ranges, enum values, precision). */
  typeChecks: DataCheck[] = [];

  /**
   * `TYPE nativeType USING column<using>`, or without USING (PostgreSQL's
   * assignment cast) when `using` is undefined. An explicit cast to a
   * shorter varchar/char cuts longer values without an error, so behind a
   * USING the length checks run up front; the assignment cast refuses them
   * (string_data_right_truncation), so without one they wait for the refusal.
   */
  setType(nativeType: string, using: string | undefined): void {
    const checks = this.typeChecks;
    this.typeChecks = [];
    if (using === undefined) {
      this.guarded(`${this.alter} TYPE ${nativeType}`, checks);
      return;
    }
    const cut = checks.filter((check) => check.kind === "length");
    this.upFront.push(...cut.map((check) => dataCheckStatement(this.table, check)));
    this.guarded(
      `${this.alter} TYPE ${nativeType} USING ${quoteIdentifier(this.column)}${using}`,
      checks.filter((check) => !cut.includes(check)),
    );
  }

  get quotedTable(): string {
    return quoteTable(this.table);
  }
}

const STRINGS = new Set(["varchar", "char", "text"]);

/**
 * Whether a length narrowing can go without USING: from a string type to a
 * varchar(n)/char(n), PostgreSQL's assignment cast refuses a value longer
 * than n (unless the excess is only spaces, which it trims, as an INSERT
 * would) instead of cutting it. Other sources (uuid, enums, numbers) have
 * no assignment cast to varchar and keep USING, with their count up front.
 */
function lengthRefusedByAssignment(from: Column, to: Column, checks: readonly DataCheck[]): boolean {
  const narrows = checks.some((check) => check.kind === "length");
  return narrows && STRINGS.has(from.type) && (to.type === "varchar" || to.type === "char") && to.length !== undefined;
}

/** Whether both sides number rows from a sequence, whose position must carry over. */
function sequenceToSequence(from: Column, to: Column): boolean {
  const numbered = (c: Column) => c.generated === "increment" || c.generated === "identity";
  return numbered(from) && numbered(to);
}

function leaveGeneration(plan: AlterColumnPlan, from: Column, to: Column, table: string): void {
  if (sequenceToSequence(from, to)) plan.add(rememberSequencePosition(table, from.name));
  switch (from.generated) {
    case "increment":
      plan.alterColumn("DROP DEFAULT");
      plan.add(onColumnSequence(table, from.name, "DROP SEQUENCE %s"));
      return;
    case "identity":
      plan.alterColumn("DROP IDENTITY");
      return;
    case "uuid":
      plan.alterColumn("DROP DEFAULT");
      return;
  }
}

function enterGeneration(plan: AlterColumnPlan, from: Column, to: Column, table: string): void {
  const resync = sequenceToSequence(from, to) ? restoreSequencePosition : resyncSequence;
  switch (to.generated) {
    case "increment": {
      const sequence = quoteInSchemaOf(table, serialSequenceName(table, to.name));
      plan.add(`CREATE SEQUENCE ${sequence} AS ${columnType(table, to)} OWNED BY ${plan.quotedTable}.${quoteIdentifier(to.name)}`);
      plan.alterColumn(`SET DEFAULT nextval(${quoteLiteral(sequence)}::regclass)`);
      plan.add(resync(table, to.name));
      return;
    }
    case "identity":
      plan.alterColumn(`ADD ${identityClause(to)}`);
      plan.add(resync(table, to.name));
      return;
    case "uuid":
      plan.alterColumn("SET DEFAULT gen_random_uuid()");
      return;
  }
}

function changeType(plan: AlterColumnPlan, from: Column, to: Column, table: string): void {
  const column = `${table}.${from.name}`;
  const fromEnum = from.type === "enum";
  const toEnum = to.type === "enum";
  const target = columnType(table, to);

  if (fromEnum && toEnum) {
    const fromName = enumTypeName(table, from);
    const toName = enumTypeName(table, to);
    if (sameList(from.enum, to.enum)) {
      plan.add(`ALTER TYPE ${quoteInSchemaOf(table, fromName)} RENAME TO ${quoteIdentifier(toName)}`);
      return;
    }
    if (fromName === toName) {
      // Values cannot be removed from a PostgreSQL enum: build the new type
      // beside the old one and move the column over.
      const retired = `${fromName}_old`;
      plan.add(`ALTER TYPE ${quoteInSchemaOf(table, fromName)} RENAME TO ${quoteIdentifier(retired)}`);
      plan.add(createEnumTypeStatement(quoteInSchemaOf(table, toName), to.enum ?? []));
      plan.setType(target, `::text::${target}`);
      plan.add(`DROP TYPE ${quoteInSchemaOf(table, retired)}`);
    } else {
      plan.add(createEnumType(table, to));
      plan.setType(target, `::text::${target}`);
      plan.add(dropEnumType(table, from));
    }
    plan.notes.push(`rewrites table ${table} (enum values of ${column} change; fails if a row holds a removed value)`);
    return;
  }
  if (toEnum) {
    plan.add(createEnumType(table, to));
    plan.setType(target, `::text::${target}`);
  } else if (fromEnum) {
    plan.setType(target, `::text::${target}`);
    plan.add(dropEnumType(table, from));
  } else if (lengthRefusedByAssignment(from, to, plan.typeChecks)) {
    plan.setType(target, undefined);
  } else {
    plan.setType(target, `::${target}`);
    if (from.generated === "increment" && to.generated === "increment") {
      // serial sequences are typed; widen it with the column.
      plan.add(onColumnSequence(table, from.name, `ALTER SEQUENCE %s AS ${target}`));
    }
  }
  if (!isRelabel(from, to)) {
    plan.notes.push(`rewrites table ${table} (type change of ${column} to ${target}; fails if a value does not convert)`);
  }
}

/**
 * Values only added to an enum (the old ones stay, in the same order): `ALTER
 * TYPE ... ADD VALUE` at each new value's place, which rewrites nothing.
 * PostgreSQL 12+ runs it inside a transaction but refuses to use the new
 * value before commit, so a new default naming one falls back to the type
 * swap. Undefined when the change is not of that kind.
 */
function enumValueAdditions(table: string, from: Column, to: Column): string[] | undefined {
  if (from.type !== "enum" || to.type !== "enum") return undefined;
  const name = enumTypeName(table, from);
  if (name !== enumTypeName(table, to)) return undefined;
  const before = from.enum ?? [];
  const after = to.enum ?? [];
  const kept = after.filter((value) => before.includes(value));
  if (before.length === 0 || after.length === before.length || !sameList(kept, before)) return undefined;
  const addedValues = after.filter((value) => !before.includes(value));
  if (to.default !== undefined && addedValues.some((value) => to.default === quoteLiteral(value))) return undefined;

  return after.flatMap((value, i) => {
    if (before.includes(value)) return [];
    // Place it after the value that precedes it, or before the first old one.
    const place = i > 0 ? `AFTER ${quoteLiteral(after[i - 1])}` : `BEFORE ${quoteLiteral(before[0])}`;
    return [`ALTER TYPE ${quoteInSchemaOf(table, name)} ADD VALUE IF NOT EXISTS ${quoteLiteral(value)} ${place}`];
  });
}

/*
 * The row count lives in a variable whose name no column is likely to have:
 * PL/pgSQL refuses a column reference that could be a variable ("n" was).
 */

/**
 * A statement that stops the migration, before anything changed, when rows
 * would not survive the change, naming the table, column and row count.
 */
export function dataCheckStatement(table: string, check: DataCheck): string {
  return doBlock(countedThenRaised(table, check).trimEnd(), "athanor_rows bigint;");
}

/**
 * PL/pgSQL (in a block declaring `athanor_rows bigint`) that counts the rows
 * `check` is about and, when there are any, raises its sentence with the count.
 */
export function countedThenRaised(table: string, check: DataCheck): string {
  return (
    `SELECT count(*) INTO athanor_rows FROM ${check.from ?? quoteTable(table)} WHERE ${check.condition}; ` +
    `IF athanor_rows > 0 THEN RAISE EXCEPTION USING MESSAGE = replace(${quoteLiteral(check.message)}, ${quoteLiteral(ROW_COUNT)}, athanor_rows::text); END IF; `
  );
}

/**
 * The PL/pgSQL condition PostgreSQL raises when a change meets the rows a
 * check of each kind counts. Lengths only when the change has no USING: the
 * explicit cast of `USING col::varchar(n)` cuts longer values without an
 * error, so behind one that check runs before the change (setType).
 */
export const REFUSED_WITH: Record<DataCheckKind, string> = {
  notNull: "not_null_violation",
  range: "numeric_value_out_of_range",
  precision: "numeric_value_out_of_range",
  enumValues: "invalid_text_representation",
  unique: "unique_violation",
  length: "string_data_right_truncation",
  foreignKey: "foreign_key_violation",
  check: "check_violation",
};

/**
 * `statement` run so that its data checks cost nothing when it succeeds:
 * PostgreSQL refuses it (REFUSED_WITH) and only then are the rows counted,
 * to stop with the same message the up-front check gives. An error no
 * check explains is raised as it came. The refused statement rolls back
 * with the block: nothing changes.
 */
export function refusedThenCounted(table: string, statement: string, checks: DataCheck[]): string {
  const conditions = [...new Set(checks.map((check) => REFUSED_WITH[check.kind]))].join(" OR ");
  const explain = checks.map((check) => countedThenRaised(table, check)).join("");
  return doBlock(`${statement}; EXCEPTION WHEN ${conditions} THEN ${explain}RAISE;`, "athanor_rows bigint;");
}

/**
 * The statement inside a block refusedThenCounted wrote, or undefined for any
 * other statement: what the block runs is that statement, so its lock and
 * cost are that statement's (plan, lint).
 */
export function refusedStatementOf(sql: string): string | undefined {
  const block =
    /^DO (\$\w*\$) DECLARE athanor_rows bigint; BEGIN ([\s\S]*?); EXCEPTION WHEN [a-z_]+(?: OR [a-z_]+)* THEN [\s\S]* END \1$/.exec(
      sql.trim(),
    );
  return block?.[2];
}

export function renderAlterColumn(table: string, fromInput: Column, toInput: Column): RenderedOperation {
  const from = comparableColumn(fromInput);
  const to = { ...comparableColumn(toInput), name: from.name };
  const plan = new AlterColumnPlan(table, from.name);
  const generationChanged = from.generated !== to.generated;
  const added = enumValueAdditions(table, from, to);
  if (added) plan.add(...added);
  const retype = !added && typeChanged(from, to, table);
  // The NOT NULL check guards SET NOT NULL; the others guard the type change.
  const typeChecks = dataChecksForAlter(table, from, { ...to, nullable: from.nullable }, quoteIdentifier);
  const kept = new Set(typeChecks.map((check) => check.message));
  const nullChecks = dataChecksForAlter(table, from, to, quoteIdentifier).filter((check) => !kept.has(check.message));
  const overflow = decimalNarrowingCheck(table, from, to, quoteIdentifier);
  if (overflow) typeChecks.push(overflow);
  plan.typeChecks = typeChecks;

  // What default the column has at each point, as far as the plan knows.
  let currentDefault: string | undefined = from.generated ? undefined : from.default;
  if (generationChanged) leaveGeneration(plan, from, to, table);

  if (retype) {
    // The old default may not cast to the new type; it is set again below.
    if (currentDefault !== undefined) {
      plan.alterColumn("DROP DEFAULT");
      currentDefault = undefined;
    }
    changeType(plan, from, to, table);
  }

  if (from.nullable && !to.nullable) {
    if (to.default !== undefined && !to.generated) {
      plan.add(
        `UPDATE ${plan.quotedTable} SET ${quoteIdentifier(from.name)} = ${renderColumnDefault(to)!} WHERE ${quoteIdentifier(from.name)} IS NULL`,
      );
      plan.notes.push(`fills NULLs in ${table}.${from.name} with its default ${to.default} before setting NOT NULL`);
    } else {
      plan.notes.push(`stops, naming how many rows, if ${table}.${from.name} holds NULLs (becomes NOT NULL)`);
    }
    plan.guarded(`${plan.alterStatement} SET NOT NULL`, nullChecks);
  } else if (!from.nullable && to.nullable) {
    plan.alterColumn("DROP NOT NULL");
  }

  if (!from.generated || generationChanged) {
    const wanted = to.generated ? undefined : to.default;
    if (wanted !== currentDefault) {
      plan.alterColumn(wanted === undefined ? "DROP DEFAULT" : `SET DEFAULT ${renderColumnDefault(to)}`);
    }
  }
  if (generationChanged) enterGeneration(plan, from, to, table);
  else if (to.generated === "identity" && Boolean(from.generatedAlways) !== Boolean(to.generatedAlways)) {
    plan.alterColumn(`SET GENERATED ${to.generatedAlways ? "ALWAYS" : "BY DEFAULT"}`);
  }
  if (from.collation !== to.collation || (retype && to.collation !== undefined)) {
    plan.alterColumn(`TYPE ${columnType(table, to)} COLLATE ${quoteIdentifier(to.collation ?? "default")}`);
  }
  if (from.comment !== to.comment) plan.add(commentOnColumn(table, to));
  // Checks for a type change that never came (an enum that only gains values) still run.
  plan.upFront.push(...plan.typeChecks.map((check) => dataCheckStatement(table, check)));

  return { statements: [...plan.upFront, ...plan.statements], notes: plan.notes };
}
