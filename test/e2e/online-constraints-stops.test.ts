/**
 * `generate --online` adding a foreign key or a check the rows refuse, on a
 * real PostgreSQL with the real CLI. The online form adds the constraint NOT
 * VALID, commits, then validates it; when VALIDATE is refused it must drop
 * the constraint again (a committed NOT VALID constraint would already
 * refuse the application's writes) and stop with a sentence naming how many
 * rows break it — counted only then — whether `run` sends it or psql runs
 * the `run --sql` script. Once the rows are fixed the same migration runs.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2 } from "../support/changes";
import type { Schema } from "../../src/schema/model";
import { psqlScriptAfterV1, v2UpPart } from "../support/run-sql-script";
import { constraintsOn } from "../support/pg-constraints";

const AUTHOR = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 100 }) name: string;
}
`;

const POST_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "posts" })
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "integer", nullable: true }) authorId: number | null;
  @Column({ type: "integer", nullable: true }) score: number | null;
}
`;

// v2 adds only the foreign key.
const POST_FK = `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

@Entity({ name: "posts" })
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "integer", nullable: true }) authorId: number | null;
  @ManyToOne(() => Author)
  @JoinColumn({ name: "authorId", foreignKeyConstraintName: "FK_posts_author" })
  author: Author;
  @Column({ type: "integer", nullable: true }) score: number | null;
}
`;

// v2 adds only the check.
const POST_CHECK = POST_V1.replace(`import { Column,`, `import { Check, Column,`).replace(
  `@Entity({ name: "posts" })`,
  `@Entity({ name: "posts" })\n@Check("CHK_posts_score", '"score" >= 0')`,
);

// Two posts name an author that does not exist (7, 9); one has none (NULL: never checked); two scores are negative.
const SEED = [
  `INSERT INTO authors (name) VALUES ('ann'), ('bob')`,
  `INSERT INTO posts ("authorId", score) VALUES (1, 5), (7, -1), (NULL, 3), (9, -2), (2, NULL)`,
];
const ORPHANS =
  /Cannot add foreign key FK_posts_author on posts \(authorId\): 2 row\(s\) of posts reference no row of authors \(id\)\. Point them at existing rows, set them NULL or delete them first/;
const NEGATIVE = /Cannot add check CHK_posts_score on posts: 2 row\(s\) of posts violate it \("score" >= 0\)\. Change those rows first/;

/** Every constraint on posts, by name and validity: nothing may be left behind. */
const constraints = (project: TestProject) => constraintsOn(project, "posts");

const CASES = [
  {
    what: "a foreign key",
    v2: POST_FK,
    sentence: ORPHANS,
    fix: `UPDATE posts SET "authorId" = NULL WHERE "authorId" > 2`,
    name: "FK_posts_author",
  },
  { what: "E231 a check", v2: POST_CHECK, sentence: NEGATIVE, fix: `UPDATE posts SET score = 0 WHERE score < 0`, name: "CHK_posts_score" },
];

describe("postgres: --online foreign key and check over rows that break them", () => {
  const projects: TestProject[] = [];
  after(async () => Promise.all(projects.map((p) => p.cleanup())));

  async function atV2(v2: string, args: string[] = []): Promise<{ project: TestProject; v1Schema: Schema; v1Constraints: string[] }> {
    const { project, v1Schema } = await atVersion1("postgres", { v1: { "Author.ts": AUTHOR, "Post.ts": POST_V1 }, seed: SEED });
    projects.push(project);
    const generated = await generateVersion2(project, { "Post.ts": v2 }, ["--online", ...args]);
    assert.match(generated.source, /^ {2}transaction = false;$/m);
    return { project, v1Schema, v1Constraints: await constraints(project) };
  }

  for (const { what, v2, sentence, fix, name } of CASES) {
    test(`${what}: run stops with the sentence and the count, leaves no constraint; runs once the rows are fixed`, async () => {
      const { project, v1Schema, v1Constraints } = await atV2(v2);
      const script = (await project.ok(["run", "--sql"])).stdout;
      const up = v2UpPart(script);
      assert.match(
        up,
        new RegExp(`ADD CONSTRAINT "${name}" .* NOT VALID; COMMIT; END IF; BEGIN ALTER TABLE "posts" VALIDATE CONSTRAINT "${name}"`),
      );
      assert.doesNotMatch(up, /BEGIN SELECT count/, "no count before VALIDATE");

      const stopped = await project.cli(["run"]);
      assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, sentence);
      assert.deepEqual(await constraints(project), v1Constraints);
      assertSameSchema("postgres", await project.introspect(), v1Schema);

      const again = await project.cli(["run"]);
      assert.equal(again.code, 3, again.stdout + again.stderr);
      assert.match(again.stderr, sentence);
      assert.deepEqual(await constraints(project), v1Constraints);

      await project.query(fix);
      await project.ok(["run"]);
      assert.deepEqual((await constraints(project)).sort(), [...v1Constraints, name].sort());
      await assertNoChanges(project);
      await project.ok(["revert"]);
      assertSameSchema("postgres", await project.introspect(), v1Schema);
    });
  }

  test("the run --sql script through psql: stops with the sentence and the count, leaves no constraint", async () => {
    const { project, v1Schema, v1Constraints } = await atV2(POST_FK);
    const psql = await psqlScriptAfterV1(project);

    const stopped = psql();
    assert.notEqual(stopped.status, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, ORPHANS);
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);

    await project.query(`DELETE FROM posts WHERE "authorId" > 2`);
    const applied = psql();
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.deepEqual((await constraints(project)).sort(), [...v1Constraints, "FK_posts_author"].sort());
  });

  test("generate --sql --online: the raw-SQL migration stops the same way under run", async () => {
    const { project, v1Schema, v1Constraints } = await atV2(POST_CHECK, ["--sql"]);
    const stopped = await project.cli(["run"]);
    assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
    assert.match(stopped.stderr, NEGATIVE);
    assert.deepEqual(await constraints(project), v1Constraints);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
  });
});
