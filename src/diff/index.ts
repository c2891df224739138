/**
 * diff(current, target): the operations that turn `current` into `target`,
 * ordered so that both they and their inverse (`invertAll`, the migration's
 * `down`) run on a real database:
 *
 *  0. rename the tables and columns the caller confirmed (renames.ts); the
 *     rest of the diff compares the renamed schema with the target
 *  1. drop foreign keys that go away or change, and those in the way of a
 *     column change the database refuses under them (blocked-alters.ts)
 *  2. drop indexes, unique constraints, checks, exclusions and primary keys that change
 *  3. drop tables (only those the caller allows), then schemas left empty;
 *     change the storage engine of tables whose entity names another
 *  4. create the schemas new tables need, then the new tables, referenced
 *     tables first, foreign keys inline
 *  5. per existing table: add, alter, drop columns; add its primary key;
 *     set its comment
 *  6. add unique constraints, indexes, checks, exclusions
 *  7. add foreign keys
 *
 * Views are dropped before all of it and created after (diff/views.ts).
 *
 * Read backwards, the inverse is the same recipe, so `down` is valid too.
 * Tables that exist but that no entity maps are left alone and reported.
 */
import type { Operation } from "../ops/operations";
import type { Column, Schema, Table } from "../schema/model";
import { columnSetKey, type ComparableColumn } from "../schema/equal";
import { schemasOfTables } from "../schema/table-name";
import { compareTable, type FoldName, type TableChanges } from "./compare-table";
import { splitAltersAroundKey } from "./key-generation";
import { planCreation, type DeferredForeignKey } from "./creation-order";
import { planViews, tablesChangedUnderViews } from "./views";
import { applyRenames, findRenameCandidates, type RenameCandidates, type RenameDecisions } from "./renames";
import { BlockedAlters, recreateForeignKeysAroundBlockedAlters, type ForeignKeyBlocksAlter } from "./blocked-alters";

export interface DiffOptions {
  /** The dialect's view of a column (Dialect.comparable); identity by default. */
  comparable?: ComparableColumn;
  /** Tables missing from the target that may be dropped; others are only reported. */
  dropTables?: readonly string[];
  /** Confirmed renames (and appearing items confirmed as new); see renames.ts. */
  renames?: RenameDecisions;
  /** Whether the dialect keeps table comments (Dialect.tableComments); true by default. */
  tableComments?: boolean;
  /** How the database compares index and constraint names (Dialect.foldName); exactly by default. */
  foldName?: FoldName;
  /**
   * Whether the database refuses to change a column while a given foreign
   * key uses it (Dialect.foreignKeyBlocksAlter): such keys are dropped before
   * the change and added after it (blocked-alters.ts). Absent: never.
   */
  foreignKeyBlocksAlter?: ForeignKeyBlocksAlter;
}

export interface DiffResult {
  operations: Operation[];
  /**
   * What the operations cannot say themselves: foreign keys of tables left in
   * place that go with a dropped table or key, views that change. What each
   * operation risks is the judge's to say (src/danger, by lint and codegen).
   */
  warnings: string[];
  /** Tables in `current` that `target` lacks and that were left in place. */
  unmappedTables: string[];
  /**
   * Appearing tables and columns that may be renames the caller has not
   * decided on; the operations treat them as new (drop + add, data lost).
   */
  renameCandidates: RenameCandidates;
}

