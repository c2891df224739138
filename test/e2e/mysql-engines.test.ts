/**
 * A table's storage engine (`@Entity({ engine })`) on MariaDB: created with
 * it, changed with ALTER TABLE … ENGINE= when the entity names another, and
 * no change after that; an entity that names none keeps its table's.
 * MariaDB keeps foreign keys only in InnoDB: a key on a MyISAM table is
 * taken and silently left out (only its index is made), and a key to one
 * is errno 150, so generate and check refuse both (E248, E249) — also where
 * the MyISAM table exists and its entity names no engine — and say how to
 * get InnoDB, which then converts the table before adding the key.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";

function item(engine: string | undefined): string {
  return `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity(${engine === undefined ? `{ name: "items" }` : `{ name: "items", engine: ${JSON.stringify(engine)} }`})
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) name: string;
}
`;
}

function author(engine?: string): string {
  return `import { Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity(${engine === undefined ? `{ name: "authors" }` : `{ name: "authors", engine: ${JSON.stringify(engine)} }`})
export class Author {
  @PrimaryGeneratedColumn() id: number;
}
`;
}

function post(engine?: string): string {
  return `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

@Entity(${engine === undefined ? `{ name: "posts" }` : `{ name: "posts", engine: ${JSON.stringify(engine)} }`})
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) authorId: number;
  @ManyToOne(() => Author) @JoinColumn({ name: "authorId" }) author: Author;
}
`;
}

async function engineOf(project: TestProject, table: string): Promise<string> {
  const rows = await project.query<{ engine: string }>(
    `SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`,
  );
  return rows[0]?.engine;
}

async function noChanges(project: TestProject): Promise<void> {
  const again = await project.cli(["generate", "Again", "--no-interactive"]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes: the database matches the entities/, again.stdout + again.stderr);
}

describe("mariadb: a table's storage engine", () => {
  test("created as the entity names it, changed by ALTER TABLE … ENGINE=, reverted, and no change after each run", async () => {
    const project = await TestProject.create("mariadb", { "Item.ts": item("MyISAM") });
    try {
      await project.ok(["generate", "V1", "--no-interactive"]);
      await project.ok(["run"]);
      assert.equal(await engineOf(project, "items"), "MyISAM");
      await noChanges(project);
      // The server's spelling is not the entity's: no change either.
      project.writeEntity("Item.ts", item("myisam"));
      await noChanges(project);

      project.writeEntity("Item.ts", item("InnoDB"));
      const generated = await project.ok(["generate", "V2", "--no-interactive"]);
      assert.match(generated.stdout, /change the storage engine of items: MyISAM → InnoDB/);
      const [, second] = project.migrationFiles();
      assert.match(project.readMigration(second), /setTableEngine\("items", "MyISAM", "InnoDB"\)/);
      // The judge says what it costs: the server copies the table while writes wait.
      assert.match(project.readMigration(second), /AT-L008 .*Changing the storage engine rebuilds table items/);
      const sql = await project.ok(["run", "--sql"]);
      assert.match(sql.stdout, /ALTER TABLE `items` ENGINE=InnoDB/);
      await project.ok(["run"]);
      assert.equal(await engineOf(project, "items"), "InnoDB");
      await noChanges(project);
      // The migrations, run on a scratch database, give the entities' engines.
      await project.ok(["verify"]);

      // An entity that names no engine keeps the table's.
      project.writeEntity("Item.ts", item(undefined));
      await noChanges(project);

      await project.ok(["revert"]);
      assert.equal(await engineOf(project, "items"), "MyISAM");
    } finally {
      await project.cleanup();
    }
  });

  test("E248: a foreign key on a MyISAM table is refused by generate and check; nothing is written", async () => {
    const project = await TestProject.create("mariadb", { "Author.ts": author(), "Post.ts": post("MyISAM") });
    try {
      const generated = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(generated.code, 2, generated.stdout + generated.stderr);
      const says =
        /^error: The foreign key FK_\w+ from posts \(authorId\) to authors \(id\) is on posts, a MyISAM table: MariaDB keeps no foreign keys in MyISAM, takes the statement and makes only the key's index, so every generate would offer the key again: name InnoDB in the entity of posts \(@Entity\(\{ engine: "InnoDB" \}\); a migration converts the table\), or give the relation createForeignKeyConstraints: false\.$/m;
      assert.match(generated.stderr, says);
      assert.deepEqual(project.migrationFiles(), []);
      const checked = await project.cli(["check"]);
      assert.equal(checked.code, 2, checked.stdout + checked.stderr);
      assert.match(checked.stderr, says);
    } finally {
      await project.cleanup();
    }
  });

  test("E249: a foreign key to a MyISAM table is refused (errno 150 at run otherwise)", async () => {
    const project = await TestProject.create("mariadb", { "Author.ts": author("MyISAM"), "Post.ts": post() });
    try {
      const generated = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(generated.code, 2, generated.stdout + generated.stderr);
      assert.match(
        generated.stderr,
        /^error: The foreign key FK_\w+ from posts \(authorId\) to authors \(id\) references authors, a MyISAM table, which keeps no foreign keys, which MariaDB refuses \(errno 150, "Foreign key constraint is incorrectly formed"\): name InnoDB in the entity of authors/m,
      );
      assert.deepEqual(project.migrationFiles(), []);
    } finally {
      await project.cleanup();
    }
  });

  test("a live MyISAM table whose entity names no engine is judged by its engine; naming InnoDB converts it before the key is added", async () => {
    const project = await TestProject.create("mariadb", { "Author.ts": author(), "Post.ts": post() });
    try {
      await project.query("CREATE TABLE authors (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=MyISAM");
      const refused = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /references authors, a MyISAM table, which keeps no foreign keys/);

      project.writeEntity("Author.ts", author("InnoDB"));
      await project.ok(["generate", "V1", "--no-interactive"]);
      await project.ok(["run"]);
      assert.equal(await engineOf(project, "authors"), "InnoDB");
      const keys = await project.query(
        "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
      );
      assert.equal(keys.length, 1);
      await noChanges(project);
    } finally {
      await project.cleanup();
    }
  });
});

describe("mariadb: a storage engine the server does not offer", () => {
  /** The engines the server offers, as E258 lists them (information_schema.ENGINES, less those that hold no tables). */
  async function offered(project: TestProject): Promise<string> {
    const rows = await project.query<{ engine: string; support: string }>(
      "SELECT ENGINE AS engine, SUPPORT AS support FROM information_schema.ENGINES WHERE SUPPORT IN ('YES', 'DEFAULT') AND ENGINE NOT IN ('PERFORMANCE_SCHEMA', 'SEQUENCE') ORDER BY ENGINE",
    );
    assert.ok(rows.some((r) => r.engine === "InnoDB"));
    return rows.map((r) => (r.support === "DEFAULT" ? `${r.engine} (the default)` : r.engine)).join(", ");
  }

  test("E258: a misspelt engine stops generate and check, for a new table and an existing one, before any foreign key is judged; nothing is written", async () => {
    const project = await TestProject.create("mariadb", { "Author.ts": author(), "Post.ts": post("InnoBD") });
    try {
      const list = await offered(project);
      const says = (table: string) =>
        new RegExp(
          `^error: The entity of ${table} names storage engine "InnoBD" \\(@Entity\\(\\{ engine: "InnoBD" \\}\\)\\), which this MariaDB server does not offer \\(information_schema\\.ENGINES\\): ` +
            `name one it offers — ${list.replace(/[()]/g, "\\$&")} — or leave engine out for the server's default, InnoDB\\.$`,
          "m",
        );
      // A new table: not E248 ("a InnoBD table keeps no foreign keys"), the engine itself.
      const generated = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(generated.code, 2, generated.stdout + generated.stderr);
      assert.match(generated.stderr, says("posts"));
      assert.deepEqual(project.migrationFiles(), []);

      // An existing table: without E258, generate would write ALTER TABLE … ENGINE=InnoBD.
      project.writeEntity("Post.ts", post());
      await project.ok(["generate", "V1", "--no-interactive"]);
      await project.ok(["run"]);
      project.writeEntity("Author.ts", author("InnoBD"));
      const changed = await project.cli(["generate", "V2", "--no-interactive"]);
      assert.equal(changed.code, 2, changed.stdout + changed.stderr);
      assert.match(changed.stderr, says("authors"));
      assert.equal(project.migrationFiles().length, 1);
      const checked = await project.cli(["check"]);
      assert.equal(checked.code, 2, checked.stdout + checked.stderr);
      assert.match(checked.stderr, says("authors"));

      // The server's own spelling in any case is an engine it offers.
      project.writeEntity("Author.ts", author("innodb"));
      await noChanges(project);
    } finally {
      await project.cleanup();
    }
  });

  test("E258: HEAP, which the server takes but stores as MEMORY, is told the name it keeps (it would differ at every generate)", async () => {
    const project = await TestProject.create("mariadb", { "Item.ts": item("HEAP") });
    try {
      const generated = await project.cli(["generate", "V1", "--no-interactive"]);
      assert.equal(generated.code, 2, generated.stdout + generated.stderr);
      assert.match(
        generated.stderr,
        /^error: The entity of items names storage engine "HEAP" \(@Entity\(\{ engine: "HEAP" \}\)\), which this MariaDB server takes but stores as MEMORY, so the table would differ from its entity at every generate: name MEMORY\.$/m,
      );
      project.writeEntity("Item.ts", item("MEMORY"));
      await project.ok(["generate", "V1", "--no-interactive"]);
      await project.ok(["run"]);
      assert.equal(await engineOf(project, "items"), "MEMORY");
      await noChanges(project);
    } finally {
      await project.cleanup();
    }
  });

  test("E259: a migration written without a server (or by hand) that names an unknown engine stops at run with what to do", async () => {
    const project = await TestProject.create("mariadb", { "Item.ts": item(undefined) });
    try {
      await project.ok(["generate", "V1", "--no-interactive"]);
      await project.ok(["run"]);
      // What generate would have written for engine "InnoBD" without E258.
      await project.ok(["create", "Convert"]);
      const file = project.migrationFiles().find((f) => f.includes("Convert"))!;
      const blank = project.readMigration(file);
      const written = blank.replace(/(async up\([^)]*\)[^{]*\{\n)/, `$1    await queryRunner.query("ALTER TABLE items ENGINE=InnoBD");\n`);
      assert.notEqual(written, blank);
      writeFileSync(join(project.dir, "migrations", file), written);
      await project.ok(["sum"]);
      const run = await project.cli(["run"]);
      assert.equal(run.code, 3, run.stdout + run.stderr);
      assert.match(
        run.stderr,
        /this server has no storage engine InnoBD \(SHOW ENGINES lists those it offers\): name one it offers in the entity and in this migration \(if it is not applied anywhere, delete it and generate it again\), or install the engine's plugin on the server \(INSTALL SONAME\).*Unknown storage engine 'InnoBD'/,
      );
      assert.equal(await engineOf(project, "items"), "InnoDB");
    } finally {
      await project.cleanup();
    }
  });
});

