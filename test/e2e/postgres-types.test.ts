/**
 * PostgreSQL declarations that Athanor cannot render as written, and the
 * extensions some column types need (issues #21, #23). Real PostgreSQL, the
 * real CLI: a declaration the database would refuse stops `generate` with a
 * sentence naming the entity and the property, before any migration is
 * written, never a failure at `run`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { assertUserError } from "../support/bad-input";
import { assertTypeormAgrees } from "../support/typeorm-agrees";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";

const entity = (body: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "players" })
export class Player {
  @PrimaryGeneratedColumn() id: number;
${body}
}
`;

async function generateFails(source: string, code: number, message: RegExp): Promise<void> {
  const project = await TestProject.create("postgres", { "Player.ts": source });
  try {
    assertUserError(await project.cli(["generate", "Init"]), code, message);
    assert.deepEqual(project.migrationFiles(), [], "no migration is written");
  } finally {
    await project.cleanup();
  }
}

describe("PostgreSQL declarations generate cannot render", () => {
  test("E140 an array default given as a JSON string: generate stops, exit 2, naming the column and the fix", async () => {
    await generateFails(
      entity(`  @Column({ type: "enum", enum: ["player", "admin"], array: true, default: '["player"]' }) roles: string[];`),
      2,
      /^error: Column Player\.roles is an array, and its default "\[\\"player\\"\]" is not a PostgreSQL array literal, which the database would refuse when the migration runs: write it as an array \(default: \["player"\]\) or as array literal text \(default: "\{player\}"\)\.$/m,
    );
  });

  test("E141 an enum column naming a type (enumName) that no column gives values: generate stops, exit 2", async () => {
    await generateFails(
      entity(`  @Column({ type: "enum", enumName: "player_level" }) level: string;`),
      2,
      /^error: Column Player\.level uses the enum type "player_level" by name, and no column declares its values: give one column with enumName "player_level" its values \(enum: \[\.\.\.\] or a TypeScript enum\)\.$/m,
    );
  });
});

const EXTENSION_TYPES = entity(`  @Column({ type: "citext" }) email: string;
  @Column({ type: "hstore", nullable: true }) attributes: Record<string, string> | null;`);

/** The extensions installed in the project's database, with whether a migration created them. */
async function extensions(project: TestProject): Promise<Record<string, boolean>> {
  const rows = await project.query<{ extname: string; mine: boolean }>(
    `SELECT extname, coalesce(obj_description(oid, 'pg_extension') LIKE '%(created by an Athanor migration)', false) AS mine
     FROM pg_extension WHERE extname IN ('citext', 'hstore') ORDER BY extname`,
  );
  return Object.fromEntries(rows.map((row) => [row.extname, row.mine]));
}

