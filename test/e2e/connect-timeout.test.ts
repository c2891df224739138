/**
 * A PostgreSQL host that accepts the TCP connection and never answers (a
 * wrong port behind a proxy, a hung server): without a connect timeout
 * `status` and `run --lock-timeout 5` wait forever without a word. Athanor
 * gives up after the connect timeout — `--connect-timeout`, the DataSource's
 * connectTimeoutMS, the URL's connect_timeout, else 10 s — and exits 3 with a
 * sentence that never holds the password. The silent server is a local TCP
 * server that accepts connections and reads nothing back.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, spawnProgram, TestProject, type CliResult } from "../support/project";
import { assertUserError, dataSourceFile } from "../support/bad-input";
import { writeTableMigrations } from "../support/migrations";

const PASSWORD = "s1lent-Pa55";
const TIMED_OUT =
  /^error: Cannot connect to postgres at 127\.0\.0\.1:\d+\/app: the server did not answer within the connect timeout: check that the host and port are a PostgreSQL server's and that it is up, or give it longer with --connect-timeout <seconds>\.$/m;

describe("a PostgreSQL server that accepts connections and never answers", () => {
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  let project: TestProject;
  before(async () => {
    server = createServer((socket) => {
      // Accept, keep the socket open, never answer.
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    project = await TestProject.create("sqlite");
    writeTableMigrations(project, 1);
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await project.cleanup();
  });

  const url = (query = "") => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/app${query}`;

  /** The CLI, killed if it still hangs after 40 s (what it did before it had a connect timeout). */
  async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
    const result = await spawnProgram(process.execPath, [join(repoRoot, "bin", "athanor"), ...args], {
      cwd: project.dir,
      env: { ...project.env, ...env },
      killAfterMs: 40_000,
    }).result;
    return result.signal ? { ...result, stderr: `${result.stderr}\n(killed after 40 s: it hung)` } : result;
  }

  /** The CLI against the silent server: exit 3, the sentence, no password, and how long it took. */
  async function timedOut(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    const started = Date.now();
    const result = await cli(args, env);
    const seconds = (Date.now() - started) / 1000;
    assertUserError(result, 3, TIMED_OUT);
    assert.ok(!(result.stdout + result.stderr).includes(PASSWORD), `the password was printed:\n${result.stderr}`);
    return seconds;
  }

  test("E70 `status --connect-timeout 1` and `run --lock-timeout 5 --connect-timeout 1`: exit 3 after about a second", async () => {
    for (const args of [["status"], ["run", "--lock-timeout", "5"], ["revert"], ["history"], ["check"]]) {
      const seconds = await timedOut([...args, "--connect-timeout", "1"], { DATABASE_URL: url() });
      assert.ok(seconds < 8, `${args.join(" ")} took ${seconds} s`);
    }
  });

  test("E70 with no option at all, the default timeout (10 s) ends `status`", async () => {
    const seconds = await timedOut(["status"], { DATABASE_URL: url() });
    assert.ok(seconds >= 9 && seconds < 25, `took ${seconds} s`);
  });

  test("E70 the URL's connect_timeout and the DataSource's connectTimeoutMS are honoured; the option wins over both", async () => {
    assert.ok((await timedOut(["status"], { DATABASE_URL: url("?connect_timeout=1") })) < 8);
    writeFileSync(
      join(project.dir, "patient.ts"),
      dataSourceFile(
        `export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, connectTimeoutMS: 1000, migrations: ["migrations/*.ts"] });`,
      ),
    );
    assert.ok((await timedOut(["status", "-d", "patient.ts"], { DATABASE_URL: url() })) < 8);
    // The URL alone would wait an hour.
    assert.ok((await timedOut(["status", "--connect-timeout", "1"], { DATABASE_URL: url("?connect_timeout=3600") })) < 8);
  });

  test("E71 a --connect-timeout that is not a number of seconds: exit 2", async () => {
    const result = await cli(["status", "--connect-timeout", "-1"], { DATABASE_URL: url() });
    assertUserError(result, 2, /^error: --connect-timeout takes a number of seconds, e\.g\. --connect-timeout 30 \(0 waits forever\)\.$/m);
  });
});
