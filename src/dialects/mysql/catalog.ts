/**
 * The information_schema queries introspection runs: one each, whatever the
 * number of tables, all for the connection's current database.
 */

export const SERVER_QUERY = `SELECT VERSION() AS version, DATABASE() AS db`;

export const TABLES_QUERY = `SELECT TABLE_NAME AS tableName, TABLE_COLLATION AS tableCollation, TABLE_COMMENT AS tableComment,
  ENGINE AS engine
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`;

export const COLUMNS_QUERY = `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, COLUMN_TYPE AS columnType,
  IS_NULLABLE AS isNullable, COLUMN_DEFAULT AS columnDefault, EXTRA AS extra, COLLATION_NAME AS collation,
  GENERATION_EXPRESSION AS generationExpression, COLUMN_COMMENT AS columnComment
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`;

export const INDEXES_QUERY = `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique,
  COLUMN_NAME AS columnName, SUB_PART AS subPart, INDEX_TYPE AS indexType
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

export const FOREIGN_KEYS_QUERY = `SELECT k.TABLE_NAME AS tableName, k.CONSTRAINT_NAME AS constraintName, k.COLUMN_NAME AS columnName,
  k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
  r.DELETE_RULE AS deleteRule, r.UPDATE_RULE AS updateRule
  FROM information_schema.KEY_COLUMN_USAGE k
  JOIN information_schema.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
  WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
  ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** MariaDB keeps check names per table and gives the table; MySQL 8 names them per database. */
export const MARIADB_CHECKS_QUERY = `SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS constraintName, CHECK_CLAUSE AS checkClause, LEVEL AS level
  FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`;

export const MYSQL_CHECKS_QUERY = `SELECT t.TABLE_NAME AS tableName, c.CONSTRAINT_NAME AS constraintName, c.CHECK_CLAUSE AS checkClause, 'Table' AS level
  FROM information_schema.TABLE_CONSTRAINTS t
  JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
  WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK'`;

/**
 * How many queries `introspect` runs, for the test that holds it constant: one more where TypeORM's
 * typeorm_metadata table exists (its views), and one more again where a generated column does too
 * (their recorded expressions).
 */
export const INTROSPECTION_QUERY_COUNT = 6;
