/**
 * Views (`@ViewEntity`, issue #21) on a database with rows, on SQLite and
 * PostgreSQL (there with a materialized view too): v1 creates the table and
 * the views; v2 widens a column the views read, so the views are dropped
 * before the change and re-created after it (PostgreSQL refuses to change
 * the type of a column a view uses; SQLite's rebuild cannot put the table
 * back while a view names it); v3 changes one view's expression and removes
 * another. Each step runs, reverts and runs again; the rows read through
 * the views survive; and TypeORM's own schema builder, reading the
 * typeorm_metadata rows Athanor wrote, has nothing to do.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject, type DialectName } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { assertUserError } from "../support/bad-input";
import { assertTypeormAgrees, projectEntities } from "../support/typeorm-agrees";
import { DataSource, type DataSourceOptions } from "typeorm";

const ITEM_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @Column({ type: "integer" }) price: number;
}
`;

/** v2: title is wider; both views read it. */
const ITEM_V2 = ITEM_V1.replace(`length: 20`, `length: 200`);

/** A view given as SQL text, with the spaces TypeORM trims. */
const TITLES_V1 = `import { ViewColumn, ViewEntity } from "typeorm";

@ViewEntity({ name: "item_titles", expression: \`
  SELECT "id", "title" FROM "items" WHERE "price" > 0
\` })
export class ItemTitle {
  @ViewColumn() id: number;
  @ViewColumn() title: string;
}
`;

const TITLES_V3 = TITLES_V1.replace(`WHERE "price" > 0`, `WHERE "price" > 10`);

/** A view given as a query builder, reading the other view (dependsOn). */
const SUMMARY = `import { DataSource, ViewColumn, ViewEntity } from "typeorm";
import { ItemTitle } from "./ItemTitle";

@ViewEntity({
  name: "item_title_lengths",
  dependsOn: [ItemTitle],
  expression: (dataSource: DataSource) =>
    dataSource.createQueryBuilder().select("t.id", "id").addSelect("length(t.title)", "size").from(ItemTitle, "t"),
})
export class ItemTitleLength {
  @ViewColumn() id: number;
  @ViewColumn() size: number;
}
`;

const TOTALS = `import { ViewColumn, ViewEntity } from "typeorm";

@ViewEntity({ name: "item_totals", materialized: true, expression: \`SELECT count(*) AS "count", sum("price") AS "total", max("title") AS "last" FROM "items"\` })
export class ItemTotal {
  @ViewColumn() count: number;
  @ViewColumn() total: number;
  @ViewColumn() last: string;
}
`;

function version1(dialect: DialectName): Record<string, string> {
  const files: Record<string, string> = { "Item.ts": ITEM_V1, "ItemTitle.ts": TITLES_V1, "ItemTitleLength.ts": SUMMARY };
  if (dialect === "postgres") files["ItemTotal.ts"] = TOTALS;
  return files;
}

const SEED = [
  `INSERT INTO items (title, price) VALUES ('apple', 5)`,
  `INSERT INTO items (title, price) VALUES ('banana', 15)`,
  `INSERT INTO items (title, price) VALUES ('free', 0)`,
];

const THROUGH_VIEWS = `SELECT t.id, t.title, l.size FROM item_titles t JOIN item_title_lengths l ON l.id = t.id ORDER BY t.id`;

