/**
 * Foreign and primary key changes on tables with rows, v1 → v2 in one
 * migration, on both dialects: a foreign key whose ON DELETE changes
 * (CASCADE → SET NULL), one dropped, one that becomes deferrable, a
 * self-referencing one added, a composite (unnamed) one added; a primary key that
 * gains a column and one whose columns change. The database then enforces
 * v2's keys (the new action fires, the deferred key waits for the commit),
 * revert brings back v1's, and every row survives both.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertNoChangesAtVersion1, assertRejected, inTransaction } from "../support/constraints";
import { pairTest } from "../support/not-on-mariadb";
import type { Schema } from "../../src/schema/model";

const AUTHOR = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) name: string;
}
`;

/** `deferrable`: whether v2's editor key waits for the commit (MySQL has none: see NOT_ON_MARIADB). */
const book = (v2: boolean, deferrable = true) => `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

@Entity({ name: "books" })
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @Column({ type: "integer", nullable: true }) author_id: number | null;
  @ManyToOne(() => Author, { onDelete: "${v2 ? "SET NULL" : "CASCADE"}" })
  @JoinColumn({ name: "author_id", foreignKeyConstraintName: "FK_books_author" })
  author: Author;
  @Column({ type: "integer", nullable: true }) reviewer_id: number | null;
${
  v2
    ? ""
    : `  @ManyToOne(() => Author)
  @JoinColumn({ name: "reviewer_id", foreignKeyConstraintName: "FK_books_reviewer" })
  reviewer: Author;`
}
  @Column({ type: "integer", nullable: true }) editor_id: number | null;
  @ManyToOne(() => Author${v2 && deferrable ? `, { deferrable: "INITIALLY DEFERRED" }` : ""})
  @JoinColumn({ name: "editor_id", foreignKeyConstraintName: "FK_books_editor" })
  editor: Author;
}
`;

const category = (v2: boolean) => `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "categories" })
export class Category {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) label: string;
  @Column({ type: "integer", nullable: true }) parent_id: number | null;
${
  v2
    ? `  @ManyToOne(() => Category, { onDelete: "CASCADE" })
  @JoinColumn({ name: "parent_id", foreignKeyConstraintName: "FK_categories_parent" })
  parent: Category;`
    : ""
}
}
`;

const REGION = `import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "regions" })
export class Region {
  @PrimaryColumn({ type: "varchar", length: 2 }) country: string;
  @PrimaryColumn({ type: "varchar", length: 5 }) code: string;
  @Column({ type: "varchar", length: 20 }) label: string;
}
`;

const shop = (v2: boolean) => `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Region } from "./Region";

@Entity({ name: "shops" })
export class Shop {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 2 }) country: string;
  @Column({ type: "varchar", length: 5 }) region_code: string;
${
  v2
    ? `  @ManyToOne(() => Region)
  @JoinColumn([
    { name: "country", referencedColumnName: "country" },
    { name: "region_code", referencedColumnName: "code" },
  ])
  region: Region;`
    : ""
}
}
`;

const v1Entities = {
  "Author.ts": AUTHOR,
  "Book.ts": book(false),
  "Category.ts": category(false),
  "Region.ts": REGION,
  "Shop.ts": shop(false),
};
const v2Entities = (deferrable: boolean) => ({ "Book.ts": book(true, deferrable), "Category.ts": category(true), "Shop.ts": shop(true) });

const SEED = [
  `INSERT INTO authors (name) VALUES ('ann'), ('bob'), ('cy')`,
  `INSERT INTO books (title, author_id, reviewer_id, editor_id) VALUES ('one', 1, 2, 3), ('two', 1, NULL, NULL), ('three', 2, 1, 1)`,
  `INSERT INTO categories (label, parent_id) VALUES ('root', NULL), ('child', 1), ('grandchild', 2), ('other', NULL)`,
  `INSERT INTO regions (country, code, label) VALUES ('fr', 'idf', 'Paris'), ('fr', 'ara', 'Lyon'), ('de', 'by', 'Munich')`,
  `INSERT INTO shops (country, region_code) VALUES ('fr', 'idf'), ('de', 'by')`,
];

