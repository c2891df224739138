/**
 * A reader that goes away: `athanor run | head -1`, `status | head`,
 * `show X | head`. Writing to a pipe whose reader has closed fails (EPIPE);
 * that must never interrupt database work (a run stopped between two
 * statements of a `--transaction none` migration leaves it half-applied),
 * and the exit code reports what happened to the database. The test closes
 * the CLI's stdout pipe from the reading side, after the first line or at
 * once, and checks the database and the exit code.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { DIALECTS, repoRoot, TestProject } from "../support/project";
import { writeMigrationBody, q } from "../support/faults";

const COUNT = 4;

/** Migrations of two statements with a pause between them, so the pipe closes while the run is still going. */
function writeSlowMigrations(project: TestProject): void {
  for (let i = 1; i <= COUNT; i++) {
    writeMigrationBody(project, {
      timestamp: 1700000000000 + i,
      name: `Slow${i}`,
      up: [
        q(`CREATE TABLE "t${i}" ("id" integer PRIMARY KEY)`),
        "    await new Promise((resolve) => setTimeout(resolve, 150));",
        q(`INSERT INTO "t${i}" ("id") VALUES (${i})`),
      ].join("\n"),
      down: q(`DROP TABLE "t${i}"`),
    });
  }
}

interface ClosedPipeResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What was read before the pipe was closed. */
  stdout: string;
  stderr: string;
}

/**
 * Spawn the CLI with stdout a pipe that this side closes: after the first
 * line (`afterFirstLine`), or before the CLI writes anything.
 */
function cliWithClosingPipe(project: TestProject, args: string[], when: "afterFirstLine" | "atOnce"): Promise<ClosedPipeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "athanor"), ...args], {
      cwd: project.dir,
      env: project.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    // The read side is gone; errors on it are expected.
    child.stdout.on("error", () => undefined);
    if (when === "atOnce") child.stdout.destroy();
    else {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("\n")) child.stdout.destroy();
      });
    }
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function assertNoCrash(result: ClosedPipeResult, what: string): void {
  const shown = `${what}: exit ${result.code} ${result.signal ?? ""}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.code, 0, shown);
  assert.doesNotMatch(result.stderr, /EPIPE|^\s+at /m, shown);
  assert.doesNotMatch(result.stderr, /bug in Athanor/, shown);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: a closed stdout`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      writeSlowMigrations(project);
    });
    after(async () => project.cleanup());

    const assertAllApplied = async (what: string) => {
      const names = (await project.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`)).map((r) => r.name);
      assert.deepEqual(
        names,
        Array.from({ length: COUNT }, (_, i) => `Slow${i + 1}${1700000000000 + i + 1}`),
        what,
      );
      for (let i = 1; i <= COUNT; i++) {
        const rows = await project.query<{ id: number }>(`SELECT id FROM "t${i}"`);
        assert.deepEqual(
          rows.map((r) => Number(r.id)),
          [i],
          `${what}: t${i} is half-applied`,
        );
      }
    };

    for (const mode of ["each", "none"]) {
      for (const verbose of [false, true]) {
        const args = ["run", "--transaction", mode, ...(verbose ? ["--verbose"] : [])];
        test(`\`athanor ${args.join(" ")} | head -1\`: every migration applied and recorded, exit 0, no stack trace`, async () => {
          const result = await cliWithClosingPipe(project, args, "afterFirstLine");
          assertNoCrash(result, args.join(" "));
          await assertAllApplied(args.join(" "));
          // The next run finds everything applied.
          const next = await project.ok(["run"]);
          assert.match(next.stdout, /Nothing to run/);
          await project.ok(["revert", "--to", "base"]);
        });
      }
    }

    test("`athanor revert --to base` with its stdout closed at once: everything reverted, exit 0", async () => {
      await project.ok(["run"]);
      const result = await cliWithClosingPipe(project, ["revert", "--to", "base"], "atOnce");
      assertNoCrash(result, "revert");
      assert.deepEqual(await project.query(`SELECT name FROM migrations`), []);
    });

    test("`status | head`, `history | head`, `show X | head`, `--help | head`: exit 0, no stack trace", async () => {
      for (const args of [["status"], ["history"], ["show", "Slow1"], ["run", "--sql"], ["--help"], ["status", "--json"]]) {
        assertNoCrash(await cliWithClosingPipe(project, args, "atOnce"), args.join(" "));
      }
    });
  });
}
