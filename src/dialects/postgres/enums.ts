/**
 * PostgreSQL enum types behind enum columns. A column owns the type named by
 * TypeORM's convention, `<table>_<column>_enum`, unless it names one with
 * `enumName` — such a named type may be shared by several columns, so it is
 * created only if missing and dropped only when nothing uses it any more.
 *
 * The type lives in the table's schema, as TypeORM creates it; its name is
 * built from the table's plain name (`invoices_status_enum` for
 * `"billing"."invoices"`).
 */
import type { Column } from "../../schema/model";
import { doBlock, plainTableName, quoteIdentifier, quoteInSchemaOf, quoteLiteral, quoteTable } from "./quote";

/** TypeORM's convention: the column name lower-cased (`orders_paystate_enum` for "payState"), the table's kept. */
export function conventionalEnumName(table: string, column: string): string {
  return `${plainTableName(table)}_${column.toLowerCase()}_enum`;
}

/** The (unqualified) name of the enum type behind `column` of `table`. */
export function enumTypeName(table: string, column: Column): string {
  return column.enumName ?? conventionalEnumName(table, column.name);
}

/** An enum column, or an array of an enum (whose type is created the same way). */
export function isEnumColumn(column: Column): boolean {
  const type = column.type.trim().toLowerCase();
  return type === "enum" || type === "enum[]";
}

/** A plain CREATE TYPE ... AS ENUM of the already quoted (maybe qualified) `quotedName`. */
export function createEnumTypeStatement(quotedName: string, values: readonly string[]): string {
  return `CREATE TYPE ${quotedName} AS ENUM (${values.map(quoteLiteral).join(", ")})`;
}

/** Create the enum type of `column`. */
export function createEnumType(table: string, column: Column): string {
  const statement = createEnumTypeStatement(quoteInSchemaOf(table, enumTypeName(table, column)), column.enum ?? []);
  if (column.enumName === undefined) return statement;
  return doBlock(`${statement}; EXCEPTION WHEN duplicate_object THEN NULL;`);
}

/** Drop the enum type of `column` (after the column is gone). */
export function dropEnumType(table: string, column: Column): string {
  const statement = `DROP TYPE ${quoteInSchemaOf(table, enumTypeName(table, column))}`;
  if (column.enumName === undefined) return statement;
  return doBlock(
    `DROP TYPE IF EXISTS ${quoteInSchemaOf(table, column.enumName)}; ` + `EXCEPTION WHEN dependent_objects_still_exist THEN NULL;`,
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
 * The type lives in the schema of `table`.
 */
export function renameEnumValue(table: string, type: string, from: string, to: string): string {
  return `ALTER TYPE ${quoteInSchemaOf(table, type)} RENAME VALUE ${quoteLiteral(from)} TO ${quoteLiteral(to)}`;
}

/** Rename enum type `from` (in the schema of `table`) to `to`. */
export function renameEnumType(table: string, from: string, to: string): string {
  return `ALTER TYPE ${quoteInSchemaOf(table, from)} RENAME TO ${quoteIdentifier(to)}`;
}

/** A query with a row when column `column` of `table` has the type named `type`. */
function columnUsesType(table: string, column: string, type: string): string {
  return (
    `SELECT 1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid ` +
    `WHERE a.attrelid = ${quoteLiteral(quoteTable(table))}::regclass ` +
    `AND a.attname = ${quoteLiteral(column)} AND t.typname = ${quoteLiteral(type)}`
  );
}

/**
 * After a table rename (rendered without a schema): rename the enum types
 * named after the old table, `<old>_<column>_enum` → `<new>_<column>_enum`,
 * for whichever columns have one — only the catalogs know which do.
 */
export function renameTableEnumTypes(oldTable: string, newTable: string): string {
  const oldPrefix = quoteLiteral(plainTableName(oldTable) + "_");
  const newPrefix = quoteLiteral(plainTableName(newTable) + "_");
  // The types live in the table's schema: %I.%I with the type's own namespace.
  return doBlock(
    `FOR r IN SELECT a.attname, n.nspname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid ` +
      `JOIN pg_namespace n ON n.oid = t.typnamespace ` +
      `WHERE a.attrelid = ${quoteLiteral(quoteTable(newTable))}::regclass AND NOT a.attisdropped ` +
      `AND t.typtype = 'e' AND t.typname = ${oldPrefix} || a.attname || '_enum' ` +
      `LOOP EXECUTE format('ALTER TYPE %I.%I RENAME TO %I', r.nspname, ` +
      `${oldPrefix} || r.attname || '_enum', ${newPrefix} || r.attname || '_enum'); END LOOP;`,
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
      `${renameEnumType(table, oldType, conventionalEnumName(table, to))}; END IF;`,
  );
}
