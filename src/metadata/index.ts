/**
 * TypeORM entity metadata → the canonical Schema (what the code wants).
 *
 * Input is the `entityMetadatas` of an initialized (or `buildMetadatas()`-ed)
 * DataSource. The result does not depend on which driver built the metadata
 * for portable entities: we read declared types, not driver-normalized ones,
 * and spell defaults portably. A table in a schema other than the
 * connection's default one (`@Entity({ schema })`, or the DataSource's
 * `schema`) gets its qualified name (schema/table-name.ts), matching what
 * the dialects introspect; on a dialect without schemas it is ignored.
 */
import type { EntityMetadata } from "typeorm";
import type {
  Check,
  Column,
  Exclusion,
  ForeignKey,
  ForeignKeyAction,
  Generation,
  Index,
  PrimaryKey,
  Schema,
  Table,
  Unique,
} from "../schema/model";
import { qualifiedTableName, schemasOfTables } from "../schema/table-name";
import { canonicalDefault } from "./column-default";
import { portableType } from "./column-type";

type ColumnMetadata = EntityMetadata["columns"][number];

export { portableType } from "./column-type";
export { canonicalDefault, normalizeSqlDefault, quoteLiteral } from "./column-default";

export interface EntitySchemaOptions {
  /**
   * The connection's default schema (Dialect.defaultSchema). Undefined on a
   * dialect without schemas: entities' schemas are then ignored, as TypeORM
   * ignores them on SQLite.
   */
  defaultSchema?: string;
}

/** Build the target Schema from entity metadata. */
export function schemaFromEntities(
  metadatas: readonly EntityMetadata[],
  options: EntitySchemaOptions = {},
): Schema {
  const schema: Schema = { tables: {} };
  const nameOf = (metadata: EntityMetadata): string => {
    const own = metadata.schema;
    const qualified = options.defaultSchema !== undefined && own && own !== options.defaultSchema;
    return qualifiedTableName(qualified ? own : undefined, metadata.tableName);
  };
  for (const metadata of metadatas) {
    if (!ownsTable(metadata)) continue;
    const name = nameOf(metadata);
    schema.tables[name] = tableFromEntity(metadata, name, nameOf);
  }
  const schemas = schemasOfTables(Object.keys(schema.tables));
  if (schemas.length > 0) schema.schemas = schemas;
  return schema;
}

/**
 * Views are not tables, and single-table-inheritance children share their
 * parent's table (the parent's metadata already carries every column).
 */
function ownsTable(metadata: EntityMetadata): boolean {
  return metadata.tableType !== "view" && metadata.tableType !== "entity-child";
}

function tableFromEntity(metadata: EntityMetadata, name: string, nameOf: (metadata: EntityMetadata) => string): Table {
  const columns = metadata.columns
    // Virtual properties (@VirtualColumn) are computed by a query, not stored.
    .filter((column) => !column.isVirtualProperty)
    .map((column) => columnFromMetadata(metadata, column));
  return {
    name,
    columns,
    primaryKey: primaryKeyOf(metadata),
    uniques: uniquesOf(metadata),
    indexes: metadata.indices.map(indexFromMetadata),
    foreignKeys: metadata.foreignKeys.map((fk) => foreignKeyFromMetadata(fk, nameOf(fk.referencedEntityMetadata))),
    checks: metadata.checks.map((check): Check => ({ name: check.name, expression: check.expression! })),
    // TypeORM reads @Exclusion on PostgreSQL only: elsewhere the list is empty.
    ...((metadata.exclusions ?? []).length > 0
      ? { exclusions: metadata.exclusions.map((e): Exclusion => ({ name: e.name, expression: e.expression! })) }
      : {}),
    ...(metadata.comment ? { comment: metadata.comment } : {}),
  };
}

