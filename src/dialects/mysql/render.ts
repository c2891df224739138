/** Operation → MySQL/MariaDB statements: a dispatch over the operation kinds. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Column, ForeignKey, Index, Table } from "../../schema/model";
import { dataCheckForUnique, dataChecksForAlter, decimalNarrowingCheck } from "../data-checks";
import { dataCheckStatement } from "./data-check";
import { renderDefault } from "./defaults";
import { hasImplicitForeignKeyIndex } from "./introspect";
import { quoteIdentifier as q, quoteString, unquoteCanonical } from "./quote";
import { nativeType, type Flavour } from "./types";
import { comparableExpression } from "./comparable";
import { mysqlExpression } from "./expressions";
import { renderOnline } from "./online";

const list = (names: readonly string[]) => names.map(q).join(", ");

/** The full column definition MODIFY COLUMN and ADD COLUMN need (MySQL has no piecemeal ALTER COLUMN TYPE). */
export function columnDefinition(column: Column, flavour: Flavour): string {
  const type = nativeType(column, flavour);
  const parts = [q(column.name), type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.asExpression !== undefined) {
    parts.push(`AS (${mysqlExpression(column.asExpression)}) ${column.generatedType === "STORED" ? "STORED" : "VIRTUAL"}`);
  } else {
    parts.push(column.nullable && column.generated !== "increment" ? "NULL" : "NOT NULL");
    if (column.default !== undefined && column.generated === undefined) {
      parts.push(`DEFAULT ${renderDefault(column.default, column.type, column.precision)}`);
    }
    if (column.onUpdate) parts.push(`ON UPDATE ${renderDefault(column.onUpdate, column.type, column.precision)}`);
    if (column.generated === "increment" || column.generated === "identity") parts.push("AUTO_INCREMENT");
  }
  if (column.comment) parts.push(`COMMENT ${quoteString(column.comment)}`);
  return parts.join(" ");
}

function indexKind(index: Index): string {
  if (index.method === "fulltext") return "FULLTEXT ";
  if (index.method === "gist" || index.method === "spatial") return "SPATIAL ";
  return index.unique ? "UNIQUE " : "";
}

function foreignKeyClause(fk: ForeignKey): string {
  return (
    `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${list(fk.columns)}) REFERENCES ${q(fk.referencedTable)} (${list(fk.referencedColumns)})` +
    ` ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  );
}

function createTable(table: Table, flavour: Flavour): RenderedOperation {
  const items = table.columns.map((c) => columnDefinition(c, flavour));
  if (table.primaryKey) items.push(`PRIMARY KEY (${list(table.primaryKey.columns)})`);
  for (const unique of table.uniques) items.push(`CONSTRAINT ${q(unique.name)} UNIQUE (${list(unique.columns)})`);
  for (const index of table.indexes) items.push(`${indexKind(index)}INDEX ${q(index.name)} (${list(index.columns)})`);
  for (const fk of table.foreignKeys) items.push(foreignKeyClause(fk));
  for (const check of table.checks) items.push(`CONSTRAINT ${q(check.name)} CHECK (${mysqlExpression(check.expression)})`);
  const comment = table.comment ? ` COMMENT=${quoteString(table.comment)}` : "";
  const notes = table.indexes.some((i) => i.where)
    ? [`MySQL has no partial indexes: the WHERE of indexes on ${table.name} is left out`]
    : [];
  return { statements: [`CREATE TABLE ${q(table.name)} (${items.join(", ")})${comment}`], notes };
}

function alterColumn(table: string, from: Column, to: Column, flavour: Flavour): RenderedOperation {
  const statements: string[] = [];
  const notes: string[] = [];
  if (
    from.asExpression !== to.asExpression &&
    (from.asExpression === undefined ||
      to.asExpression === undefined ||
      comparableExpression(from.asExpression) !== comparableExpression(to.asExpression))
  ) {
    // Re-created: MySQL cannot turn a stored column into a generated one in place.
    return {
      statements: [
        `ALTER TABLE ${q(table)} DROP COLUMN ${q(from.name)}`,
        `ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinition(to, flavour)}`,
      ],
      notes: [`re-creates column ${table}.${from.name}: its generation changes`],
    };
  }
  for (const check of dataChecksForAlter(table, from, to, q)) statements.push(dataCheckStatement(table, check));
  const overflow = decimalNarrowingCheck(table, from, to, q);
  if (overflow) statements.push(dataCheckStatement(table, overflow));
  const definition = columnDefinition({ ...to, name: from.name }, flavour);
  if (from.nullable && !to.nullable && to.default !== undefined && to.generated === undefined && to.asExpression === undefined) {
    // A strict server refuses NOT NULL over NULLs ("Data truncated"): they take the default first, as
    // the migration's header says. In the new type when it changes, so the default need not fit the old one.
    if (nativeType(from, flavour) !== nativeType(to, flavour)) {
      statements.push(`ALTER TABLE ${q(table)} MODIFY COLUMN ${columnDefinition({ ...to, name: from.name, nullable: true }, flavour)}`);
    }
    const value = renderDefault(to.default, to.type, to.precision);
    statements.push(`UPDATE ${q(table)} SET ${q(from.name)} = ${value} WHERE ${q(from.name)} IS NULL`);
    notes.push(`fills NULLs in ${table}.${from.name} with its default ${to.default} before setting NOT NULL`);
  }
  statements.push(`ALTER TABLE ${q(table)} MODIFY COLUMN ${definition}`);
  if (to.name !== from.name) statements.push(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(from.name)} TO ${q(to.name)}`);
  if (nativeType(from, flavour) !== nativeType(to, flavour)) notes.push(`rewrites table ${table} (column ${from.name} changes type)`);
  return { statements, notes };
}

