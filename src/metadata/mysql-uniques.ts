/**
 * TypeORM's MySQL-family drivers build unique constraints — `@Unique`, a
 * column's `unique: true`, a one-to-one's join column — as unique indexes
 * (EntityMetadataBuilder: "this driver stores unique constraints as unique
 * indices"). The model keeps them as the unique constraints they are on
 * every other driver, so that a migration generated on MySQL creates on
 * PostgreSQL and SQLite what the entities declare, but named as TypeORM's
 * MySQL driver names the index (an unnamed one `IDX_…`, not `UQ_…`), so that
 * TypeORM's schema builder, which compares index names, finds nothing to
 * change. (Athanor matches unique keys by their columns: a `UQ_…` one that an
 * earlier version built, or a migration generated on another database, is
 * no change for it.) A user's own `@Index({ unique: true })` stays an index.
 *
 * Which indexes came from unique constraints is read from TypeORM's
 * decorator storage (the same global its builder read them from) and from
 * the relation constraint name of one-to-one join columns.
 */
import type { EntityMetadata } from "typeorm";
import type { Unique } from "../schema/model";

type IndexMetadata = EntityMetadata["indices"][number];

interface UniqueArgs {
  name?: string;
  columns?: string[] | ((propertiesMap: unknown) => unknown[]);
}

interface ArgsStorage {
  filterUniques(target: unknown): UniqueArgs[];
}

const MYSQL_FAMILY = new Set(["mysql", "mariadb", "aurora-mysql"]);

/** The unique indexes of `metadata` that TypeORM made of unique constraints, each with the constraint it stands for. */
export function uniqueConstraintIndexes(metadata: EntityMetadata): Map<IndexMetadata, Unique> {
  const found = new Map<IndexMetadata, Unique>();
  const connection = metadata.connection;
  if (!connection || !MYSQL_FAMILY.has(String(connection.driver?.options?.type))) return found;
  const storage = (globalThis as { typeormMetadataArgsStorage?: ArgsStorage }).typeormMetadataArgsStorage;
  const declared = typeof storage?.filterUniques === "function" ? storage.filterUniques(metadata.inheritanceTree) : [];
  const naming = connection.namingStrategy;
  for (const index of metadata.indices) {
    if (!index.isUnique || index.where || index.isSpatial || index.isFulltext) continue;
    const columns = index.columns.map((column) => column.databaseName);
    if (index.givenName !== undefined && index.givenName === naming.relationConstraintName(metadata.tableName, columns)) {
      found.set(index, { name: index.givenName, columns });
      continue;
    }
    const paths = index.columns.map((column) => column.propertyPath);
    const unique = declared.find((args) =>
      args.name !== undefined
        ? args.name === index.givenName
        : index.givenName === undefined && sameSet(propertyPaths(args, metadata), paths),
    );
    // An unnamed one is named as TypeORM's MySQL driver names the index it builds (IDX_…, from
    // indexName), not UQ_… as on the other drivers: TypeORM's schema builder compares index names.
    if (unique) found.set(index, { name: unique.name ?? index.name, columns });
  }
  return found;
}

function propertyPaths(args: UniqueArgs, metadata: EntityMetadata): string[] {
  if (Array.isArray(args.columns)) return args.columns.map((name) => name.trim());
  if (typeof args.columns === "function") {
    const result = args.columns(metadata.propertiesMap);
    return Array.isArray(result) ? result.map((name) => String(name)) : [];
  }
  return [];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}
