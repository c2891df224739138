/**
 * Structural equality of schemas: the rules the diff matches by, stated once.
 *
 * Constraints and indexes are identified by what they do, not by their
 * names — the same schema created by TypeORM's naming strategy and by a
 * hand-written migration must compare equal. Column order is kept in the
 * model but never compared.
 *
 * `comparable` is the dialect's view of a column (Dialect.comparable): both
 * sides pass through it, so what a database cannot represent never shows up
 * as a difference.
 */
import type { Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Schema, Table, Unique } from "./model";
import { viewsEqual } from "./views";
import { COMMON_SYNTAX, enclosedInParentheses, scan } from "../sql/scanner";

export type ComparableColumn = (column: Column) => Column;

const identity: ComparableColumn = (column) => column;

/** Separator for structural keys; cannot appear in identifiers we compare. */
const SEP = "\u0000";

/**
 * SQL expression text in a form where insignificant differences vanish:
 * whitespace outside string literals is removed, quotes around lower-case
 * identifiers are dropped (`"age"` and `age` name the same column), and
 * redundant enclosing parentheses are stripped (databases echo
 * `CHECK ((a > 0))` for `a > 0`), and `!=` is `<>` (PostgreSQL stores it so).
 */
export function normalizeExpression(sql: string): string {
  let out = "";
  for (const piece of scan(sql, COMMON_SYNTAX)) {
    const text = sql.slice(piece.start, piece.end);
    if (piece.kind === "code") out += text.replace(/!=/g, "<>").replace(/\s/g, "");
    else if (piece.kind === "identifier" && SIMPLE_QUOTED_NAME.test(text)) out += text.slice(1, -1);
    else out += text;
  }
  while (enclosedInParentheses(out, COMMON_SYNTAX)) {
    out = out.slice(1, -1);
  }
  return out;
}

/** A quoted name that means the same unquoted: `"age"` is `age` (upper case would fold). */
const SIMPLE_QUOTED_NAME = /^"[a-z_][a-z0-9_]*"$/;

/** A set of columns as a key: order-insensitive. */
export function columnSetKey(columns: readonly string[]): string {
  return [...columns].sort().join(",");
}

// Structural keys: two items with the same key are the same thing in the
// database. Column sets of keys are order-insensitive (a unique constraint on
// (a, b) allows the same rows as one on (b, a)); index columns are ordered.

export function primaryKeyKey(pk: PrimaryKey | undefined): string {
  return pk ? columnSetKey(pk.columns) : "";
}

export function uniqueKey(unique: Unique): string {
  return columnSetKey(unique.columns);
}

export function indexKey(index: Index): string {
  const where = index.where === undefined ? "" : normalizeExpression(index.where);
  return [index.columns.join(","), index.unique ? "unique" : "", where, index.method ?? ""].join(SEP);
}

export function foreignKeyKey(fk: ForeignKey): string {
  // Pair local and referenced columns so that (a, b) → (x, y) equals (b, a) → (y, x).
  const pairs = fk.columns.map((column, i) => `${column}=${fk.referencedColumns[i]}`).sort();
  return [pairs.join(","), fk.referencedTable, fk.onDelete, fk.onUpdate, fk.deferrable ?? ""].join(SEP);
}

export function checkKey(check: Check): string {
  return normalizeExpression(check.expression);
}

/**
 * An exclusion constraint's key: its expression with keywords and the index
 * method in any case (`USING GIST` is `USING gist`, as PostgreSQL prints it).
 */
export function exclusionKey(exclusion: Exclusion): string {
  return withoutCasts(lowerCaseOutsideQuotes(normalizeExpression(exclusion.expression)));
}

/**
 * Without `::type` casts (in normalized text, where spaces are gone:
 * `::doubleprecision`): PostgreSQL stores an exclusion with the casts it adds
 * itself (`point(low::double precision, …)` for integer columns), which the
 * entity does not write. String literals are left alone.
 */
function withoutCasts(sql: string): string {
  return sql
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/::[a-z_][a-z0-9_]*(?:\[\])*/g, "")))
    .join("");
}

/** Lower-case everything but string literals and quoted identifiers. */
function lowerCaseOutsideQuotes(sql: string): string {
  return sql
    .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase()))
    .join("");
}

/** A table's exclusion constraints (none when the table lists none). */
export function exclusionsOf(table: Table): Exclusion[] {
  return table.exclusions ?? [];
}

