/**
 * The pull-request report (`athanor check --format markdown|github`, #20 §2)
 * on a real git repository: main holds the example app's first migration;
 * a branch drops a column (destructive) and changes a column's type (a
 * table rewrite on PostgreSQL, a table rebuild on SQLite). The report lists
 * only the branch's migration, its findings with their codes, the schema
 * change and verify's answer; the annotations point at the migration's line.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";

function git(dir: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=Athanor Test", "-c", "user.email=test@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function editEntity(project: TestProject, file: string, edit: (source: string) => string): void {
  const path = join(project.dir, "entities", file);
  writeFileSync(path, edit(readFileSync(path, "utf8")));
}

/** main: the example app and its first migration, applied; branch `feature`: a drop and a type change, generated. */
async function branchWithDangerousMigration(project: TestProject): Promise<string> {
  project.useExampleEntities();
  await project.ok(["generate", "Initial"]);
  await project.ok(["run"]);
  writeFileSync(join(project.dir, ".gitignore"), "node_modules\ndata\n");
  git(project.dir, "init", "-q", "-b", "main");
  git(project.dir, "add", "-A");
  git(project.dir, "commit", "-q", "-m", "initial");
  git(project.dir, "checkout", "-q", "-b", "feature");
  editEntity(project, "User.ts", (s) => s.replace(/\n\s*@Column\(\{ name: "full_name"[^\n]*\n\s*fullName: string \| null;\n/, "\n"));
  editEntity(project, "GameSession.ts", (s) => s.replace(/(@Column\(\{[^}]*)type: "integer"([^}]*\}\)\s*score)/, '$1type: "bigint"$2'));
  const generated = await project.cli(["generate", "DropNameWidenScore", "--no-interactive"]);
  assert.equal(generated.code, 0, generated.stdout + generated.stderr);
  const file = project.migrationFiles().find((f) => f.includes("DropNameWidenScore"));
  assert.ok(file, `no migration generated:\n${generated.stdout}`);
  return file;
}