describe("PostgreSQL column types an extension defines", () => {
  test("citext and hstore: the migration creates the extensions first, and its revert drops only those it created", async () => {
    const dev = await TestProject.create("postgres", { "Player.ts": EXTENSION_TYPES });
    const fresh = await TestProject.create("postgres", { "Player.ts": EXTENSION_TYPES });
    try {
      // The developer's database has citext already (installed by hand).
      await dev.query(`CREATE EXTENSION citext`);
      const generated = await dev.ok(["generate", "Init"]);
      assert.match(generated.stdout, /create extension citext if the database lacks it/);
      const source = dev.readMigration(dev.migrationFiles()[0]);
      assert.match(source, /Extension hstore \(for players\.attributes\) is created if the database lacks it/);
      assert.ok(source.indexOf(`createExtension("hstore")`) < source.indexOf("createTable("), "the extension comes first");

      // A database that has neither, behind a DataSource that leaves extensions
      // alone (TypeORM otherwise creates them when it connects): run creates
      // both, and nothing is left to do.
      fresh.addServerOptions("installExtensions: false");
      fresh.copyMigrationsFrom(dev);
      await fresh.ok(["run"]);
      assert.deepEqual(await extensions(fresh), { citext: true, hstore: true });
      await fresh.ok(["generate", "--check"]);
      await assertTypeormAgrees(fresh);
      await fresh.ok(["revert"]);
      assert.deepEqual(await extensions(fresh), {}, "revert drops the extensions the migration created");

      // Where citext was there before, revert leaves it.
      await dev.ok(["run"]);
      await dev.ok(["generate", "--check"]);
      await dev.ok(["revert"]);
      assert.equal((await extensions(dev)).citext, false, "citext, installed by hand, stays");
    } finally {
      await dev.cleanup();
      await fresh.cleanup();
    }
  });

  test("E142 a type whose extension the server does not have (pgvector): generate stops, exit 3, naming the column and the extension", async () => {
    await generateFails(
      entity(`  @Column({ type: "vector", length: 3, nullable: true }) embedding: string | null;`),
      3,
      /^error: Column players\.embedding has type "vector", which needs the PostgreSQL extension "vector", and this PostgreSQL server does not have pgvector, the extension "vector" \(it is not in pg_available_extensions\): install it on the server, or give the column another type, then run generate again\.$/m,
    );
  });

  test("E143 a migration that needs an extension the server does not have: run stops before it changes anything, exit 3", async () => {
    const project = await TestProject.create("postgres");
    try {
      writeFileSync(
        join(project.dir, "migrations", "1700000000000-Vectors.ts"),
        `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
export class Vectors1700000000000 implements MigrationInterface {
  name = "Vectors1700000000000";
  async up(queryRunner: QueryRunner) {
    await op(queryRunner).createTable({ name: "before_vectors", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], indexes: [], foreignKeys: [], checks: [] });
    await op(queryRunner).createExtension("vector");
  }
  async down(queryRunner: QueryRunner) {
    await op(queryRunner).dropExtension("vector");
    await op(queryRunner).dropTable({ name: "before_vectors", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], indexes: [], foreignKeys: [], checks: [] });
  }
}
`,
      );
      await project.ok(["sum"]);
      const result = await project.cli(["run"]);
      assertUserError(
        result,
        3,
        /^error: Migration Vectors1700000000000 failed \(it was rolled back and nothing was recorded\): Cannot create the PostgreSQL extension "vector": this PostgreSQL server does not have pgvector, the extension "vector" \(it is not in pg_available_extensions\): install it on the server, then run the migration again\.$/m,
      );
      assert.deepEqual(await project.query(`SELECT to_regclass('before_vectors') AS t`), [{ t: null }], "nothing of it stays");
    } finally {
      await project.cleanup();
    }
  });
});

describe("PostgreSQL: a populated table gets extension types", () => {
  test("varchar → citext and a new hstore column: the extensions come first, rows survive, revert restores v1", async () => {
    const v1 = entity(`  @Column({ type: "varchar", length: 100 }) email: string;`);
    const v2 = entity(`  @Column({ type: "citext" }) email: string;
  @Column({ type: "hstore", nullable: true }) attributes: Record<string, string> | null;`);
    const { project, v1Schema } = await atVersion1("postgres", {
      v1: { "Player.ts": v1 },
      seed: [`INSERT INTO players (email) VALUES ('Ann@Example.com'), ('bob@example.com')`],
    });
    try {
      const generated = await generateVersion2(project, { "Player.ts": v2 });
      assert.ok(generated.up.indexOf(`createExtension("citext")`) < generated.up.indexOf("alterColumn("), "citext comes first");
      assert.ok(generated.up.indexOf(`createExtension("hstore")`) < generated.up.indexOf("addColumn("), "hstore comes first");
      await project.ok(["run"]);
      assert.deepEqual(
        await rows(project, `SELECT email FROM players WHERE email = 'ann@example.com'`),
        [{ email: "Ann@Example.com" }],
        "citext compares without case",
      );
      await assertNoChanges(project);
      await assertTypeormAgrees(project);

      await project.ok(["revert"]);
      assertSameSchema("postgres", await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, `SELECT email FROM players ORDER BY id`), [
        { email: "Ann@Example.com" },
        { email: "bob@example.com" },
      ]);
    } finally {
      await project.cleanup();
    }
  });
});