/** The attributes of a column that matter to the database. */
export const COMPARED_ATTRIBUTES = [
  "type",
  "length",
  "precision",
  "scale",
  "nullable",
  "default",
  "generated",
  "generatedAlways",
  "enum",
  "comment",
  "collation",
  "asExpression",
  "generatedType",
] as const;

export type ColumnAttribute = (typeof COMPARED_ATTRIBUTES)[number];

/** Attributes in which two columns differ, after `comparable`. */
export function columnDifferences(a: Column, b: Column, comparable: ComparableColumn = identity): ColumnAttribute[] {
  const left = comparable(a);
  const right = comparable(b);
  return COMPARED_ATTRIBUTES.filter((attribute) => !sameValue(left[attribute], right[attribute]));
}

export function columnsEqual(a: Column, b: Column, comparable: ComparableColumn = identity): boolean {
  // Asked for every column pair of a diff, mostly before the JIT warms up:
  // each attribute read by its name (a lookup by a variable key is the
  // interpreter's slowest), stopping at the first difference. The same
  // attributes as COMPARED_ATTRIBUTES (a unit test holds them together);
  // only `enum` is a list.
  const left = comparable(a);
  const right = comparable(b);
  return (
    left.type === right.type &&
    left.length === right.length &&
    left.precision === right.precision &&
    left.scale === right.scale &&
    left.nullable === right.nullable &&
    left.default === right.default &&
    left.generated === right.generated &&
    left.generatedAlways === right.generatedAlways &&
    sameValue(left.enum, right.enum) &&
    left.comment === right.comment &&
    left.collation === right.collation &&
    left.asExpression === right.asExpression &&
    left.generatedType === right.generatedType
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

/**
 * Pair items of two lists that have the same structural key (each item used
 * once). Returns what is only on the left and only on the right, and the
 * pairs. Among items of one key, those of the same name (`sameName`, the
 * database's way of comparing names) pair first: a live index IX1 and the
 * entities' IX0 and IX1 over the same columns keep IX1 and add IX0, never
 * the reverse, which would create a second IX1 beside the first.
 */
export function matchByKey<T>(
  left: readonly T[],
  right: readonly T[],
  key: (item: T) => string,
  sameName: (a: T, b: T) => boolean = () => false,
): { onlyLeft: T[]; onlyRight: T[]; pairs: Array<{ left: T; right: T }> } {
  const unmatched = new Map<string, T[]>();
  for (const item of right) {
    const k = key(item);
    unmatched.set(k, [...(unmatched.get(k) ?? []), item]);
  }
  const partner = new Map<T, T>();
  const take = (item: T, fits: (candidate: T) => boolean) => {
    const candidates = unmatched.get(key(item)) ?? [];
    const at = candidates.findIndex(fits);
    if (at >= 0) partner.set(item, candidates.splice(at, 1)[0]);
  };
  for (const item of left) take(item, (candidate) => sameName(item, candidate));
  for (const item of left) if (!partner.has(item)) take(item, () => true);
  const paired = new Set(partner.values());
  return {
    onlyLeft: left.filter((item) => !partner.has(item)),
    onlyRight: right.filter((item) => !paired.has(item)),
    pairs: left.filter((item) => partner.has(item)).map((item) => ({ left: item, right: partner.get(item)! })),
  };
}

/**
 * A table's comment as compared: an empty comment is none, and a database
 * that keeps no table comments (SQLite; `tableComments` false) has none.
 */
export function comparableTableComment(table: Table, tableComments = true): string | undefined {
  return tableComments && table.comment ? table.comment : undefined;
}

/**
 * Whether two tables' storage engines differ: only where both name one
 * (the server reports it, the entity may name it), and in any case
 * (`myisam` is `MyISAM`, as the server takes it).
 */
export function enginesDiffer(a: Table, b: Table): boolean {
  return a.engine !== undefined && b.engine !== undefined && a.engine.toLowerCase() !== b.engine.toLowerCase();
}

/**
 * Human-readable differences between two schemas ("first" is `a`, "second"
 * is `b`); empty when they are structurally equal. `tableComments`: whether
 * the dialect keeps table comments (Dialect.tableComments).
 */
export function describeDifferences(a: Schema, b: Schema, comparable: ComparableColumn = identity, tableComments = true): string[] {
  const out: string[] = [];
  for (const name of Object.keys(a.tables)) {
    if (!b.tables[name]) out.push(`table ${name} is only in the first schema`);
  }
  for (const name of Object.keys(b.tables)) {
    if (!a.tables[name]) out.push(`table ${name} is only in the second schema`);
  }
  for (const name of Object.keys(a.tables)) {
    const other = b.tables[name];
    if (other) out.push(...describeTableDifferences(a.tables[name], other, comparable, tableComments));
  }
  out.push(...describeViewDifferences(a, b));
  return out;
}

function describeViewDifferences(a: Schema, b: Schema): string[] {
  const out: string[] = [];
  const left = a.views ?? {};
  const right = b.views ?? {};
  for (const name of Object.keys(left)) {
    if (!right[name]) out.push(`view ${name} is only in the first schema`);
    else if (!viewsEqual(left[name], right[name])) out.push(`view ${name}: definition differs`);
  }
  for (const name of Object.keys(right)) {
    if (!left[name]) out.push(`view ${name} is only in the second schema`);
  }
  return out;
}

export function schemasEqual(a: Schema, b: Schema, comparable: ComparableColumn = identity, tableComments = true): boolean {
  return describeDifferences(a, b, comparable, tableComments).length === 0;
}

function describeTableDifferences(a: Table, b: Table, comparable: ComparableColumn, tableComments: boolean): string[] {
  const out: string[] = [];
  const t = a.name;
  const leftComment = comparableTableComment(a, tableComments);
  const rightComment = comparableTableComment(b, tableComments);
  if (leftComment !== rightComment) {
    out.push(`${t}: comment ${JSON.stringify(leftComment)} ≠ ${JSON.stringify(rightComment)}`);
  }
  if (enginesDiffer(a, b)) out.push(`${t}: engine ${a.engine} ≠ ${b.engine}`);
  for (const column of a.columns) {
    const other = b.columns.find((c) => c.name === column.name);
    if (!other) {
      out.push(`column ${t}.${column.name} is only in the first schema`);
      continue;
    }
    const left = comparable(column);
    const right = comparable(other);
    for (const attribute of columnDifferences(left, right)) {
      out.push(`column ${t}.${column.name}: ${attribute} ${JSON.stringify(left[attribute])} ≠ ${JSON.stringify(right[attribute])}`);
    }
  }
  for (const column of b.columns) {
    if (!a.columns.some((c) => c.name === column.name)) {
      out.push(`column ${t}.${column.name} is only in the second schema`);
    }
  }
  if (primaryKeyKey(a.primaryKey) !== primaryKeyKey(b.primaryKey)) {
    out.push(`${t}: primary key (${primaryKeyKey(a.primaryKey)}) ≠ (${primaryKeyKey(b.primaryKey)})`);
  }
  const lists: Array<[string, (x: any) => string, unknown[], unknown[]]> = [
    ["unique", uniqueKey, a.uniques, b.uniques],
    ["index", indexKey, a.indexes, b.indexes],
    ["foreign key", foreignKeyKey, a.foreignKeys, b.foreignKeys],
    ["check", checkKey, a.checks, b.checks],
    ["exclusion", exclusionKey, exclusionsOf(a), exclusionsOf(b)],
  ];
  for (const [what, key, left, right] of lists) {
    const { onlyLeft, onlyRight } = matchByKey(left, right, key);
    for (const item of onlyLeft) out.push(`${t}: ${what} ${describeKey(key(item))} is only in the first schema`);
    for (const item of onlyRight) out.push(`${t}: ${what} ${describeKey(key(item))} is only in the second schema`);
  }
  return out;
}

function describeKey(key: string): string {
  return key
    .split(SEP)
    .filter((part) => part !== "")
    .join(" ");
}

/** A column's type as SQL-ish text: `varchar(255)`, `decimal(10,2)`, `enum('a','b')`. */
export function formatColumnType(column: Column): string {
  if (column.type === "enum" && column.enum) {
    return `enum(${column.enum.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")})`;
  }
  if (column.length !== undefined) return `${column.type}(${column.length})`;
  if (column.precision !== undefined && column.scale !== undefined) {
    return `${column.type}(${column.precision},${column.scale})`;
  }
  if (column.precision !== undefined) return `${column.type}(${column.precision})`;
  return column.type;
}
