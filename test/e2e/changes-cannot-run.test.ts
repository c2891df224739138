/**
 * Migrations that cannot run (issue #23): a generated migration must never
 * fail at `run` for a reason `generate` could have seen.
 *
 * - `@Index("name", { synchronize: false })` means "TypeORM does not manage
 *   this index": Athanor neither creates it (TypeORM gives it no columns) nor
 *   drops an index of that name the database has, on both dialects.
 * - A numeric default on a PostgreSQL enum column is a label: `DEFAULT '1'`,
 *   not `DEFAULT 1` (which PostgreSQL refuses for an enum type).
 * - A NUL character cannot be sent to PostgreSQL: a comment, a string default
 *   or an enum value holding one is refused by `generate` (E150, E151),
 *   naming the entity and the property.
 * - An enum default that is not one of the values (PostgreSQL refuses the
 *   CREATE TABLE) is refused by `generate` too (E152).
 *
 * Each database Athanor builds here is also one TypeORM's own schema builder
 * has nothing to do on (on SQLite: nothing besides the primary-key rebuilds
 * another branch removes).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, TestProject } from "../support/project";
import { assertNoChanges, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertTypeormAgrees } from "../support/typeorm-agrees";

const MANUAL_INDEX = `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

// The index is made by hand (an expression TypeORM cannot declare): TypeORM leaves it alone.
@Entity({ name: "items" })
@Index("IDX_items_lower_title", { synchronize: false })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) title: string;
  @Index("IDX_items_code_manual", { synchronize: false })
  @Column({ type: "integer", default: 0 }) code: number;
}
`;

async function indexNames(project: TestProject): Promise<string[]> {
  const sql = {
    postgres: `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'items' AND indexname LIKE 'IDX_%' ORDER BY 1`,
    sqlite: `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND name LIKE 'IDX_%' ORDER BY 1`,
    mariadb:
      `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS ` +
      `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items' AND INDEX_NAME LIKE 'IDX\\_%' ORDER BY 1`,
  }[project.dialect];
  return (await project.query<{ name: string }>(sql)).map((row) => row.name);
}

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: an index with synchronize: false is left alone`, () => {
    let project: TestProject;
    before(async () => (project = await TestProject.create(dialect, { "Item.ts": MANUAL_INDEX })));
    after(async () => project.cleanup());

    test("generate creates no index for it, and does not drop the one made by hand", async () => {
      const generated = await project.ok(["generate", "V1"]);
      const file = project.migrationFiles().find((f) => f.endsWith("-V1.ts"))!;
      const source = project.readMigration(file);
      assert.doesNotMatch(source, /IDX_items_lower_title|IDX_items_code_manual/, generated.stdout);
      assert.doesNotMatch(source, /createIndex/);
      await project.ok(["run"]);
      assert.deepEqual(await indexNames(project), []);

      // What synchronize: false is for: indexes the user makes by hand.
      // MariaDB has no expression indexes: a prefix index, which TypeORM cannot declare either.
      await project.query(
        dialect === "mariadb"
          ? "CREATE INDEX `IDX_items_lower_title` ON `items` (`title`(10))"
          : `CREATE INDEX "IDX_items_lower_title" ON "items" (lower("title"))`,
      );
      await project.query(
        dialect === "mariadb"
          ? "CREATE INDEX IDX_items_code_manual ON items (code)"
          : `CREATE INDEX "IDX_items_code_manual" ON "items" ("code")`,
      );
      await project.query(`INSERT INTO items (title, code) VALUES ('A', 1), ('b', 2)`);
      await assertNoChanges(project);
      const check = await project.cli(["generate", "--check"]);
      assert.doesNotMatch(check.stdout, /IDX_items/);
      await assertTypeormAgrees(project);

      // A change to the table keeps the hand-made indexes (SQLite rebuilds the table for it).
      const v2 = MANUAL_INDEX.replace(`length: 40 }) title`, `length: 40, nullable: true }) title`);
      const migration = await generateVersion2(project, { "Item.ts": v2 });
      assert.doesNotMatch(migration.source, /IDX_items/);
      await project.ok(["run"]);
      assert.deepEqual(await indexNames(project), ["IDX_items_code_manual", "IDX_items_lower_title"]);
      assert.deepEqual(await rows(project, `SELECT title, code FROM items ORDER BY id`), [
        { title: "A", code: "1" },
        { title: "b", code: "2" },
      ]);
      await assertNoChanges(project);
      await project.ok(["revert"]);
      assert.deepEqual(await indexNames(project), ["IDX_items_code_manual", "IDX_items_lower_title"]);
      await project.ok(["revert"]);
      assert.deepEqual(await project.query(`SELECT 1 FROM migrations`), []);
    });
  });
}

const level = (defaultValue: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tickets" })
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @Column({ type: "enum", enum: ["1", "2", "3"], default: ${defaultValue} }) level: string;
}
`;

describe("postgres: a numeric default on an enum column", () => {
  let project: TestProject;
  before(async () => {
    ({ project } = await atVersion1("postgres", {
      v1: { "Ticket.ts": level("1") },
      seed: [`INSERT INTO tickets (title) VALUES ('first')`],
    }));
  });
  after(async () => project.cleanup());

  test("is rendered as the enum label, in CREATE TABLE and in SET DEFAULT; revert restores it", async () => {
    assert.deepEqual(await rows(project, `SELECT title, level::text AS level FROM tickets`), [{ title: "first", level: "1" }]);
    await assertNoChanges(project);
    await assertTypeormAgrees(project);

    const generated = await generateVersion2(project, { "Ticket.ts": level("3") });
    assert.match(generated.up, /alterColumn/);
    await project.ok(["run"]);
    await project.query(`INSERT INTO tickets (title) VALUES ('second')`);
    assert.deepEqual(await rows(project, `SELECT title, level::text AS level FROM tickets ORDER BY id`), [
      { title: "first", level: "1" },
      { title: "second", level: "3" },
    ]);
    await assertNoChanges(project);
    await assertTypeormAgrees(project);

    await project.ok(["revert"]);
    await project.query(`INSERT INTO tickets (title) VALUES ('third')`);
    assert.deepEqual(await rows(project, `SELECT level::text AS level FROM tickets WHERE title = 'third'`), [{ level: "1" }]);
  });
});

const commented = (column: string, table: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "notes"${table} })
export class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20${column} }) body: string;
}
`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: a NUL character in a comment, a default or an enum value`, () => {
    test("E150 in a column comment: generate stops, naming the entity and the property", async () => {
      const project = await TestProject.create(dialect, { "Note.ts": commented(`, comment: "a\\u0000b"`, "") });
      try {
        const result = await project.cli(["generate", "V1"]);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /^error: Column Note\.body has a comment holding a NUL character \(\\0\), which a database cannot store: remove it from the comment in its @Column decorator\.$/m,
        );
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        assert.deepEqual(project.migrationFiles(), []);
      } finally {
        await project.cleanup();
      }
    });

    for (const [what, declaration] of [
      ["a default", `, default: "x\\u0000y"`],
      ["an enum value", `, enum: ["plain", "odd\\u0000"], default: "plain"`],
    ] as const) {
      test(`E150 in ${what}: generate stops, naming the entity and the property`, async () => {
        const source = commented(declaration, "").replace(
          'type: "varchar", length: 20',
          what === "a default" ? 'type: "varchar", length: 20' : 'type: "simple-enum"',
        );
        const project = await TestProject.create(dialect, { "Note.ts": source });
        try {
          const result = await project.cli(["generate", "V1"]);
          assert.equal(result.code, 2, result.stdout + result.stderr);
          const holder = what.replace(/^an? /, "");
          assert.match(
            result.stderr,
            new RegExp(
              `^error: Column Note\\.body has ${what} holding a NUL character \\(\\\\0\\), which a database cannot store: remove it from the ${holder} in its @Column decorator\\.$`,
              "m",
            ),
          );
          assert.deepEqual(project.migrationFiles(), []);
        } finally {
          await project.cleanup();
        }
      });
    }

    test("E151 in a table comment: generate stops, naming the entity", async () => {
      const project = await TestProject.create(dialect, { "Note.ts": commented("", `, comment: "x\\u0000"`) });
      try {
        const result = await project.cli(["generate", "V1"]);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /^error: Entity Note has a table comment holding a NUL character \(\\0\), which a database cannot store: remove it from the comment in its @Entity decorator\.$/m,
        );
        assert.deepEqual(project.migrationFiles(), []);
      } finally {
        await project.cleanup();
      }
    });
  });
}

const badEnumDefault = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "orders" })
export class Order {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: ["new", "paid"], default: "shipped" }) state: string;
}
`;

for (const dialect of DIALECTS_AND_MARIADB) {
  test(`${dialect}: E152 an enum default that is not one of the values: generate stops, naming the entity and the property`, async () => {
    const project = await TestProject.create(dialect, { "Order.ts": badEnumDefault });
    try {
      const result = await project.cli(["generate", "V1"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^error: Column Order\.state has the default "shipped", which is not one of its enum values \("new", "paid"\): make the default one of them, or add it to the enum\.$/m,
      );
      assert.deepEqual(project.migrationFiles(), []);
    } finally {
      await project.cleanup();
    }
  });
}
