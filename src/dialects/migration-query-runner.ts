/**
 * The query runner a migration's `op(queryRunner)` calls receive, as a
 * contract between the runner (which hands it over, live or recording for
 * offline SQL) and the migration API (which renders and runs operations on
 * it). It lives here, below both, so neither imports the other.
 */
import type { Operation } from "../ops/operations";
import type { OnlineOptions } from "../ops/online";
import type { Schema } from "../schema/model";
import type { Dialect, Queryable } from "./dialect";

/** What a query runner's DataSource tells an operation. */
export interface DataSourceFacts {
  options: { type: string; migrationsTableName?: string };
}

/**
 * The part of TypeORM's QueryRunner that migrations need. TypeORM 1.x names
 * the owning DataSource `dataSource` (and keeps `connection` as a deprecated
 * alias); 0.3 has only `connection`.
 */
export interface MigrationQueryRunner extends Queryable {
  dataSource?: DataSourceFacts;
  connection?: DataSourceFacts;
  /**
   * Present only on the recording query runner of offline SQL
   * (runner/recording-query-runner.ts): operations then render against its
   * schema model instead of introspecting a database, and are recorded, not
   * executed.
   */
  athanorOffline?: OfflineRecorder;
  /**
   * Set by the runner while it follows a migration op() call by op() call
   * (runner/operation-steps.ts): to know which operations of a partly
   * applied migration took effect, and to run only the inverses of those.
   */
  athanorSteps?: OperationSteps;
  /**
   * Set by the runner where one query may hold several statements
   * (PostgreSQL's simple query protocol; runner/statement-journal.ts): send
   * `statements`, a whole transaction from its BEGIN to its COMMIT, in one
   * round trip, each seen by the runner as if sent alone. False when it did
   * not run them and nothing took effect (one failed, and the transaction
   * was rolled back; or the runner wants them one by one): send them one by
   * one, so a failure names its statement.
   */
  athanorStatementList?: (statements: string[]) => Promise<boolean>;
}

/** What the runner hears from each op() call, and may pass over. */
export interface OperationSteps {
  /** Before the call introspects, renders or sends anything; false: pass over it (nothing is done). */
  starting(operation: Operation, options: OnlineOptions | undefined): boolean;
  /** After its statements completed (not called when it failed); awaited (the runner may write its progress). */
  finished(operation: Operation): void | Promise<void>;
}

/** What offline SQL gives an operation in place of a live database. */
export interface OfflineRecorder {
  /** The dialect the script is rendered for (its server version named, or the dialect's default). */
  readonly dialect?: Dialect;
  /** The schema just before `operation` (throws when offline mode cannot know it). */
  schemaBefore(operation: Operation): Schema;
  /** Record `operation`, rendered as `statements`, and replay it on the model. */
  record(operation: Operation, statements: string[]): void;
}
