/**
 * Views in the canonical model (`@ViewEntity`).
 *
 * A view is compared by the text TypeORM compares: the expression as the
 * entity gives it, trimmed (a query builder's `getQuery()`), which TypeORM
 * also stores in its `typeorm_metadata` table. The databases rewrite a
 * view's SQL (PostgreSQL deparses it), so what the catalog says is never
 * compared: introspection reads the stored expression back, and TypeORM's
 * own schema builder, reading the same row, agrees with Athanor.
 */
export interface View {
  /** The plain name in the connection's default schema; qualified outside it (see table-name.ts). */
  name: string;
  /** The SELECT, trimmed, as TypeORM stores and compares it. */
  expression: string;
  /** PostgreSQL `CREATE MATERIALIZED VIEW`. */
  materialized?: boolean;
}

/** Whether two views are the same view as far as TypeORM and the database are concerned. */
export function viewsEqual(a: View, b: View): boolean {
  return a.name === b.name && a.expression.trim() === b.expression.trim() && Boolean(a.materialized) === Boolean(b.materialized);
}

/**
 * Whether the view's SQL names `relation` (a table or another view): as a
 * quoted identifier or a bare word, outside string literals. Names in the
 * expression are what the view reads; a word that merely looks like one
 * (a column alias) errs on the safe side: the view is re-created around a
 * change it did not need to be.
 */
export function viewReads(view: View, relation: string): boolean {
  const parts = relation.startsWith('"') ? relation.split('"."').map((p) => p.replace(/^"|"$/g, "")) : [relation];
  const plain = parts[parts.length - 1];
  const text = view.expression.replace(/'(?:[^']|'')*'/g, "''");
  const quoted = `"${plain.replace(/"/g, '""')}"`;
  if (text.includes(quoted)) return true;
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(plain)) return false;
  return new RegExp(`(^|[^A-Za-z0-9_$"])${plain}($|[^A-Za-z0-9_$"])`, "i").test(text);
}
