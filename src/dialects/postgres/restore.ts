/**
 * `athanor restore <file>` on PostgreSQL: the database becomes what the
 * `run --backup` dump holds, and only that. pg_restore alone would leave
 * whatever was created after the dump (a table from a migration that did
 * succeed), so first every schema of the database is dropped, in one
 * transaction, and `public` is recreated as it was (owner, grants, comment:
 * pg_dump leaves an unmodified `public` out of the dump); then pg_restore
 * puts everything back in a single transaction of its own. Should that
 * fail, the database stays empty and the dump intact: fix the cause and
 * restore again.
 */
import { UsageError } from "../../errors";
import type { Queryable, RestoreOptions } from "../dialect";
import { requireClientTool, runTool, serverMajorVersion, toolConnection } from "./client-tools";
import { quoteIdentifier, quoteLiteral } from "./quote";

const REFUSED = "so nothing was restored";

/** Throws a usage error unless pg_restore can read `file`; resolves to the checked tool's path. */
export async function checkPostgresBackup(db: Queryable, options: RestoreOptions): Promise<string> {
  const pgRestore = await requireClientTool("pg_restore", await serverMajorVersion(db), REFUSED);
  const connection = toolConnection(options.connection);
  try {
    await runTool(pgRestore.path, ["--list", options.file], connection.env, connection.secrets);
  } catch {
    throw new UsageError(
      `${options.file} is not a pg_dump archive pg_restore can read, ${REFUSED}: name a file that \`run --backup\` wrote.`,
    );
  }
  return pgRestore.path;
}

export async function restorePostgres(db: Queryable | undefined, options: RestoreOptions): Promise<void> {
  if (!db) throw new Error("restorePostgres needs the project's connection");
  const pgRestore = await checkPostgresBackup(db, options);
  await emptyDatabase(db);
  const connection = toolConnection(options.connection);
  await runTool(
    pgRestore,
    ["--single-transaction", "--exit-on-error", "--no-password", `--dbname=${connection.database}`, options.file],
    connection.env,
    connection.secrets,
  );
}

/** Drop every schema but the system's; recreate `public` as it was. */
async function emptyDatabase(db: Queryable): Promise<void> {
  const schemas: Array<{ name: string }> = await db.query(
    `SELECT nspname AS name FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
  );
  const publicSchema: Array<{ owner: string; comment: string | null }> = await db.query(
    `SELECT pg_get_userbyid(nspowner) AS owner, obj_description(oid, 'pg_namespace') AS comment
       FROM pg_namespace WHERE nspname = 'public'`,
  );
  const grants: Array<{ grantee: string | null; privilege: string; grantable: boolean }> = await db.query(
    `SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee,
            a.privilege_type AS privilege, a.is_grantable AS grantable
       FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public'`,
  );
  const statements = schemas.map((s) => `DROP SCHEMA ${quoteIdentifier(s.name)} CASCADE`);
  const kept = publicSchema[0];
  if (kept) {
    statements.push(`CREATE SCHEMA public AUTHORIZATION ${quoteIdentifier(kept.owner)}`);
    for (const grant of grants) {
      const to = grant.grantee === null ? "PUBLIC" : quoteIdentifier(grant.grantee);
      statements.push(`GRANT ${grant.privilege} ON SCHEMA public TO ${to}${grant.grantable ? " WITH GRANT OPTION" : ""}`);
    }
    if (kept.comment !== null) statements.push(`COMMENT ON SCHEMA public IS ${quoteLiteral(kept.comment)}`);
  }
  await db.query("BEGIN");
  try {
    for (const sql of statements) await db.query(sql);
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
