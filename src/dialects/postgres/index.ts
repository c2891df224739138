/**
 * The PostgreSQL dialect: catalogs → canonical Schema, Operation → SQL.
 * Works on the connection's `current_schema()` (normally "public") and on
 * the schemas entities name (`@Entity({ schema })`).
 */
import type { Dialect } from "../dialect";
import { backupPostgres } from "./backup";
import { checkPostgresBackup, restorePostgres } from "./restore";
import { createPostgresScratchDatabase } from "./scratch";
import { comparableColumn } from "./comparable";
import { explainPostgresConnectionError } from "./connection-errors";
import { postgresConnectTimeout } from "./connect-timeout";
import { explainPostgresMigrationError } from "./migration-errors";
import { defaultSchema, introspect } from "./introspect";
import { hasIndexOn, tableColumns } from "./table-columns";
import { postgresDeferredFlush } from "./deferred-flush";
import { sendPostgresList } from "./send-list";
import { acquirePostgresLock, keepSessionAlive, postgresMigrationClaim, postgresStatementCanceller } from "./lock";
import { quoteIdentifier } from "./quote";
import { render } from "./render";
import { postgresStatementRules } from "./lock-rules";
import { postgresStatementCost } from "./statement-cost";
import { postgresLiveCosts } from "./live-costs";
import { reliesOnEntitySetup, requiredExtensions, unavailableExtension } from "./extensions";

export const postgresDialect: Dialect = {
  name: "postgres",
  transactionalDDL: true,
  defaultPort: 5432,
  tableComments: true,
  sharedEnumTypes: true,
  materializedViews: true,
  quote: quoteIdentifier,
  introspect,
  defaultSchema,
  tableColumns,
  hasIndexOn,
  comparable: comparableColumn,
  // Every operation renders from its own record; a schema, when given, only
  // makes enum-type renames explicit instead of looked up at run time.
  needsSchema: () => false,
  render,
  statementRules: postgresStatementRules,
  statementCost: postgresStatementCost,
  liveCosts: postgresLiveCosts,
  requiredExtensions,
  unavailableExtension,
  reliesOnEntitySetup,
  acquireMigrationLock: acquirePostgresLock,
  connectionOverrides: (options, settings) => postgresConnectTimeout(options, settings.connectTimeoutMs),
  keepSessionAlive,
  migrationClaim: postgresMigrationClaim,
  deferredFlush: postgresDeferredFlush,
  statementLists: true,
  sendList: sendPostgresList,
  statementCanceller: postgresStatementCanceller,
  explainConnectionError: explainPostgresConnectionError,
  explainMigrationError: explainPostgresMigrationError,
  createScratchDatabase: createPostgresScratchDatabase,
  backup: backupPostgres,
  restore: restorePostgres,
  checkBackup: async (db, options) => void (await checkPostgresBackup(db, options)),
};

export { comparableColumn } from "./comparable";
export { normalizeDefault } from "./defaults";
export { parseType } from "./types";
export { quoteIdentifier, quoteLiteral } from "./quote";
export { COLUMNS_QUERY, CONSTRAINTS_QUERY, INDEXES_QUERY } from "./catalog";
