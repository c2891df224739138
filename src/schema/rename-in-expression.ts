/**
 * Renaming a column inside SQL expression text (CHECK bodies, partial-index
 * predicates). Both databases rewrite these expressions themselves when a
 * column is renamed, so the model must too: otherwise a renamed schema still
 * names the old column, the diff drops and re-adds the expression, and the
 * inverse re-creates it naming a column that is not there yet (SQLite then
 * reads `"old"` as a string literal, PostgreSQL as a whole-row reference when
 * a table has that name).
 */
import { COMMON_SYNTAX, pieceAt, unquotedValue } from "../sql/scanner";

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * `expression` with every reference to column `from` naming `to` instead: a
 * quoted identifier equal to `from`, or a bare word that folds to it (as an
 * unquoted name does in PostgreSQL) and is not a function call. String
 * literals are left alone.
 */
export function renameColumnInExpression(expression: string, from: string, to: string): string {
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const char = expression[i];
    const piece = pieceAt(expression, i, COMMON_SYNTAX);
    if (piece) {
      const token = expression.slice(i, piece.end);
      out += piece.kind === "identifier" && unquotedValue(expression, piece) === from ? quote(to) : token;
      i = piece.end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      const word = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/.exec(expression.slice(i))![0];
      const isCall = /^\s*\(/.test(expression.slice(i + word.length));
      out += !isCall && word.toLowerCase() === from ? quote(to) : word;
      i += word.length;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

/** Whether `expression` refers to column `name` (where renameColumnInExpression would rename it). */
export function mentionsColumn(expression: string, name: string): boolean {
  return renameColumnInExpression(expression, name, `${name}\u0000`) !== expression;
}
