/** Generated (computed) columns: facts about the model every layer asks. */
import type { Column } from "./model";

export function isGeneratedColumn(column: Column): boolean {
  return column.asExpression !== undefined;
}

/** Whether an alter changes how the column is computed (its expression or STORED/VIRTUAL). */
export function generationChanges(from: Column, to: Column): boolean {
  return from.asExpression !== to.asExpression || (isGeneratedColumn(to) && from.generatedType !== to.generatedType);
}

/**
 * Whether an alter becomes a drop and an add of the column: a database
 * cannot make a column generated, or change its expression, in place
 * (PostgreSQL 15 cannot; SQLite rebuilds the table anyway). A column that
 * stops being generated keeps its values (PostgreSQL's DROP EXPRESSION).
 */
export function recreatesColumn(from: Column, to: Column): boolean {
  return isGeneratedColumn(to) && generationChanges(from, to);
}