for (const dialect of DIALECTS) {
  describe(`check --format: the pull-request report (${dialect})`, () => {
    let project: TestProject;
    let file: string;

    before(async () => {
      project = await TestProject.create(dialect);
      file = await branchWithDangerousMigration(project);
    });
    after(() => project.cleanup());

    test("markdown: the branch's migration only, its findings with codes, the schema change, verify; exit 1 on an error finding", async () => {
      const result = await project.cli(["check", "--format", "markdown", "--verify"]);
      assert.equal(result.code, 1, result.stderr);
      const md = result.stdout;
      assert.match(md, /^<!-- athanor-report -->\n## Athanor: 1 new migration\n/);
      assert.match(md, /migrations not in `origin\/main`|migrations not in `main`/);
      assert.doesNotMatch(md, /Initial\d{13}/, "the migration already on main is not reported");
      assert.match(md, new RegExp(`<code>DropNameWidenScore\\d{13}</code>`));
      assert.match(md, /\| 🔴 error \| AT-D002 \| Column users\.full_name is dropped/);
      assert.match(md, /\| `users` \| column `full_name` dropped \| varchar\(255\) \|/);
      assert.match(md, /\| `game_sessions` \| column `score` changed \| integer → bigint \|/);
      if (dialect === "postgres") assert.match(md, /\| 🟠 warning \| AT-L004 \| [^|]*game_sessions/);
      else assert.match(md, /_note:_ rebuilds table "game_sessions" \(copies every row\)/);
      assert.match(md, /### Verify\n\n✅ 2 migrations apply, revert without a trace and apply again; head matches the entities\./);
      assert.match(md, /### Plan on the database\n\nNot priced: run `athanor plan`/);
      assert.match(md, /\*\*Needs attention\*\*: 1 error/);
    });

    test("--plan prices the branch's migration on the database, where it is pending (athanor plan, read only)", async () => {
      const result = await project.cli(["check", "--format", "markdown", "--plan"]);
      assert.equal(result.code, 1, result.stderr);
      const md = result.stdout;
      assert.match(
        md,
        /### Plan on the database\n\nOn [^\n]+:\n\n\| migration \| table \| lock \| effect \| rows \| estimated \| lock held \|/,
      );
      assert.match(md, /\| DropNameWidenScore\d{13} \| [^|]*game_sessions[^|]* \| [^|]+ \| rewrite \|/);
      assert.match(md, dialect === "postgres" ? /ACCESS EXCLUSIVE/ : /database write lock/);
      assert.doesNotMatch(md, /Not priced/);
      const status = await project.cli(["status", "--json"]);
      assert.equal(JSON.parse(status.stdout).pending, 1, "plan applied nothing");
    });

    test("github: an annotation per finding on the migration's line, and a notice with the counts", async () => {
      const result = await project.cli(["check", "--format", "github"]);
      assert.equal(result.code, 1, result.stderr);
      const lines = result.stdout.trim().split("\n");
      const drop = lines.find((l) => l.includes("AT-D002"));
      assert.ok(drop, result.stdout);
      const match =
        /^::error file=migrations\/(\d{13}-DropNameWidenScore\.ts),line=(\d+),title=AT-D002 \(DropNameWidenScore\d{13}\)::Column users\.full_name is dropped/.exec(
          drop,
        );
      assert.ok(match, drop);
      assert.equal(match[1], file);
      const line = project.readMigration(file).split("\n")[Number(match[2]) - 1];
      assert.match(line, /full_name/, `line ${match[2]} is not the drop: ${line}`);
      if (dialect === "postgres")
        assert.ok(
          lines.some((l) => /^::warning file=.*title=AT-L004/.test(l)),
          result.stdout,
        );
      assert.match(lines.at(-1)!, /^::notice title=Athanor::1 new migration read for (sqlite|postgres): 1 error\(s\)/);
    });

    test("--base names the commit to compare with; an edited migration of the base is called out", async () => {
      const initial = project.migrationFiles().find((f) => f.includes("Initial"))!;
      const path = join(project.dir, "migrations", initial);
      const original = readFileSync(path, "utf8");
      writeFileSync(path, original + "\n// edited on the branch\n");
      try {
        const result = await project.cli(["check", "--format", "markdown", "--base", "main"]);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /migrations not in `main` \(`[0-9a-f]{12}`\)/);
        assert.match(result.stdout, /> ⚠️ `Initial\d{13}` is on the base branch and this branch edits it/);
      } finally {
        writeFileSync(path, original);
      }
    });
  });
}

describe("check --format: choosing the migrations, and mistakes (E260–E264)", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
    await branchWithDangerousMigration(project);
  });
  after(() => project.cleanup());

  test("--dialect judges a SQLite project's branch for PostgreSQL (its lock rules included)", async () => {
    const result = await project.cli(["check", "--format", "markdown", "--dialect", "postgres"]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Read for \*\*postgres\*\*, without a database/);
    assert.match(result.stdout, /\| 🟠 warning \| AT-L004 \| Changing the type of game_sessions\.score rewrites the whole table/);
  });

  test("docs/ci/pull-request-report.yml runs the report with options check takes, and posts it with --body-file", async () => {
    const workflow = readFileSync(join(__dirname, "..", "..", "docs", "ci", "pull-request-report.yml"), "utf8");
    const help = (await project.ok(["check", "--help"])).stdout;
    const runs = workflow.match(/npx athanor check [^\n>]*/g) ?? [];
    assert.equal(runs.length, 2, workflow);
    for (const run of runs) {
      for (const flag of run.match(/--[a-z-]+/g) ?? []) assert.match(help, new RegExp(`${flag}\\b`), `${flag} in the workflow`);
    }
    assert.match(workflow, /gh pr comment "\$PR" --body-file athanor-report\.md/);
    assert.match(workflow, /fetch-depth: 0/);
  });

  test("--verify without a reachable server: the report still prints, saying why verify did not run (no password)", async () => {
    const result = await project.cli(["check", "--format", "markdown", "--verify"], {
      env: { DATABASE_URL: "postgres://postgres:sekret@127.0.0.1:1/nowhere" },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /### Verify\n\n⚠️ Not run: Could not create a scratch database on postgres at 127\.0\.0\.1:1\/nowhere for verify/,
    );
    assert.match(result.stdout, /\| 🔴 error \| AT-D002 \|/);
    assert.doesNotMatch(result.stdout + result.stderr, /sekret/);
  });

  test("--plan without a reachable server: the report still prints, saying why it was not priced (no password)", async () => {
    const result = await project.cli(["check", "--format", "markdown", "--plan"], {
      env: { DATABASE_URL: "postgres://postgres:sekret@127.0.0.1:1/nowhere" },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /### Plan on the database\n\nNot priced: [^\n]*127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stdout + result.stderr, /sekret/);
  });

  test("E260: a --base git does not know", async () => {
    const result = await project.cli(["check", "--format", "markdown", "--base", "no-such-branch"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: --base no-such-branch is not a commit git knows here: name a branch, tag or commit/);
  });

  test("E261: a repository with neither origin/main nor main", async () => {
    git(project.dir, "branch", "-q", "-m", "main", "trunk");
    try {
      const result = await project.cli(["check", "--format", "markdown"]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        /error: The report compares the branch with origin\/main or main, and this repository has neither .*pass --base/,
      );
      const based = await project.cli(["check", "--format", "markdown", "--base", "trunk"]);
      assert.equal(based.code, 1, based.stderr);
    } finally {
      git(project.dir, "branch", "-q", "-m", "trunk", "main");
    }
  });

  test("E262: --format with --json", async () => {
    const result = await project.cli(["check", "--format", "github", "--json"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: --format github and --json both choose the output: give one of them\./);
  });

  test("E264: a report option without --format", async () => {
    const result = await project.cli(["check", "--verify"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: --verify belongs to the pull-request report: add --format markdown or --format github\./);
  });

  test("outside git: the migrations pending on the database; E263: --base there", async () => {
    const copy = mkdtempSync(join(tmpdir(), "athanor-report-nogit-"));
    try {
      spawnSync("cp", ["-a", `${project.dir}/.`, copy]);
      rmSync(join(copy, ".git"), { recursive: true, force: true });
      const env = { ...project.env, GIT_CEILING_DIRECTORIES: tmpdir() };
      const pending = spawnSync(process.execPath, [join(__dirname, "..", "..", "bin", "athanor"), "check", "--format", "markdown"], {
        cwd: copy,
        env,
        encoding: "utf8",
      });
      assert.equal(pending.status, 1, pending.stderr);
      assert.match(pending.stdout, /migrations pending on sqlite database data\/app\.sqlite \(the project is not in a git repository\)/);
      assert.match(pending.stdout, /<code>DropNameWidenScore\d{13}<\/code>/);
      assert.doesNotMatch(pending.stdout, /<code>Initial/);
      const based = spawnSync(
        process.execPath,
        [join(__dirname, "..", "..", "bin", "athanor"), "check", "--format", "markdown", "--base", "main"],
        {
          cwd: copy,
          env,
          encoding: "utf8",
        },
      );
      assert.equal(based.status, 2);
      assert.match(
        based.stderr,
        /error: --base main needs a git repository, and .* is not in one: leave --base out to report the pending migrations\./,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
