/**
 * `run` and `revert` build TypeORM's entity metadata (loading every entity
 * file) only before migration code that may need it
 * (src/commands/entity-metadata-for-code.ts): a migration `generate` wrote
 * calls only op() and queryRunner.query and runs without it; code that asks
 * for a repository or the connection's metadata, a DataSource with
 * subscribers, and on PostgreSQL SQL that relies on the extensions TypeORM
 * installs for the entities get it built first, as before.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, TestProject } from "../support/project";
import { writeSumFile } from "../../src/runner/sum";
import { BOOK } from "../support/entities";

// Entities (and subscribers) by glob, as TypeORM's docs write it: the files
// load only when TypeORM's metadata is built.
const ormconfig = (dialect: "sqlite" | "postgres", extra = "") => `import "reflect-metadata";
import { DataSource } from "typeorm";

export default new DataSource({
  ${dialect === "sqlite" ? `type: "sqlite", database: "data/app.sqlite"` : `type: "postgres", url: process.env.DATABASE_URL`},
  entities: ["entities/*.ts"],
  migrations: ["migrations/*.ts"],${extra}
});
`;

function migration(project: TestProject, timestamp: number, name: string, body: { up: string; down: string; imports?: string }): string {
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}.ts`;
  writeFileSync(
    join(project.dir, "migrations", file),
    `import { MigrationInterface, QueryRunner } from "typeorm";
${body.imports ?? ""}
export class ${className} implements MigrationInterface {
  name = "${className}";

  public async up(queryRunner: QueryRunner): Promise<void> {
    ${body.up}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    ${body.down}
  }
}
`,
  );
  writeSumFile(join(project.dir, "migrations"));
  return file;
}

/** Run the CLI; the project files it required (besides node_modules), and its output. */
async function loadedBy(project: TestProject, args: string[]): Promise<{ files: string[]; stderr: string }> {
  const log = join(project.dir, "loaded.log");
  rmSync(log, { force: true });
  const result = await project.cli(args, {
    env: {
      NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "loaded-files.cjs")}`,
      ATHANOR_TEST_LOADED_UNDER: project.dir,
      ATHANOR_TEST_LOADED_LOG: log,
    },
  });
  assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
  const files = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((file) => file.slice(project.dir.length + 1))
    .sort();
  return { files, stderr: result.stderr };
}

describe("sqlite: entity metadata only for code that needs it", () => {
  let project: TestProject;
  let init: string;

  before(async () => {
    project = await TestProject.create("sqlite", { "Book.ts": BOOK });
    writeFileSync(join(project.dir, "ormconfig.ts"), ormconfig("sqlite"));
    await project.ok(["generate", "Init"]);
    [init] = project.migrationFiles();
  });
  after(async () => project.cleanup());

  test("a generated migration runs and reverts without loading an entity file", async () => {
    assert.deepEqual((await loadedBy(project, ["run"])).files, [`migrations/${init}`, "ormconfig.ts"]);
    assert.deepEqual(await project.query("SELECT count(*) AS n FROM books"), [{ n: 0 }]);
    assert.deepEqual((await loadedBy(project, ["revert"])).files, [`migrations/${init}`, "ormconfig.ts"]);
    assert.deepEqual(await project.query("SELECT name FROM sqlite_master WHERE name = 'books'"), []);
  });

  test("code that asks for a repository or the connection's metadata gets the entities built first, in the same run", async () => {
    // In generate's layout, but through the manager: a repository by entity name.
    const byName = migration(project, 1900000000001, "ByName", {
      up: `await queryRunner.manager.getRepository("Book").insert({ title: "by name" });`,
      down: `await queryRunner.query("DELETE FROM books WHERE title = 'by name'");`,
    });
    // Any code: the entity class itself, and the connection's metadata.
    const byClass = migration(project, 1900000000002, "ByClass", {
      imports: `import { Book } from "../entities/Book";\n`,
      up: `await queryRunner.manager.getRepository(Book).save({ title: "tables: " + queryRunner.connection.entityMetadatas.map((m) => m.tableName).join() });`,
      down: `await queryRunner.manager.getRepository(Book).delete({ title: "tables: books" });`,
    });
    const { files } = await loadedBy(project, ["run"]);
    assert.deepEqual(files, ["entities/Book.ts", `migrations/${init}`, `migrations/${byName}`, `migrations/${byClass}`, "ormconfig.ts"]);
    assert.deepEqual(await project.query("SELECT title FROM books ORDER BY id"), [{ title: "by name" }, { title: "tables: books" }]);

    // Their down() too.
    assert.ok((await loadedBy(project, ["revert", "--to", init.replace(/^(\d+)-(\w+)\.ts$/, "$2$1")])).files.includes("entities/Book.ts"));
    assert.deepEqual(await project.query("SELECT count(*) AS n FROM books"), [{ n: 0 }]);
    rmSync(join(project.dir, "migrations", byName));
    rmSync(join(project.dir, "migrations", byClass));
    writeSumFile(join(project.dir, "migrations"));
    await project.ok(["revert"]);
  });

  test("subscribers listed in the DataSource see a generated migration's statements, as before", async () => {
    mkdirSync(join(project.dir, "subscribers"), { recursive: true });
    writeFileSync(
      join(project.dir, "subscribers", "Audit.ts"),
      `import { EventSubscriber, type BeforeQueryEvent, type EntitySubscriberInterface } from "typeorm";

@EventSubscriber()
export class Audit implements EntitySubscriberInterface {
  beforeQuery(event: BeforeQueryEvent<unknown>) {
    if (/CREATE TABLE "books"/.test(event.query)) process.stderr.write("audit saw: CREATE TABLE books\\n");
  }
}
`,
    );
    writeFileSync(join(project.dir, "ormconfig.ts"), ormconfig("sqlite", `\n  subscribers: ["subscribers/*.ts"],`));
    try {
      const { files, stderr } = await loadedBy(project, ["run"]);
      assert.match(stderr, /audit saw: CREATE TABLE books/, `${files.join()}\n${stderr}`);
      assert.ok(files.includes("entities/Book.ts"), files.join());
      await project.ok(["revert"]);
    } finally {
      writeFileSync(join(project.dir, "ormconfig.ts"), ormconfig("sqlite"));
    }
  });
});

describe("postgres: entity metadata only for code that needs it", () => {
  let project: TestProject;

  before(async () => {
    project = await TestProject.create("postgres", { "Book.ts": BOOK });
    writeFileSync(join(project.dir, "ormconfig.ts"), ormconfig("postgres"));
  });
  after(async () => project.cleanup());

  test("a generated migration runs without loading an entity file", async () => {
    await project.ok(["generate", "Init"]);
    const [init] = project.migrationFiles();
    assert.deepEqual((await loadedBy(project, ["run"])).files, [`migrations/${init}`, "ormconfig.ts"]);
    await project.ok(["revert"]);
    rmSync(join(project.dir, "migrations", init));
    writeSumFile(join(project.dir, "migrations"));
  });

  test("SQL that relies on an extension TypeORM installs for the entities (uuid_generate_v4) runs on a database without it", async () => {
    project.writeEntity(
      "Token.ts",
      `import { Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tokens" })
export class Token {
  @PrimaryGeneratedColumn("uuid")
  id: string;
}
`,
    );
    assert.deepEqual(await project.query(`SELECT extname FROM pg_extension WHERE extname = 'uuid-ossp'`), []);
    // As TypeORM's own migration:generate writes it: no CREATE EXTENSION.
    migration(project, 1900000000001, "TypeormInit", {
      up: `await queryRunner.query(\`CREATE TABLE "tokens" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), CONSTRAINT "PK_tokens" PRIMARY KEY ("id"))\`);`,
      down: `await queryRunner.query(\`DROP TABLE "tokens"\`);`,
    });
    const { files } = await loadedBy(project, ["run"]);
    assert.ok(files.includes("entities/Token.ts"), files.join());
    assert.deepEqual(await project.query(`INSERT INTO tokens DEFAULT VALUES RETURNING 1 AS one`), [{ one: 1 }]);
  });
});
