/**
 * Whether migration code about to run needs TypeORM's entity metadata built
 * first. `run` and `revert` connect without it (project.ts defers it), and
 * building it is the slowest client step of applying a big migration: about
 * half of the client CPU of `run` for an initial migration of 1000 tables
 * (bench/RESULTS.md). A migration `generate` wrote calls only `op()` or
 * `queryRunner.query`, which reach the database through SQL alone.
 *
 * Built before the code runs unless all of it is known not to need it:
 *
 * - every file was read as calling only `op()` and `queryRunner.query` on
 *   literals (loader/migration-source-scan.ts; `callsOnlyOperations`):
 *   anything else may ask for a repository, the manager or
 *   `connection.entityMetadatas`, which TypeORM answers synchronously, so
 *   the build cannot wait for the first question;
 * - the DataSource lists no subscribers (they see every query, and the
 *   build is what installs them);
 * - the dialect sees nothing in the files that may rely on what TypeORM's
 *   driver does for the entities when it connects (`reliesOnEntitySetup`:
 *   PostgreSQL's extensions, which a TypeORM-generated migration's
 *   `uuid_generate_v4()` needs).
 *
 * Otherwise nothing changes: the entity files load and the metadata is built
 * before the first migration's code, as before.
 */
import type { Dialect } from "../dialects/dialect";
import type { MigrationSource } from "../runner/discover";

export function codeNeedsEntityMetadata(migrations: readonly MigrationSource[], dialect: Dialect, subscribers: boolean): boolean {
  if (subscribers) return true;
  return migrations.some((migration) => {
    // The text that runs (discover.ts `text`, kept with every file it lists).
    if (!migration.callsOnlyOperations || migration.text === undefined) return true;
    return dialect.reliesOnEntitySetup ? dialect.reliesOnEntitySetup(migration.text) : false;
  });
}
