/** Primary keys, uniques, foreign keys, checks and indexes on an existing table. */
import type { RenderedOperation } from "../dialect";
import type { Check, Exclusion, ForeignKey, Index, PrimaryKey, Unique } from "../../schema/model";
import { checkClause, exclusionClause, createIndexStatement, foreignKeyClause, primaryKeyClause, uniqueClause } from "./definitions";
import { doBlock, quoteIdentifier, quoteInSchemaOf, quoteLiteral, quoteTable } from "./quote";
import { dataCheckForUnique } from "../data-checks";
import { refusedThenCounted } from "./alter-column";

function statement(sql: string, ...notes: string[]): RenderedOperation {
  return { statements: [sql], notes };
}

function addConstraint(table: string, clause: string): string {
  return `ALTER TABLE ${quoteTable(table)} ADD ${clause}`;
}

function dropConstraint(table: string, name: string): string {
  return `ALTER TABLE ${quoteTable(table)} DROP CONSTRAINT ${quoteIdentifier(name)}`;
}

export function renderAddPrimaryKey(table: string, primaryKey: PrimaryKey): RenderedOperation {
  return statement(addConstraint(table, primaryKeyClause(table, primaryKey)));
}

/**
 * A primary key of unknown name (the model does not require one) is found
 * in the catalogs when the statement runs.
 */
export function renderDropPrimaryKey(table: string, primaryKey: PrimaryKey): RenderedOperation {
  if (primaryKey.name !== undefined) return statement(dropConstraint(table, primaryKey.name));
  const relation = quoteLiteral(quoteTable(table));
  return statement(
    doBlock(
      `EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${relation}, ` +
        `(SELECT conname FROM pg_constraint WHERE conrelid = ${relation}::regclass AND contype = 'p'));`,
    ),
  );
}

export function renderAddUnique(table: string, unique: Unique): RenderedOperation {
  // PostgreSQL's own error names neither the table nor the columns.
  // Counted only when PostgreSQL refuses: no second scan when the values are unique.
  const check = dataCheckForUnique(table, unique.name, unique.columns, quoteIdentifier, undefined, quoteTable);
  return {
    statements: [refusedThenCounted(table, addConstraint(table, uniqueClause(unique)), [check])],
    notes: [`stops, naming how many values repeat, if ${table} holds duplicates in (${unique.columns.join(", ")})`],
  };
}

export function renderDropUnique(table: string, unique: Unique): RenderedOperation {
  return statement(dropConstraint(table, unique.name));
}

export function renderAddForeignKey(table: string, foreignKey: ForeignKey): RenderedOperation {
  return statement(addConstraint(table, foreignKeyClause(foreignKey)));
}

export function renderDropForeignKey(table: string, foreignKey: ForeignKey): RenderedOperation {
  return statement(dropConstraint(table, foreignKey.name));
}

export function renderAddCheck(table: string, check: Check): RenderedOperation {
  return statement(addConstraint(table, checkClause(check)));
}

export function renderDropCheck(table: string, check: Check): RenderedOperation {
  return statement(dropConstraint(table, check.name));
}

export function renderAddExclusion(table: string, exclusion: Exclusion): RenderedOperation {
  return statement(
    addConstraint(table, exclusionClause(exclusion)),
    `fails if rows of ${table} conflict under exclusion ${exclusion.name}; blocks writes while its index builds`,
  );
}

export function renderDropExclusion(table: string, exclusion: Exclusion): RenderedOperation {
  return statement(dropConstraint(table, exclusion.name));
}

export function renderCreateIndex(table: string, index: Index): RenderedOperation {
  const rendered = statement(createIndexStatement(table, index), `blocks writes to ${table} while index ${index.name} builds`);
  if (!index.unique) return rendered;
  const check = dataCheckForUnique(table, index.name, index.columns, quoteIdentifier, index.where, quoteTable);
  return { ...rendered, statements: [refusedThenCounted(table, createIndexStatement(table, index), [check])] };
}

/** The index lives in its table's schema. */
export function renderDropIndex(table: string, index: Index): RenderedOperation {
  return statement(`DROP INDEX ${quoteInSchemaOf(table, index.name)}`);
}