test("sqlite ignores the engine; lint --dialect mariadb reports a key on a MyISAM table as AT-R001, in generate's words", async () => {
  const project = await TestProject.create("sqlite", { "Author.ts": author(), "Post.ts": post("MyISAM") });
  try {
    await project.ok(["generate", "V1", "--no-interactive"]);
    const linted = await project.cli(["lint", "--dialect", "mariadb"]);
    assert.equal(linted.code, 1, linted.stdout + linted.stderr);
    assert.match(
      linted.stdout,
      /AT-R001 error +The foreign key FK_\w+ from posts \(authorId\) to authors \(id\) is on posts, a MyISAM table/,
    );
    const own = await project.cli(["lint", "--json"]);
    assert.doesNotMatch(own.stdout, /AT-R001/);
  } finally {
    await project.cleanup();
  }
});

test("sqlite ignores the engine; lint --dialect mariadb says of a misspelt engine AT-R002 (what the server does), not AT-R001 (an engine without keys)", async () => {
  const project = await TestProject.create("sqlite", { "Author.ts": author(), "Post.ts": post("InnoBD"), "Item.ts": item("Aria") });
  try {
    await project.ok(["generate", "V1", "--no-interactive"]);
    // Raw SQL too: a quoted engine name is read; a column named engine inside the parentheses is no table option.
    await project.ok(["create", "ByHand"]);
    const file = project.migrationFiles().find((f) => f.includes("ByHand"))!;
    const blank = project.readMigration(file);
    const written = blank.replace(
      /(async up\([^)]*\)[^{]*\{\n)/,
      `$1    await queryRunner.query("ALTER TABLE items ENGINE = 'MyIASM'");\n` +
        `    await queryRunner.query("CREATE TABLE notes (id int PRIMARY KEY, engine varchar(10)) ENGINE=InnoDB");\n`,
    );
    assert.notEqual(written, blank);
    writeFileSync(join(project.dir, "migrations", file), written);
    await project.ok(["sum"]);

    const linted = await project.cli(["lint", "--dialect", "mariadb", "--json"]);
    assert.equal(linted.code, 0, linted.stdout + linted.stderr);
    const findings: Array<{ code: string; message: string; subject: string }> = JSON.parse(linted.stdout).migrations.flatMap(
      (m: { findings: unknown[] }) => m.findings,
    );
    assert.deepEqual(
      findings.filter((f) => f.code.startsWith("AT-R")).map((f) => [f.code, /named (\w+)/.exec(f.message)?.[1], f.subject.slice(0, 20)]),
      [
        ["AT-R002", "InnoBD", "CREATE TABLE `posts`"],
        ["AT-R002", "MyIASM", "ALTER TABLE items EN"],
      ],
    );
    const human = await project.cli(["lint", "--dialect", "mariadb"]);
    assert.match(
      human.stdout,
      /AT-R002 warning No MySQL or MariaDB build ships a storage engine named InnoBD: a server without such a plugin refuses the statement \("Unknown storage engine", errno 1286\) where sql_mode has NO_ENGINE_SUBSTITUTION \(the default\)/,
    );
    assert.doesNotMatch(human.stdout, /keeps no foreign keys in InnoBD/);
    // A warning: CI that fails on warnings fails.
    assert.equal((await project.cli(["lint", "--dialect", "mariadb", "--fail-on", "warning"])).code, 1);
    assert.doesNotMatch((await project.cli(["lint", "--json"])).stdout, /AT-R00/);
  } finally {
    await project.cleanup();
  }
});
