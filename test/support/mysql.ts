/**
 * Real MariaDB/MySQL for the tests: TEST_MYSQL_URL when set, else the
 * server every machine here runs (mysql://root@127.0.0.1:3306/test). No test
 * is skipped for want of a server: one that does not answer fails the test
 * with a sentence that says how to get one. Each test gets a database of its
 * own, created here and dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { createConnection, type Connection } from "mysql2/promise";

export function mysqlServerUrl(): string {
  return process.env.TEST_MYSQL_URL || "mysql://root@127.0.0.1:3306/test";
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = "/" + database;
  return parsed.toString();
}

/** A connection to the server's configured database, or an error saying no server answers. */
export async function connectMysql(url = mysqlServerUrl()): Promise<Connection> {
  try {
    return await createConnection({ uri: url, multipleStatements: false });
  } catch (error) {
    const shown = url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
    throw new Error(
      `No MySQL/MariaDB server answers at ${shown} (${(error as Error).message}): start MariaDB (service mariadb start) or set TEST_MYSQL_URL.`,
      { cause: error },
    );
  }
}

export interface MysqlTestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Create an empty database with a unique name; `drop()` removes it. */
export async function createMysqlTestDatabase(prefix = "athanor_test"): Promise<MysqlTestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = await connectMysql();
  try {
    await admin.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(mysqlServerUrl(), name),
    async drop() {
      const client = await connectMysql();
      try {
        await client.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await client.end();
      }
    },
  };
}
