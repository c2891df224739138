/**
 * Operation → SQLite statements. Native ALTER TABLE where SQLite has it
 * (rename table/column, add/drop column when allowed, indexes); a table
 * rebuild, computed from the schema before the operation, for the rest.
 */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Column, Table } from "../../schema/model";
import { applyToTable } from "../../schema/apply";
import { dependentsOfColumn, withoutDependents } from "./column-dependents";
import { canAddColumnNatively, canDropColumnNatively } from "./native-alter";
import { dataCheckForUnique, dataChecksForAlter } from "../data-checks";
import { dataCheckStatement } from "./data-check";
import { generatedColumnRecords, renameGeneratedColumnRecords } from "./generated-columns";
import { quoteIdentifier as q } from "./quote";
import { rebuildStatements, sameNameSources, type ColumnSources, type ValueRenames } from "./rebuild";
import {
  columnDefinition,
  columnsThatCannotIncrement,
  createIndexStatement,
  createTableStatement,
  dropIndexStatement,
} from "./render-table";
import { renderCreateView, renderDropView } from "./views";

/** Operations that can only be done by rebuilding the table. */
const ALWAYS_REBUILT = new Set<Operation["kind"]>([
  "alterColumn",
  "addPrimaryKey",
  "dropPrimaryKey",
  "addUnique",
  "dropUnique",
  "addForeignKey",
  "dropForeignKey",
  "addCheck",
  "dropCheck",
  "renameEnumValue",
]);

export function needsSchema(op: Operation): boolean {
  if (ALWAYS_REBUILT.has(op.kind)) return true;
  // A rename moves TypeORM's records of the table's generated columns, if it has any.
  if (op.kind === "renameTable" || op.kind === "renameColumn") return true;
  // Whether DROP COLUMN is allowed depends on the table's constraints and indexes.
  if (op.kind === "dropColumn") return true;
  if (op.kind === "addColumn") return !canAddColumnNatively(op.column);
  return false;
}

export function renderOperation(op: Operation, context: RenderContext = {}): RenderedOperation {
  const rendered = renderStatements(op, context);
  const records = generatedColumnRecordsOf(op, context);
  return records.length === 0 ? rendered : { ...rendered, statements: [...rendered.statements, ...records] };
}

/** TypeORM's typeorm_metadata rows for the generated columns `op` creates, drops or changes. */
function generatedColumnRecordsOf(op: Operation, context: RenderContext): string[] {
  switch (op.kind) {
    case "renameTable": {
      const table = context.schema?.tables[op.from];
      return table?.columns.some((c) => c.asExpression !== undefined) ? renameGeneratedColumnRecords({ from: op.from, to: op.to }) : [];
    }
    case "renameColumn": {
      const column = context.schema?.tables[op.table]?.columns.find((c) => c.name === op.from);
      return column?.asExpression !== undefined ? renameGeneratedColumnRecords({ from: op.table, to: op.table }, [op.from, op.to]) : [];
    }
    case "createTable":
      return generatedColumnRecords(op.table.name, [], op.table.columns);
    case "dropTable":
      return generatedColumnRecords(op.table.name, op.table.columns, []);
    case "addColumn":
      return generatedColumnRecords(op.table, [], [op.column]);
    case "dropColumn":
      return generatedColumnRecords(op.table, [op.column], []);
    case "alterColumn": {
      const changed = op.from.asExpression !== op.to.asExpression || op.from.generatedType !== op.to.generatedType;
      return changed ? generatedColumnRecords(op.table, [op.from], [op.to]) : [];
    }
    default:
      return [];
  }
}

function renderStatements(op: Operation, context: RenderContext): RenderedOperation {
  switch (op.kind) {
    case "createTable":
      return {
        statements: [createTableStatement(op.table), ...op.table.indexes.map((index) => createIndexStatement(op.table.name, index))],
        notes: incrementNotes(op.table),
      };
    case "dropTable":
      return native(`DROP TABLE ${q(op.table.name)}`);
    case "renameTable":
      return native(`ALTER TABLE ${q(op.from)} RENAME TO ${q(op.to)}`);
    case "renameColumn":
      return native(`ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`);
    case "createIndex": {
      const rendered = native(createIndexStatement(op.table, op.index));
      if (!op.index.unique) return rendered;
      const check = dataCheckForUnique(op.table, op.index.name, op.index.columns, q, op.index.where);
      return { ...rendered, statements: [dataCheckStatement(op.table, check), ...rendered.statements] };
    }
    case "dropIndex":
      return native(dropIndexStatement(op.index));
    case "sql":
      return native(op.up);
    case "createView":
      return renderCreateView(op.view);
    case "dropView":
      return renderDropView(op.view);
    case "setTableComment":
      // SQLite keeps no comments; the model still records it.
      return { statements: [], notes: [] };
    case "setTableEngine":
      // A MySQL notion: SQLite has no storage engines.
      return { statements: [], notes: [] };
    case "renameEnumValue":
      return renameEnumValue(op, context);
    case "createExtension":
    case "dropExtension":
    // SQLite has no extensions; falls through to the same empty result.
    case "addExclusion":
    case "dropExclusion":
      // TypeORM reads no @Exclusion on SQLite, and SQLite has no such constraint.
      return { statements: [], notes: [] };
    case "createSchema":
    case "dropSchema":
      // SQLite has no schemas; TypeORM ignores an entity's schema there too.
      return { statements: [], notes: [] };
    case "addColumn":
      if (canAddColumnNatively(op.column)) {
        return native(`ALTER TABLE ${q(op.table)} ADD COLUMN ${columnDefinition(op.column)}`);
      }
      return rebuild(op, context);
    case "dropColumn": {
      const table = tableBefore(op, context);
      if (canDropColumnNatively(table, op.column.name)) {
        return native(`ALTER TABLE ${q(op.table)} DROP COLUMN ${q(op.column.name)}`);
      }
      return rebuild(op, context);
    }
    default:
      return rebuild(op, context);
  }
}