const SNAPSHOT = [
  `SELECT id, name FROM authors ORDER BY id`,
  `SELECT id, title, author_id, reviewer_id, editor_id FROM books ORDER BY id`,
  `SELECT id, label, parent_id FROM categories ORDER BY id`,
  `SELECT country, code, label FROM regions ORDER BY country, code`,
  `SELECT id, country, region_code FROM shops ORDER BY id`,
];

async function snapshot(project: TestProject) {
  return Promise.all(SNAPSHOT.map((sql) => rows(project, sql)));
}

/** FK_books_editor waits for the commit: a row may reference nothing until then, not after. */
async function assertEditorDeferred(project: TestProject): Promise<void> {
  await inTransaction(project, [
    `INSERT INTO books (title, editor_id) VALUES ('late', 99)`,
    `UPDATE books SET editor_id = 1 WHERE title = 'late'`,
  ]);
  await assert.rejects(
    inTransaction(project, [`INSERT INTO books (title, editor_id) VALUES ('never', 99)`]),
    Error,
    "deferred, still checked",
  );
  await project.query(`DELETE FROM books WHERE title = 'late'`);
}

// Where the key above is not made deferrable, a case of its own shows what becomes of one (NOT_ON_MARIADB).
describe("mariadb: a deferrable foreign key", () => {
  pairTest("mariadb", "a foreign key made deferrable: the constraint waits for the commit", async () => {
    const { project } = await atVersion1("mariadb", { v1: { "Author.ts": AUTHOR, "Book.ts": book(false) }, seed: SEED.slice(0, 2) });
    try {
      await generateVersion2(project, { "Book.ts": book(true) }, ["--accept-data-loss"]);
      await project.ok(["run"]);
      await assertEditorDeferred(project);
      await assertNoChanges(project);
    } finally {
      await project.cleanup();
    }
  });

  // It once offered the same change after every run: the server never holds DEFERRABLE.
  test("a key made deferrable is no change (the server cannot hold it), and generate never offers it again", async () => {
    const { project } = await atVersion1("mariadb", { v1: { "Author.ts": AUTHOR, "Book.ts": book(false) }, seed: SEED.slice(0, 2) });
    try {
      const generated = await generateVersion2(project, { "Book.ts": book(true) }, ["--accept-data-loss"]);
      assert.doesNotMatch(generated.up, /FK_books_editor/);
      await project.ok(["run"]);
      await assertNoChanges(project);
    } finally {
      await project.cleanup();
    }
  });
});

