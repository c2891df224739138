/**
 * `run --backup` on PostgreSQL makes no copy. A consistent copy of a server
 * database is pg_dump's job (or the platform's snapshots), run where the
 * dump can be kept; a tool that pretended would leave users without the
 * backup they asked for. So we say how to take one — with the host, port,
 * user and database, never the password.
 */
import { parseConnectionUrl } from "../../config/connection-url";
import type { BackupOptions, BackupResult } from "../dialect";

export async function backupPostgres(_db: unknown, options: BackupOptions): Promise<BackupResult> {
  const { host, port, user, database } = connectionFacts(options.connection);
  const stamp = options.at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const file = `${database ?? "database"}-${stamp}.dump`;
  const command = [
    "pg_dump -Fc",
    host && `-h ${shellWord(host)}`,
    port && `-p ${shellWord(port)}`,
    user && `-U ${shellWord(user)}`,
    database && `-d ${shellWord(database)}`,
    `-f ${shellWord(file)}`,
  ]
    .filter(Boolean)
    .join(" ");
  return {
    taken: false,
    advice:
      `--backup cannot copy a PostgreSQL database from here, so nothing was migrated: take a dump first with \`${command}\` ` +
      `(it asks for the password, or reads PGPASSWORD or ~/.pgpass; restore with pg_restore), then run again without --backup.`,
  };
}

interface ConnectionFacts {
  host?: string;
  port?: string;
  user?: string;
  database?: string;
}

/** Host, port, user and database from `url` or the separate options; the password is never read. */
function connectionFacts(options: Readonly<Record<string, unknown>>): ConnectionFacts {
  const source = ((options.replication as any)?.master ?? options) as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null || value === "" ? undefined : String(value));
  const facts: ConnectionFacts = {
    host: text(source.host),
    port: text(source.port),
    user: text(source.username),
    database: text(source.database),
  };
  // An unparseable URL: say what the separate options say.
  const url = typeof source.url === "string" ? parseConnectionUrl(source.url) : undefined;
  if (url) {
    facts.host = text(url.host) ?? facts.host;
    facts.port = text(url.port) ?? facts.port;
    facts.user = text(url.username) ?? facts.user;
    facts.database = text(url.database) ?? facts.database;
  }
  return facts;
}

/** Quote a word for a POSIX shell when it has anything but safe characters. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
