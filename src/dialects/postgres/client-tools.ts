/**
 * Running PostgreSQL's own client tools (pg_dump, pg_restore) for `run
 * --backup` and `athanor restore`: found on the PATH, checked against the
 * server's version (a pg_dump older than the server refuses to dump it, and
 * would say so only after the run had begun), and given the connection
 * through the environment (PGHOST, PGPASSWORD, …): a password on the command
 * line would be visible to every user of the machine in `ps`.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { parseConnectionUrl } from "../connection-url";
import { DatabaseError, UsageError, redact } from "../../errors";
import type { ConnectionOptions, Queryable } from "../dialect";

export type ClientTool = "pg_dump" | "pg_restore";

export interface FoundTool {
  path: string;
  /** The major version, e.g. 15. */
  major: number;
  /** As the tool prints it, e.g. 15.20. */
  version: string;
}

/** Where `tool` is on the PATH, or undefined. */
function findOnPath(tool: ClientTool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? [`${tool}.exe`] : [tool];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * The tool, no older than the server: a usage error (exit 2) naming what to
 * install otherwise. `purpose` ends the sentence ("so nothing was migrated").
 */
export async function requireClientTool(tool: ClientTool, serverMajor: number, purpose: string): Promise<FoundTool> {
  const path = findOnPath(tool);
  if (!path) {
    throw new UsageError(
      `${tool} is not on the PATH, ${purpose}: install the PostgreSQL client tools, version ${serverMajor} or newer like the server (e.g. apt-get install postgresql-client-${serverMajor}).`,
    );
  }
  const printed = (await runTool(path, ["--version"], process.env)).stdout;
  const match = /\)\s*(\d+)(?:\.(\d+))?/.exec(printed) ?? /(\d+)(?:\.(\d+))?/.exec(printed);
  if (!match)
    throw new UsageError(
      `${path} --version printed "${printed.trim()}", which names no version, ${purpose}: check that it is PostgreSQL's ${tool}.`,
    );
  const found = { path, major: Number(match[1]), version: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}` };
  if (found.major < serverMajor) {
    throw new UsageError(
      `${path} is version ${found.version}, older than the server (PostgreSQL ${serverMajor}), which it cannot handle, ${purpose}: put ${tool} ${serverMajor} or newer first on the PATH.`,
    );
  }
  return found;
}

/** The server's major version (15 for 15.4). */
export async function serverMajorVersion(db: Queryable): Promise<number> {
  const rows: Array<{ server_version_num: string }> = await db.query(`SHOW server_version_num`);
  return Math.floor(Number(rows[0].server_version_num) / 10000);
}

export interface ToolConnection {
  /** The environment to run the tools with: the connection as PG* variables. */
  env: NodeJS.ProcessEnv;
  database: string;
  /** Secrets to remove from anything the tools print. */
  secrets: string[];
}

/** The DataSource's connection as libpq environment variables. */
export function toolConnection(options: ConnectionOptions): ToolConnection {
  const source = ((options.replication as any)?.master ?? options) as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null || value === "" ? undefined : String(value));
  let host = text(source.host);
  let port = text(source.port);
  let user = text(source.username);
  let password = text(source.password);
  let database = text(source.database);
  let sslmode: string | undefined;
  const url = typeof source.url === "string" ? parseConnectionUrl(source.url) : undefined;
  if (url) {
    host = text(url.host) ?? host;
    port = text(url.port) ?? port;
    user = text(url.username) ?? user;
    password = text(url.password) ?? password;
    database = text(url.database) ?? database;
    try {
      sslmode = new URL(source.url as string).searchParams.get("sslmode") ?? undefined;
    } catch {
      // a socket URL without a host: no parameters to read
    }
  }
  if (!sslmode && source.ssl) sslmode = (source.ssl as any)?.rejectUnauthorized === false ? "require" : "verify-full";
  const env: NodeJS.ProcessEnv = { ...process.env };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) env[name] = value;
  };
  set("PGHOST", host);
  set("PGPORT", port);
  set("PGUSER", user);
  set("PGPASSWORD", password);
  set("PGDATABASE", database);
  set("PGSSLMODE", sslmode);
  return { env, database: database ?? env.PGDATABASE ?? user ?? "postgres", secrets: password ? [password] : [] };
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/** Run a tool; rejects with its (redacted) message when it fails. */
export function runTool(path: string, args: string[], env: NodeJS.ProcessEnv, secrets: string[] = []): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const said = redact(String(stderr || error.message), secrets)
        .trim()
        .split("\n")
        .slice(0, 5)
        .join(" ");
      reject(new DatabaseError(`${path} failed: ${said}`));
    });
  });
}