for (const dialect of DIALECTS) {
  describe(`${dialect}: views are created, re-created around a column change, changed and dropped`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    const v1 = version1(dialect);
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1, seed: SEED })));
    after(async () => project.cleanup());

    test("v1 creates the views after the table, records them for TypeORM, and nothing is left to generate", async () => {
      const source = project.readMigration(project.migrationFiles()[0]);
      const up = source.slice(source.indexOf("async up("), source.indexOf("async down("));
      const order = ["createTable(", `name: "item_titles"`, `name: "item_title_lengths"`].map((mark) => up.indexOf(mark));
      assert.ok(
        order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])),
        `unexpected order:\n${up}`,
      );
      assert.match(
        up,
        /createView\(\{\s*name: "item_titles",\s*expression: 'SELECT "id", "title" FROM "items" WHERE "price" > 0',?\s*\}\)/,
      );
      assert.deepEqual(
        Object.keys(v1Schema.views ?? {}).sort(),
        Object.keys(v1).length === 4 ? ["item_title_lengths", "item_titles", "item_totals"] : ["item_title_lengths", "item_titles"],
      );
      if (dialect === "postgres") {
        assert.equal(v1Schema.views!.item_totals.materialized, true);
        const [kind] = await project.query(`SELECT relkind FROM pg_class WHERE relname = 'item_totals'`);
        assert.equal(kind.relkind, "m");
        // Filled when created, before the seed; a refresh reads the rows.
        await project.query(`REFRESH MATERIALIZED VIEW item_totals`);
        assert.deepEqual(await rows(project, `SELECT count, total FROM item_totals`), [{ count: "3", total: "20" }]);
      }
      assert.deepEqual(await rows(project, THROUGH_VIEWS), [
        { id: "1", title: "apple", size: "5" },
        { id: "2", title: "banana", size: "6" },
      ]);
      await assertTypeormAgrees(project, "v1", Object.keys(v1));
      await assertNoChanges(project);
    });

    test("v2 widens a column the views read: the views are dropped before and re-created after, both ways", async () => {
      const generated = await generateVersion2(project, { "Item.ts": ITEM_V2 });
      const up = generated.up;
      const at = (mark: string) => up.indexOf(mark);
      assert.ok(at("alterColumn(") > 0, up);
      const drops = [...up.matchAll(/dropView\(\{\s*name: "(\w+)"/g)].map((m) => m[1]);
      const creates = [...up.matchAll(/createView\(\{\s*name: "(\w+)"/g)].map((m) => m[1]);
      const views = dialect === "postgres" ? ["item_title_lengths", "item_titles", "item_totals"] : ["item_title_lengths", "item_titles"];
      assert.deepEqual([...drops].sort(), views);
      assert.deepEqual([...creates].sort(), views);
      // The view reading the other view goes first and comes back last.
      assert.ok(drops.indexOf("item_title_lengths") < drops.indexOf("item_titles"), up);
      assert.ok(creates.indexOf("item_titles") < creates.indexOf("item_title_lengths"), up);
      assert.ok(up.lastIndexOf("dropView(") < at("alterColumn("), up);
      assert.ok(at("createView(") > at("alterColumn("), up);
      if (dialect === "postgres") {
        assert.match(generated.header, /materialized view item_totals is dropped and created again: it runs its query over every/);
      }

      await project.ok(["run"]);
      await project.query(`INSERT INTO items (title, price) VALUES ('${"x".repeat(150)}', 50)`);
      assert.equal((await rows(project, THROUGH_VIEWS)).length, 3);
      await assertTypeormAgrees(project, "views", Object.keys(v1));
      await assertNoChanges(project);

      await project.query(`DELETE FROM items WHERE price = 50`);
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.equal((await rows(project, THROUGH_VIEWS)).length, 2);
      await project.ok(["run"]);
      assert.equal((await rows(project, THROUGH_VIEWS)).length, 2);
    });

    test("v3 changes a view's expression and removes another: dropped and created, revert restores them", async () => {
      const before = await project.introspect();
      project.writeEntity("ItemTitle.ts", TITLES_V3);
      project.removeEntity("ItemTitleLength.ts");
      await project.ok(["generate", "V3", "--no-interactive"]);
      const source = project.readMigration(project.migrationFiles().find((file) => file.endsWith("-V3.ts"))!);
      const generated = { up: source.slice(source.indexOf("async up("), source.indexOf("async down(")) };
      assert.match(generated.up, /dropView\(\{\s*name: "item_title_lengths"/);
      assert.match(
        generated.up,
        /createView\(\{\s*name: "item_titles",\s*expression: 'SELECT "id", "title" FROM "items" WHERE "price" > 10'/,
      );
      assert.doesNotMatch(generated.up, /createView\(\{\s*name: "item_title_lengths"/);
      assert.doesNotMatch(generated.up, /createTable|dropTable|Column\(/);
      await project.ok(["run"]);
      assert.deepEqual(await rows(project, `SELECT id, title FROM item_titles ORDER BY id`), [{ id: "2", title: "banana" }]);
      const left = Object.keys((await project.introspect()).views ?? {}).sort();
      assert.deepEqual(left, dialect === "postgres" ? ["item_titles", "item_totals"] : ["item_titles"]);
      const v3Files = Object.keys(v1).filter((file) => file !== "ItemTitleLength.ts");
      await assertTypeormAgrees(project, "views", v3Files);
      await assertNoChanges(project);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      assert.equal((await rows(project, THROUGH_VIEWS)).length, 2);
    });

    test("revert to base drops every view and its typeorm_metadata row", async () => {
      await project.ok(["revert", "--to", "base"]);
      const schema = await project.introspect();
      assert.deepEqual(Object.keys(schema.tables), []);
      assert.equal(schema.views, undefined);
      assert.deepEqual(await project.query(`SELECT name FROM typeorm_metadata`), []);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: views in raw SQL migrations and offline SQL`, () => {
    let project: TestProject;
    const v1 = version1(dialect);
    before(async () => {
      project = await TestProject.create(dialect, v1);
    });
    after(async () => project.cleanup());

    test("run --sql prints the views' statements; generate --sql writes them; both run and revert", async () => {
      await project.ok(["generate", "Portable"]);
      const script = (await project.ok(["run", "--sql"])).stdout;
      assert.match(script, /CREATE TABLE IF NOT EXISTS "typeorm_metadata"/);
      assert.match(script, /CREATE VIEW "item_titles" AS SELECT "id", "title" FROM "items" WHERE "price" > 0/);
      assert.match(
        script,
        /INSERT INTO "typeorm_metadata".*'VIEW', 'item_titles', 'SELECT "id", "title" FROM "items" WHERE "price" > 0'\)/,
      );
      if (dialect === "postgres") assert.match(script, /CREATE MATERIALIZED VIEW "item_totals" AS/);
      assert.ok(script.indexOf(`CREATE VIEW "item_titles"`) < script.indexOf(`CREATE VIEW "item_title_lengths"`), script);
      assert.ok(script.indexOf(`CREATE TABLE "items"`) < script.indexOf(`CREATE VIEW "item_titles"`), script);

      // The same schema as raw SQL, in a project of its own.
      const raw = await TestProject.create(dialect, v1);
      try {
        await raw.ok(["generate", "--sql", "Raw"]);
        const source = raw.readMigration(raw.migrationFiles()[0]);
        assert.doesNotMatch(source, /op\(queryRunner\)/);
        assert.match(source, /CREATE VIEW "item_title_lengths" AS/);
        assert.match(source, /DELETE FROM "typeorm_metadata" WHERE "type" = 'VIEW' AND "name" = 'item_title_lengths'/);
        await raw.ok(["run"]);
        const expected =
          dialect === "postgres" ? ["item_title_lengths", "item_titles", "item_totals"] : ["item_title_lengths", "item_titles"];
        assert.deepEqual(Object.keys((await raw.introspect()).views ?? {}).sort(), expected);
        assert.deepEqual(Object.keys((await project.introspect()).views ?? {}), [], "run --sql ran nothing");
        await assertTypeormAgrees(raw, "views", Object.keys(v1));
        await assertNoChanges(raw);
        await raw.ok(["revert"]);
        assert.equal((await raw.introspect()).views, undefined);
      } finally {
        await raw.cleanup();
      }
    });
  });
}

describe("view entities a user must fix", () => {
  const BAD_VIEWS: Array<{ name: string; source: string; message: RegExp }> = [
    {
      name: "E130 a @ViewEntity without an expression",
      source: `import { ViewColumn, ViewEntity } from "typeorm";\n\n@ViewEntity({ name: "item_titles" })\nexport class ItemTitle {\n  @ViewColumn() id: number;\n}\n`,
      message:
        /^error: View entity ItemTitle has no expression: give its @ViewEntity an expression, SQL text or a function of the DataSource returning a query builder\.$/m,
    },
    {
      name: "E131 a @ViewEntity expression function that throws",
      source: `import { ViewColumn, ViewEntity } from "typeorm";\n\n@ViewEntity({ name: "item_titles", expression: () => { throw new Error("REPORTS_SCHEMA is not set"); } })\nexport class ItemTitle {\n  @ViewColumn() id: number;\n}\n`,
      message:
        /^error: The expression of view entity ItemTitle failed: REPORTS_SCHEMA is not set: fix the function given as expression in its @ViewEntity and run again\.$/m,
    },
  ];
  for (const row of BAD_VIEWS) {
    test(row.name, async () => {
      const project = await TestProject.create("sqlite", { "Item.ts": ITEM_V1, "ItemTitle.ts": row.source });
      try {
        const result = await project.cli(["generate", "Views"]);
        assertUserError(result, 2, row.message);
        assert.deepEqual(project.migrationFiles(), [], "no migration written");
      } finally {
        await project.cleanup();
      }
    });
  }
});

for (const dialect of [...DIALECTS, "mariadb"] as const) {
  test(`${dialect}: after Athanor builds the corpus's view definitions, TypeORM's schema builder has nothing to do; check and verify agree`, async () => {
    const files = dialect === "postgres" ? ["v80-views.ts", "v81-materialized-view.ts"] : ["v80-views.ts"];
    const project = await TestProject.create(dialect);
    try {
      for (const file of files) project.writeEntity(file, readFileSync(join(__dirname, "..", "corpus", "definitions", file), "utf8"));
      await project.ok(["generate", "CorpusViews"]);
      await project.ok(["run"]);
      await assertTypeormAgrees(project, "views", files);
      await project.ok(["check"]);
      // verify replays migrations on a scratch database, which Athanor cannot create on MariaDB yet.
      if (dialect !== "mariadb") await project.ok(["verify"]);
      else await assertNoChanges(project);
    } finally {
      await project.cleanup();
    }
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a column renamed under a view (--rename) keeps the rows; the view follows; revert renames back`, async () => {
    const titles = (column: string) =>
      `import { ViewColumn, ViewEntity } from "typeorm";\n\n@ViewEntity({ name: "item_titles", expression: \`SELECT "id", "${column}" FROM "items"\` })\nexport class ItemTitle {\n  @ViewColumn() id: number;\n  @ViewColumn() ${column}: string;\n}\n`;
    const { project, v1Schema } = await atVersion1(dialect, { v1: { "Item.ts": ITEM_V1, "ItemTitle.ts": titles("title") }, seed: SEED });
    try {
      const generated = await generateVersion2(
        project,
        { "Item.ts": ITEM_V1.replace("title: string", "name: string"), "ItemTitle.ts": titles("name") },
        ["--rename", "items.title=name"],
      );
      const steps = [...generated.up.matchAll(/(dropView|renameColumn|createView)\(/g)].map((m) => m[1]);
      assert.deepEqual(steps, ["dropView", "renameColumn", "createView"], generated.up);
      await project.ok(["run"]);
      assert.deepEqual(await rows(project, `SELECT id, name FROM item_titles ORDER BY id`), [
        { id: "1", name: "apple" },
        { id: "2", name: "banana" },
        { id: "3", name: "free" },
      ]);
      const files = ["Item.ts", "ItemTitle.ts"];
      await assertTypeormAgrees(project, "views", files);
      await assertNoChanges(project);
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(
        (await rows(project, `SELECT title FROM item_titles ORDER BY id`)).map((row) => row.title),
        ["apple", "banana", "free"],
      );
    } finally {
      await project.cleanup();
    }
  });
}

/**
 * MariaDB (issue #18): the same views in MySQL's spelling (backticks, what
 * TypeORM's query builder writes there). The server keeps a view's SQL
 * rewritten (names qualified by the database, aliases added, `length` as
 * `octet_length`); what is compared is the expression TypeORM stored in
 * typeorm_metadata, so a database built by TypeORM's synchronize, and one
 * Athanor built, both have nothing to generate.
 */
const MY_TITLES_V1 = `import { ViewColumn, ViewEntity } from "typeorm";

@ViewEntity({ name: "item_titles", expression: \`
  SELECT \\\`id\\\`, \\\`title\\\` FROM \\\`items\\\` WHERE \\\`price\\\` > 0
\` })
export class ItemTitle {
  @ViewColumn() id: number;
  @ViewColumn() title: string;
}
`;
const MY_TITLES_V3 = MY_TITLES_V1.replace("\\`price\\` > 0", "\\`price\\` > 10");
const MY_VIEWS = { "Item.ts": ITEM_V1, "ItemTitle.ts": MY_TITLES_V1, "ItemTitleLength.ts": SUMMARY };

describe("mariadb: a database TypeORM's synchronize built with views has nothing to generate", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("mariadb", MY_VIEWS);
  });
  after(async () => project.cleanup());

  test("synchronize, then generate finds nothing and TypeORM agrees", async () => {
    const ds = new DataSource({
      ...project.dataSourceOptions(),
      entities: projectEntities(project),
      synchronize: true,
    } as DataSourceOptions);
    await ds.initialize();
    try {
      // The server's own text differs from the entity's: it is not what is compared.
      const [definition] = await ds.query(
        `SELECT VIEW_DEFINITION AS text FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'item_titles'`,
      );
      assert.match(definition.text, /from `athanor_e2e_\w+`\.`items`/);
    } finally {
      await ds.destroy();
    }
    for (const sql of SEED) await project.query(sql);
    assert.equal((await rows(project, THROUGH_VIEWS)).length, 2);
    const schema = await project.introspect();
    assert.deepEqual(Object.keys(schema.tables), ["items"], "typeorm_metadata is TypeORM's, not a table of the model");
    assert.deepEqual(schema.views, {
      item_title_lengths: {
        name: "item_title_lengths",
        expression: "SELECT `t`.`id` AS `id`, length(`t`.`title`) AS `size` FROM `item_titles` `t`",
      },
      item_titles: { name: "item_titles", expression: "SELECT `id`, `title` FROM `items` WHERE `price` > 0" },
    });
    await assertNoChanges(project);
    await assertTypeormAgrees(project, "synchronize");
  });
});

describe("mariadb: views are created, re-created around a column change, changed and dropped", () => {
  let project: TestProject;
  let v1Schema: Schema;
  before(async () => ({ project, v1Schema } = await atVersion1("mariadb", { v1: MY_VIEWS, seed: SEED })));
  after(async () => project.cleanup());

  test("v1 creates the views after the table, records them for TypeORM, and nothing is left to generate", async () => {
    const up = project.readMigration(project.migrationFiles()[0]);
    assert.ok(up.indexOf("createTable(") < up.indexOf(`name: "item_titles"`), up);
    assert.ok(up.indexOf(`name: "item_titles"`) < up.indexOf(`name: "item_title_lengths"`), up);
    assert.deepEqual(Object.keys(v1Schema.views ?? {}).sort(), ["item_title_lengths", "item_titles"]);
    const recorded = await project.query(`SELECT \`schema\` = DATABASE() AS here, \`type\`, name FROM typeorm_metadata`);
    assert.deepEqual(
      recorded.map((row) => `${row.type} ${row.name} ${row.here}`).sort(),
      ["VIEW item_title_lengths 1", "VIEW item_titles 1"],
      "TypeORM's rows: type VIEW, schema the current database",
    );
    assert.deepEqual(await rows(project, THROUGH_VIEWS), [
      { id: "1", title: "apple", size: "5" },
      { id: "2", title: "banana", size: "6" },
    ]);
    await assertTypeormAgrees(project, "v1");
    await assertNoChanges(project);
  });

  test("v2 widens a column the views read: the views are dropped before and re-created after, both ways", async () => {
    const generated = await generateVersion2(project, { "Item.ts": ITEM_V2 });
    const drops = [...generated.up.matchAll(/dropView\(\{\s*name: "(\w+)"/g)].map((m) => m[1]);
    const creates = [...generated.up.matchAll(/createView\(\{\s*name: "(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(drops, ["item_title_lengths", "item_titles"]);
    assert.deepEqual(creates, ["item_titles", "item_title_lengths"]);
    await project.ok(["run"]);
    await project.query(`INSERT INTO items (title, price) VALUES ('${"x".repeat(150)}', 50)`);
    assert.equal((await rows(project, THROUGH_VIEWS)).length, 3);
    await assertTypeormAgrees(project, "v2");
    await assertNoChanges(project);

    await project.query(`DELETE FROM items WHERE price = 50`);
    await project.ok(["revert"]);
    assertSameSchema("mariadb", await project.introspect(), v1Schema);
    assert.equal((await rows(project, THROUGH_VIEWS)).length, 2);
    await project.ok(["run"]);
  });

  test("v3 changes a view's expression and removes another; revert restores them; revert to base leaves no view and no row", async () => {
    const before = await project.introspect();
    project.writeEntity("ItemTitle.ts", MY_TITLES_V3);
    project.removeEntity("ItemTitleLength.ts");
    await project.ok(["generate", "V3", "--no-interactive"]);
    await project.ok(["run"]);
    assert.deepEqual(await rows(project, `SELECT id, title FROM item_titles ORDER BY id`), [{ id: "2", title: "banana" }]);
    assert.deepEqual(Object.keys((await project.introspect()).views ?? {}), ["item_titles"]);
    await assertTypeormAgrees(project, "v3");
    await assertNoChanges(project);
    await project.ok(["revert"]);
    assertSameSchema("mariadb", await project.introspect(), before);

    await project.ok(["revert", "--to", "base"]);
    const schema = await project.introspect();
    assert.deepEqual(Object.keys(schema.tables), []);
    assert.equal(schema.views, undefined);
    assert.deepEqual(await project.query(`SELECT name FROM typeorm_metadata`), []);
    assert.deepEqual(await project.query(`SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()`), []);
  });

  test("generate --sql writes the views' statements in MySQL's quoting; they run", async () => {
    const raw = await TestProject.create("mariadb", MY_VIEWS);
    try {
      await raw.ok(["generate", "--sql", "Raw"]);
      const source = raw.readMigration(raw.migrationFiles()[0]);
      assert.match(source, /CREATE TABLE IF NOT EXISTS `typeorm_metadata`/);
      assert.match(source, /CREATE VIEW `item_titles` AS SELECT `id`, `title` FROM `items` WHERE `price` > 0/);
      assert.match(source, /DELETE FROM `typeorm_metadata` WHERE `type` = 'VIEW' AND `name` = 'item_title_lengths'/);
      await raw.ok(["run"]);
      assert.deepEqual(Object.keys((await raw.introspect()).views ?? {}).sort(), ["item_title_lengths", "item_titles"]);
      await assertTypeormAgrees(raw, "raw");
      await assertNoChanges(raw);
    } finally {
      await raw.cleanup();
    }
  });
});
