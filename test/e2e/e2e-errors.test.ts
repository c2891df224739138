/**
 * Bad input gets one clear sentence and a non-zero exit code, never a stack
 * trace, and never a password.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, TestProject, DIALECTS } from "../support/project";
import { serverUrl } from "../support/postgres";
import { ITEM_V1 as ITEM } from "../support/entities";

function assertNoStackTrace(output: string) {
  assert.doesNotMatch(output, /\n\s+at .+\(.+:\d+:\d+\)/, `stack trace in output:\n${output}`);
}

describe("configuration errors", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("no ormconfig: exit 2 with the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "athanor-noconfig-"));
    dirs.push(dir);
    const result = await runCli(dir, ["run"], process.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /No DataSource file at ormconfig\.ts/);
    assert.match(result.stderr, /-d path\/to\/data-source\.ts/);
    assertNoStackTrace(result.stderr);
  });

  test("a DataSource file that throws: exit 2, its message, no stack", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeFileSync(join(project.dir, "ormconfig.ts"), `throw new Error("config exploded");\n`);
      const result = await project.cli(["generate"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Loading ormconfig\.ts failed: config exploded/);
      assertNoStackTrace(result.stderr);
    } finally {
      await project.cleanup();
    }
  });

  test("unknown command: exit 2", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const result = await project.cli(["frobnicate"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Unknown/i);
    } finally {
      await project.cleanup();
    }
  });

  test("--help on every command", async () => {
    const project = await TestProject.create("sqlite");
    try {
      for (const command of ["generate", "run", "revert"]) {
        const result = await project.cli([command, "--help"]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`athanor ${command}`));
      }
    } finally {
      await project.cleanup();
    }
  });
});

describe("connection errors", () => {
  test("an unreachable PostgreSQL: exit 3, says refused", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      const result = await project.cli(["run"], {
        env: { DATABASE_URL: "postgres://someone:hunter2secret@127.0.0.1:1/nowhere" },
      });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /connection was refused/);
      assert.doesNotMatch(result.stdout + result.stderr, /hunter2secret/);
      assertNoStackTrace(result.stderr);
    } finally {
      await project.cleanup();
    }
  });

  test("a wrong password: exit 3, the password never echoed", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      const url = new URL(serverUrl());
      // A role that must log in with a password, so trust auth cannot let it in.
      url.username = "athanor_no_such_role";
      url.password = "S3cretPassw0rd!";
      const result = await project.cli(["run"], { env: { DATABASE_URL: url.toString() } });
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, /S3cretPassw0rd/);
      assert.match(result.stderr, /Cannot connect/);
      assertNoStackTrace(result.stderr);
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: migration errors`, () => {
    test("generate while migrations are pending: exit 2, run them first", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        await project.ok(["generate", "CreateItems"]);
        const result = await project.cli(["generate", "More"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /pending.*run pending migrations first/);
      } finally {
        await project.cleanup();
      }
    });

    test("a migration that fails half-way is rolled back, no row recorded, exit 3", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        writeFileSync(
          join(project.dir, "migrations", "1700000000000-Broken.ts"),
          `import { MigrationInterface, QueryRunner } from "typeorm";
export class Broken1700000000000 implements MigrationInterface {
  name = "Broken1700000000000";
  async up(queryRunner: QueryRunner) {
    await queryRunner.query('CREATE TABLE "half" ("id" integer)');
    await queryRunner.query('INSERT INTO "no_such_table" VALUES (1)');
  }
  async down(queryRunner: QueryRunner) {
    await queryRunner.query('DROP TABLE "half"');
  }
}
`,
        );
        await project.ok(["sum"]);
        const result = await project.cli(["run"]);
        assert.equal(result.code, 3, result.stdout + result.stderr);
        assert.match(result.stderr, /Migration Broken1700000000000 failed \(it was rolled back/);
        assertNoStackTrace(result.stderr);
        const schema = await project.introspect();
        assert.equal(schema.tables.half, undefined, "the first statement was not rolled back");
        const rows = await project.query(`SELECT * FROM migrations`);
        assert.equal(rows.length, 0);
      } finally {
        await project.cleanup();
      }
    });

    test("revert with nothing applied: exit 2", async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM });
      try {
        const result = await project.cli(["revert"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /Nothing to revert/);
      } finally {
        await project.cleanup();
      }
    });
  });
}
