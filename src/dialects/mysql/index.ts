/**
 * The MySQL/MariaDB dialect: information_schema → canonical Schema,
 * Operation → SQL. TypeORM's `type: "mysql"` and `type: "mariadb"` both land
 * here (with the mysql2 driver); they differ only in how a uuid is stored,
 * as in TypeORM (MariaDB 10.7+ has a uuid type, MySQL stores a varchar).
 *
 * DDL is not transactional: every statement commits. The runner therefore
 * runs each migration outside a transaction and reports what a failed one
 * left applied.
 */
import type { Dialect } from "../dialect";
import { comparableColumnFor } from "./comparable";
import { explainMysqlConnectionError, mysqlDataCheckFailure } from "./connection-errors";
import { introspect } from "./introspect";
import { acquireMysqlLock, keepSessionAlive, mysqlMigrationClaim, mysqlStatementCanceller } from "./lock";
import { quoteIdentifier } from "./quote";
import { createMysqlScratchDatabase } from "./scratch";
import { needsSchema, renderFor } from "./render";
import { capabilitiesOf, DEFAULT_SERVER, namedServer, serverOf, type ServerVersion } from "./server";
import { hasIndexOn, tableColumns } from "./table-columns";
import { mysqlStatementCost } from "./statement-cost";
import { mysqlLiveCosts } from "./live-costs";
import { mysqlStatementRules } from "./lock-rules";
import type { Flavour } from "./types";
import { readAsDeclared } from "./read-as-declared";
import { refusedForeignKeys } from "./refused-foreign-keys";
import { foldName, nameClash } from "./names";
import { foreignKeyBlocksAlterFor } from "./foreign-key-columns";
import { explainMysqlMigrationError } from "./migration-errors";
import { unavailableEngine, unknownEngineFindings } from "./engines";

/**
 * The dialect for TypeORM's `flavour` speaking to `server`. The flavour says
 * how the entities' uuids are stored (TypeORM's choice, per driver); the
 * server says which statements and catalog spellings to expect (server.ts).
 */
function mysqlFamilyDialect(flavour: Flavour, server: ServerVersion): Dialect {
  const capabilities = capabilitiesOf(server);
  return {
    name: flavour,
    transactionalDDL: false,
    defaultPort: 3306,
    tableComments: true,
    fulltextIndexes: true,
    forServer: async (db) => dialectFor(flavour, await serverOf(db)),
    atVersion: (version) => {
      const named = namedServer(version);
      return named && dialectFor(flavour, named);
    },
    quote: quoteIdentifier,
    // MySQL refuses the ISO text's "T…Z"; the bookkeeping's applied_at holds UTC.
    timestampLiteral: (at) => `'${at.toISOString().replace("T", " ").replace("Z", "")}'`,
    introspect,
    readAsDeclared: (current, target) => readAsDeclared(current, target, flavour),
    foldName,
    nameClash,
    tableColumns,
    hasIndexOn,
    comparable: comparableColumnFor(flavour, capabilities),
    foreignKeyBlocksAlter: foreignKeyBlocksAlterFor(flavour, capabilities),
    needsSchema,
    render: renderFor(flavour, capabilities),
    statementRules: (statement, context) => [...mysqlStatementRules(statement, context), ...unknownEngineFindings(statement)],
    unavailableEngine: (db, target) => unavailableEngine(db, target, server.kind === "mariadb" ? "MariaDB" : "MySQL"),
    refusals: (schema, tables) => refusedForeignKeys(schema, { flavour, server, capabilities }, tables),
    statementCost: mysqlStatementCost,
    liveCosts: mysqlLiveCosts,
    acquireMigrationLock: acquireMysqlLock,
    keepSessionAlive,
    migrationClaim: mysqlMigrationClaim,
    statementCanceller: mysqlStatementCanceller,
    explainConnectionError: explainMysqlConnectionError,
    explainMigrationError: explainMysqlMigrationError,
    dataCheckFailure: mysqlDataCheckFailure,
    createScratchDatabase: createMysqlScratchDatabase,
  };
}

/** One dialect object per flavour and server version, so a connection's dialect is built once. */
const built = new Map<string, Dialect>();

export function dialectFor(flavour: Flavour, server: ServerVersion): Dialect {
  const key = `${flavour} ${server.kind} ${server.major}.${server.minor}.${server.patch}`;
  let dialect = built.get(key);
  if (!dialect) built.set(key, (dialect = mysqlFamilyDialect(flavour, server)));
  return dialect;
}

export const mysqlDialect: Dialect = dialectFor("mysql", DEFAULT_SERVER);
export const mariadbDialect: Dialect = dialectFor("mariadb", DEFAULT_SERVER);

export { parseColumnType, nativeType } from "./types";
export { quoteIdentifier, quoteString } from "./quote";
export { INTROSPECTION_QUERY_COUNT } from "./catalog";
export { capabilitiesOf, parseServerVersion, DEFAULT_SERVER, type ServerVersion, type ServerCapabilities } from "./server";
