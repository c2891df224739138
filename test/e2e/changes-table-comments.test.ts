/**
 * Table comments (`@Entity({ comment })`), v1 → v2 on a table with rows: a
 * comment added (with a quote in it), one removed, a new table created with
 * one. PostgreSQL (`COMMENT ON TABLE`) and MariaDB (`COMMENT =`) store them
 * and `revert` puts the old ones back; SQLite has no comments, so they are
 * never a change there.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "notes" })
export class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 50 }) body: string;
}

@Entity({ name: "people", comment: "Everyone who logs in" })
export class Person {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 50 }) name: string;
}
`;

const V2 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "notes", comment: "Notes, one's own" })
export class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 50 }) body: string;
}

@Entity({ name: "people" })
export class Person {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 50 }) name: string;
}

@Entity({ name: "tags", comment: "Labels" })
export class Tag {
  @PrimaryGeneratedColumn() id: number;
}
`;

const COMMENTS: Record<string, string> = {
  postgres: `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
  WHERE c.relname IN ('notes', 'people', 'tags') AND c.relkind = 'r' ORDER BY c.relname`,
  mariadb: `SELECT TABLE_NAME AS name, NULLIF(TABLE_COMMENT, '') AS comment FROM information_schema.TABLES
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('notes', 'people', 'tags') ORDER BY TABLE_NAME`,
};
const NOTES = `SELECT id, body FROM notes ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  const comments = COMMENTS[dialect];
  describe(`${dialect}: table comments`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(
      async () =>
        ({ project, v1Schema } = await atVersion1(dialect, {
          v1: { "Entities.ts": V1 },
          seed: [`INSERT INTO notes (body) VALUES ('first')`, `INSERT INTO people (name) VALUES ('Ada')`],
        })),
    );
    after(async () => project.cleanup());

    test(
      comments
        ? "comments are set, removed and created with the table; revert restores them"
        : "SQLite keeps no comments: only the new table is a change, and nothing is left to generate after",
      async () => {
        if (comments) {
          assert.deepEqual(await rows(project, comments), [
            { name: "notes", comment: null },
            { name: "people", comment: "Everyone who logs in" },
          ]);
        }
        const generated = await generateVersion2(project, { "Entities.ts": V2 });
        assert.match(generated.header, /create table tags \(comment "Labels"\)/);
        if (comments) {
          assert.match(generated.up, /setTableComment\("notes", null, "Notes, one's own"\)/);
          assert.match(generated.up, /setTableComment\("people", "Everyone who logs in", null\)/);
          assert.match(generated.header, /comment on table notes: "Notes, one's own"/);
          assert.match(generated.header, /remove the comment on table people/);
        } else {
          assert.doesNotMatch(generated.source, /setTableComment/);
        }

        await project.ok(["run"]);
        await assertNoChanges(project);
        assert.deepEqual(await rows(project, NOTES), [{ id: "1", body: "first" }]);
        if (comments) {
          assert.deepEqual(await rows(project, comments), [
            { name: "notes", comment: "Notes, one's own" },
            { name: "people", comment: null },
            { name: "tags", comment: "Labels" },
          ]);
        }

        await project.ok(["revert"]);
        assertSameSchema(dialect, await project.introspect(), v1Schema);
        assert.deepEqual(await rows(project, NOTES), [{ id: "1", body: "first" }]);
        if (comments) {
          assert.deepEqual(await rows(project, comments), [
            { name: "notes", comment: null },
            { name: "people", comment: "Everyone who logs in" },
          ]);
        }
      },
    );
  });
}
