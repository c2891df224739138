/**
 * The lock-safe ("online") PostgreSQL form of each operation, used when the
 * migration calls `op(queryRunner, { online: true })` (`generate --online`).
 *
 * - Indexes are built and dropped CONCURRENTLY: writes go on while the index
 *   builds. A build that fails leaves an invalid index, so the cleanup drops
 *   it; an invalid leftover of a killed earlier run is dropped before.
 * - Foreign keys and checks are added NOT VALID (a brief lock, no scan),
 *   committed, and then validated, which scans the table under a lock that
 *   lets reads and writes through; one block does both and drops the
 *   constraint again when the rows refuse it, then counts them for its
 *   sentence (validate-or-undo.ts). Inside a transaction: the two plain
 *   statements.
 * - A unique constraint is a unique index built concurrently, then attached
 *   with `ADD CONSTRAINT ... UNIQUE USING INDEX`.
 * - SET NOT NULL goes through a validated `CHECK (col IS NOT NULL)`, which
 *   PostgreSQL 12+ uses to skip the scan under its exclusive lock. The
 *   check is added and validated by one statement that drops it again when
 *   a NULL refuses it, then counts the NULLs (validate-or-undo.ts): nothing
 *   is counted when it succeeds. Inside a transaction (the migration's own)
 *   that statement cannot commit, and no lock would be released before the
 *   end anyway: there the plain SET NOT NULL is rendered.
 * - Every operation runs under `lock_timeout`, so a statement stuck behind a
 *   long transaction gives up instead of queueing every query behind it.
 *
 * The concurrent and NOT VALID forms cannot share a transaction, so their
 * statements run one by one; each is written to be safe to run again (IF
 * [NOT] EXISTS, guarded ADD CONSTRAINT, VALIDATE being a no-op once valid),
 * so re-running a migration that failed half-way finishes it.
 */
import type { RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Check, Column, ForeignKey, Index, Unique } from "../../schema/model";
import { dataCheckForCheck, dataCheckForForeignKey, dataChecksForAlter, type DataCheck } from "../data-checks";
import { generationChanges } from "../../schema/generated-columns";
import { dataCheckStatement, renderAlterColumn } from "./alter-column";
import { renderColumnDefault } from "./defaults";
import { checkClause, createIndexStatement, foreignKeyClause } from "./definitions";
import { doBlock, quoteIdentifier, quoteInSchemaOf, quoteLiteral, quoteTable, truncateIdentifier } from "./quote";
import { addValidateOrUndo, constraintExists, type Refusal } from "./validate-or-undo";

type Plain = (op: Operation) => RenderedOperation;

export function renderOnline(op: Operation, lockTimeout: string, plain: Plain, inTransaction = false): RenderedOperation {
  const rendered = renderOnlineBody(op, plain, inTransaction);
  const set = `SET lock_timeout = ${quoteLiteral(lockTimeout)}`;
  const reset = "RESET lock_timeout";
  return {
    ...rendered,
    statements: [set, ...rendered.statements, reset],
    cleanup: [...(rendered.cleanup ?? []), reset],
  };
}