for (const dialect of DIALECTS_AND_MARIADB) {
  const deferrable = dialect !== "mariadb";
  describe(`${dialect}: foreign key changes`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: v1Entities, seed: SEED })));
    after(async () => project.cleanup());

    /** v1's keys: deleting an author deletes its books, reviewers and editors are checked at once. */
    async function assertV1Enforced(label: string): Promise<void> {
      await assertRejected(project, `INSERT INTO books (title, reviewer_id) VALUES ('bad', 99)`, `${label}: FK_books_reviewer`);
      await assert.rejects(
        inTransaction(project, [
          `INSERT INTO books (title, editor_id) VALUES ('late', 99)`,
          `UPDATE books SET editor_id = 1 WHERE title = 'late'`,
        ]),
        Error,
        `${label}: FK_books_editor is checked per statement`,
      );
      await project.query(`INSERT INTO categories (label, parent_id) VALUES ('orphan', 99)`);
      await project.query(`INSERT INTO shops (country, region_code) VALUES ('xx', 'none')`);
      await project.query(`DELETE FROM categories WHERE label = 'orphan'`);
      await project.query(`DELETE FROM shops WHERE country = 'xx'`);
      await project.query(`INSERT INTO authors (id, name) VALUES (50, 'tmp')`);
      await project.query(`INSERT INTO books (title, author_id) VALUES ('tmp book', 50)`);
      await project.query(`DELETE FROM authors WHERE id = 50`);
      assert.deepEqual(
        await rows(project, `SELECT count(*) AS n FROM books WHERE title = 'tmp book'`),
        [{ n: "0" }],
        `${label}: ON DELETE CASCADE`,
      );
    }

    test(`actions changed, a key dropped, ${deferrable ? "deferrable, " : ""}self-referencing and composite keys added; revert restores v1`, async () => {
      const before = await snapshot(project);
      await assertV1Enforced("v1");
      const generated = await generateVersion2(project, v2Entities(deferrable));

      assert.match(generated.up, /dropForeignKey\(\s*"books",\s*\{\s*name: "FK_books_author"[^}]*onDelete: "CASCADE"/);
      assert.match(generated.up, /addForeignKey\(\s*"books",\s*\{\s*name: "FK_books_author"[^}]*onDelete: "SET NULL"/);
      assert.match(generated.up, /dropForeignKey\(\s*"books",\s*\{\s*name: "FK_books_reviewer"/);
      if (deferrable) {
        assert.match(generated.up, /dropForeignKey\(\s*"books",\s*\{\s*name: "FK_books_editor"/);
        assert.match(generated.up, /addForeignKey\(\s*"books",\s*\{\s*name: "FK_books_editor"[^}]*deferrable: "INITIALLY DEFERRED"/);
      }
      assert.match(
        generated.up,
        /addForeignKey\(\s*"categories",\s*\{\s*name: "FK_categories_parent",\s*columns: \["parent_id"\],\s*referencedTable: "categories"/,
      );
      assert.match(
        generated.up,
        /addForeignKey\(\s*"shops",\s*\{\s*name: "FK_\w+",\s*columns: \["country", "region_code"\],\s*referencedTable: "regions",\s*referencedColumns: \["country", "code"\]/,
      );
      assert.equal(generated.up.match(/dropForeignKey\(/g)?.length, deferrable ? 3 : 2, generated.up);
      assert.equal(generated.up.match(/addForeignKey\(/g)?.length, deferrable ? 4 : 3, generated.up);
      assert.doesNotMatch(generated.up, /alterColumn|addColumn|dropColumn|Unique|Check|Index\(/);

      await project.ok(["run"]);
      assert.deepEqual(await snapshot(project), before);
      // FK_books_reviewer is gone.
      await project.query(`INSERT INTO books (title, reviewer_id) VALUES ('free', 99)`);
      await project.query(`DELETE FROM books WHERE title = 'free'`);
      if (deferrable) await assertEditorDeferred(project);
      // The self-reference and the composite key refuse what they do not reference; the self-reference cascades.
      await assertRejected(project, `INSERT INTO categories (label, parent_id) VALUES ('orphan', 99)`, "FK_categories_parent");
      await assertRejected(project, `INSERT INTO shops (country, region_code) VALUES ('fr', 'by')`, "the composite key (unnamed)");
      await project.query(
        `INSERT INTO categories (id, label, parent_id) VALUES (50, 'tmp', NULL), (51, 'tmp child', 50), (52, 'tmp grandchild', 51)`,
      );
      await project.query(`DELETE FROM categories WHERE id = 50`);
      assert.deepEqual(await rows(project, `SELECT count(*) AS n FROM categories WHERE id >= 50`), [{ n: "0" }], "self-reference cascades");
      // ON DELETE SET NULL instead of CASCADE.
      await project.query(`INSERT INTO authors (id, name) VALUES (50, 'tmp')`);
      await project.query(`INSERT INTO books (title, author_id) VALUES ('tmp book', 50)`);
      await project.query(`DELETE FROM authors WHERE id = 50`);
      assert.deepEqual(
        await rows(project, `SELECT author_id FROM books WHERE title = 'tmp book'`),
        [{ author_id: null }],
        "ON DELETE SET NULL",
      );
      await project.query(`DELETE FROM books WHERE title = 'tmp book'`);
      assert.deepEqual(await snapshot(project), before);
      await assertNoChanges(project);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await snapshot(project), before);
      await assertV1Enforced("after revert");
      await assertNoChangesAtVersion1(project, v1Entities);
    });
  });

  describe(`${dialect}: primary key changes`, () => {
    const membership = (v2: boolean) => `import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "memberships" })
export class Membership {
  @PrimaryColumn({ type: "integer" }) org_id: number;
  @${v2 ? "PrimaryColumn" : "Column"}({ type: "integer" }) user_id: number;
  @Column({ type: "varchar", length: 10 }) role: string;
}
`;
    const entry = (v2: boolean) => `import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "entries" })
export class Entry {
  @PrimaryColumn({ type: "integer" }) a: number;
  @${v2 ? "Column" : "PrimaryColumn"}({ type: "integer" }) b: number;
  @${v2 ? "PrimaryColumn" : "Column"}({ type: "integer" }) c: number;
}
`;
    const V1 = { "Membership.ts": membership(false), "Entry.ts": entry(false) };
    const KEPT = [`SELECT org_id, user_id, role FROM memberships ORDER BY org_id`, `SELECT a, b, c FROM entries ORDER BY a, b`];
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => {
      ({ project, v1Schema } = await atVersion1(dialect, {
        v1: V1,
        seed: [
          `INSERT INTO memberships (org_id, user_id, role) VALUES (1, 10, 'owner'), (2, 10, 'member'), (3, 11, 'member')`,
          `INSERT INTO entries (a, b, c) VALUES (1, 1, 1), (1, 2, 2), (2, 1, 1)`,
        ],
      }));
    });
    after(async () => project.cleanup());

    test("a primary key gains a column, another changes columns; rows kept; revert restores v1", async () => {
      const kept = await Promise.all(KEPT.map((sql) => rows(project, sql)));
      await assertRejected(project, `INSERT INTO memberships (org_id, user_id, role) VALUES (1, 12, 'x')`, "v1 PK (org_id)");
      await assertRejected(project, `INSERT INTO entries (a, b, c) VALUES (1, 1, 9)`, "v1 PK (a, b)");
      const generated = await generateVersion2(project, { "Membership.ts": membership(true), "Entry.ts": entry(true) });

      assert.match(generated.up, /dropPrimaryKey\(\s*"memberships",\s*\{[^}]*columns: \["org_id"\]/);
      assert.match(generated.up, /addPrimaryKey\(\s*"memberships",\s*\{[^}]*columns: \["org_id", "user_id"\]/);
      assert.match(generated.up, /dropPrimaryKey\(\s*"entries",\s*\{[^}]*columns: \["a", "b"\]/);
      assert.match(generated.up, /addPrimaryKey\(\s*"entries",\s*\{[^}]*columns: \["a", "c"\]/);
      assert.doesNotMatch(generated.up, /alterColumn|addColumn|dropColumn|Unique|Check|ForeignKey/);

      await project.ok(["run"]);
      assert.deepEqual(await Promise.all(KEPT.map((sql) => rows(project, sql))), kept);
      await project.query(`INSERT INTO memberships (org_id, user_id, role) VALUES (1, 12, 'x')`);
      await assertRejected(project, `INSERT INTO memberships (org_id, user_id, role) VALUES (1, 12, 'y')`, "v2 PK (org_id, user_id)");
      await project.query(`INSERT INTO entries (a, b, c) VALUES (1, 1, 9)`);
      await assertRejected(project, `INSERT INTO entries (a, b, c) VALUES (1, 7, 9)`, "v2 PK (a, c)");
      await project.query(`DELETE FROM memberships WHERE user_id = 12`);
      await project.query(`DELETE FROM entries WHERE c = 9`);
      await assertNoChanges(project);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await Promise.all(KEPT.map((sql) => rows(project, sql))), kept);
      await assertRejected(project, `INSERT INTO memberships (org_id, user_id, role) VALUES (1, 12, 'x')`, "v1 PK (org_id) after revert");
      await assertNoChangesAtVersion1(project, V1);
    });
  });
}
