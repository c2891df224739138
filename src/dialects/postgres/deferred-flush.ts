/**
 * PostgreSQL's deferred flush for a run that commits outside one
 * transaction (runner/deferred-flush.ts): synchronous_commit off for the
 * migration session, so each COMMIT returns once its WAL record is written,
 * not flushed. The server flushes WAL in order, so a crash can lose only a
 * tail of commits, never one from the middle; and a later commit with the
 * session's own setting back waits for the flush of everything before it.
 * (PostgreSQL forces a synchronous commit where it must anyway: DROP TABLE
 * and the like.)
 */
import type { DeferredFlush } from "../dialect";

export const postgresDeferredFlush: DeferredFlush = {
  async start(db) {
    // One round trip: the session's own setting (the server's, the role's,
    // the connection's `options`) is read as it is replaced. Session-level,
    // sent outside any transaction, so no rollback takes it back.
    const rows = await db.query(`SELECT current_setting('synchronous_commit') AS was, set_config('synchronous_commit', 'off', false)`);
    const was = String(rows?.[0]?.was ?? "on");
    if (was === "off") return undefined;
    return async () => {
      await db.query(`SELECT set_config('synchronous_commit', '${was.replace(/'/g, "''")}', false)`);
    };
  },
};
