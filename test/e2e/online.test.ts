/**
 * `generate --online`: lock-safe PostgreSQL, on a real server with the real CLI.
 *
 * The same entity change (an index, a unique index, a unique constraint, a
 * foreign key, a check and SET NOT NULL, on tables holding rows) is
 * generated plainly and with --online in separate databases; both must end
 * in the same schema. The online migration must also run on SQLite, give up
 * quickly with a clear message when a lock is held, and leave no invalid
 * index behind when a concurrent build fails.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { TestProject } from "../support/project";
import { assertSameSchema } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const AUTHOR = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  name: string;
}
`;

const POST_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "posts" })
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "varchar", length: 50, nullable: true })
  slug: string | null;

  @Column({ type: "integer", nullable: true })
  authorId: number | null;

  @Column({ type: "integer", nullable: true })
  score: number | null;
}
`;

// v2: every lock-heavy kind of change at once.
const POST_V2 = `import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { Author } from "./Author";

@Entity({ name: "posts" })
@Index("IDX_posts_title", ["title"])
@Index("UQ_IDX_posts_slug", ["slug"], { unique: true })
@Unique("UQ_posts_title_author", ["title", "authorId"])
@Check("CHK_posts_score", '"score" >= 0')
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "varchar", length: 50, nullable: true })
  slug: string | null;

  @Column({ type: "integer", nullable: true })
  authorId: number | null;

  @ManyToOne(() => Author)
  @JoinColumn({ name: "authorId", foreignKeyConstraintName: "FK_posts_author" })
  author: Author;

  @Column({ type: "integer" })
  score: number;
}
`;

// Only an index on title: the smallest online migration.
const POST_TITLE_INDEX = POST_V1.replace(
  `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n\n@Entity({ name: "posts" })`,
  `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";\n\n@Entity({ name: "posts" })\n@Index("IDX_posts_title", ["title"])`,
);

// Only a unique index on slug.
const POST_SLUG_UNIQUE = POST_V1.replace(
  `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";\n\n@Entity({ name: "posts" })`,
  `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";\n\n@Entity({ name: "posts" })\n@Index("UQ_IDX_posts_slug", ["slug"], { unique: true })`,
);

const ROWS = `
  INSERT INTO "authors" ("name") SELECT 'author ' || i FROM generate_series(1, 3) AS i;
  INSERT INTO "posts" ("title", "slug", "authorId", "score")
    SELECT 'post ' || i, 'slug-' || i, 1 + i % 3, i FROM generate_series(1, 200) AS i;
`;

/** Every index and constraint as PostgreSQL prints it, validity included. */
async function catalogDefinitions(project: TestProject): Promise<string[]> {
  const rows = await project.query<{ def: string }>(`
    SELECT c.relname || ': ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END AS def
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relname NOT IN ('migrations', 'migrations_progress')
    UNION ALL
    SELECT c.relname || ': ' || k.conname || ' ' || pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' NOT VALIDATED' END
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relname NOT IN ('migrations', 'migrations_progress')
    ORDER BY 1`);
  return rows.map((r) => r.def);
}

