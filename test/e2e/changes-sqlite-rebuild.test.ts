/**
 * SQLite's table rebuild keeps what the table carries and what points at
 * it: a trigger on the rebuilt table is re-created, and the rows of a child
 * table whose foreign key cascades on delete survive (no cascade fires when
 * the old table is dropped) — in up and in down.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestProject } from "../support/project";
import { assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const author = (length: number) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: ${length} }) name: string;
}
`;

const BOOK = `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

@Entity({ name: "books" })
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) title: string;
  @Column({ type: "integer" }) author_id: number;
  @ManyToOne(() => Author, { onDelete: "CASCADE" })
  @JoinColumn({ name: "author_id" })
  author: Author;
}
`;

describe("sqlite: a rebuild keeps triggers and the rows of cascading children", () => {
  let project: TestProject;
  let v1Schema: Schema;
  before(async () => {
    ({ project, v1Schema } = await atVersion1("sqlite", {
      v1: { "Author.ts": author(20), "Book.ts": BOOK },
      seed: [
        `INSERT INTO authors (name) VALUES ('ann'), ('bob')`,
        `INSERT INTO books (title, author_id) VALUES ('one', 1), ('two', 1), ('three', 2)`,
        `CREATE TRIGGER authors_upper AFTER INSERT ON authors BEGIN UPDATE authors SET name = upper(name) WHERE id = NEW.id; END`,
      ],
    }));
  });
  after(async () => project.cleanup());

  async function assertKept(label: string): Promise<void> {
    assert.deepEqual(
      await rows(project, `SELECT id, title, author_id FROM books ORDER BY id`),
      [
        { id: "1", title: "one", author_id: "1" },
        { id: "2", title: "two", author_id: "1" },
        { id: "3", title: "three", author_id: "2" },
      ],
      `${label}: child rows`,
    );
    assert.deepEqual(
      await rows(project, `SELECT name FROM sqlite_master WHERE type = 'trigger'`),
      [{ name: "authors_upper" }],
      `${label}: trigger`,
    );
    await project.query(`INSERT INTO authors (name) VALUES ('cy')`);
    assert.deepEqual(
      await rows(project, `SELECT name FROM authors ORDER BY id`),
      [{ name: "ann" }, { name: "bob" }, { name: "CY" }],
      `${label}: trigger fires`,
    );
    await project.query(`DELETE FROM authors WHERE name = 'CY'`);
  }

  test("up and down rebuild authors; books and the trigger survive", async () => {
    const generated = await generateVersion2(project, { "Author.ts": author(60) });
    assert.match(generated.up, /alterColumn\(\s*"authors"/);
    assert.match(generated.header, /rebuilds table "authors" \(copies every row\)/);
    await project.ok(["run"]);
    await assertKept("after run");
    await project.ok(["revert"]);
    assertSameSchema("sqlite", await project.introspect(), v1Schema);
    await assertKept("after revert");
  });
});
