/**
 * Several statements in one query (Dialect.sendList): PostgreSQL's simple
 * query protocol takes a list separated by `;` and runs it in order,
 * stopping at the first that fails, and node-postgres answers it with one
 * result per statement. The runner sends its own statements this way, one
 * round trip where they were several (runner/statement-journal.ts, `hold`).
 *
 * TypeORM's `query` answers a list with no rows (it reads `rows` of one
 * result), so the list goes to the node-postgres client underneath, and
 * what TypeORM's `query` does around a statement is done here for each: its
 * logger and its query subscribers (beforeQuery, afterQuery) hear of every
 * statement, as they did one query at a time. A failure carries the list as
 * its `query`, as TypeORM's QueryFailedError does (the failure report names
 * it), with the server's fields (code, detail, hint) as node-postgres gives
 * them. Where the runner is not one whose client can be reached, one query
 * per statement.
 */
import type { Queryable } from "../dialect";
import { sendAsTypeOrmWould, type TypeOrmQueryRunner } from "../typeorm-query-runner";

/** node-postgres's answer to a query: one result, or one per statement of a list. */
type PgResult = { rows?: unknown[] };
interface PgClient {
  query(sql: string): Promise<PgResult | PgResult[]>;
}

export async function sendPostgresList(db: Queryable, statements: readonly string[]): Promise<unknown[][]> {
  const runner = db as TypeOrmQueryRunner;
  const client = runner.isReleased ? undefined : ((await runner.connect?.()) as Partial<PgClient> | undefined);
  if (typeof client?.query !== "function") {
    const rows: unknown[][] = [];
    for (const sql of statements) rows.push(((await db.query(sql)) as unknown[] | undefined) ?? []);
    return rows;
  }
  // A newline before each `;`: a statement's trailing line comment ends first.
  const sql = statements.join("\n;\n");
  const results = await sendAsTypeOrmWould(
    runner,
    statements,
    sql,
    async () => {
      const raw = await (client as PgClient).query(sql);
      return Array.isArray(raw) ? raw : [raw];
    },
    (answers, i) => answers[i],
  );
  return results.map((result) => result?.rows ?? []);
}
