/**
 * Hand-written SQL (`queryRunner.query("...")`) read as Operations where its
 * meaning is plain, so the portable rules judge it like generated code: a
 * `DROP TABLE` becomes a dropTable, `SET NOT NULL` an alterColumn, and so on.
 *
 * The records are partial — a dropped column's type is not in the statement —
 * so they carry "unknown" where the SQL says nothing, which the rules treat
 * as "no change" (an unknown type never counts as narrowing).
 */
import { changesSchema } from "../runner/recording-query-runner";
import type { Operation } from "../ops/operations";
import { emptyTable, type Column, type ForeignKey } from "../schema/model";
import { NAME, readAlterTable, readCreateIndex, splitClauses, unquoteName } from "../sql/statements";

export interface ReadStatement {
  /** What the statement does, as far as it can be told. */
  operations: Operation[];
  /** False when the statement changes the schema in a way lint cannot read. */
  understood: boolean;
  /** A table the statement empties (TRUNCATE, DELETE without WHERE). */
  emptiedTable?: string;
}

const UNKNOWN_TYPE = "unknown";

function column(name: string, fields: Partial<Column> = {}): Column {
  return { name, type: UNKNOWN_TYPE, nullable: true, ...fields };
}

/** DDL that changes no table's data or shape in a way any rule looks at. */
const OTHER_DDL =
  /^(CREATE (OR REPLACE )?(TYPE|EXTENSION|SCHEMA|SEQUENCE|(MATERIALIZED )?VIEW|FUNCTION|PROCEDURE|TRIGGER|RULE|POLICY|DOMAIN)|DROP (TYPE|EXTENSION|SEQUENCE|(MATERIALIZED )?VIEW|FUNCTION|PROCEDURE|TRIGGER|RULE|POLICY|DOMAIN|SCHEMA)|ALTER (TYPE|SEQUENCE|INDEX|VIEW|FUNCTION|SCHEMA|DOMAIN)|COMMENT ON|GRANT|REVOKE|REINDEX|CLUSTER|VACUUM|REFRESH|DO\b|CALL)/i;

/** Read one statement (comments already removed, see splitStatements). */
export function readStatement(statement: string): ReadStatement {
  const none = { operations: [], understood: true };
  const emptied = readEmptying(statement);
  if (emptied) return { ...none, emptiedTable: emptied };
  if (!changesSchema(statement)) return none;

  const createTable = new RegExp(
    String.raw`^CREATE (?:(?:GLOBAL |LOCAL )?(?:TEMP|TEMPORARY|UNLOGGED) )?TABLE (?:IF NOT EXISTS )?(${NAME})`,
    "i",
  ).exec(statement);
  if (createTable) {
    return { ...none, operations: [{ kind: "createTable", table: emptyTable(unquoteName(createTable[1])) }] };
  }

  const dropTable = /^DROP TABLE (?:IF EXISTS )?(.+?)(?: CASCADE| RESTRICT)?$/i.exec(statement);
  if (dropTable) {
    const names = splitClauses(dropTable[1]).map(unquoteName);
    return { ...none, operations: names.map((name) => ({ kind: "dropTable", table: emptyTable(name) })) };
  }

  const index = readCreateIndex(statement);
  if (index) {
    const name = index.name ?? `${index.table}_index`;
    return {
      ...none,
      operations: [{ kind: "createIndex", table: index.table, index: { name, columns: [], unique: index.unique } }],
    };
  }
  if (/^DROP INDEX /i.test(statement)) return none;

  const alter = readAlterTable(statement);
  if (alter) return readAlterTableClauses(alter.table, alter.rest);

  if (OTHER_DDL.test(statement)) return none;
  return { operations: [], understood: false };
}

function readEmptying(statement: string): string | undefined {
  const truncate = new RegExp(String.raw`^TRUNCATE (?:TABLE )?(?:ONLY )?(${NAME})`, "i").exec(statement);
  if (truncate) return unquoteName(truncate[1]);
  const deleteAll = new RegExp(String.raw`^DELETE FROM (?:ONLY )?(${NAME})(?: (?:AS )?\w+)?$`, "i").exec(statement);
  if (deleteAll) return unquoteName(deleteAll[1]);
  return undefined;
}

function readAlterTableClauses(table: string, rest: string): ReadStatement {
  const renameTable = new RegExp(String.raw`^RENAME TO (${NAME})$`, "i").exec(rest);
  if (renameTable) {
    return { operations: [{ kind: "renameTable", from: table, to: unquoteName(renameTable[1]) }], understood: true };
  }
  const renameColumn = new RegExp(String.raw`^RENAME (?:COLUMN )?(${NAME}) TO (${NAME})$`, "i").exec(rest);
  if (renameColumn && !/^RENAME CONSTRAINT /i.test(rest)) {
    return {
      operations: [{ kind: "renameColumn", table, from: unquoteName(renameColumn[1]), to: unquoteName(renameColumn[2]) }],
      understood: true,
    };
  }
  if (/^RENAME CONSTRAINT /i.test(rest)) return { operations: [], understood: true };

  const operations: Operation[] = [];
  let understood = true;
  for (const clause of splitClauses(rest)) {
    const read = readClause(table, clause);
    if (read === undefined) understood = false;
    else operations.push(...read);
  }
  return { operations, understood };
}