export function diff(original: Schema, target: Schema, options: DiffOptions = {}): DiffResult {
  const comparable = options.comparable ? remembered(options.comparable) : (column: Column) => column;
  const renamed = applyRenames(original, target, options.renames);
  const current = withoutUnmanagedIndexes(renamed.schema, target);
  const renameCandidates = findRenameCandidates(current, target, comparable, options.renames);
  const droppable = new Set(options.dropTables ?? []);
  const warnings: string[] = [];

  const targetNames = Object.keys(target.tables);
  const newTables = targetNames.filter((name) => !current.tables[name]).map((name) => target.tables[name]);
  const missingNames = Object.keys(current.tables).filter((name) => !target.tables[name]);
  const droppedTables = missingNames.filter((name) => droppable.has(name)).map((name) => current.tables[name]);
  const droppedNames = new Set(droppedTables.map((table) => table.name));
  const unmappedTables = missingNames.filter((name) => !droppable.has(name));

  const foldName = options.foldName ?? ((name: string) => name);
  // Asked only where a kept item changes its name: a no-op diff never builds it.
  let namedIn: Map<string, Set<string>> | undefined;
  const changes = targetNames
    .filter((name) => current.tables[name])
    .map((name) =>
      compareTable(current.tables[name], target.tables[name], comparable, options.tableComments ?? true, foldName, (folded) =>
        [...((namedIn ??= tablesByItemName(target, foldName)).get(folded) ?? [])].some((table) => table !== name),
      ),
    );

  const keys = new KeyChanges(changes);
  const blocked = new BlockedAlters(changes, options.foreignKeyBlocksAlter);
  // First: it takes the keys it re-creates out of the kept ones, so the next step cannot re-create them twice.
  recreateForeignKeysAroundBlockedAlters(changes, blocked);
  recreateForeignKeysToRecreatedKeys(changes, keys);
  const unmapped = foreignKeysOfUnmappedTables(
    unmappedTables.map((name) => current.tables[name]),
    target,
    droppedNames,
    keys,
    blocked,
    warnings,
  );

  const dropPlan = planCreation(droppedTables, (fk) => !keys.dropped(fk.referencedTable, fk.referencedColumns));
  const createPlan = planCreation(
    newTables,
    (fk) =>
      current.tables[fk.referencedTable] !== undefined &&
      !keys.dropped(fk.referencedTable, fk.referencedColumns) &&
      !keys.added(fk.referencedTable, fk.referencedColumns) &&
      // A key to a column that changes under it is added after the change (blocked-alters.ts).
      !blocked.referenceBlocked(fk),
  );

  // Auto-increment comes off before a key is dropped and goes on after one is added.
  const keyedAlters = new Map(changes.map((c) => [c, splitAltersAroundKey(c, comparable)]));

  // 0. Renames first: every later operation names tables and columns as renamed.
  const ops: Operation[] = [...renamed.operations];

  // 1. Foreign keys first: they pin the keys and tables dropped below.
  for (const c of changes) {
    for (const foreignKey of c.droppedForeignKeys) ops.push({ kind: "dropForeignKey", table: c.table, foreignKey });
  }
  for (const { table, foreignKey } of [...unmapped.dropped, ...dropPlan.deferred]) {
    ops.push({ kind: "dropForeignKey", table, foreignKey });
  }

  // 2. Indexes, uniques, checks, primary keys that go away or change.
  for (const c of changes) {
    for (const index of c.droppedIndexes) ops.push({ kind: "dropIndex", table: c.table, index });
    for (const unique of c.droppedUniques) ops.push({ kind: "dropUnique", table: c.table, unique });
    for (const check of c.droppedChecks) ops.push({ kind: "dropCheck", table: c.table, check });
    for (const exclusion of c.droppedExclusions) ops.push({ kind: "dropExclusion", table: c.table, exclusion });
    for (const { from, to } of keyedAlters.get(c)!.beforeKeyDrop) ops.push({ kind: "alterColumn", table: c.table, from, to });
    if (c.droppedPrimaryKey) {
      ops.push({ kind: "dropPrimaryKey", table: c.table, primaryKey: c.droppedPrimaryKey });
    }
  }

  // 3. Tables, referencing ones first (the reverse of the order to create them).
  for (const table of [...dropPlan.tables].reverse()) {
    // Triggers and expression indexes are dialect SQL the entities never declare: keep them out of migration files.
    const { triggers: _triggers, nativeIndexes: _nativeIndexes, ...definition } = table;
    ops.push({ kind: "dropTable", table: definition });
  }

  const schemaChanges = compareSchemas(current, target, unmappedTables);
  for (const schema of schemaChanges.dropped) ops.push({ kind: "dropSchema", schema });

  // 3b. Storage engines: after step 1 dropped the foreign keys that go (InnoDB refuses to convert a
  // table a key joins), before a new table's key references the table (MyISAM has none).
  for (const c of changes) if (c.engine) ops.push({ kind: "setTableEngine", table: c.table, ...c.engine });

  // 4. New schemas, then new tables, referenced ones first.
  for (const schema of schemaChanges.created) ops.push({ kind: "createSchema", schema });
  for (const table of createPlan.tables) ops.push({ kind: "createTable", table });

  // 5. Columns of existing tables, then their primary key.
  for (const c of changes) {
    for (const column of c.addedColumns) ops.push({ kind: "addColumn", table: c.table, column });
    // Generated columns reading a retyped column come off around the alter (compare-table.ts).
    for (const { from } of c.regeneratedColumns) ops.push({ kind: "dropColumn", table: c.table, column: from });
    for (const { from, to } of keyedAlters.get(c)!.main) ops.push({ kind: "alterColumn", table: c.table, from, to });
    for (const { to } of c.regeneratedColumns) ops.push({ kind: "addColumn", table: c.table, column: to });
    for (const column of c.droppedColumns) ops.push({ kind: "dropColumn", table: c.table, column });
    if (c.addedPrimaryKey) ops.push({ kind: "addPrimaryKey", table: c.table, primaryKey: c.addedPrimaryKey });
    for (const { from, to } of keyedAlters.get(c)!.afterKeyAdd) ops.push({ kind: "alterColumn", table: c.table, from, to });
    if (c.comment) ops.push({ kind: "setTableComment", table: c.table, ...c.comment });
  }

  // 6. Uniques, indexes and checks on existing tables.
  for (const c of changes) {
    for (const unique of c.addedUniques) ops.push({ kind: "addUnique", table: c.table, unique });
    for (const index of c.addedIndexes) ops.push({ kind: "createIndex", table: c.table, index });
    for (const check of c.addedChecks) ops.push({ kind: "addCheck", table: c.table, check });
    for (const exclusion of c.addedExclusions) ops.push({ kind: "addExclusion", table: c.table, exclusion });
  }

  // 7. Foreign keys, once every table and key they reference exists.
  for (const c of changes) {
    for (const foreignKey of c.addedForeignKeys) ops.push({ kind: "addForeignKey", table: c.table, foreignKey });
  }
  for (const { table, foreignKey } of [...createPlan.deferred, ...unmapped.readded]) {
    ops.push({ kind: "addForeignKey", table, foreignKey });
  }

  // Views (diff/views.ts): dropped before everything above, created after it.
  const views = planViews(original, target, tablesChangedUnderViews(ops, current));
  warnings.push(...views.warnings);
  return { operations: [...views.drops, ...ops, ...views.creates], warnings, unmappedTables, renameCandidates };
}

