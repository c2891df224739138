/**
 * The SQLite dialect: introspection through the table-valued pragmas, native
 * ALTER TABLE where SQLite has it, table rebuilds for everything else.
 */
import type { Dialect } from "../dialect";
import { backupSqlite } from "./backup";
import { checkSqliteBackup, restoreSqlite, sqliteDatabaseFile } from "./restore";
import { createSqliteScratchDatabase } from "./scratch";
import { comparableColumn } from "./comparable";
import { explainConnectionError, explainMigrationError } from "./connection-errors";
import { introspect, introspectAhead } from "./introspect";
import { hasIndexOn, tableColumns } from "./table-columns";
import { quoteIdentifier } from "./quote";
import { needsSchema, renderOperation } from "./render";
import { schemaWithPlainTableNames, withPlainTableNames } from "./plain-table-names";
import { sqliteSession } from "./session";
import { dataCheckFailure } from "./data-check";
import { acquireSqliteLock } from "./lock";
import { sqliteCannotWrite } from "./writable";
import { sqliteAnswersOnThisThread, sqliteStatementCanceller } from "./interrupt";
import { sendSqliteList } from "./send-list";
import { sqliteStatementCost } from "./statement-cost";
import { sqliteLiveCosts } from "./live-costs";
import { foldName, nameClash } from "./names";

export const sqliteDialect: Dialect = {
  name: "sqlite",
  // SQLite rolls back CREATE/ALTER/DROP with the transaction.
  transactionalDDL: true,
  // SQLite has no comments: an entity's table comment is not a change there.
  tableComments: false,
  quote: quoteIdentifier,
  foldName,
  nameClash,
  introspect,
  introspectAhead,
  tableColumns,
  hasIndexOn,
  comparable: comparableColumn,
  needsSchema,
  // SQLite has no schemas: a table's schema is ignored, as TypeORM ignores it.
  render: (op, context = {}) =>
    renderOperation(withPlainTableNames(op), {
      ...context,
      schema: context.schema && schemaWithPlainTableNames(context.schema),
    }),
  statementCost: sqliteStatementCost,
  liveCosts: sqliteLiveCosts,
  session: sqliteSession,
  acquireMigrationLock: acquireSqliteLock,
  statementCanceller: sqliteStatementCanceller,
  cancelLostBeforeStart: true,
  answersOnThisThread: sqliteAnswersOnThisThread,
  groupCommit: true,
  sendList: sendSqliteList,
  explainConnectionError,
  explainMigrationError,
  cannotWrite: sqliteCannotWrite,
  dataCheckFailure,
  createScratchDatabase: createSqliteScratchDatabase,
  backup: backupSqlite,
  restore: restoreSqlite,
  checkBackup: async (_db, options) => checkSqliteBackup(options.file),
  databaseFile: sqliteDatabaseFile,
};

// Helpers other modules may use (the postgres dialect, codegen, tests).
export { parseNativeType, renderNativeType } from "./types";
export { normalizeDefault, renderDefault } from "./defaults";
export { quoteIdentifier, quoteString } from "./quote";
export { createTableStatement, createIndexStatement } from "./render-table";
export { INTROSPECTION_QUERY_COUNT } from "./introspect";
