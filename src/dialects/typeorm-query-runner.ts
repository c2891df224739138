/**
 * The parts of a TypeORM query runner (0.3 and 1.x, every driver) that a
 * dialect reads when it sends statements past TypeORM's own `query` (the
 * dialects' sendList): the connection underneath, the DataSource's logger,
 * and the broadcaster that tells its subscribers (beforeQuery, afterQuery).
 */
import type { Queryable } from "./dialect";

export interface TypeOrmQueryRunner extends Queryable {
  connect?(): Promise<unknown>;
  isReleased?: boolean;
  /** 0.3's name for the DataSource; 1.x has both. */
  connection?: TypeOrmDataSource;
  dataSource?: TypeOrmDataSource;
  broadcaster?: { broadcast?(event: string, ...args: unknown[]): Promise<void> };
}

export interface TypeOrmDataSource {
  options?: { type?: string };
  logger?: {
    logQuery?(query: string, parameters: unknown[] | undefined, queryRunner: unknown): unknown;
    logQueryError?(error: unknown, query: string, parameters: unknown[] | undefined, queryRunner: unknown): unknown;
  };
}
