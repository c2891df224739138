/**
 * The comparison at the heart of `generate`, `check` and `verify`: the
 * schema the entities describe against the schema a database has, as
 * operations that would turn the second into the first.
 */
import type { DataSource } from "typeorm";
import { diff, type DiffResult } from "../diff";
import type { RenameDecisions } from "../diff/renames";
import { refusalSentence, type Dialect, type Queryable } from "../dialects/dialect";
import { schemaFromEntities } from "../metadata";
import type { EntityModel } from "../model-cache/model-cache";
import type { Schema } from "../schema/model";
import { profilePhase } from "../profile";
import { DatabaseError, UsageError } from "../errors";
import type { Operation } from "../ops/operations";
import { schemasOfTables } from "../schema/table-name";
import { bookkeepingTableNames } from "../runner/bookkeeping";

export interface EntityComparison {
  /** What the database has (bookkeeping table left out). */
  current: Schema;
  /** What the entities describe. */
  target: Schema;
  /** Operations from `current` to `target`, with warnings and unmapped tables. */
  diff: DiffResult;
  /** How many entities the DataSource maps. */
  entityCount: number;
}

export interface EntitySource {
  /** An initialized DataSource: its entity metadata is the target. */
  dataSource: DataSource;
  migrationsTableName: string;
  /**
   * Where the target comes from instead, when given: an opened project's
   * `entityModel` (which may answer from the entity model cache).
   */
  entityModel?: (defaultSchema: string | undefined) => Promise<EntityModel>;
}

/**
 * Compare the entities of `source` with the database behind `db` (which may
 * be another database than the DataSource's own: `verify` uses a scratch one).
 */
export async function compareEntitiesWithDatabase(
  dialect: Dialect,
  db: Queryable,
  source: EntitySource,
  /** Renames the user confirmed (generate's --rename hints and answers). */
  renames?: RenameDecisions,
  /**
   * Which of the tables no entity maps may be dropped (those Athanor's
   * migrations created; see managed-tables.ts); by default none.
   */
  droppable?: (unmapped: string[]) => Promise<string[]>,
): Promise<EntityComparison> {
  const exclude = bookkeepingTableNames(source.migrationsTableName);
  // The catalog queries run while the entities' schema is built, where the
  // dialect can start them first (SQLite): after the bookkeeping was read,
  // as before, never earlier.
  const ahead = await dialect.introspectAhead?.(db, { exclude });
  const { schema: target, entityCount } = await entityModelOf(dialect, db, source);
  profilePhase("metadata to schema");
  refuseBookkeepingEntity(target, source.migrationsTableName);
  refuseNameClash(dialect, target);
  // Before E248/E249, which would judge a misspelt engine as one that keeps no foreign keys.
  const engine = await dialect.unavailableEngine?.(db, target);
  if (engine) throw new UsageError(engine);
  const introspected = ahead ? await ahead() : await dialect.introspect(db, { exclude, schemas: schemasToRead(target, renames) });
  const current = dialect.readAsDeclared ? dialect.readAsDeclared(introspected, target) : introspected;
  profilePhase("introspection");
  refuseWhatTheDatabaseRefuses(dialect, withEnginesTablesKeep(withIndexesLeftToTheUser(target, current), current));
  const unmapped = Object.keys(current.tables).filter((name) => !target.tables[name]);
  const dropTables = droppable && unmapped.length > 0 ? await droppable(unmapped) : [];
  const result = diff(current, target, {
    comparable: (c) => dialect.comparable(c),
    renames,
    dropTables,
    tableComments: dialect.tableComments,
    foldName: dialect.foldName,
    foreignKeyBlocksAlter: dialect.foreignKeyBlocksAlter?.bind(dialect),
  });
  await createExtensionsFirst(dialect, db, current, target, result);
  profilePhase("diff");
  return { current, target, diff: result, entityCount };
}

/**
 * A migration that brings in the first column of a type an extension defines
 * (citext, vector, ...) creates the extension first, so it also runs on a
 * database that lacks it. An extension this server cannot install at all
 * stops here, rather than the migration failing at run.
 */
async function createExtensionsFirst(dialect: Dialect, db: Queryable, current: Schema, target: Schema, result: DiffResult): Promise<void> {
  const required = dialect.requiredExtensions?.(current, target) ?? [];
  if (required.length === 0) return;
  const unavailable = await dialect.unavailableExtension?.(db, required);
  if (unavailable) throw new DatabaseError(unavailable);
  result.operations.unshift(...required.map((r): Operation => ({ kind: "createExtension", extension: r.extension })));
  for (const r of required) {
    result.warnings.push(
      `Extension ${r.extension} (for ${r.table}.${r.column}) is created if the database lacks it: that needs a role allowed to create it ` +
        `(a superuser, or the database owner for a trusted extension); revert drops it only if a migration created it and nothing else uses it.`,
    );
  }
}

