/**
 * Deciding rename candidates for `generate`: from the user's hints, from the
 * answers of an interactive prompt (a callback the CLI supplies, so this layer
 * does no I/O), or not at all — then nothing is written unless the user
 * accepts the data loss of dropping and re-creating.
 */
import { splitTableName } from "../schema/table-name";
import {
  InvalidRenamesError,
  hasRenameCandidates,
  mergeRenameDecisions,
  type ColumnRename,
  type RenameCandidates,
  type RenameDecisions,
  type TableRename,
  type ValueRename,
} from "../diff/renames";
import { UsageError } from "../errors";
import type { EntityComparison } from "./entity-diff";

/** Asks the user about each candidate; returns the renames and the confirmed-new items. */
export type ResolveRenames = (candidates: RenameCandidates) => Promise<RenameDecisions>;

export interface RenameResolutionOptions {
  /** Renames given up front (`--rename`, `--rename-table`). */
  renames?: RenameDecisions;
  /** Ask about candidates the hints leave open; absent when nobody can answer. */
  resolveRenames?: ResolveRenames;
  /** Treat undecided candidates as new: drop and add, losing their data. */
  acceptDataLoss?: boolean;
  /** Only report whether there are changes: candidates need no decision. */
  check?: boolean;
}

/**
 * Compare with the decided renames, asking about new candidates until none
 * is left. A table rename can reveal column candidates inside that table,
 * hence the loop; it ends because every round decides every candidate.
 */
export async function compareWithRenames(
  compare: (renames: RenameDecisions) => Promise<EntityComparison>,
  options: RenameResolutionOptions,
): Promise<EntityComparison> {
  let decisions = options.renames ?? {};
  let comparison = await compareOrExplain(compare, decisions);
  while (options.resolveRenames && !options.check && hasRenameCandidates(comparison.diff.renameCandidates)) {
    const answers = await options.resolveRenames(comparison.diff.renameCandidates);
    if (decisionCount(answers) === 0) break;
    decisions = mergeRenameDecisions(decisions, answers);
    comparison = await compareOrExplain(compare, decisions);
  }

  const left = comparison.diff.renameCandidates;
  if (hasRenameCandidates(left) && !options.acceptDataLoss && !options.check) {
    throw unresolvedCandidatesError(await withColumnsOfRenamedTables(compare, decisions, left));
  }
  return comparison;
}

/**
 * Column candidates inside a table candidate only show once the table rename
 * is decided. List them up front too (as if each table were renamed from its
 * first possible source), so one rerun with the printed flags is enough.
 */
async function withColumnsOfRenamedTables(
  compare: (renames: RenameDecisions) => Promise<EntityComparison>,
  decisions: RenameDecisions,
  candidates: RenameCandidates,
): Promise<RenameCandidates> {
  const { tables } = allAsRenames(candidates);
  if (tables.length === 0) return candidates;
  const supposed = await compare(mergeRenameDecisions(decisions, { tables }));
  const inside = supposed.diff.renameCandidates.columns.filter((c) => tables.some((t) => t.to === c.table));
  return { tables: candidates.tables, columns: [...candidates.columns, ...inside], values: candidates.values };
}

/** Every candidate as a rename from its first source not taken by an earlier one. */
function allAsRenames(candidates: RenameCandidates): { tables: TableRename[]; columns: ColumnRename[]; values: ValueRename[] } {
  const taken = new Set<string>();
  const tables: TableRename[] = [];
  for (const { from, to } of candidates.tables) {
    const source = from.find((f) => !taken.has(f));
    if (source === undefined) continue;
    taken.add(source);
    tables.push({ from: source, to });
  }
  const columns: ColumnRename[] = [];
  for (const { table, from, to } of candidates.columns) {
    const source = from.find((f) => !taken.has(`${table}.${f}`));
    if (source === undefined) continue;
    taken.add(`${table}.${source}`);
    columns.push({ table, from: source, to });
  }
  const values: ValueRename[] = [];
  for (const { table, column, from, to } of candidates.values) {
    const source = from.find((f) => !taken.has(`${table}.${column}\u0000${f}`));
    if (source === undefined) continue;
    taken.add(`${table}.${column}\u0000${source}`);
    values.push({ table, column, from: source, to });
  }
  return { tables, columns, values };
}