/**
 * Dropping an index a foreign key needs fails on MySQL ("needed in a foreign
 * key constraint"): the same ALTER then adds the index MySQL would have made
 * for the key, under the key's name, so the key never lacks one.
 */
function dropIndex(table: string, index: Index, context: RenderContext): RenderedOperation {
  const adds = foreignKeyIndexesToKeep(context.schema?.tables[table], index.columns, { index: index.name });
  return { statements: [`ALTER TABLE ${q(table)} DROP INDEX ${q(index.name)}${adds}`], notes: [] };
}

/**
 * The same for the primary key: MySQL drops the index it made for a foreign
 * key once a primary key covers the key's columns, so dropping that primary
 * key fails ("Foreign key constraint is incorrectly formed") unless the
 * index comes back in the same ALTER.
 */
function dropPrimaryKey(table: string, context: RenderContext): RenderedOperation {
  const known = context.schema?.tables[table];
  const adds = known?.primaryKey ? foreignKeyIndexesToKeep(known, known.primaryKey.columns, { primaryKey: true }) : "";
  return { statements: [`ALTER TABLE ${q(table)} DROP PRIMARY KEY${adds}`], notes: [] };
}

/** `, ADD INDEX …` for each foreign key of `known` that only the dropped key (over `columns`) serves. */
function foreignKeyIndexesToKeep(known: Table | undefined, columns: readonly string[], dropped: Dropped): string {
  const needy = (known?.foreignKeys ?? []).filter(
    (fk) => startsWith(columns, fk.columns) && !coveredElsewhere(known!, dropped, fk.columns),
  );
  return needy.map((fk) => `, ADD INDEX ${q(fk.name)} (${list(fk.columns)})`).join("");
}

/** The key being dropped: an index by name, or the primary key. */
type Dropped = { index: string } | { primaryKey: true };

function startsWith(columns: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= columns.length && prefix.every((c, i) => columns[i] === c);
}

function coveredElsewhere(table: Table, dropped: Dropped, columns: readonly string[]): boolean {
  const except = "index" in dropped ? dropped.index : undefined;
  const keys = [...table.indexes.filter((i) => i.name !== except).map((i) => i.columns), ...table.uniques.map((u) => u.columns)];
  if (table.primaryKey && !("primaryKey" in dropped)) keys.push(table.primaryKey.columns);
  if (hasImplicitForeignKeyIndexFor(table, columns)) return true;
  return keys.some((key) => startsWith(key, columns));
}

function hasImplicitForeignKeyIndexFor(table: Table, columns: readonly string[]): boolean {
  return table.foreignKeys.some(
    (fk) => hasImplicitForeignKeyIndex(table, fk.name) && startsWith(fk.columns, columns) && fk.columns.length === columns.length,
  );
}

function renameEnumValue(op: Extract<Operation, { kind: "renameEnumValue" }>, context: RenderContext, flavour: Flavour): RenderedOperation {
  const column = context.schema?.tables[op.table]?.columns.find((c) => c.name === op.column);
  if (!column) throw new Error(`cannot rename enum value of ${op.table}.${op.column}: the column is not in the database`);
  const values = column.enum ?? [];
  const both = { ...column, enum: [...values, op.to] };
  // The default follows the value, as PostgreSQL's RENAME VALUE makes it: a default naming a value the list lost is refused.
  const followsDefault = column.default !== undefined && unquoteCanonical(column.default) === op.from;
  const renamed = {
    ...column,
    enum: values.map((v) => (v === op.from ? op.to : v)),
    default: followsDefault ? `'${op.to.replace(/'/g, "''")}'` : column.default,
  };
  return {
    statements: [
      `ALTER TABLE ${q(op.table)} MODIFY COLUMN ${columnDefinition(both, flavour)}`,
      `UPDATE ${q(op.table)} SET ${q(op.column)} = ${quoteString(op.to)} WHERE ${q(op.column)} = ${quoteString(op.from)}`,
      `ALTER TABLE ${q(op.table)} MODIFY COLUMN ${columnDefinition(renamed, flavour)}`,
    ],
    notes: [`rewrites every row of ${op.table} holding "${op.from}"`],
  };
}

