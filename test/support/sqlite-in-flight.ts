/**
 * Seeing from outside that a spawned SQLite runner is inside a statement, for
 * the tests that stop it there (test/e2e/signals.test.ts,
 * test/e2e/stopped-part-way.test.ts, test/e2e/commit-groups.test.ts).
 * SQLite has no pg_stat_activity: `--verbose` prints each statement as it is
 * sent, and a statement that reads a table outside a transaction holds the
 * database's shared lock for as long as it runs.
 */
import type { SpawnedCli, TestProject } from "./project";
import { waitForOutput } from "./wait-for-output";
import { waitUntil } from "./sessions";

function isBusy(error: unknown): boolean {
  return /SQLITE_BUSY|database is locked/i.test(String((error as { message?: string })?.message ?? error));
}

/**
 * Wait until a statement of another connection reads the project's SQLite
 * database (it holds the shared lock, so an exclusive transaction cannot
 * begin). Only a sign of the runner's statement where nothing else holds a
 * lock: outside a transaction, after what ran before it committed.
 */
export async function waitForSqliteReader(project: TestProject): Promise<void> {
  await withLockProbe(project, (held) => waitUntil("a statement of the runner holds the database's shared lock", held));
}

/** `body` given a probe of whether another connection holds any lock on the project's SQLite database (an exclusive transaction cannot begin). */
async function withLockProbe(project: TestProject, body: (held: () => Promise<boolean>) => Promise<void>): Promise<void> {
  const ds = await project.connect();
  try {
    await ds.query(`PRAGMA busy_timeout = 0`);
    await body(async () => {
      try {
        await ds.query(`BEGIN EXCLUSIVE`);
      } catch (error) {
        if (isBusy(error)) return true;
        throw error;
      }
      await ds.query(`ROLLBACK`);
      return false;
    });
  } finally {
    await ds.destroy();
  }
}

/**
 * Wait until a transaction of another connection has held the project's
 * SQLite database for two looks `apartMs` apart: a statement that takes
 * long, not a quick migration's whole transaction. For a runner whose
 * printed lines cannot tell (with better-sqlite3 they reach the pipe only
 * when its event loop turns, after the statement).
 */
export async function waitForSqliteLongTransaction(project: TestProject, apartMs = 300): Promise<void> {
  await withLockProbe(project, (held) =>
    waitUntil("a transaction of the runner holds the database", async () => {
      if (!(await held())) return false;
      await new Promise((resolve) => setTimeout(resolve, apartMs));
      return held();
    }),
  );
}

/**
 * Wait until `run --verbose` (spawned) has sent the statement `printed`
 * matches, so everything before it is done; with `readsOutsideTransaction`,
 * also until that statement runs (waitForSqliteReader). Inside a transaction
 * nothing shows it running, and nothing needs to: a stop that comes before
 * node sqlite3's worker has started it is asked again until it has
 * (Dialect.cancelLostBeforeStart; signals.test.ts holds the worker to
 * check that).
 */
export async function waitForSqliteStatement(
  project: TestProject,
  running: SpawnedCli,
  printed: RegExp,
  readsOutsideTransaction: boolean,
): Promise<void> {
  await waitForOutput(running, printed);
  if (readsOutsideTransaction) await waitForSqliteReader(project);
}