type TableOperation = Extract<Operation, { table: string }>;

function rebuild(op: TableOperation, context: RenderContext): RenderedOperation {
  const before = tableBefore(op, context);
  let after = applyToTable(before, op);
  const notes = [`rebuilds table "${before.name}" (copies every row)`];
  if (op.kind === "dropColumn") {
    // What involves the dropped column cannot outlive it (PostgreSQL drops it too).
    const pruned = withoutDependents(after, dependentsOfColumn(after, op.column.name));
    after = pruned.table;
    for (const what of pruned.removed) {
      notes.push(`drops ${what} of table "${op.table}" with column "${op.column.name}"`);
    }
  }
  notes.push(...incrementNotes(after));
  const statements = rebuildStatements(before, after, columnSources(op, before, after));
  if (op.kind === "addColumn" && !op.column.nullable && op.column.default === undefined) {
    notes.push(`fails if table "${op.table}" has rows: new column "${op.column.name}" is NOT NULL without a default`);
  }
  if (op.kind === "alterColumn") {
    // The checks read the rows before the rebuild touches them, so a change
    // the data cannot take stops with nothing changed.
    const checks = dataChecksForAlter(op.table, op.from, op.to, q).map((check) => dataCheckStatement(op.table, check));
    statements.unshift(...checks);
    if (op.from.nullable && !op.to.nullable && op.to.default === undefined) {
      notes.push(
        `stops, naming how many rows, if column "${op.table}"."${op.from.name}" holds NULLs: it becomes NOT NULL without a default`,
      );
    } else if (op.from.nullable && !op.to.nullable) {
      notes.push(`fills NULLs in "${op.table}"."${op.from.name}" with its default ${op.to.default} before setting NOT NULL`);
    }
  }
  if (op.kind === "addUnique") {
    // Otherwise SQLite's error names the rebuild's temporary table.
    statements.unshift(dataCheckStatement(op.table, dataCheckForUnique(op.table, op.unique.name, op.unique.columns, q)));
    notes.push(`stops, naming how many values repeat, if "${op.table}" holds duplicates in (${op.unique.columns.join(", ")})`);
  }
  return { statements, notes };
}

/**
 * An enum value renamed: the CHECK of each column holding it changes, which
 * takes a rebuild, and the rows are rewritten on the copy (an UPDATE could
 * not: the old CHECK refuses the new value, the new one the old value). A
 * named enum type shared by columns of other tables renames it there too,
 * as PostgreSQL's RENAME VALUE does.
 */
function renameEnumValue(op: Extract<Operation, { kind: "renameEnumValue" }>, context: RenderContext): RenderedOperation {
  const schema = context.schema;
  const first = tableBefore(op, context);
  const sharesType = (c: Column) => op.enumName !== undefined && c.enumName === op.enumName && (c.enum ?? []).includes(op.from);
  const others = Object.values(schema?.tables ?? {}).filter((t) => t.name !== op.table && t.columns.some(sharesType));
  const statements: string[] = [];
  const notes: string[] = [];
  for (const before of [first, ...others]) {
    const column = before === first ? op.column : before.columns.find(sharesType)!.name;
    const after = applyToTable(before, { ...op, table: before.name, column });
    const renames: ValueRenames = new Map();
    for (const c of before.columns) {
      if ((before === first && c.name === op.column) || sharesType(c)) renames.set(c.name, { from: op.from, to: op.to });
    }
    statements.push(...rebuildStatements(before, after, sameNameSources(before, after), renames));
    notes.push(
      `rebuilds table "${before.name}" (copies every row)`,
      `rows of table "${before.name}" holding "${op.from}" hold "${op.to}" after the copy`,
    );
  }
  return { statements, notes };
}

/** An altered column may also be renamed: its values come from the old name. */
function columnSources(op: TableOperation, before: Table, after: Table): ColumnSources {
  const sources = sameNameSources(before, after);
  if (op.kind === "alterColumn") {
    sources.delete(op.from.name);
    sources.set(op.to.name, op.from.name);
  }
  return sources;
}

function tableBefore(op: TableOperation, context: RenderContext): Table {
  if (!context.schema) {
    throw new Error(`SQLite needs the schema before a ${op.kind} of table "${op.table}" to render it (it may rebuild the table)`);
  }
  const table = context.schema.tables[op.table];
  if (!table) throw new Error(`Cannot render ${op.kind}: table "${op.table}" is not in the schema`);
  return table;
}

function incrementNotes(table: Table): string[] {
  return columnsThatCannotIncrement(table).map(
    (column) =>
      `column "${table.name}"."${column}" will not auto-increment: SQLite only auto-increments a single-column INTEGER PRIMARY KEY`,
  );
}

function native(statement: string): RenderedOperation {
  return { statements: [statement], notes: [] };
}
