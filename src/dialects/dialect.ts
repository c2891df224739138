/**
 * The dialect seam. Everything that depends on which database we talk to lives
 * behind this interface, one folder per dialect under `dialects/`; the rest of
 * Athanor never asks "is this PostgreSQL?".
 */
import type { Column, Schema } from "../schema/model";
import type { Operation } from "../ops/operations";

/**
 * The one thing a dialect needs from a connection: run a statement and get
 * its rows. TypeORM's QueryRunner satisfies it (`queryRunner.query`).
 */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface RenderContext {
  /**
   * The schema as it is just before `op` runs. Required by dialects whose
   * `needsSchema(op)` says so (SQLite rebuilds a table from its definition).
   */
  schema?: Schema;
}

/** Facts about a rendered operation that users should be told about. */
export interface RenderedOperation {
  statements: string[];
  /** Human sentences such as "rebuilds table users (copies every row)". */
  notes: string[];
}

export interface Dialect {
  /** Registry key, also printed to users: "sqlite", "postgres". */
  readonly name: string;
  /** Whether DDL statements roll back with the transaction. */
  readonly transactionalDDL: boolean;

  /** Quote an identifier. */
  quote(identifier: string): string;

  /**
   * Read the live schema with a constant number of catalog queries, whatever
   * the number of tables or columns. Tables named in `exclude` (the
   * bookkeeping table) and the database's internal tables are left out.
   */
  introspect(db: Queryable, options?: { exclude?: string[] }): Promise<Schema>;

  /**
   * The form of a column that the database can faithfully store and report:
   * both sides of a diff pass through it before comparison, so that what the
   * dialect cannot represent (SQLite has no uuid type, say) never shows up as
   * a change.
   */
  comparable(column: Column): Column;

  /** Whether `render(op)` needs `context.schema`. */
  needsSchema(op: Operation): boolean;

  /** SQL statements that perform `op`, in order. */
  render(op: Operation, context?: RenderContext): RenderedOperation;
}