function columnFromMetadata(metadata: EntityMetadata, source: ColumnMetadata): Column {
  // Keys in reading order: generated migration files print them as they are.
  const column: Column = { name: source.databaseName, type: columnType(source) } as Column;
  if (source.length !== undefined && source.length !== "") column.length = Number(source.length);
  if (source.precision !== undefined && source.precision !== null) column.precision = source.precision;
  if (source.scale !== undefined && source.scale !== null) column.scale = source.scale;
  column.nullable = source.isNullable;

  const defaultValue = columnDefault(source);
  if (defaultValue !== undefined) column.default = defaultValue;

  const generated = generationOf(source);
  if (generated) column.generated = generated;
  if (generated === "identity" && source.generatedIdentity === "ALWAYS") column.generatedAlways = true;

  if (column.type === "enum" || column.type === "enum[]") {
    column.enum = (source.enum ?? []).map((value) => String(value));
    column.enumName = source.enumName ?? `${metadata.tableName}_${source.databaseName}_enum`;
  }
  if (source.comment) column.comment = source.comment;
  if (source.collation) column.collation = source.collation;
  if (source.asExpression) {
    // TypeORM makes a generated column without generatedType VIRTUAL (and
    // refuses that on PostgreSQL when it builds the metadata: E160).
    column.asExpression = source.asExpression;
    column.generatedType = source.generatedType ?? "VIRTUAL";
  }
  return column;
}

function columnType(source: ColumnMetadata): string {
  // VersionColumn's driver type differs in spelling only (int4 / integer).
  if (source.isVersion) return "integer";
  const type = portableType(source.type);
  // PostgreSQL arrays have no portable form; keep the native spelling.
  return source.isArray ? `${type}[]` : type;
}

/**
 * CreateDateColumn/UpdateDateColumn get their "now" default from TypeORM at
 * DDL time only (the driver's own spelling), so the model states it
 * explicitly and portably.
 */
function columnDefault(source: ColumnMetadata): string | undefined {
  if ((source.isCreateDate || source.isUpdateDate) && source.default === undefined) {
    return "CURRENT_TIMESTAMP";
  }
  return canonicalDefault(source.default);
}

function generationOf(source: ColumnMetadata): Generation | undefined {
  if (!source.isGenerated) return undefined;
  // TypeORM's type omits "identity", which its PostgreSQL driver supports.
  switch (source.generationStrategy as string | undefined) {
    case "increment":
      return "increment";
    // TypeORM declares a rowid column a plain INTEGER PRIMARY KEY, which on
    // SQLite is the rowid itself (numbered without AUTOINCREMENT).
    case "rowid":
      return undefined;
    case "identity":
      return "identity";
    case "uuid":
      return "uuid";
    default:
      return undefined;
  }
}

function primaryKeyOf(metadata: EntityMetadata): PrimaryKey | undefined {
  const columns = metadata.primaryColumns.map((column) => column.databaseName);
  if (columns.length === 0) return undefined;
  const name =
    metadata.primaryColumns[0].primaryKeyConstraintName ??
    owningDataSource(metadata).namingStrategy.primaryKeyName(metadata.tablePath, columns);
  return { name, columns };
}

/** TypeORM 1.x calls it `dataSource` (`connection` is deprecated there); 0.3 only `connection`. */
function owningDataSource(metadata: EntityMetadata): EntityMetadata["connection"] {
  return (metadata as { dataSource?: EntityMetadata["connection"] }).dataSource ?? metadata.connection;
}

/**
 * Unique constraints. `@Column({ unique: true })` and one-to-one join columns
 * already arrive as UniqueMetadata; the same column set declared twice would
 * be one constraint in the database, so keep the first only.
 */
function uniquesOf(metadata: EntityMetadata): Unique[] {
  const uniques: Unique[] = [];
  const seen = new Set<string>();
  for (const unique of metadata.uniques) {
    const columns = unique.columns.map((column) => column.databaseName);
    const key = [...columns].sort().join("\u0000");
    if (seen.has(key)) continue;
    seen.add(key);
    uniques.push({ name: unique.name, columns });
  }
  return uniques;
}

function indexFromMetadata(index: EntityMetadata["indices"][number]): Index {
  const result: Index = {
    name: index.name,
    columns: index.columns.map((column) => column.databaseName),
    unique: index.isUnique,
  };
  if (index.where) result.where = index.where;
  // TypeORM builds a spatial index USING GiST (PostgreSQL).
  if (index.isSpatial) result.method = "gist";
  return result;
}

function foreignKeyFromMetadata(fk: EntityMetadata["foreignKeys"][number], referencedTable: string): ForeignKey {
  return {
    name: fk.name,
    columns: fk.columnNames,
    referencedTable,
    referencedColumns: fk.referencedColumnNames,
    onDelete: foreignKeyAction(fk.onDelete),
    onUpdate: foreignKeyAction(fk.onUpdate),
    ...(fk.deferrable ? { deferrable: fk.deferrable } : {}),
  };
}

function foreignKeyAction(action: string | undefined): ForeignKeyAction {
  return (action ? action.toUpperCase() : "NO ACTION") as ForeignKeyAction;
}
