/**
 * The online form of MySQL/MariaDB DDL (`generate --online`,
 * `op(queryRunner, { online: true })`): the plain statements with the
 * algorithm the operation needs stated, `ALGORITHM=INSTANT` (metadata only)
 * or `ALGORITHM=INPLACE, LOCK=NONE` (reads and writes go on while InnoDB
 * works). Stating it is the point: when the server cannot honour it for
 * this table, it refuses the statement instead of silently copying the
 * table under a write lock.
 *
 * An operation the server only runs by copying (a column type change, a
 * foreign key checked against the rows, a CHECK, a FULLTEXT index, a stored
 * generated column) keeps its plain form and a note says so: asking for an
 * algorithm it would always refuse would only make the migration fail.
 * Every clause here is one MariaDB 10.11 accepts (test/dialect proves it);
 * where the server's INSTANT form is newer than the server (server.ts:
 * MySQL drops instantly from 8.0.29, renames from 8.0.28), it gets INPLACE.
 */
import type { RenderedOperation } from "../dialect";
import type { Operation } from "../../ops/operations";
import type { Column } from "../../schema/model";
import type { ServerCapabilities } from "./server";

export const INSTANT = "ALGORITHM=INSTANT";
export const INPLACE_NO_LOCK = "ALGORITHM=INPLACE, LOCK=NONE";

/** The algorithm clause for `op`, or a sentence saying why it has none. */
function clauseFor(op: Operation, server: ServerCapabilities): { clause: string } | { note: string } | undefined {
  switch (op.kind) {
    case "addColumn":
      if (copiesOnAdd(op.column)) return { note: `no online form: adding ${op.table}.${op.column.name} copies the table` };
      return { clause: server.instantAddColumn ? INSTANT : INPLACE_NO_LOCK };
    case "dropColumn":
      return { clause: server.instantDropColumn ? INSTANT : INPLACE_NO_LOCK };
    case "renameColumn":
      return { clause: server.instantRenameColumn ? INSTANT : INPLACE_NO_LOCK };
    case "createIndex":
      if (op.index.method === "fulltext" || op.index.method === "gist" || op.index.method === "spatial") {
        return { note: `no online form: a ${op.index.method} index on ${op.table} blocks writes while it builds` };
      }
      return { clause: INPLACE_NO_LOCK };
    case "addUnique":
    case "dropUnique":
    case "dropIndex":
    case "dropForeignKey":
      return { clause: INPLACE_NO_LOCK };
    case "alterColumn":
      return { note: `no online form: changing column ${op.table}.${op.from.name} copies the table in most cases` };
    case "addForeignKey":
      return { note: `no online form: adding foreign key ${op.foreignKey.name} checks every row of ${op.table} by copying it` };
    case "addCheck":
      return { note: `no online form: adding check ${op.check.name} copies table ${op.table}` };
    default:
      return undefined;
  }
}

/** AUTO_INCREMENT and stored generated columns are filled row by row: the server copies the table. */
function copiesOnAdd(column: Column): boolean {
  if (column.generated === "increment" || column.generated === "identity") return true;
  return column.asExpression !== undefined && column.generatedType === "STORED";
}

/** `rendered` (the plain form of `op`) with the online algorithm stated on its DDL statements. */
export function renderOnline(op: Operation, server: ServerCapabilities, rendered: RenderedOperation): RenderedOperation {
  const decision = clauseFor(op, server);
  if (!decision) return rendered;
  if ("note" in decision) return { ...rendered, notes: [...rendered.notes, decision.note] };
  return { ...rendered, statements: rendered.statements.map((s) => withClause(s, decision.clause)) };
}

/** ALTER TABLE takes the clause as one more comma-separated item; CREATE INDEX takes it space-separated at the end. */
function withClause(statement: string, clause: string): string {
  if (statement.startsWith("ALTER TABLE ")) return `${statement}, ${clause}`;
  if (/^CREATE (UNIQUE )?INDEX /.test(statement)) return `${statement} ${clause.replace(", ", " ")}`;
  return statement; // a data check (SELECT) runs as it is
}
