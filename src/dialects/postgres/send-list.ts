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
import type { TypeOrmQueryRunner } from "../typeorm-query-runner";

/** node-postgres's answer to a query: one result, or one per statement of a list. */
type PgResult = { rows?: unknown[] };
interface PgClient {
  query(sql: string): Promise<PgResult | PgResult[]>;
}

export async function sendPostgresList(db: Queryable, statements: readonly string[]): Promise<unknown[][]> {
  const runner = db as TypeOrmQueryRunner;
  const dataSource = runner.dataSource ?? runner.connection;
  const client = runner.isReleased ? undefined : ((await runner.connect?.()) as Partial<PgClient> | undefined);
  if (typeof client?.query !== "function") {
    const rows: unknown[][] = [];
    for (const sql of statements) rows.push(((await db.query(sql)) as unknown[] | undefined) ?? []);
    return rows;
  }
  // A newline before each `;`: a statement's trailing line comment ends first.
  const sql = statements.join("\n;\n");
  for (const statement of statements) {
    dataSource?.logger?.logQuery?.(statement, undefined, runner);
    await runner.broadcaster?.broadcast?.("BeforeQuery", statement, undefined);
  }
  const started = Date.now();
  let raw: PgResult | PgResult[];
  try {
    raw = await (client as PgClient).query(sql);
  } catch (error) {
    dataSource?.logger?.logQueryError?.(error, sql, undefined, runner);
    for (const statement of statements) {
      await runner.broadcaster?.broadcast?.("AfterQuery", statement, undefined, false, undefined, undefined, error);
    }
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { query: sql });
  }
  const ms = Date.now() - started;
  const results = Array.isArray(raw) ? raw : [raw];
  for (const [i, statement] of statements.entries()) {
    await runner.broadcaster?.broadcast?.("AfterQuery", statement, undefined, true, ms, results[i], undefined);
  }
  return results.map((result) => result?.rows ?? []);
}
