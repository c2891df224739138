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
import { arrayLiteral, canonicalDefault, defaultSpelling, isArrayLiteralText, normalizeSqlDefault } from "./column-default";
import { UsageError } from "../errors";
import { portableType } from "./column-type";
import { refuseUnrenderable } from "./unrenderable";
import { isView, viewFromEntity } from "./views";
import { uniqueConstraintIndexes } from "./mysql-uniques";

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
  /** Dialect.sharedEnumTypes: enum columns naming a type share its values. */
  sharedEnumTypes?: boolean;
  /** Whether the dialect has materialized views (Dialect.materializedViews). */
  materializedViews?: boolean;
  /** Whether the dialect has FULLTEXT indexes (Dialect.fulltextIndexes). */
  fulltextIndexes?: boolean;
}

/** Build the target Schema from entity metadata. */
export function schemaFromEntities(metadatas: readonly EntityMetadata[], options: EntitySchemaOptions = {}): Schema {
  const schema: Schema = { tables: {} };
  const nameOf = (metadata: EntityMetadata): string => {
    const own = metadata.schema;
    const qualified = options.defaultSchema !== undefined && own && own !== options.defaultSchema;
    return qualifiedTableName(qualified ? own : undefined, metadata.tableName);
  };
  refuseUnrenderable(metadatas);
  const enumValues = options.sharedEnumTypes ? declaredEnumValues(metadatas) : undefined;
  for (const metadata of metadatas) {
    if (!ownsTable(metadata)) continue;
    const name = nameOf(metadata);
    schema.tables[name] = tableFromEntity(metadata, name, nameOf, enumValues, options.fulltextIndexes ?? false);
    const unmanaged = metadata.indices.filter((index) => !isManaged(index)).map((index) => index.name);
    if (unmanaged.length > 0) (schema.unmanagedIndexes ??= {})[name] = unmanaged;
  }
  for (const metadata of metadatas) {
    if (!isView(metadata) || metadata.synchronize === false) continue;
    const name = nameOf(metadata);
    const view = viewFromEntity(metadata, name, owningDataSource(metadata), options.materializedViews ?? false);
    schema.views = { ...schema.views, [name]: view };
  }
  const schemas = schemasOfTables([...Object.keys(schema.tables), ...Object.keys(schema.views ?? {})]);
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

/** An enum type named by `enumName`, in the schema of the entity's table. */
function enumTypeKey(metadata: EntityMetadata, enumName: string): string {
  return `${metadata.schema ?? ""}\u0000${enumName}`;
}

/**
 * The values of each enum type named by `enumName`, from the columns that
 * declare them: another column may use the same type by its name alone.
 */
function declaredEnumValues(metadatas: readonly EntityMetadata[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const metadata of metadatas) {
    for (const column of metadata.columns) {
      if (column.enumName === undefined || !column.enum || column.enum.length === 0) continue;
      const key = enumTypeKey(metadata, column.enumName);
      if (!values.has(key))
        values.set(
          key,
          column.enum.map((value) => String(value)),
        );
    }
  }
  return values;
}

function tableFromEntity(
  metadata: EntityMetadata,
  name: string,
  nameOf: (metadata: EntityMetadata) => string,
  enumValues: Map<string, string[]> | undefined,
  fulltext: boolean,
): Table {
  const fromConstraints = uniqueConstraintIndexes(metadata);
  const columns = metadata.columns
    // Virtual properties (@VirtualColumn) are computed by a query, not stored.
    .filter((column) => !column.isVirtualProperty)
    .map((column) => columnFromMetadata(metadata, column, enumValues));
  return {
    name,
    columns,
    primaryKey: primaryKeyOf(metadata),
    uniques: [...uniquesOf(metadata), ...fromConstraints.values()],
    indexes: metadata.indices
      .filter((index) => isManaged(index) && !fromConstraints.has(index))
      .map((index) => indexFromMetadata(index, fulltext)),
    foreignKeys: metadata.foreignKeys.map((fk) => foreignKeyFromMetadata(fk, nameOf(fk.referencedEntityMetadata))),
    checks: metadata.checks.map((check): Check => ({ name: check.name, expression: check.expression! })),
    // TypeORM reads @Exclusion on PostgreSQL only: elsewhere the list is empty.
    ...((metadata.exclusions ?? []).length > 0
      ? { exclusions: metadata.exclusions.map((e): Exclusion => ({ name: e.name, expression: e.expression! })) }
      : {}),
    ...(metadata.comment ? { comment: metadata.comment } : {}),
    // TypeORM's drivers other than MySQL's ignore it; so do the other dialects.
    ...(metadata.engine ? { engine: metadata.engine } : {}),
  };
}

function columnFromMetadata(metadata: EntityMetadata, source: ColumnMetadata, enumValues: Map<string, string[]> | undefined): Column {
  // Keys in reading order: generated migration files print them as they are.
  const column: Column = { name: source.databaseName, type: columnType(source) } as Column;
  const declared = declaredType(source, column.type);
  if (declared !== undefined) column.declaredType = declared;
  if (source.length !== undefined && source.length !== "") column.length = Number(source.length);
  const role = dateColumnOf(source);
  if (source.precision !== undefined && source.precision !== null && source.precision !== impliedDatePrecision(source, role)) {
    column.precision = source.precision;
  }
  if (source.scale !== undefined && source.scale !== null) column.scale = source.scale;
  column.nullable = source.isNullable;

  const defaultValue = columnDefault(source);
  if (defaultValue !== undefined) column.default = defaultValue;
  const spelling = defaultSpelling(source.default);
  if (defaultValue !== undefined && spelling !== undefined) column.defaultSql = spelling;

  const generated = generationOf(source);
  if (generated) column.generated = generated;
  if (generated === "identity" && source.generatedIdentity === "ALWAYS") column.generatedAlways = true;

  // MySQL's SET takes its allowed values the way ENUM does.
  if (column.type === "set") column.enum = enumValuesOf(metadata, source, enumValues);
  if (column.type === "enum" || column.type === "enum[]") {
    column.enum = enumValuesOf(metadata, source, enumValues);
    // TypeORM's own name (PostgresQueryRunner.buildEnumName): the column lower-cased, the table not.
    column.enumName = source.enumName ?? `${metadata.tableName}_${source.databaseName.toLowerCase()}_enum`;
  }
  if (source.comment) column.comment = source.comment;
  if (source.collation) column.collation = source.collation;
  if (source.asExpression) {
    // TypeORM makes a generated column without generatedType VIRTUAL (and
    // refuses that on PostgreSQL when it builds the metadata: E160).
    column.asExpression = source.asExpression;
    column.generatedType = source.generatedType ?? "VIRTUAL";
  }
  // MySQL-family facts: TypeORM sets them only there (onUpdate for
  // @UpdateDateColumn from the MySQL driver); other dialects' comparable drops them.
  if (source.unsigned) column.unsigned = true;
  if (source.onUpdate && !(role === "update" && source.onUpdate === driverDateTypes(source)?.updateDateDefault)) {
    column.onUpdate = normalizeSqlDefault(source.onUpdate);
  }
  if (role) column.dateColumn = role;
  return column;
}

type DateColumnRole = NonNullable<Column["dateColumn"]>;

function dateColumnOf(source: ColumnMetadata): DateColumnRole | undefined {
  if (source.isCreateDate) return "create";
  if (source.isUpdateDate) return "update";
  if (source.isDeleteDate) return "delete";
  return undefined;
}

/** The type details TypeORM's driver gives date columns (MySQL: precision 6 and ON UPDATE CURRENT_TIMESTAMP(6)). */
function driverDateTypes(source: ColumnMetadata): Record<string, unknown> | undefined {
  return source.entityMetadata?.connection?.driver?.mappedDataTypes as unknown as Record<string, unknown> | undefined;
}

/**
 * The precision TypeORM's driver filled in for a date column that states
 * none: the role implies it (Column.dateColumn), so the model leaves it out
 * and a migration generated on MySQL equals one generated on PostgreSQL.
 */
function impliedDatePrecision(source: ColumnMetadata, role: DateColumnRole | undefined): unknown {
  return role ? driverDateTypes(source)?.[`${role}DatePrecision`] : undefined;
}

/**
 * An enum column's values: its own, or, for a column that names its type
 * (`enumName`) without values, those of the column that declares that type.
 * With neither, the migration would create the type with no values at all
 * (and a database that has the type would never match the entity).
 */
function enumValuesOf(metadata: EntityMetadata, source: ColumnMetadata, enumValues: Map<string, string[]> | undefined): string[] {
  if (source.enum && source.enum.length > 0) return source.enum.map((value) => String(value));
  if (source.enumName === undefined || enumValues === undefined) return [];
  const shared = enumValues.get(enumTypeKey(metadata, source.enumName));
  if (shared) return [...shared];
  throw new UsageError(
    `Column ${metadata.name}.${source.propertyPath} uses the enum type "${source.enumName}" by name, and no column declares its values: ` +
      `give one column with enumName "${source.enumName}" its values (enum: [...] or a TypeScript enum).`,
  );
}

function columnType(source: ColumnMetadata): string {
  // VersionColumn's driver type differs in spelling only (int4 / integer).
  if (source.isVersion) return "integer";
  const type = portableType(source.type);
  // PostgreSQL arrays have no portable form; keep the native spelling.
  return source.isArray ? `${type}[]` : type;
}

/**
 * The declared type name where it is another spelling of the portable type
 * (`float` for double, `numeric` for decimal): TypeORM compares SQLite's
 * declared type text with it (see `Column.declaredType`).
 */
function declaredType(source: ColumnMetadata, type: string): string | undefined {
  if (typeof source.type !== "string" || source.isArray || source.isVersion) return undefined;
  const declared = source.type.trim().toLowerCase().replace(/\s+/g, " ");
  // simple-enum, simple-json, simple-array are TypeORM's, never a database's.
  if (declared.startsWith("simple-")) return undefined;
  return declared !== type ? declared : undefined;
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
  // The driver's own "now" (MySQL: CURRENT_TIMESTAMP(6), the precision the role implies).
  const role = dateColumnOf(source);
  if (role && typeof source.default === "function" && source.default() === driverDateTypes(source)?.[`${role}DateDefault`]) {
    return "CURRENT_TIMESTAMP";
  }
  if (source.isArray) return arrayDefault(source);
  return canonicalDefault(source.default);
}

/**
 * The default of an array column: a JavaScript array becomes an array
 * literal; a string must already be one. A JSON-like string (`'["player"]'`)
 * would be written as it is and refused by PostgreSQL when the migration
 * runs, so generate stops here instead.
 */
function arrayDefault(source: ColumnMetadata): string | undefined {
  const value = source.default;
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value !== "string" || isArrayLiteralText(value)) return canonicalDefault(value);
  const where = `${source.entityMetadata.name}.${source.propertyPath}`;
  const asArray = jsonArray(value);
  const fix = asArray
    ? `write it as an array (default: ${JSON.stringify(asArray)}) or as array literal text (default: ${JSON.stringify(arrayLiteral(asArray).slice(1, -1))})`
    : `write it as an array (default: ["…"]) or as array literal text (default: "{…}")`;
  throw new UsageError(
    `Column ${where} is an array, and its default ${JSON.stringify(value)} is not a PostgreSQL array literal, which the database would refuse when the migration runs: ${fix}.`,
  );
}

function jsonArray(text: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
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

/**
 * `@Index("name", { synchronize: false })` tells TypeORM the index is the
 * user's business (often an expression index it cannot declare): it has no
 * columns to create it with, and must not be dropped either.
 */
function isManaged(index: EntityMetadata["indices"][number]): boolean {
  return index.synchronize !== false;
}

function indexFromMetadata(index: EntityMetadata["indices"][number], fulltext: boolean): Index {
  const result: Index = {
    name: index.name,
    columns: index.columns.map((column) => column.databaseName),
    unique: index.isUnique,
  };
  if (index.where) result.where = index.where;
  // TypeORM builds a spatial index USING GiST (PostgreSQL).
  if (index.isSpatial) result.method = "gist";
  // FULLTEXT (MySQL/MariaDB): TypeORM ignores it elsewhere.
  if (fulltext && index.isFulltext) result.method = "fulltext";
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