async function compareOrExplain(
  compare: (renames: RenameDecisions) => Promise<EntityComparison>,
  decisions: RenameDecisions,
): Promise<EntityComparison> {
  try {
    return await compare(decisions);
  } catch (error) {
    if (error instanceof InvalidRenamesError) {
      throw new UsageError(error.problems[0], error.problems.slice(1));
    }
    throw error;
  }
}

function decisionCount(decisions: RenameDecisions): number {
  return (
    (decisions.tables?.length ?? 0) +
    (decisions.columns?.length ?? 0) +
    (decisions.values?.length ?? 0) +
    (decisions.created?.tables?.length ?? 0) +
    (decisions.created?.columns?.length ?? 0) +
    (decisions.created?.values?.length ?? 0)
  );
}

/** The `--rename-table` flag that renames `from` to `to`. */
export function tableRenameFlag(from: string, to: string): string {
  return `--rename-table ${tableInFlag(from)}=${tableInFlag(to)}`;
}

/** The `--rename` flag that renames `table.from` to `to`. */
export function columnRenameFlag(table: string, from: string, to: string): string {
  return `--rename ${tableInFlag(table)}.${from}=${to}`;
}

/** A table as the flags spell it: `billing.invoices` outside the default schema. */
function tableInFlag(table: string): string {
  const { schema, name } = splitTableName(table);
  return schema === undefined ? name : `${schema}.${name}`;
}

/** The `--rename-value` flag that renames value `from` of `table.column` to `to`. */
export function valueRenameFlag(table: string, column: string, from: string, to: string): string {
  return `--rename-value ${shellWord(`${tableInFlag(table)}.${column}:${from}=${to}`)}`;
}

/** Quoted for a POSIX shell when it holds anything beyond plain name characters. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:=@%+,/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Exit 2 with every candidate, the flag that resolves each, and one command
 * line that takes them all as renames (the first free source of each).
 */
function unresolvedCandidatesError(candidates: RenameCandidates): UsageError {
  const count = candidates.tables.length + candidates.columns.length + candidates.values.length;
  const details: string[] = [];
  for (const { to, from } of candidates.tables) {
    details.push(`table ${to}: created, or renamed from ${from.join(" or ")}?  ${from.map((f) => tableRenameFlag(f, to)).join("  |  ")}`);
  }
  for (const { table, to, from } of candidates.columns) {
    details.push(
      `${table}.${to}: created, or renamed from ${from.join(" or ")}?  ${from.map((f) => columnRenameFlag(table, f, to)).join("  |  ")}`,
    );
  }
  for (const { table, column, to, from } of candidates.values) {
    details.push(
      `${table}.${column} "${to}": new value, or renamed from ${from.map((f) => `"${f}"`).join(" or ")}?  ` +
        from.map((f) => valueRenameFlag(table, column, f, to)).join("  |  "),
    );
  }
  const renames = allAsRenames(candidates);
  const all = [
    ...renames.tables.map((r) => tableRenameFlag(r.from, r.to)),
    ...renames.columns.map((r) => columnRenameFlag(r.table, r.from, r.to)),
    ...renames.values.map((r) => valueRenameFlag(r.table, r.column, r.from, r.to)),
  ];
  details.push(`all as renames: athanor generate ${all.join(" ")}`);
  details.push("all as new (the old data is lost): athanor generate --accept-data-loss");
  return new UsageError(
    `Found ${count} possible rename${count === 1 ? "" : "s"} and generate cannot ask here ` +
      `(no terminal, or --no-interactive), so nothing was written: rerun with the --rename/--rename-table/--rename-value flags below, ` +
      `or with --accept-data-loss to drop and re-create instead.`,
    details,
  );
}