function renderOnlineBody(op: Operation, plain: Plain, inTransaction: boolean): RenderedOperation {
  switch (op.kind) {
    case "createIndex":
      return createIndexConcurrently(op.table, op.index);
    case "dropIndex":
      return {
        statements: [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteInSchemaOf(op.table, op.index.name)}`],
        notes: [],
        outsideTransaction: true,
      };
    case "addUnique":
      return addUniqueConcurrently(op.table, op.unique);
    case "addForeignKey":
      return addForeignKeyNotValid(op.table, op.foreignKey, inTransaction);
    case "addCheck":
      return addCheckNotValid(op.table, op.check, inTransaction);
    case "alterColumn":
      // A generation change re-creates the column: no lock-safe form to take.
      if (generationChanges(op.from, op.to) || inTransaction) return plain(op);
      return alterColumnOnline(op.table, op.from, op.to, plain);
    default:
      return plain(op);
  }
}

/** `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS name ON ...` */
function concurrentIndexStatement(table: string, index: Index): string {
  const statement = createIndexStatement(table, index);
  const concurrent = statement.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ");
  if (concurrent === statement) throw new Error(`unexpected CREATE INDEX statement: ${statement}`);
  return concurrent;
}

/**
 * An index left invalid by a build that was killed (not one that failed:
 * that one's cleanup drops it) would make IF NOT EXISTS skip the build.
 */
function dropInvalidLeftover(table: string, name: string): string {
  const index = quoteInSchemaOf(table, name);
  return doBlock(
    `IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(${quoteLiteral(index)}) AND NOT indisvalid) ` +
      `THEN DROP INDEX ${index}; END IF;`,
  );
}

function dropIndexConcurrently(table: string, name: string): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${quoteInSchemaOf(table, name)}`;
}

function createIndexConcurrently(table: string, index: Index): RenderedOperation {
  const unique = index.unique ? `; fails if ${table} holds duplicates in (${index.columns.join(", ")})` : "";
  return {
    statements: [dropInvalidLeftover(table, index.name), concurrentIndexStatement(table, index)],
    cleanup: [dropIndexConcurrently(table, index.name)],
    outsideTransaction: true,
    notes: [`builds index ${index.name} on ${table} CONCURRENTLY: writes go on meanwhile${unique}`],
  };
}

function addUniqueConcurrently(table: string, unique: Unique): RenderedOperation {
  const index: Index = { name: unique.name, columns: unique.columns, unique: true };
  const attach = `ALTER TABLE ${quoteTable(table)} ADD CONSTRAINT ${quoteIdentifier(unique.name)} UNIQUE USING INDEX ${quoteIdentifier(unique.name)}`;
  return {
    statements: [
      dropInvalidLeftover(table, unique.name),
      concurrentIndexStatement(table, index),
      unlessConstraintExists(table, unique.name, attach),
    ],
    cleanup: [dropIndexConcurrently(table, unique.name)],
    outsideTransaction: true,
    notes: [
      `builds the index of unique ${unique.name} on ${table} CONCURRENTLY, then attaches it; fails if ${table} holds duplicates in (${unique.columns.join(", ")})`,
    ],
  };
}

/** `statement` (an ADD CONSTRAINT) unless `table` already has a constraint `name`. */
function unlessConstraintExists(table: string, name: string, statement: string): string {
  return doBlock(`IF NOT ${constraintExists(table, name)} THEN ${statement}; END IF;`);
}

/**
 * ADD ... NOT VALID, then VALIDATE. Outside a transaction, one block that
 * drops the constraint again when the rows refuse it and stops with `check`'s
 * sentence (validate-or-undo.ts): a committed NOT VALID constraint left
 * behind would already refuse the application's writes. Inside one (the
 * migration's own) nothing commits before the end, so a refusal rolls the
 * ADD back anyway: the two plain statements.
 */
function addNotValid(table: string, name: string, clause: string, check: DataCheck, refusal: Refusal, inTransaction: boolean): string[] {
  if (!inTransaction) return [addValidateOrUndo(table, name, clause, [check], refusal)];
  const quotedTable = quoteTable(table);
  return [
    unlessConstraintExists(table, name, `ALTER TABLE ${quotedTable} ADD ${clause} NOT VALID`),
    `ALTER TABLE ${quotedTable} VALIDATE CONSTRAINT ${quoteIdentifier(name)}`,
  ];
}

function addForeignKeyNotValid(table: string, foreignKey: ForeignKey, inTransaction: boolean): RenderedOperation {
  const orphans = dataCheckForForeignKey(table, foreignKey, quoteIdentifier, quoteTable);
  return {
    statements: addNotValid(table, foreignKey.name, foreignKeyClause(foreignKey), orphans, "foreign_key_violation", inTransaction),
    outsideTransaction: true,
    notes: [
      `adds foreign key ${foreignKey.name} NOT VALID, then validates it without blocking writes; stops, naming how many rows of ${table} reference nothing, and drops it again if any does`,
    ],
  };
}

function addCheckNotValid(table: string, check: Check, inTransaction: boolean): RenderedOperation {
  return {
    statements: addNotValid(table, check.name, checkClause(check), dataCheckForCheck(table, check), "check_violation", inTransaction),
    outsideTransaction: true,
    notes: [
      `adds check ${check.name} NOT VALID, then validates it without blocking writes; stops, naming how many rows of ${table} violate it, and drops it again if any does`,
    ],
  };
}

/**
 * The column change without its NOT NULL, then NOT NULL through a validated
 * check. When the column also becomes an identity (which needs NOT NULL
 * first) the plain order is kept.
 *
 * The NULLs are counted only when the check is refused, unless another
 * change of the column runs first: that one would be committed by then, so
 * the count runs before anything, as the plain form's checks do.
 */
function alterColumnOnline(table: string, from: Column, to: Column, plain: Plain): RenderedOperation {
  const becomesNotNull = from.nullable && !to.nullable;
  const entersIdentity = to.generated === "identity" && from.generated !== "identity";
  if (!becomesNotNull || entersIdentity) return plain({ kind: "alterColumn", table, from, to });

  const relaxed = { ...to, nullable: true };
  const rest = renderAlterColumn(table, from, relaxed);
  const column = quoteIdentifier(from.name);
  const quotedTable = quoteTable(table);
  // The NULL check the relaxed change left out.
  const restChecks = new Set(dataChecksForAlter(table, from, relaxed, quoteIdentifier).map((c) => c.message));
  const nullChecks = dataChecksForAlter(table, from, to, quoteIdentifier).filter((c) => !restChecks.has(c.message));
  const upFront = rest.statements.length > 0 ? nullChecks.map((c) => dataCheckStatement(table, c)) : [];
  const statements = [...upFront, ...rest.statements];
  const notes = [...rest.notes];
  if (to.default !== undefined && !to.generated) {
    statements.push(`UPDATE ${quotedTable} SET ${column} = ${renderColumnDefault(to)!} WHERE ${column} IS NULL`);
    notes.push(`fills NULLs in ${table}.${from.name} with its default ${to.default} before setting NOT NULL`);
  }
  const check = truncateIdentifier(`${table}_${from.name}_not_null`);
  statements.push(
    addValidateOrUndo(table, check, `CONSTRAINT ${quoteIdentifier(check)} CHECK (${column} IS NOT NULL)`, nullChecks),
    `ALTER TABLE ${quotedTable} ALTER COLUMN ${column} SET NOT NULL`,
    `ALTER TABLE ${quotedTable} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(check)}`,
  );
  notes.push(
    `sets ${table}.${from.name} NOT NULL through a validated check (no scan under an exclusive lock on PostgreSQL 12+); stops, naming how many rows, if it holds NULLs, and drops the check again`,
  );
  return { statements, notes, outsideTransaction: true };
}
