/** Operation → MySQL/MariaDB statements: a dispatch over the operation kinds. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Column, ForeignKey, Index, Table } from "../../schema/model";
import { dataCheckForUnique, dataChecksForAlter, decimalNarrowingCheck } from "../data-checks";
import { dataCheckStatement } from "./data-check";
import { withDateColumnDetails } from "./date-columns";
import { renderDefault } from "./defaults";
import { hasImplicitForeignKeyIndex } from "./introspect";
import { quoteIdentifier as q, quoteString, unquoteCanonical } from "./quote";
import { nativeType, type Flavour } from "./types";
import { comparableExpression } from "./comparable";
import { mysqlExpression } from "./expressions";
import { renderOnline } from "./online";
import { renderCreateView, renderDropView } from "./views";
import { generatedColumnRecords } from "./generated-columns";
import type { ServerCapabilities } from "./server";

const list = (names: readonly string[]) => names.map(q).join(", ");

/** The full column definition MODIFY COLUMN and ADD COLUMN need (MySQL has no piecemeal ALTER COLUMN TYPE). */
export function columnDefinition(modelColumn: Column, flavour: Flavour): string {
  const column = withDateColumnDetails(modelColumn);
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

/** MySQL checks every foreign key at once: a deferrable one is created as a plain one (read-as-declared.ts). */
function deferrableNote(fk: ForeignKey): string[] {
  return fk.deferrable ? [`MySQL has no deferrable foreign keys: ${fk.name} is checked at once, not at COMMIT`] : [];
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
  const engine = table.engine ? ` ENGINE=${engineName(table.engine)}` : "";
  const notes = table.indexes.some((i) => i.where)
    ? [`MySQL has no partial indexes: the WHERE of indexes on ${table.name} is left out`]
    : [];
  for (const fk of table.foreignKeys) notes.push(...deferrableNote(fk));
  return { statements: [`CREATE TABLE ${q(table.name)} (${items.join(", ")})${engine}${comment}`], notes };
}

/** An engine's name as ENGINE= takes it: bare when it is a plain word (every engine's is), else quoted. */
function engineName(engine: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(engine) ? engine : q(engine);
}

function alterColumn(table: string, from: Column, to: Column, flavour: Flavour, server: ServerCapabilities): RenderedOperation {
  if (from.asExpression !== undefined && from.generatedType === "STORED" && to.asExpression === undefined) {
    // A stored generated column becomes a plain one in place and keeps its values (a VIRTUAL one has
    // none to keep, and the server refuses that MODIFY): first as it is, nullable, then the rest of the alter.
    const { asExpression: _expression, generatedType: _type, ...plain } = from;
    const kept: Column = { ...plain, nullable: true };
    const rest = alterColumn(table, kept, to, flavour, server);
    return {
      statements: [`ALTER TABLE ${q(table)} MODIFY COLUMN ${columnDefinition(kept, flavour)}`, ...rest.statements],
      notes: [`column ${table}.${from.name} stops being generated and keeps its values`, ...rest.notes],
    };
  }
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
  for (const check of dataChecksForAlter(table, from, to, q)) statements.push(dataCheckStatement(table, check, server.anonymousBlocks));
  const overflow = decimalNarrowingCheck(table, from, to, q);
  if (overflow) statements.push(dataCheckStatement(table, overflow, server.anonymousBlocks));
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
  if (to.name !== from.name && !server.renameColumn) {
    // Without RENAME COLUMN, CHANGE renames and redefines in one statement.
    statements.push(`ALTER TABLE ${q(table)} CHANGE COLUMN ${q(from.name)} ${columnDefinition(to, flavour)}`);
  } else {
    statements.push(`ALTER TABLE ${q(table)} MODIFY COLUMN ${columnDefinition({ ...to, name: from.name }, flavour)}`);
    if (to.name !== from.name) statements.push(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(from.name)} TO ${q(to.name)}`);
  }
  if (nativeType(withDateColumnDetails(from), flavour) !== nativeType(withDateColumnDetails(to), flavour)) {
    notes.push(`rewrites table ${table} (column ${from.name} changes type)`);
  }
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

/** Whether rendering `op` reads the live schema (the same on every server). */
export function needsSchema(op: Operation): boolean {
  return (
    op.kind === "dropIndex" ||
    op.kind === "dropPrimaryKey" ||
    op.kind === "dropForeignKey" ||
    op.kind === "renameEnumValue" ||
    // TypeORM's records of the table's generated columns move with it, if it has any (generated-columns.ts);
    // and without RENAME COLUMN, CHANGE COLUMN restates the definition, which the operation does not carry.
    op.kind === "renameTable" ||
    op.kind === "renameColumn"
  );
}

export function renderFor(flavour: Flavour, server: ServerCapabilities) {
  return function render(op: Operation, context: RenderContext = {}): RenderedOperation {
    const plain = withGeneratedColumnRecords(renderPlain(op, context, flavour, server), op, context);
    const notes = serverNotes(op, flavour, server);
    const rendered = notes.length > 0 ? { ...plain, notes: [...plain.notes, ...notes] } : plain;
    return context.online?.online ? renderOnline(op, server, rendered) : rendered;
  };
}

/** `rendered` followed by TypeORM's typeorm_metadata rows for the generated columns `op` creates, drops, changes or renames. */
function withGeneratedColumnRecords(rendered: RenderedOperation, op: Operation, context: RenderContext): RenderedOperation {
  const records = generatedColumnRecords(op, context);
  return records.length === 0 ? rendered : { ...rendered, statements: [...rendered.statements, ...records] };
}

/** MariaDB before 10.5.2 and MySQL before 8.0.3 have no RENAME COLUMN: CHANGE restates the column's definition. */
function renameColumn(
  op: Extract<Operation, { kind: "renameColumn" }>,
  context: RenderContext,
  flavour: Flavour,
  server: ServerCapabilities,
) {
  if (server.renameColumn) return `ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`;
  const column = context.schema?.tables[op.table]?.columns.find((c) => c.name === op.from);
  if (!column) throw new Error(`cannot rename column ${op.table}.${op.from}: the column is not in the database`);
  return `ALTER TABLE ${q(op.table)} CHANGE COLUMN ${q(op.from)} ${columnDefinition({ ...column, name: op.to }, flavour)}`;
}

/**
 * What an older server makes of a statement it accepts: MySQL before 8.0.16
 * parses CHECK and throws it away; before 8.0.13 it refuses an expression
 * default (`DEFAULT (…)`), so the statement fails there.
 */
function serverNotes(op: Operation, flavour: Flavour, server: ServerCapabilities): string[] {
  const notes: string[] = [];
  if (!server.enforcedChecks) {
    const checks = op.kind === "createTable" ? op.table.checks : op.kind === "addCheck" ? [op.check] : [];
    for (const check of checks) notes.push(`check ${check.name} is not enforced: MySQL before 8.0.16 accepts CHECK and ignores it`);
  }
  if (!server.expressionDefaults) {
    const columns =
      op.kind === "createTable" ? op.table.columns : op.kind === "addColumn" ? [op.column] : op.kind === "alterColumn" ? [op.to] : [];
    for (const column of columns) {
      if (column.default === undefined || column.generated !== undefined) continue;
      if (renderDefault(column.default, nativeType(column, flavour), column.precision).startsWith("(")) {
        notes.push(`fails on MySQL before 8.0.13: column ${column.name} has an expression default (${column.default})`);
      }
    }
  }
  return notes;
}

function renderPlain(op: Operation, context: RenderContext, flavour: Flavour, server: ServerCapabilities): RenderedOperation {
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
      return none([renameColumn(op, context, flavour, server)]);
    case "alterColumn":
      return alterColumn(op.table, op.from, op.to, flavour, server);
    case "addPrimaryKey":
      return none([`ALTER TABLE ${q(op.table)} ADD PRIMARY KEY (${list(op.primaryKey.columns)})`]);
    case "dropPrimaryKey":
      return dropPrimaryKey(op.table, context);
    case "addUnique": {
      const check = dataCheckStatement(
        op.table,
        dataCheckForUnique(op.table, op.unique.name, op.unique.columns, q),
        server.anonymousBlocks,
      );
      return none([check, `ALTER TABLE ${q(op.table)} ADD CONSTRAINT ${q(op.unique.name)} UNIQUE (${list(op.unique.columns)})`]);
    }
    case "dropUnique":
      return none([`ALTER TABLE ${q(op.table)} DROP INDEX ${q(op.unique.name)}`]);
    case "createIndex": {
      const statements = op.index.unique
        ? [dataCheckStatement(op.table, dataCheckForUnique(op.table, op.index.name, op.index.columns, q), server.anonymousBlocks)]
        : [];
      statements.push(`CREATE ${indexKind(op.index)}INDEX ${q(op.index.name)} ON ${q(op.table)} (${list(op.index.columns)})`);
      return none(statements, op.index.where ? [`MySQL has no partial indexes: index ${op.index.name} covers every row`] : []);
    }
    case "dropIndex":
      return dropIndex(op.table, op.index, context);
    case "addForeignKey":
      return none([`ALTER TABLE ${q(op.table)} ADD ${foreignKeyClause(op.foreignKey)}`], deferrableNote(op.foreignKey));
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
    case "setTableEngine":
      // The server copies the table into the new engine (ALGORITHM=COPY), blocking writes meanwhile.
      return none([`ALTER TABLE ${q(op.table)} ENGINE=${engineName(op.to)}`]);
    case "setTableComment":
      return none([`ALTER TABLE ${q(op.table)} COMMENT = ${quoteString(op.to ?? "")}`]);
    case "renameEnumValue":
      return renameEnumValue(op, context, flavour);
    case "createView":
      return renderCreateView(op.view);
    case "dropView":
      return renderDropView(op.view);
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
