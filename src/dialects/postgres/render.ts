/** Operation → PostgreSQL statements: a dispatch over the operation kinds. */
import type { RenderContext, RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import { DEFAULT_LOCK_TIMEOUT } from "../../ops/online";
import { renderAlterColumn } from "./alter-column";
import { conventionalEnumName, renameEnumValue } from "./enums";
import { renderOnline } from "./online";
import { generationChanges } from "../../schema/generated-columns";
import { renderAddColumn, renderDropColumn, renderGenerationChange, renderRenameColumn } from "./render-column";
import {
  renderAddCheck,
  renderAddExclusion,
  renderAddForeignKey,
  renderAddPrimaryKey,
  renderAddUnique,
  renderCreateIndex,
  renderDropCheck,
  renderDropExclusion,
  renderDropForeignKey,
  renderDropIndex,
  renderDropPrimaryKey,
  renderDropUnique,
} from "./render-constraints";
import { quoteIdentifier } from "./quote";
import { renderCreateExtension, renderDropExtension } from "./extensions";
import { renderCreateView, renderDropView } from "./views";
import { renderCreateTable, renderDropTable, renderRenameTable, renderSetTableComment } from "./render-table";

export function render(op: Operation, context: RenderContext = {}): RenderedOperation {
  if (context.online?.online) {
    const plainContext = { ...context, online: undefined };
    return renderOnline(op, context.online.lockTimeout ?? DEFAULT_LOCK_TIMEOUT, (o) => render(o, plainContext), context.inTransaction);
  }
  switch (op.kind) {
    case "createTable":
      return renderCreateTable(op.table);
    case "dropTable":
      return renderDropTable(op.table);
    case "renameTable":
      return renderRenameTable(op.from, op.to, context);
    case "addColumn":
      return renderAddColumn(op.table, op.column);
    case "dropColumn":
      return renderDropColumn(op.table, op.column);
    case "renameColumn":
      return renderRenameColumn(op.table, op.from, op.to, context);
    case "alterColumn":
      if (generationChanges(op.from, op.to)) return renderGenerationChange(op.table, op.from, op.to);
      return renderAlterColumn(op.table, op.from, op.to);
    case "addPrimaryKey":
      return renderAddPrimaryKey(op.table, op.primaryKey);
    case "dropPrimaryKey":
      return renderDropPrimaryKey(op.table, op.primaryKey);
    case "addUnique":
      return renderAddUnique(op.table, op.unique);
    case "dropUnique":
      return renderDropUnique(op.table, op.unique);
    case "createIndex":
      return renderCreateIndex(op.table, op.index);
    case "dropIndex":
      return renderDropIndex(op.table, op.index);
    case "addForeignKey":
      return renderAddForeignKey(op.table, op.foreignKey);
    case "dropForeignKey":
      return renderDropForeignKey(op.table, op.foreignKey);
    case "addCheck":
      return renderAddCheck(op.table, op.check);
    case "dropCheck":
      return renderDropCheck(op.table, op.check);
    case "addExclusion":
      return renderAddExclusion(op.table, op.exclusion);
    case "dropExclusion":
      return renderDropExclusion(op.table, op.exclusion);
    case "setTableComment":
      return renderSetTableComment(op.table, op.to);
    case "setTableEngine":
      // A MySQL notion: PostgreSQL has no storage engines.
      return { statements: [], notes: [] };
    case "renameEnumValue": {
      const type = op.enumName ?? conventionalEnumName(op.table, op.column);
      return { statements: [renameEnumValue(op.table, type, op.from, op.to)], notes: [] };
    }
    case "createSchema":
      // IF NOT EXISTS: generate only asks for a schema it did not find, but another
      // database (or verify's scratch one, given the DataSource's schema) may have it.
      return { statements: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(op.schema)}`], notes: [] };
    case "dropSchema":
      // No CASCADE: a schema that still holds something this migration did not
      // create is not dropped; the statement fails and the revert rolls back.
      return { statements: [`DROP SCHEMA ${quoteIdentifier(op.schema)}`], notes: [] };
    case "createExtension":
      return renderCreateExtension(op.extension);
    case "dropExtension":
      return renderDropExtension(op.extension);
    case "createView":
      return renderCreateView(op.view);
    case "dropView":
      return renderDropView(op.view);
    case "sql":
      return { statements: [op.up], notes: [] };
  }
}