/**
 * The indexes the entities leave to the user (`synchronize: false`) are not
 * compared: one the database has is neither dropped nor reported.
 */
function withoutUnmanagedIndexes(current: Schema, target: Schema): Schema {
  const unmanaged = target.unmanagedIndexes;
  if (!unmanaged) return current;
  const tables: Record<string, Table> = {};
  for (const [name, table] of Object.entries(current.tables)) {
    const names = unmanaged[name];
    tables[name] = names ? { ...table, indexes: table.indexes.filter((index) => !names.includes(index.name)) } : table;
  }
  return { ...current, tables };
}

/** The target's index and constraint names (folded), each with the tables that use it. */
function tablesByItemName(target: Schema, foldName: FoldName): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  for (const [name, table] of Object.entries(target.tables)) {
    const items = [...table.uniques, ...table.indexes, ...table.checks, ...table.foreignKeys, ...(table.exclusions ?? [])];
    for (const item of items) {
      const folded = foldName(item.name);
      tables.set(folded, new Set([...(tables.get(folded) ?? []), name]));
    }
  }
  return tables;
}

/**
 * The dialect's view of each column, worked out once: rename detection and
 * the table comparison both ask for it, for every column of both schemas.
 */
function remembered(comparable: ComparableColumn): ComparableColumn {
  // A Map, not a WeakMap: it lives as long as one diff, and a Map is the cheaper of the two to ask.
  const seen = new Map<Column, Column>();
  return (column) => {
    let view = seen.get(column);
    if (view === undefined) {
      view = comparable(column);
      seen.set(column, view);
    }
    return view;
  };
}

/**
 * The keys (primary key, unique constraints, unique indexes) that are dropped
 * or added on existing tables, by table and column set. A foreign key needs
 * the key it references to exist at the moment it is created.
 */
class KeyChanges {
  private readonly droppedKeys = new Map<string, Set<string>>();
  private readonly addedKeys = new Map<string, Set<string>>();

