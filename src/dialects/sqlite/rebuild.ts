/**
 * The table rebuild: SQLite's documented way to make a change ALTER TABLE
 * cannot. The new definition is created under a temporary name, every row is
 * copied, the old table is dropped and the new one takes its name; then the
 * indexes (those the model cannot hold too) and triggers (dropped with the
 * old table) are created again.
 *
 * Foreign keys must be off while this runs (the runner switches them off
 * outside the transaction, where the pragma takes effect): dropping the old
 * table would otherwise run ON DELETE actions on the rows of child tables.
 * With them off, child rows keep pointing at the same name, which the new
 * table takes over.
 */
import type { Column, Table } from "../../schema/model";
import { normalizeDefault } from "./defaults";
import { quoteIdentifier as q, quoteList, quoteString } from "./quote";
import { createIndexStatement, createTableStatement, isInlineAutoincrement } from "./render-table";

/**
 * Where each column of the new table takes its values from: the name of a
 * column of the old table, or nothing (an added column, filled by its default).
 */
export type ColumnSources = Map<string, string>;

/** Values replaced while copying, by column of the new table: an enum value renamed. */
export type ValueRenames = Map<string, { from: string; to: string }>;

/** Columns of `after` whose name exists in `before` copy from themselves. */
export function sameNameSources(before: Table, after: Table): ColumnSources {
  const sources: ColumnSources = new Map();
  for (const column of after.columns) {
    if (before.columns.some((c) => c.name === column.name)) sources.set(column.name, column.name);
  }
  return sources;
}

export function temporaryName(table: string): string {
  return `temporary_${table}`;
}

export function rebuildStatements(before: Table, after: Table, sources: ColumnSources, valueRenames: ValueRenames = new Map()): string[] {
  const name = after.name;
  const temporary = temporaryName(name);
  const statements = [createTableStatement(after, temporary)];

  const targets: string[] = [];
  const expressions: string[] = [];
  for (const column of after.columns) {
    const source = sources.get(column.name);
    if (source === undefined) continue; // an added column: its default fills it
    if (column.asExpression !== undefined) continue; // computed by the new table, never inserted
    const old = before.columns.find((c) => c.name === source);
    targets.push(column.name);
    const renamed = valueRenames.get(column.name);
    // The new CHECK allows only the new value, the old one only the old: rows change on the way over.
    expressions.push(
      renamed
        ? `CASE WHEN ${q(source)} = ${quoteString(renamed.from)} THEN ${quoteString(renamed.to)} ELSE ${q(source)} END`
        : copyExpression(source, old, column),
    );
  }
  if (targets.length > 0) {
    statements.push(`INSERT INTO ${q(temporary)}(${quoteList(targets)}) SELECT ${expressions.join(", ")} FROM ${q(before.name)}`);
  }

  if (hasAutoincrement(before) && hasAutoincrement(after)) {
    // Keep the AUTOINCREMENT high-water mark, so ids of deleted rows are never reused.
    statements.push(
      `DELETE FROM sqlite_sequence WHERE name = ${quoteString(temporary)}`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${quoteString(temporary)}, seq FROM sqlite_sequence WHERE name = ${quoteString(before.name)}`,
    );
  }

  statements.push(`DROP TABLE ${q(before.name)}`, `ALTER TABLE ${q(temporary)} RENAME TO ${q(name)}`);
  for (const index of after.indexes) statements.push(createIndexStatement(name, index));
  statements.push(...(after.nativeIndexes ?? []), ...(after.triggers ?? []));
  return statements;
}

/**
 * The SELECT expression copying `source` into `target`. A column becoming
 * NOT NULL with a default takes the default where the old value is NULL.
 */
function copyExpression(source: string, old: Column | undefined, target: Column): string {
  const becomesRequired = old !== undefined && old.nullable && !target.nullable;
  const fallback = normalizeDefault(target.default, target.type);
  if (becomesRequired && fallback !== undefined) {
    return `COALESCE(${q(source)}, ${defaultValueExpression(fallback)})`;
  }
  return q(source);
}

/** A canonical default as a value expression SQLite evaluates (booleans are 1/0). */
function defaultValueExpression(canonical: string): string {
  if (canonical === "true") return "1";
  if (canonical === "false") return "0";
  return canonical;
}

function hasAutoincrement(table: Table): boolean {
  return table.columns.some((c) => isInlineAutoincrement(table, c));
}