/**
 * An entity mapped to the bookkeeping table's name would be generated as a
 * createTable (introspection leaves that table out), and `run` would then
 * fail on a table that already exists.
 */
function refuseBookkeepingEntity(target: Schema, migrationsTableName: string): void {
  if (!target.tables[migrationsTableName]) return;
  throw new UsageError(
    `An entity maps the table "${migrationsTableName}", which is where the DataSource's migrationsTableName records applied migrations: ` +
      `give the entity another table name (@Entity("…")), or set migrationsTableName to another name in the DataSource.`,
  );
}

/**
 * Entities the database would refuse (MySQL/MariaDB: a foreign key it calls
 * incorrectly formed) stop here, with what to change, rather than at `run`
 * with the server's error number: nothing is written.
 */
function refuseWhatTheDatabaseRefuses(dialect: Dialect, target: Schema): void {
  const refusals = dialect.refusals?.(target) ?? [];
  if (refusals.length === 0) return;
  const sentences = refusals.map(refusalSentence);
  if (sentences.length === 1) throw new UsageError(sentences[0]);
  throw new UsageError(
    `The entities declare ${sentences.length} foreign keys ${dialect.name} would refuse, so nothing was generated:\n${sentences.map((s) => `  - ${s}`).join("\n")}`,
  );
}

/**
 * `target` with the indexes it leaves to the user (`@Index("name", {
 * synchronize: false })`) as the database has them: no migration drops
 * them, so a foreign key may rely on one (E236 must not refuse it).
 */
function withIndexesLeftToTheUser(target: Schema, current: Schema): Schema {
  if (!target.unmanagedIndexes) return target;
  const tables = { ...target.tables };
  for (const [name, names] of Object.entries(target.unmanagedIndexes)) {
    const table = tables[name];
    const kept = (current.tables[name]?.indexes ?? []).filter(
      (i) => names.includes(i.name) && !table?.indexes.some((t) => t.name === i.name),
    );
    if (table && kept.length > 0) tables[name] = { ...table, indexes: [...table.indexes, ...kept] };
  }
  return { ...target, tables };
}

/**
 * `target` with the storage engine each existing table keeps where its
 * entity names none (no migration changes it then): a foreign key on or to
 * a live MyISAM table is judged by that engine (E248, E249).
 */
function withEnginesTablesKeep(target: Schema, current: Schema): Schema {
  let tables: Schema["tables"] | undefined;
  for (const [name, table] of Object.entries(target.tables)) {
    const live = current.tables[name]?.engine;
    if (table.engine !== undefined || live === undefined) continue;
    tables ??= { ...target.tables };
    tables[name] = { ...table, engine: live };
  }
  return tables ? { ...target, tables } : target;
}

/**
 * Two names the entities declare that the database takes for one (MySQL's
 * index names ignore case) would make a migration the server refuses
 * half-way: say which, before writing it.
 */
function refuseNameClash(dialect: Dialect, target: Schema): void {
  const clash = dialect.nameClash?.(target);
  if (clash) throw new UsageError(clash);
}

async function entityModelOf(dialect: Dialect, db: Queryable, source: EntitySource): Promise<EntityModel> {
  if (!source.entityModel) {
    return { schema: await entitiesSchema(dialect, db, source.dataSource), entityCount: source.dataSource.entityMetadatas.length };
  }
  const defaultSchema = dialect.defaultSchema ? await dialect.defaultSchema(db) : undefined;
  return source.entityModel(defaultSchema);
}

/**
 * The schema the entities of `dataSource` describe, table names qualified
 * relative to the default schema of the database behind `db`.
 */
export async function entitiesSchema(dialect: Dialect, db: Queryable, dataSource: DataSource): Promise<Schema> {
  const defaultSchema = dialect.defaultSchema ? await dialect.defaultSchema(db) : undefined;
  return schemaFromEntities(dataSource.entityMetadatas as any, {
    defaultSchema,
    sharedEnumTypes: dialect.sharedEnumTypes,
    materializedViews: dialect.materializedViews,
    fulltextIndexes: dialect.fulltextIndexes,
  });
}

/**
 * The schemas besides the default one to introspect: those the entities name,
 * and those a confirmed table rename comes from (the table a user renames
 * may live in a schema that no entity names any more).
 */
function schemasToRead(target: Schema, renames: RenameDecisions | undefined): string[] | undefined {
  const fromRenames = schemasOfTables((renames?.tables ?? []).map((rename) => rename.from));
  if (fromRenames.length === 0) return target.schemas;
  return [...new Set([...(target.schemas ?? []), ...fromRenames])].sort();
}