export function needsSchema(op: Operation): boolean {
  return op.kind === "dropIndex" || op.kind === "dropPrimaryKey" || op.kind === "dropForeignKey" || op.kind === "renameEnumValue";
}

export function renderFor(flavour: Flavour) {
  return function render(op: Operation, context: RenderContext = {}): RenderedOperation {
    const rendered = renderPlain(op, context, flavour);
    return context.online?.online ? renderOnline(op, flavour, rendered) : rendered;
  };
}

function renderPlain(op: Operation, context: RenderContext, flavour: Flavour): RenderedOperation {
  const none = (statements: string[], notes: string[] = []): RenderedOperation => ({ statements, notes });
  switch (op.kind) {
    case "createTable":
      return createTable(op.table, flavour);
    case "dropTable":
      return none([`DROP TABLE ${q(op.table.name)}`], [`drops table ${op.table.name} and its data`]);
    case "renameTable":
      return none([`RENAME TABLE ${q(op.from)} TO ${q(op.to)}`]);
    case "addColumn": {
      const notes =
        !op.column.nullable && op.column.default === undefined && !op.column.generated
          ? [`fails if table ${op.table} has rows: new column ${op.column.name} is NOT NULL without a default`]
          : [];
      return none([`ALTER TABLE ${q(op.table)} ADD COLUMN ${columnDefinition(op.column, flavour)}`], notes);
    }
    case "dropColumn":
      return none(
        [`ALTER TABLE ${q(op.table)} DROP COLUMN ${q(op.column.name)}`],
        [`drops column ${op.table}.${op.column.name} and its data`],
      );
    case "renameColumn":
      // MariaDB 10.5+ and MySQL 8.0: no need to restate the definition (CHANGE would).
      return none([`ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`]);
    case "alterColumn":
      return alterColumn(op.table, op.from, op.to, flavour);
    case "addPrimaryKey":
      return none([`ALTER TABLE ${q(op.table)} ADD PRIMARY KEY (${list(op.primaryKey.columns)})`]);
    case "dropPrimaryKey":
      return dropPrimaryKey(op.table, context);
    case "addUnique": {
      const check = dataCheckStatement(op.table, dataCheckForUnique(op.table, op.unique.name, op.unique.columns, q));
      return none([check, `ALTER TABLE ${q(op.table)} ADD CONSTRAINT ${q(op.unique.name)} UNIQUE (${list(op.unique.columns)})`]);
    }
    case "dropUnique":
      return none([`ALTER TABLE ${q(op.table)} DROP INDEX ${q(op.unique.name)}`]);
    case "createIndex": {
      const statements = op.index.unique
        ? [dataCheckStatement(op.table, dataCheckForUnique(op.table, op.index.name, op.index.columns, q))]
        : [];
      statements.push(`CREATE ${indexKind(op.index)}INDEX ${q(op.index.name)} ON ${q(op.table)} (${list(op.index.columns)})`);
      return none(statements, op.index.where ? [`MySQL has no partial indexes: index ${op.index.name} covers every row`] : []);
    }
    case "dropIndex":
      return dropIndex(op.table, op.index, context);
    case "addForeignKey":
      return none([`ALTER TABLE ${q(op.table)} ADD ${foreignKeyClause(op.foreignKey)}`]);
    case "dropForeignKey": {
      const statements = [`ALTER TABLE ${q(op.table)} DROP FOREIGN KEY ${q(op.foreignKey.name)}`];
      // The index MySQL made for the key stays behind unless dropped with it.
      if (hasImplicitForeignKeyIndex(context.schema?.tables[op.table], op.foreignKey.name)) {
        statements.push(`ALTER TABLE ${q(op.table)} DROP INDEX ${q(op.foreignKey.name)}`);
      }
      return none(statements);
    }
    case "addCheck":
      return none([`ALTER TABLE ${q(op.table)} ADD CONSTRAINT ${q(op.check.name)} CHECK (${mysqlExpression(op.check.expression)})`]);
    case "dropCheck":
      return none([`ALTER TABLE ${q(op.table)} DROP CONSTRAINT ${q(op.check.name)}`]);
    case "setTableComment":
      return none([`ALTER TABLE ${q(op.table)} COMMENT = ${quoteString(op.to ?? "")}`]);
    case "renameEnumValue":
      return renameEnumValue(op, context, flavour);
    case "createView":
      return none([`CREATE VIEW ${q(op.view.name)} AS ${mysqlExpression(op.view.expression)}`]);
    case "dropView":
      return none([`DROP VIEW ${q(op.view.name)}`]);
    case "sql":
      return none([op.up]);
    case "createSchema":
    case "dropSchema":
    case "addExclusion":
    case "dropExclusion":
    case "createExtension":
    case "dropExtension":
      throw new Error(
        `MySQL and MariaDB have no ${op.kind.replace(/^(create|drop|add)/, "").toLowerCase()}s: operation ${op.kind} cannot run there`,
      );
  }
}