/** One ALTER TABLE clause; undefined when it is not one lint knows. */
function readClause(table: string, clause: string): Operation[] | undefined {
  const constraint = /^ADD (?:CONSTRAINT (\S+) )?(UNIQUE|PRIMARY KEY|FOREIGN KEY|CHECK|EXCLUDE)\b/i.exec(clause);
  if (constraint) {
    const name = constraint[1] ? unquoteName(constraint[1]) : `${table}_constraint`;
    const kind = constraint[2].toUpperCase();
    // A constraint on an index that already exists checks nothing new.
    if (/ USING INDEX /i.test(` ${clause} `)) return [];
    if (kind === "UNIQUE") return [{ kind: "addUnique", table, unique: { name, columns: [] } }];
    if (kind === "PRIMARY KEY") return [{ kind: "addPrimaryKey", table, primaryKey: { name, columns: [] } }];
    if (kind === "CHECK") return [{ kind: "addCheck", table, check: { name, expression: clause } }];
    if (kind === "FOREIGN KEY") {
      const foreignKey: ForeignKey = {
        name,
        columns: [],
        referencedTable: "",
        referencedColumns: [],
        onDelete: "NO ACTION",
        onUpdate: "NO ACTION",
      };
      return [{ kind: "addForeignKey", table, foreignKey }];
    }
    return [];
  }

  const addColumn = new RegExp(String.raw`^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(${NAME})(?: (.*))?$`, "i").exec(clause);
  if (addColumn) {
    const definition = ` ${addColumn[2] ?? ""} `;
    const generated = /\b(SERIAL|BIGSERIAL|SMALLSERIAL|GENERATED|AUTOINCREMENT)\b/i.test(definition) ? "increment" : undefined;
    const fields: Partial<Column> = {
      nullable: !/\bNOT NULL\b|\bPRIMARY KEY\b/i.test(definition),
      default: /\bDEFAULT\b/i.test(definition) ? "(given)" : undefined,
      generated,
    };
    return [{ kind: "addColumn", table, column: column(unquoteName(addColumn[1]), fields) }];
  }

  // MySQL's DROP FOREIGN KEY names the key only: its columns are unknown (a key added again under that name is its re-creation, AT-N006).
  const dropForeignKey = new RegExp(String.raw`^DROP FOREIGN KEY (${NAME})$`, "i").exec(clause);
  if (dropForeignKey) {
    const foreignKey: ForeignKey = {
      name: unquoteName(dropForeignKey[1]),
      columns: [],
      referencedTable: "",
      referencedColumns: [],
      onDelete: "NO ACTION",
      onUpdate: "NO ACTION",
    };
    return [{ kind: "dropForeignKey", table, foreignKey }];
  }
  if (/^DROP (?:CONSTRAINT|PRIMARY KEY|INDEX)\b/i.test(clause)) return [];
  const dropColumn = new RegExp(String.raw`^DROP (?:COLUMN )?(?:IF EXISTS )?(${NAME})(?: CASCADE| RESTRICT)?$`, "i").exec(clause);
  if (dropColumn) return [{ kind: "dropColumn", table, column: column(unquoteName(dropColumn[1])) }];

  const alterColumn = new RegExp(String.raw`^ALTER (?:COLUMN )?(${NAME}) (.*)$`, "i").exec(clause);
  if (alterColumn) {
    const name = unquoteName(alterColumn[1]);
    const change = alterColumn[2];
    if (/^SET NOT NULL$/i.test(change)) {
      return [{ kind: "alterColumn", table, from: column(name, { nullable: true }), to: column(name, { nullable: false }) }];
    }
    // Type changes are judged by the dialect's rules (a rewrite); the old
    // type is not in the statement, so narrowing cannot be told.
    if (
      /^((SET DATA )?TYPE|DROP NOT NULL|SET DEFAULT|DROP DEFAULT|SET STATISTICS|SET STORAGE|SET \(|RESET|ADD GENERATED|DROP IDENTITY|SET GENERATED|DROP EXPRESSION)/i.test(
        change,
      )
    ) {
      return [];
    }
    return undefined;
  }

  if (
    /^(VALIDATE CONSTRAINT|ALTER CONSTRAINT|OWNER TO|SET (SCHEMA|TABLESPACE|LOGGED|UNLOGGED|\()|RESET|ENABLE|DISABLE|REPLICA IDENTITY|CLUSTER ON|SET WITHOUT)/i.test(
      clause,
    )
  ) {
    return [];
  }
  return undefined;
}
