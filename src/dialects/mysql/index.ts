/**
 * The MySQL/MariaDB dialect: information_schema → canonical Schema,
 * Operation → SQL. TypeORM's `type: "mysql"` and `type: "mariadb"` both land
 * here (with the mysql2 driver); they differ only in how a uuid is stored,
 * as in TypeORM (MariaDB 10.7+ has a uuid type, MySQL stores varchar(36)).
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
import { needsSchema, renderFor } from "./render";
import { tableColumns } from "./table-columns";
import { mysqlStatementCost } from "./statement-cost";
import { mysqlLiveCosts } from "./live-costs";
import { mysqlStatementRules } from "./lock-rules";
import type { Flavour } from "./types";
import { readUniqueKeysAsDeclared } from "./unique-keys";

function mysqlFamilyDialect(flavour: Flavour): Dialect {
  return {
    name: flavour,
    transactionalDDL: false,
    defaultPort: 3306,
    tableComments: true,
    fulltextIndexes: true,
    quote: quoteIdentifier,
    // MySQL refuses the ISO text's "T…Z"; the bookkeeping's applied_at holds UTC.
    timestampLiteral: (at) => `'${at.toISOString().replace("T", " ").replace("Z", "")}'`,
    introspect,
    readAsDeclared: readUniqueKeysAsDeclared,
    tableColumns,
    comparable: comparableColumnFor(flavour),
    needsSchema,
    render: renderFor(flavour),
    statementRules: mysqlStatementRules,
    statementCost: mysqlStatementCost,
    liveCosts: mysqlLiveCosts,
    acquireMigrationLock: acquireMysqlLock,
    keepSessionAlive,
    migrationClaim: mysqlMigrationClaim,
    statementCanceller: mysqlStatementCanceller,
    explainConnectionError: explainMysqlConnectionError,
    dataCheckFailure: mysqlDataCheckFailure,
  };
}

export const mysqlDialect: Dialect = mysqlFamilyDialect("mysql");
export const mariadbDialect: Dialect = mysqlFamilyDialect("mariadb");

export { parseColumnType, nativeType } from "./types";
export { quoteIdentifier, quoteString } from "./quote";
export { INTROSPECTION_QUERY_COUNT } from "./catalog";
