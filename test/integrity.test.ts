/**
 * migrations/athanor.sum: what it records, what counts as a mismatch, and
 * how the CLI uses it — generate and create re-write it, run refuses a
 * mismatch (exit 2), status reports it (--check exits 1), `athanor sum`
 * re-writes it, and two branches that each add a migration conflict in git.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIALECTS, TestProject } from "./support/project";
import { writeTableMigrations } from "./support/migrations";
import { directoryHash, verifySumFile, writeSumFile } from "../src/runner/sum";

const ITEM = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: "varchar", length: 20 })
  title: string;
}
`;

describe("athanor.sum on a directory", () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "athanor-sum-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const reset = () => {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "athanor-sum-"));
    writeFileSync(file("1700000000001-A.ts"), "export class A1700000000001 {}\n");
    writeFileSync(file("1700000000002-B.ts"), "export class B1700000000002 {}\n");
  };

  test("records each file and the directory hash on the first line; a fresh sum matches", () => {
    reset();
    writeFileSync(file("notes.md"), "not a migration");
    const entries = writeSumFile(dir);
    const lines = readFileSync(file("athanor.sum"), "utf8").trimEnd().split("\n");
    assert.equal(lines[0], `sha256:${directoryHash(entries)}`);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(" ")[0]),
      ["1700000000001-A.ts", "1700000000002-B.ts"],
    );
    assert.equal(verifySumFile(dir, dir), undefined);
  });

  test("no sum: a hint when migration files exist, nothing when there are none", () => {
    reset();
    const problem = verifySumFile(dir, dir);
    assert.equal(problem?.kind, "missing");
    assert.equal(problem?.severity, "hint");
    assert.match(problem!.message, /athanor sum/);
    const empty = mkdtempSync(join(tmpdir(), "athanor-sum-empty-"));
    try {
      assert.equal(verifySumFile(empty, empty), undefined);
      assert.equal(verifySumFile(join(empty, "does-not-exist"), empty), undefined);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("added, removed and changed files are named, with the fix", () => {
    reset();
    writeSumFile(dir);
    writeFileSync(file("1700000000003-C.ts"), "export class C1700000000003 {}\n");
    unlinkSync(file("1700000000001-A.ts"));
    appendFileSync(file("1700000000002-B.ts"), "// changed\n");
    const problem = verifySumFile(dir, dir)!;
    assert.equal(problem.kind, "mismatch");
    assert.equal(problem.severity, "error");
    assert.deepEqual(problem.added, ["1700000000003-C.ts"]);
    assert.deepEqual(problem.removed, ["1700000000001-A.ts"]);
    assert.deepEqual(problem.changed, ["1700000000002-B.ts"]);
    assert.match(
      problem.message,
      /athanor\.sum does not match .*added: 1700000000003-C\.ts; removed: 1700000000001-A\.ts; changed: 1700000000002-B\.ts\): run `athanor sum` to re-write it after reviewing those files, or resolve the merge/,
    );
    writeSumFile(dir);
    assert.equal(verifySumFile(dir, dir), undefined);
  });

  test("line endings are not a change, in the migrations or in the sum itself", () => {
    reset();
    writeSumFile(dir);
    for (const name of ["1700000000001-A.ts", "1700000000002-B.ts", "athanor.sum"]) {
      writeFileSync(file(name), readFileSync(file(name), "utf8").replace(/\n/g, "\r\n"));
    }
    assert.equal(verifySumFile(dir, dir), undefined);
  });

  test("a sum edited by hand, or holding merge conflict markers, is a problem", () => {
    reset();
    writeSumFile(dir);
    const original = readFileSync(file("athanor.sum"), "utf8");
    // A line copied from another branch without its directory hash.
    writeFileSync(file("1700000000003-C.ts"), "export class C1700000000003 {}\n");
    const other = mkdtempSync(join(tmpdir(), "athanor-sum-other-"));
    try {
      writeFileSync(join(other, "1700000000003-C.ts"), "export class C1700000000003 {}\n");
      writeSumFile(other);
      const line = readFileSync(join(other, "athanor.sum"), "utf8").split("\n")[1];
      writeFileSync(file("athanor.sum"), original + line + "\n");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    assert.match(verifySumFile(dir, dir)!.message, /edited by hand/);

    writeFileSync(file("athanor.sum"), `<<<<<<< HEAD\n${original}=======\n${original}>>>>>>> feature\n`);
    const conflict = verifySumFile(dir, dir)!;
    assert.equal(conflict.kind, "conflict");
    assert.match(conflict.message, /merge conflict markers.*athanor sum/);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: athanor.sum with the CLI`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Item.ts": ITEM });
    });
    after(async () => project.cleanup());

    const sumText = () => readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8");

    test("generate and create write the sum; status is clean", async () => {
      await project.ok(["generate", "CreateItems"]);
      assert.ok(existsSync(join(project.dir, "migrations", "athanor.sum")));
      assert.match(sumText(), /-CreateItems\.ts sha256:/);
      await project.ok(["create", "Backfill"]);
      assert.match(sumText(), /-CreateItems\.ts sha256:[0-9a-f]{64}\n\d{13}-Backfill\.ts sha256:/);
      await project.ok(["run"]);
      const status = await project.cli(["status", "--check"]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.doesNotMatch(status.stdout, /athanor\.sum/);
    });

    test("a tampered directory: run exits 2, status --check exits 1, --allow-sum-mismatch runs, `athanor sum` fixes it", async () => {
      const [created] = project.migrationFiles().filter((f) => f.endsWith("-Backfill.ts"));
      const stray = "1800000000000-Stray.ts";
      writeFileSync(
        join(project.dir, "migrations", stray),
        project.readMigration(created).replace(/Backfill\d{13}/g, "Stray1800000000000"),
      );

      const refused = await project.cli(["run"]);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /athanor\.sum does not match the migrations directory \(added: 1800000000000-Stray\.ts\)/);
      assert.match(refused.stderr, /--allow-sum-mismatch/);

      const status = await project.cli(["status", "--check"]);
      assert.equal(status.code, 1);
      assert.match(status.stdout, /problem: migrations\/athanor\.sum does not match/);

      const json = JSON.parse((await project.cli(["status", "--json"])).stdout);
      assert.ok(json.problems.some((p: string) => p.includes("1800000000000-Stray.ts")));

      // create (like generate) refuses to record a new file on top of it.
      const create = await project.cli(["create", "More"]);
      assert.equal(create.code, 2);
      assert.match(create.stderr, /athanor\.sum does not match/);

      await project.ok(["run", "--allow-sum-mismatch"]);
      const sum = await project.ok(["sum"]);
      assert.match(sum.stdout, /added\s+1800000000000-Stray\.ts/);
      assert.equal((await project.cli(["status", "--check"])).code, 0);
    });

    test("a line-ending-only change is not a mismatch", async () => {
      for (const file of project.migrationFiles()) {
        const path = join(project.dir, "migrations", file);
        writeFileSync(path, readFileSync(path, "utf8").replace(/\n/g, "\r\n"));
      }
      const status = await project.cli(["status", "--check"]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      await project.ok(["run"]);
    });
  });
}

describe("a project without athanor.sum (adopted from TypeORM)", () => {
  test("run works, status --check passes with a note, `athanor sum` starts one", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeTableMigrations(project, 2);
      await project.ok(["run"]);
      const status = await project.cli(["status", "--check"]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /note: There is no migrations\/athanor\.sum yet: run `athanor sum`/);
      const sum = await project.ok(["sum"]);
      assert.match(sum.stdout, /Wrote migrations\/athanor\.sum \(2 migration files\)/);
      assert.doesNotMatch((await project.ok(["status"])).stdout, /athanor\.sum/);
    } finally {
      await project.cleanup();
    }
  });
});

describe("two branches that each add a migration", () => {
  test("git reports a conflict in athanor.sum; run refuses until it is resolved", async () => {
    const project = await TestProject.create("sqlite");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
        cwd: project.dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    try {
      writeFileSync(join(project.dir, ".gitignore"), "node_modules\ndata\n");
      await project.ok(["create", "Initial"]);
      git("init", "-q", "-b", "main");
      git("add", "-A");
      git("commit", "-q", "-m", "initial");

      git("checkout", "-q", "-b", "feature-a");
      await project.ok(["create", "AddOrders"]);
      git("add", "-A");
      git("commit", "-q", "-m", "orders");

      git("checkout", "-q", "main");
      git("checkout", "-q", "-b", "feature-b");
      await project.ok(["create", "AddInvoices"]);
      git("add", "-A");
      git("commit", "-q", "-m", "invoices");

      let conflict = "";
      try {
        git("merge", "--no-edit", "feature-a");
        assert.fail("the merge should have conflicted");
      } catch (error: any) {
        conflict = String(error.stdout) + String(error.stderr);
      }
      assert.match(conflict, /CONFLICT \(content\): Merge conflict in migrations\/athanor\.sum/);
      // Both migration files merged cleanly; only the sum conflicts.
      assert.equal(project.migrationFiles().length, 3);

      const refused = await project.cli(["run"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /athanor\.sum has git merge conflict markers/);
      assert.equal((await project.cli(["status", "--check"])).code, 1);

      const sum = await project.ok(["sum"]);
      assert.match(sum.stdout, /merge conflict markers/);
      git("add", "-A");
      git("commit", "-q", "--no-edit");
      await project.ok(["run"]);
      assert.equal((await project.cli(["status", "--check"])).code, 0);
    } finally {
      await project.cleanup();
    }
  });
});