  constructor(changes: readonly TableChanges[]) {
    for (const c of changes) {
      const dropped = [c.droppedPrimaryKey, ...c.droppedUniques, ...c.droppedIndexes.filter((i) => i.unique)];
      const added = [c.addedPrimaryKey, ...c.addedUniques, ...c.addedIndexes.filter((i) => i.unique)];
      this.droppedKeys.set(c.table, new Set(dropped.flatMap((k) => (k ? [columnSetKey(k.columns)] : []))));
      this.addedKeys.set(c.table, new Set(added.flatMap((k) => (k ? [columnSetKey(k.columns)] : []))));
    }
  }

  dropped(table: string, columns: string[]): boolean {
    return this.droppedKeys.get(table)?.has(columnSetKey(columns)) ?? false;
  }

  added(table: string, columns: string[]): boolean {
    return this.addedKeys.get(table)?.has(columnSetKey(columns)) ?? false;
  }
}

/**
 * A foreign key that does not change still blocks dropping the key it
 * references (PostgreSQL refuses): drop it before and re-create it after.
 */
function recreateForeignKeysToRecreatedKeys(changes: TableChanges[], keys: KeyChanges): void {
  for (const c of changes) {
    for (const kept of c.keptForeignKeys) {
      if (keys.dropped(kept.current.referencedTable, kept.current.referencedColumns)) {
        c.droppedForeignKeys.push(kept.current);
        c.addedForeignKeys.push(kept.target);
      }
    }
  }
}

/**
 * Unmapped tables are left alone, except for foreign keys that would block
 * this migration: to a table being dropped (removed for good), to a key
 * being re-created (re-created after it, when the target still has the key),
 * or to a column the database refuses to change under them (re-created
 * after the change: blocked-alters.ts).
 */
function foreignKeysOfUnmappedTables(
  tables: readonly Table[],
  target: Schema,
  droppedTables: ReadonlySet<string>,
  keys: KeyChanges,
  blocked: BlockedAlters,
  warnings: string[],
): { dropped: DeferredForeignKey[]; readded: DeferredForeignKey[] } {
  const dropped: DeferredForeignKey[] = [];
  const readded: DeferredForeignKey[] = [];
  for (const table of tables) {
    for (const foreignKey of table.foreignKeys) {
      const where = `${table.name} (${foreignKey.columns.join(", ")}) → ${foreignKey.referencedTable}`;
      if (droppedTables.has(foreignKey.referencedTable)) {
        dropped.push({ table: table.name, foreignKey });
        warnings.push(`foreign key ${where} is dropped because ${foreignKey.referencedTable} is dropped.`);
      } else if (keys.dropped(foreignKey.referencedTable, foreignKey.referencedColumns)) {
        dropped.push({ table: table.name, foreignKey });
        if (hasKey(target.tables[foreignKey.referencedTable], foreignKey.referencedColumns)) {
          readded.push({ table: table.name, foreignKey });
        } else {
          warnings.push(`foreign key ${where} is dropped because the key it references is dropped.`);
        }
      } else if (blocked.referenceBlocked(foreignKey)) {
        // Its own columns stay as they are: after a new type it may no longer match, and adding it again fails there.
        dropped.push({ table: table.name, foreignKey });
        readded.push({ table: table.name, foreignKey });
        warnings.push(
          `foreign key ${where} is dropped and added again around the change of ${foreignKey.referencedTable} (${foreignKey.referencedColumns.join(", ")}), which the database refuses under it; ${table.name} is not changed, so its columns must still match.`,
        );
      }
    }
  }
  return { dropped, readded };
}

function hasKey(table: Table | undefined, columns: string[]): boolean {
  if (!table) return false;
  const wanted = columnSetKey(columns);
  const keys = [table.primaryKey, ...table.uniques, ...table.indexes.filter((i) => i.unique)];
  return keys.some((key) => key !== undefined && columnSetKey(key.columns) === wanted);
}

/**
 * Schemas the target's tables need that do not exist yet, and schemas that
 * exist but that neither the target nor a table left in place uses any more
 * (introspection reads only the schemas the entities name, so in practice
 * generate never drops one; `down` drops the ones `up` created).
 */
function compareSchemas(current: Schema, target: Schema, unmappedTables: readonly string[]): { created: string[]; dropped: string[] } {
  const existing = current.schemas ?? [];
  const wanted = target.schemas ?? [];
  const stillUsed = new Set([...wanted, ...schemasOfTables(unmappedTables)]);
  return {
    created: wanted.filter((schema) => !existing.includes(schema)),
    dropped: existing.filter((schema) => !stillUsed.has(schema)),
  };
}
