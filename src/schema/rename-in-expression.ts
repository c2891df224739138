/**
 * Renaming a column inside SQL expression text (CHECK bodies, partial-index
 * predicates). Both databases rewrite these expressions themselves when a
 * column is renamed, so the model must too: otherwise a renamed schema still
 * names the old column, the diff drops and re-adds the expression, and the
 * inverse re-creates it naming a column that is not there yet (SQLite then
 * reads `"old"` as a string literal, PostgreSQL as a whole-row reference when
 * a table has that name).
 */

/** `"a""b"` → `a"b`. */
function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/""/g, '"');
}

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
    if (char === "'") {
      const end = closing(expression, i, "'");
      out += expression.slice(i, end);
      i = end;
    } else if (char === '"') {
      const end = closing(expression, i, '"');
      const token = expression.slice(i, end);
      out += unquote(token) === from ? quote(to) : token;
      i = end;
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

/** The index just after the quote closing the one at `start` (a doubled quote is an escaped one). */
function closing(text: string, start: number, quoteChar: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quoteChar) {
      if (text[i + 1] === quoteChar) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return text.length;
}
