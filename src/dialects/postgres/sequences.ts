/**
 * Statements on the sequence behind a serial or identity column. The
 * sequence's real name is only known to the catalogs (a renamed table keeps
 * its old `<table>_<column>_seq`), so it is looked up with
 * `pg_get_serial_sequence` when the statement runs.
 */
import { doBlock, plainTableName, quoteIdentifier, quoteLiteral, quoteTable } from "./quote";

/** SQL text evaluating to the quoted name of the column's sequence. */
function sequenceOf(table: string, column: string): string {
  return `pg_get_serial_sequence(${quoteLiteral(quoteTable(table))}, ${quoteLiteral(column)})`;
}

/** Run `template` with `%s` replaced by the column's sequence name. */
export function onColumnSequence(table: string, column: string, template: string): string {
  return doBlock(`EXECUTE format(${quoteLiteral(template)}, ${sequenceOf(table, column)});`);
}

/** Make the sequence continue after the largest value already in the column. */
export function resyncSequence(table: string, column: string): string {
  const col = quoteIdentifier(column);
  return `SELECT setval(${sequenceOf(table, column)}, COALESCE(MAX(${col}), 0) + 1, false) FROM ${quoteTable(table)}`;
}

/** The name serial would give the sequence of a new auto-increment column. */
export function serialSequenceName(table: string, column: string): string {
  return `${plainTableName(table)}_${column}_seq`;
}

/** Where `rememberSequencePosition` keeps the next value between statements of one alterColumn. */
const REMEMBERED = "athanor.next_value";

/**
 * Remember the next value the column's sequence would give, before the
 * sequence is dropped (serial → identity and back), so the new one starts
 * there: new ids come after every id ever handed out, not just after the
 * largest one still in the table.
 */
export function rememberSequencePosition(table: string, column: string): string {
  return doBlock(
    `EXECUTE format('SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM %s', ${sequenceOf(table, column)}) INTO v; ` +
      `PERFORM set_config(${quoteLiteral(REMEMBERED)}, v::text, false);`,
    "v bigint;",
  );
}

/** Like resyncSequence, but never before the position `rememberSequencePosition` kept. */
export function restoreSequencePosition(table: string, column: string): string {
  const col = quoteIdentifier(column);
  const remembered = `COALESCE(NULLIF(current_setting(${quoteLiteral(REMEMBERED)}, true), '')::bigint, 1)`;
  return `SELECT setval(${sequenceOf(table, column)}, GREATEST(COALESCE(MAX(${col}), 0) + 1, ${remembered}), false) FROM ${quoteTable(table)}`;
}
