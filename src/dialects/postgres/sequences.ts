/**
 * Statements on the sequence behind a serial or identity column. The
 * sequence's real name is only known to the catalogs (a renamed table keeps
 * its old `<table>_<column>_seq`), so it is looked up with
 * `pg_get_serial_sequence` when the statement runs.
 */
import { doBlock, quoteIdentifier, quoteLiteral } from "./quote";

/** SQL text evaluating to the quoted name of the column's sequence. */
function sequenceOf(table: string, column: string): string {
  return `pg_get_serial_sequence(${quoteLiteral(quoteIdentifier(table))}, ${quoteLiteral(column)})`;
}

/** Run `template` with `%s` replaced by the column's sequence name. */
export function onColumnSequence(table: string, column: string, template: string): string {
  return doBlock(`EXECUTE format(${quoteLiteral(template)}, ${sequenceOf(table, column)});`);
}

/** Make the sequence continue after the largest value already in the column. */
export function resyncSequence(table: string, column: string): string {
  const col = quoteIdentifier(column);
  return `SELECT setval(${sequenceOf(table, column)}, COALESCE(MAX(${col}), 0) + 1, false) FROM ${quoteIdentifier(table)}`;
}

/** The name serial would give the sequence of a new auto-increment column. */
export function serialSequenceName(table: string, column: string): string {
  return `${table}_${column}_seq`;
}
