/**
 * Operation → SQLite statements. Native ALTER TABLE where SQLite has it
 * (rename table/column, add/drop column when allowed, indexes); a table
 * rebuild, computed from the schema before the operation, for the rest.
 */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Table } from "../../schema/model";
import { applyToTable } from "../../schema/apply";
import { dependentsOfColumn, withoutDependents } from "./column-dependents";
import { canAddColumnNatively, canDropColumnNatively } from "./native-alter";
import { dataChecksForAlter, ROW_COUNT } from "../data-checks";
import { quoteIdentifier as q, quoteString } from "./quote";
import { rebuildStatements, sameNameSources, type ColumnSources } from "./rebuild";
import {
  columnDefinition,
  columnsThatCannotIncrement,
  createIndexStatement,
  createTableStatement,
  dropIndexStatement,
} from "./render-table";

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
]);

export function needsSchema(op: Operation): boolean {
  if (ALWAYS_REBUILT.has(op.kind)) return true;
  // Whether DROP COLUMN is allowed depends on the table's constraints and indexes.
  if (op.kind === "dropColumn") return true;
  if (op.kind === "addColumn") return !canAddColumnNatively(op.column);
  return false;
}

export function renderOperation(op: Operation, context: RenderContext = {}): RenderedOperation {
  switch (op.kind) {
    case "createTable":
      return {
        statements: [
          createTableStatement(op.table),
          ...op.table.indexes.map((index) => createIndexStatement(op.table.name, index)),
        ],
        notes: incrementNotes(op.table),
      };
    case "dropTable":
      return native(`DROP TABLE ${q(op.table.name)}`);
    case "renameTable":
      return native(`ALTER TABLE ${q(op.from)} RENAME TO ${q(op.to)}`);
    case "renameColumn":
      return native(`ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`);
    case "createIndex":
      return native(createIndexStatement(op.table, op.index));
    case "dropIndex":
      return native(dropIndexStatement(op.index));
    case "sql":
      return native(op.up);
    case "createSchema":
    case "dropSchema":
      // SQLite has no schemas; TypeORM ignores an entity's schema there too.
      return { statements: [], notes: [] };
    case "addColumn":
      if (canAddColumnNatively(op.column)) {
        return native(`ALTER TABLE ${q(op.table)} ADD COLUMN ${columnDefinition(op.table, op.column)}`);
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
  const guards: string[] = [];
  if (op.kind === "alterColumn") {
    for (const check of dataChecksForAlter(op.table, op.from, op.to, q)) {
      guards.push(
        `SELECT replace(${quoteString(check.message)}, ${quoteString(ROW_COUNT)}, count(*)) AS problem ` +
          `FROM ${q(op.table)} WHERE ${check.condition} HAVING count(*) > 0`,
      );
    }
    if (op.from.nullable && !op.to.nullable && op.to.default === undefined) {
      notes.push(`stops, naming how many rows, if column "${op.table}"."${op.from.name}" holds NULLs: it becomes NOT NULL without a default`);
    } else if (op.from.nullable && !op.to.nullable) {
      notes.push(`fills NULLs in "${op.table}"."${op.from.name}" with its default ${op.to.default} before setting NOT NULL`);
    }
  }
  return guards.length > 0 ? { statements, notes, guards } : { statements, notes };
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
    throw new Error(
      `SQLite needs the schema before a ${op.kind} of table "${op.table}" to render it (it may rebuild the table)`,
    );
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
