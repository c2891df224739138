/**
 * PostgreSQL enum types behind enum columns. A column owns the type named by
 * TypeORM's convention, `<table>_<column>_enum`, unless it names one with
 * `enumName` — such a named type may be shared by several columns, so it is
 * created only if missing and dropped only when nothing uses it any more.
 */
import type { Column } from "../../schema/model";
import { doBlock, quoteIdentifier, quoteLiteral } from "./quote";

export function conventionalEnumName(table: string, column: string): string {
  return `${table}_${column}_enum`;
}

/** The name of the enum type behind `column` of `table`. */
export function enumTypeName(table: string, column: Column): string {
  return column.enumName ?? conventionalEnumName(table, column.name);
}

/** An enum column, or an array of an enum (whose type is created the same way). */
export function isEnumColumn(column: Column): boolean {
  const type = column.type.trim().toLowerCase();
  return type === "enum" || type === "enum[]";
}

/** A plain CREATE TYPE ... AS ENUM. */
export function createEnumTypeStatement(name: string, values: readonly string[]): string {
  return `CREATE TYPE ${quoteIdentifier(name)} AS ENUM (${values.map(quoteLiteral).join(", ")})`;
}

/** Create the enum type of `column`. */
export function createEnumType(table: string, column: Column): string {
  const statement = createEnumTypeStatement(enumTypeName(table, column), column.enum ?? []);
  if (column.enumName === undefined) return statement;
  return doBlock(`${statement}; EXCEPTION WHEN duplicate_object THEN NULL;`);
}

/** Drop the enum type of `column` (after the column is gone). */
export function dropEnumType(table: string, column: Column): string {
  const statement = `DROP TYPE ${quoteIdentifier(enumTypeName(table, column))}`;
  if (column.enumName === undefined) return statement;
  return doBlock(
    `DROP TYPE IF EXISTS ${quoteIdentifier(column.enumName)}; ` +
      `EXCEPTION WHEN dependent_objects_still_exist THEN NULL;`,
  );
}

/** The enum types a list of columns needs, one per distinct type name. */
export function enumColumnsByType(table: string, columns: readonly Column[]): Column[] {
  const seen = new Set<string>();
  return columns.filter((column) => {
    if (!isEnumColumn(column)) return false;
    const name = enumTypeName(table, column);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * `ALTER TYPE ... RENAME VALUE` (PostgreSQL 10+, transactional): rows holding
 * the value hold the new one, in every column of the type, defaults included.
 */
export function renameEnumValue(type: string, from: string, to: string): string {
  return `ALTER TYPE ${quoteIdentifier(type)} RENAME VALUE ${quoteLiteral(from)} TO ${quoteLiteral(to)}`;
}

export function renameEnumType(from: string, to: string): string {
  return `ALTER TYPE ${quoteIdentifier(from)} RENAME TO ${quoteIdentifier(to)}`;
}

/** A query with a row when column `column` of `table` has the type named `type`. */
function columnUsesType(table: string, column: string, type: string): string {
  return (
    `SELECT 1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid ` +
    `WHERE a.attrelid = ${quoteLiteral(quoteIdentifier(table))}::regclass ` +
    `AND a.attname = ${quoteLiteral(column)} AND t.typname = ${quoteLiteral(type)}`
  );
}

/**
 * After a table rename (rendered without a schema): rename the enum types
 * named after the old table, `<old>_<column>_enum` → `<new>_<column>_enum`,
 * for whichever columns have one — only the catalogs know which do.
 */
export function renameTableEnumTypes(oldTable: string, newTable: string): string {
  return doBlock(
    `FOR r IN SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid ` +
      `WHERE a.attrelid = ${quoteLiteral(quoteIdentifier(newTable))}::regclass AND NOT a.attisdropped ` +
      `AND t.typtype = 'e' AND t.typname = ${quoteLiteral(oldTable + "_")} || a.attname || '_enum' ` +
      `LOOP EXECUTE format('ALTER TYPE %I RENAME TO %I', ` +
      `${quoteLiteral(oldTable + "_")} || r.attname || '_enum', ${quoteLiteral(newTable + "_")} || r.attname || '_enum'); END LOOP;`,
    "r record;",
  );
}

/**
 * After a column rename (rendered without a schema): if the column has the
 * enum type named after its old name, the type takes the new name.
 */
export function renameColumnEnumType(table: string, from: string, to: string): string {
  const oldType = conventionalEnumName(table, from);
  return doBlock(
    `IF EXISTS (${columnUsesType(table, to, oldType)}) THEN ` +
      `${renameEnumType(oldType, conventionalEnumName(table, to))}; END IF;`,
  );
}
