/**
 * The pieces of the pull-request report and the diagram that need no
 * project: what schemaChanges calls a rename, how findings are escaped for
 * GitHub's workflow commands and for Markdown tables, and how the layout
 * places a child table right of its parent. The CLI is in test/e2e/report
 * and test/e2e/diagram.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { schemaChanges } from "../../src/ops/schema-changes";
import { reportAnnotations } from "../../src/report/github";
import { reportMarkdown } from "../../src/report/markdown";
import type { BranchReport } from "../../src/report/report";
import { diagramOf } from "../../src/diagram/model";
import { layoutDiagram } from "../../src/diagram/layout";
import { mermaidDiagram } from "../../src/diagram/mermaid";
import { emptyTable, type Column, type Schema, type Table } from "../../src/schema/model";

const id: Column = { name: "id", type: "integer", nullable: false, generated: "increment" };
const users: Table = {
  ...emptyTable("users"),
  columns: [id, { name: "name", type: "varchar", length: 50, nullable: true }],
  primaryKey: { columns: ["id"] },
};
const posts: Table = {
  ...emptyTable("posts"),
  columns: [id, { name: "user_id", type: "integer", nullable: false }],
  primaryKey: { columns: ["id"] },
  foreignKeys: [
    {
      name: "fk_posts_user",
      columns: ["user_id"],
      referencedTable: "users",
      referencedColumns: ["id"],
      onDelete: "CASCADE",
      onUpdate: "NO ACTION",
    },
  ],
};
const before: Schema = { tables: { users, posts } };

describe("schemaChanges", () => {
  test("a renamed table and column read as renames, not as a drop and an add", () => {
    const after: Schema = {
      tables: {
        members: { ...users, name: "members", columns: [id, { name: "display_name", type: "varchar", length: 80, nullable: true }] },
        posts,
      },
    };
    const changes = schemaChanges(before, after, [
      { kind: "renameTable", from: "users", to: "members" },
      { kind: "renameColumn", table: "members", from: "name", to: "display_name" },
    ]);
    assert.deepEqual(
      changes.map((c) => [c.table, c.kind, c.from, c.columns.map((col) => [col.column, col.kind, col.from, col.detail])]),
      [["members", "renamed", "users", [["display_name", "renamed", "name", "varchar(50) → varchar(80)"]]]],
    );
  });

  test("without the operations, the same models differ by a dropped and an added table", () => {
    const after: Schema = { tables: { members: { ...users, name: "members" }, posts } };
    assert.deepEqual(
      schemaChanges(before, after).map((c) => [c.table, c.kind]),
      [
        ["members", "added"],
        ["users", "dropped"],
      ],
    );
  });
});

const report: BranchReport = {
  dialect: "postgres",
  selection: { by: "git", base: "origin/main", commit: "0123456789ab" },
  migrations: [
    {
      name: "Drop1800000000000",
      file: "migrations/1800000000000-Drop.ts",
      repoFile: "app/migrations/1800000000000-Drop.ts",
      transaction: true,
      operations: ["run SQL: UPDATE t SET a = 'x|y'"],
      notes: [],
      findings: [
        {
          code: "AT-D006",
          severity: "error",
          category: "destructive",
          message: "100% of rows, a|b: gone\nreally",
          fix: "",
          subject: "DELETE FROM t",
          line: 7,
        },
      ],
      silenced: [],
    },
  ],
  edited: [],
  changes: [],
  counts: { error: 1, warning: 0, info: 0, silenced: 0 },
  failed: true,
};

describe("report formats", () => {
  test("github: %, CR and LF escaped in messages; also : and , in properties; the repository path and line", () => {
    const [annotation] = reportAnnotations(report).split("\n");
    assert.equal(
      annotation,
      "::error file=app/migrations/1800000000000-Drop.ts,line=7,title=AT-D006 (Drop1800000000000)::100%25 of rows, a|b: gone%0Areally",
    );
  });

  test("markdown: a pipe or a newline in a finding stays inside its table cell", () => {
    const md = reportMarkdown(report);
    assert.match(md, /^\| 🔴 error \| AT-D006 \| 100% of rows, a\\\|b: gone really \| `migrations\/1800000000000-Drop\.ts`:7 \|$/m);
    assert.match(md, /^- run SQL: UPDATE t SET a = 'x\\\|y'$/m);
  });
});

describe("report with nothing to say", () => {
  test("markdown: a branch without migrations says so, and the other sections stay", () => {
    const md = reportMarkdown({ ...report, migrations: [], counts: { error: 0, warning: 0, info: 0, silenced: 0 }, failed: false });
    assert.match(md, /^## Athanor: no new migrations$/m);
    assert.match(md, /^This branch adds no migration\.$/m);
    assert.doesNotMatch(md, /### Findings|### Schema changes/);
    assert.match(md, /### Verify\n\nNot run in this report/);
  });
});

describe("diagram", () => {
  test("layout: the referencing table is placed right of the table it references", () => {
    const layout = layoutDiagram(diagramOf(before));
    const parent = layout.boxes.get("users")!;
    const child = layout.boxes.get("posts")!;
    assert.ok(child.x >= parent.x + parent.width, `posts at ${child.x}, users ends at ${parent.x + parent.width}`);
  });

  test("mermaid: names that are not plain words get an alias; a NOT NULL foreign key is one-to-many", () => {
    const schema: Schema = { tables: { '"billing"."invoices"': { ...posts, name: '"billing"."invoices"' }, users } };
    const text = mermaidDiagram(diagramOf(schema));
    assert.match(text, /^ {2}billing_invoices\["billing\.invoices"\] \{$/m);
    assert.match(text, /^ {2}users \|\|--o\{ billing_invoices : "user_id"$/m);
  });
});