async function invalidIndexes(project: TestProject): Promise<string[]> {
  const rows = await project.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid`,
  );
  return rows.map((r) => r.name);
}

/** A PostgreSQL project at v1 with rows, ready for a second migration. */
async function projectWithRows(): Promise<TestProject> {
  const project = await TestProject.create("postgres", { "Author.ts": AUTHOR, "Post.ts": POST_V1 });
  await project.ok(["generate", "Init", "--no-interactive"]);
  await project.ok(["run"]);
  await project.query(ROWS);
  return project;
}

describe("postgres: generate --online", () => {
  const projects: TestProject[] = [];
  let plain: TestProject;
  let online: TestProject;
  let onlineSql: TestProject;
  let before_: Schema;

  before(async () => {
    [plain, online, onlineSql] = await Promise.all([projectWithRows(), projectWithRows(), projectWithRows()]);
    projects.push(plain, online, onlineSql);
    before_ = await online.introspect();
    for (const p of projects) p.writeEntity("Post.ts", POST_V2);
  });
  after(async () => {
    await Promise.all(projects.map((p) => p.cleanup()));
  });

  test("the online migration has transaction = false and passes the online options to op()", async () => {
    await online.ok(["generate", "Change", "--online", "--no-interactive"]);
    const source = online.readMigration(online.migrationFiles()[1]);
    assert.match(source, /^ {2}transaction = false;$/m);
    assert.match(source, /const online = \{ online: true, lockTimeout: "5s" \};/);
    assert.match(source, /await op\(queryRunner, online\)\.createIndex\(/);
    assert.doesNotMatch(source, /await op\(queryRunner\)\./, "every call must be online");
  });

  test("generate --sql --online renders CONCURRENTLY, NOT VALID, VALIDATE and NOT NULL through a check", async () => {
    const { stdout } = await onlineSql.ok(["generate", "Change", "--online", "--sql", "--dry-run", "--no-interactive"]);
    assert.match(stdout, /^ {2}transaction = false;$/m);
    assert.match(stdout, /SET lock_timeout = '5s'/);
    assert.match(stdout, /CREATE INDEX CONCURRENTLY IF NOT EXISTS "IDX_posts_title" ON "posts" \("title"\)/);
    assert.match(stdout, /CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "UQ_IDX_posts_slug"/);
    assert.match(stdout, /ADD CONSTRAINT "UQ_posts_title_author" UNIQUE USING INDEX "UQ_posts_title_author"/);
    assert.match(stdout, /ADD CONSTRAINT "FK_posts_author" FOREIGN KEY .* NOT VALID/);
    assert.match(stdout, /VALIDATE CONSTRAINT \\?"FK_posts_author\\?"/);
    assert.match(stdout, /ADD CONSTRAINT "CHK_posts_score" CHECK .* NOT VALID/);
    assert.match(stdout, /ADD CONSTRAINT "posts_score_not_null" CHECK \("score" IS NOT NULL\) NOT VALID/);
    assert.match(stdout, /ALTER COLUMN "score" SET NOT NULL/);
    assert.match(stdout, /DROP CONSTRAINT IF EXISTS "posts_score_not_null"/);
    assert.match(stdout, /DROP INDEX CONCURRENTLY IF EXISTS "IDX_posts_title"/, "down drops concurrently");
    // The failed-build cleanup is in the file too.
    assert.match(stdout, /catch \(error\) \{[\s\S]*DROP INDEX CONCURRENTLY IF EXISTS[\s\S]*throw error;/);
  });

  test("plain, online and online --sql migrations all end in the same schema, rows kept", async () => {
    await plain.ok(["generate", "Change", "--no-interactive"]);
    await onlineSql.ok(["generate", "Change", "--online", "--sql", "--no-interactive"]);
    for (const p of projects) await p.ok(["run"]);

    const plainSchema = await plain.introspect();
    assertSameSchema("postgres", await online.introspect(), plainSchema);
    assertSameSchema("postgres", await onlineSql.introspect(), plainSchema);
    const definitions = await catalogDefinitions(plain);
    assert.ok(
      definitions.some((d) => d.includes("FK_posts_author")),
      definitions.join("\n"),
    );
    assert.deepEqual(await catalogDefinitions(online), definitions);
    assert.deepEqual(await catalogDefinitions(onlineSql), definitions);
    assert.deepEqual(await invalidIndexes(online), []);

    for (const p of projects) {
      assert.deepEqual(await p.query(`SELECT count(*)::int AS n FROM "posts"`), [{ n: 200 }]);
      const again = await p.ok(["generate", "--check", "--no-interactive"]);
      assert.match(again.stdout, /No changes/);
    }
  });

  test("reverting the online migration restores the schema", async () => {
    await online.ok(["revert"]);
    assertSameSchema("postgres", await online.introspect(), before_);
    assert.deepEqual(await invalidIndexes(online), []);
    await online.ok(["run"]);
  });

  test("the same online migration runs on SQLite", async () => {
    const sqlite = await TestProject.create("sqlite", { "Author.ts": AUTHOR, "Post.ts": POST_V2 });
    projects.push(sqlite);
    sqlite.copyMigrationsFrom(online);
    const run = await sqlite.ok(["run"]);
    assert.match(run.stdout, /Applied 2 migrations/);
    const check = await sqlite.ok(["generate", "--check", "--no-interactive"]);
    assert.match(check.stdout, /No changes/);
    await sqlite.ok(["revert"]);
    await sqlite.ok(["run"]);
  });
});

describe("postgres: online migrations under contention and failure", () => {
  const projects: TestProject[] = [];
  after(async () => {
    await Promise.all(projects.map((p) => p.cleanup()));
  });

  test("a held lock trips lock_timeout quickly: exit 3, the statement named, and a re-run succeeds", { timeout: 120_000 }, async () => {
    const project = await projectWithRows();
    projects.push(project);
    project.writeEntity("Post.ts", POST_TITLE_INDEX);
    await project.ok(["generate", "AddTitleIndex", "--online", "--online-lock-timeout", "1s", "--no-interactive"]);
    assert.match(project.readMigration(project.migrationFiles()[1]), /lockTimeout: "1s"/);

    const holder = new Client({ connectionString: project.env.DATABASE_URL });
    await holder.connect();
    try {
      // Should anything hang, the server ends this transaction (and its lock) on its own.
      await holder.query(`SET idle_in_transaction_session_timeout = '60s'`);
      await holder.query(`BEGIN`);
      // EXCLUSIVE blocks every write (and CREATE INDEX CONCURRENTLY) but not
      // reads, so the runner gets as far as the migration's statement.
      await holder.query(`LOCK TABLE "posts" IN EXCLUSIVE MODE`);
      const started = Date.now();
      const run = await project.cli(["run"]);
      const elapsed = Date.now() - started;
      assert.equal(run.code, 3, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stderr, /CREATE INDEX CONCURRENTLY IF NOT EXISTS "IDX_posts_title"/);
      assert.match(run.stderr, /waited longer than lock_timeout for a lock that another session holds/);
      assert.match(run.stderr, /run again/);
      assert.ok(elapsed < 30_000, `the run took ${elapsed} ms with the lock held`);
    } finally {
      await holder.query(`ROLLBACK`).catch(() => undefined);
      await holder.end();
    }

    assert.deepEqual(await invalidIndexes(project), []);
    await project.ok(["run"]);
    const indexes = await project.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'IDX_posts_title'`);
    assert.equal(indexes.length, 1);
    // lock_timeout does not outlive the migration on the runner's connection:
    // the bookkeeping insert after it, and a later run, are unaffected.
    assert.match((await project.ok(["generate", "--check", "--no-interactive"])).stdout, /No changes/);
  });

  test("a concurrent unique index build that fails on duplicates leaves no invalid index", async () => {
    const project = await projectWithRows();
    projects.push(project);
    await project.query(`UPDATE "posts" SET "slug" = 'same' WHERE "id" IN (1, 2)`);
    project.writeEntity("Post.ts", POST_SLUG_UNIQUE);
    await project.ok(["generate", "AddSlugUnique", "--online", "--no-interactive"]);

    const run = await project.cli(["run"]);
    assert.equal(run.code, 3, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /could not create unique index|duplicate key/);
    assert.deepEqual(await invalidIndexes(project), []);
    const left = await project.query(`SELECT 1 FROM pg_class WHERE relname = 'UQ_IDX_posts_slug'`);
    assert.deepEqual(left, [], "the half-built index was dropped");

    // Fix the data and run again: the migration finishes.
    await project.query(`UPDATE "posts" SET "slug" = 'other' WHERE "id" = 2`);
    await project.ok(["run"]);
    const valid = await project.query(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'UQ_IDX_posts_slug'`,
    );
    assert.deepEqual(valid, [{ indisvalid: true }]);
  });

  test("a bad --online-lock-timeout is a usage error", async () => {
    const project = await projectWithRows();
    projects.push(project);
    project.writeEntity("Post.ts", POST_TITLE_INDEX);
    const result = await project.cli(["generate", "--online", "--online-lock-timeout", "soon", "--no-interactive"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /"soon" is not a duration/);
  });

  test("ATHANOR_ONLINE=1 makes generate online without the flag", async () => {
    const project = await projectWithRows();
    projects.push(project);
    project.writeEntity("Post.ts", POST_TITLE_INDEX);
    const result = await project.cli(["generate", "--dry-run", "--no-interactive"], {
      env: { ATHANOR_ONLINE: "1", ATHANOR_ONLINE_LOCK_TIMEOUT: "2s" },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /transaction = false;/);
    assert.match(result.stdout, /lockTimeout: "2s"/);
  });
});
