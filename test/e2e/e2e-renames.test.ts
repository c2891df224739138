/**
 * Renames that keep data, end to end with the real CLI on SQLite and
 * PostgreSQL: a column or table that disappears while a compatible one
 * appears is renamed when the user says so (--rename, --rename-table), and
 * every row survives `run` and `revert`; without a decision nothing is
 * written (exit 2, the resolving flags printed) unless --accept-data-loss.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertSameSchema } from "../support/changes";
import { DIALECTS, TestProject, type DialectName } from "../support/project";

const USER_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  email: string;

  @Column({ type: "varchar", length: 50, nullable: true })
  full_name: string;
}
`;

const USER_RENAMED = USER_V1.replace("full_name: string", "display_name: string");

// Three columns change name at once; one of them also grows from 50 to 100.
const USER_THREE_RENAMES = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  mail: string;

  @Column({ type: "varchar", length: 100, nullable: true })
  display_name: string;

  @Column({ type: "integer", default: 0 })
  points: number;
}
`;

const USER_WITH_SCORE = USER_V1.replace(
  "  full_name: string;\n",
  '  full_name: string;\n\n  @Column({ type: "integer", default: 0 })\n  score: number;\n',
);

// A table with an enum column (a native type named after the table on
// PostgreSQL) and a foreign key pointing at it from another table.
const PEOPLE = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "people" })
export class Person {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 80 })
  name: string;

  @Column({ type: "simple-enum", enum: ["active", "away"], default: "active" })
  status: string;
}
`;

const PERSONS = PEOPLE.replace(`name: "people"`, `name: "persons"`);

const PETS = `import { Column, Entity, ManyToOne, JoinColumn, PrimaryGeneratedColumn } from "typeorm";
import { Person } from "./Person";

@Entity({ name: "pets" })
export class Pet {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 40 })
  nickname: string;

  @Column({ type: "integer" })
  owner_id: number;

  @ManyToOne(() => Person, { onDelete: "CASCADE" })
  @JoinColumn({ name: "owner_id" })
  owner: Person;
}
`;

/** The `up` method of the newest migration file. */
function newestUp(project: TestProject): string {
  const files = project.migrationFiles();
  const source = project.readMigration(files[files.length - 1]);
  return source.slice(source.indexOf("async up("), source.indexOf("async down("));
}

const NAMES = ["Ada Lovelace", "Grace Hopper", "Edsger Dijkstra"];

/** A project with users(id, email, full_name) created by a migration and three rows. */
async function usersProject(dialect: DialectName): Promise<TestProject> {
  const project = await TestProject.create(dialect, { "User.ts": USER_V1 });
  await project.ok(["generate", "CreateUsers"]);
  await project.ok(["run"]);
  for (const [i, name] of NAMES.entries()) {
    await project.query(`INSERT INTO users (email, full_name) VALUES ('u${i}@example.com', '${name}')`);
  }
  return project;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: renaming a column`, () => {
    let project: TestProject;
    before(async () => {
      project = await usersProject(dialect);
    });
    after(async () => project.cleanup());

    test("without a decision, generate writes nothing and prints the flag that resolves it", async () => {
      project.writeEntity("User.ts", USER_RENAMED);
      const files = project.migrationFiles();
      const result = await project.cli(["generate"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /Found 1 possible rename and generate cannot ask here/);
      assert.match(result.stderr, /users\.display_name: created, or renamed from full_name\?/);
      assert.match(result.stderr, /--rename users\.full_name=display_name/);
      assert.match(result.stderr, /--accept-data-loss/);
      assert.deepEqual(project.migrationFiles(), files, "a file was written");

      // --no-interactive says the same even where a terminal could answer.
      const explicit = await project.cli(["generate", "--no-interactive"]);
      assert.equal(explicit.code, 2);
      assert.deepEqual(project.migrationFiles(), files);
    });

    test("--rename renames the column: rows keep their values through run and revert", async () => {
      const before = await project.introspect();
      const generated = await project.ok(["generate", "--rename", "users.full_name=display_name"]);
      assert.match(generated.stdout, /rename column users\.full_name → display_name/);
      assert.doesNotMatch(generated.stdout, /WARNING/);
      const up = newestUp(project);
      assert.match(up, /renameColumn\("users", "full_name", "display_name"\)/);
      assert.doesNotMatch(up, /dropColumn|addColumn/);

      await project.ok(["run"]);
      const rows = await project.query(`SELECT display_name FROM users ORDER BY id`);
      assert.deepEqual(
        rows.map((r) => r.display_name),
        NAMES,
      );
      const again = await project.ok(["generate"]);
      assert.match(again.stdout, /No changes/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const back = await project.query(`SELECT full_name FROM users ORDER BY id`);
      assert.deepEqual(
        back.map((r) => r.full_name),
        NAMES,
      );
    });
  });

  describe(`${dialect}: several renames in one table, one with a type change`, () => {
    let project: TestProject;
    before(async () => {
      project = await usersProject(dialect);
      project.writeEntity("User.ts", USER_WITH_SCORE);
      await project.ok(["generate", "AddScore"]);
      await project.ok(["run"]);
      await project.query(`UPDATE users SET score = id * 10`);
    });
    after(async () => project.cleanup());

    test("each candidate is listed; the three --rename flags keep every value", async () => {
      const before = await project.introspect();
      project.writeEntity("User.ts", USER_THREE_RENAMES);
      const refused = await project.cli(["generate"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /Found 3 possible renames/);
      for (const flag of ["--rename users.email=mail", "--rename users.full_name=display_name", "--rename users.score=points"]) {
        assert.ok(refused.stderr.includes(flag), `missing ${flag} in:\n${refused.stderr}`);
      }

      await project.ok([
        "generate",
        "RenameUserColumns",
        "--rename",
        "users.email=mail",
        "--rename",
        "users.full_name=display_name",
        "--rename",
        "users.score=points",
      ]);
      const up = newestUp(project);
      assert.doesNotMatch(up, /dropColumn|addColumn/);
      assert.equal(up.match(/renameColumn\(/g)?.length, 3);
      assert.match(up, /alterColumn\(\s*"users"/, "varchar(50) → varchar(100) is an alter after the rename");

      await project.ok(["run"]);
      const rows = await project.query(`SELECT mail, display_name, points FROM users ORDER BY id`);
      assert.deepEqual(
        rows.map((r) => [r.mail, r.display_name, Number(r.points)]),
        NAMES.map((name, i) => [`u${i}@example.com`, name, (i + 1) * 10]),
      );
      const long = "y".repeat(90);
      await project.query(`UPDATE users SET display_name = '${long}' WHERE id = 1`);
      assert.equal((await project.query(`SELECT display_name FROM users WHERE id = 1`))[0].display_name, long);
      await project.query(`UPDATE users SET display_name = '${NAMES[0]}' WHERE id = 1`);
      assert.match((await project.ok(["generate"])).stdout, /No changes/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const back = await project.query(`SELECT email, full_name, score FROM users ORDER BY id`);
      assert.deepEqual(
        back.map((r) => [r.email, r.full_name, Number(r.score)]),
        NAMES.map((name, i) => [`u${i}@example.com`, name, (i + 1) * 10]),
      );
    });
  });

  describe(`${dialect}: renaming a table that others reference`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Person.ts": PEOPLE, "Pet.ts": PETS });
      await project.ok(["generate", "CreatePeople"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO people (name, status) VALUES ('Ada', 'active'), ('Grace', 'away')`);
      await project.query(`INSERT INTO pets (nickname, owner_id) VALUES ('Rex', 1), ('Tom', 2), ('Kit', 2)`);
    });
    after(async () => project.cleanup());

    test("--rename-table keeps rows, the foreign key and the enum; revert renames back", async () => {
      const before = await project.introspect();
      project.writeEntity("Person.ts", PERSONS);
      const refused = await project.cli(["generate"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /table persons: created, or renamed from people\?/);
      assert.match(refused.stderr, /--rename-table people=persons/);

      const generated = await project.ok(["generate", "--rename-table", "people=persons"]);
      assert.match(generated.stdout, /rename table people → persons/);
      const up = newestUp(project);
      assert.match(up, /renameTable\("people", "persons"\)/);
      assert.doesNotMatch(up, /createTable|dropTable|ForeignKey/);

      await project.ok(["run"]);
      const people = await project.query(`SELECT id, name, status FROM persons ORDER BY id`);
      assert.deepEqual(
        people.map((r) => [r.name, r.status]),
        [
          ["Ada", "active"],
          ["Grace", "away"],
        ],
      );
      // New ids still come from the renamed table's sequence; the enum still holds.
      await project.query(`INSERT INTO persons (name) VALUES ('Edsger')`);
      const [added] = await project.query(`SELECT id, status FROM persons WHERE name = 'Edsger'`);
      assert.equal(Number(added.id), 3);
      assert.equal(added.status, "active");
      await assert.rejects(project.query(`INSERT INTO persons (name, status) VALUES ('Bad', 'gone')`));
      // The foreign key follows the table.
      await assert.rejects(project.query(`INSERT INTO pets (nickname, owner_id) VALUES ('Ghost', 99)`));
      await project.query(`DELETE FROM persons WHERE name = 'Edsger'`);
      assert.match((await project.ok(["generate"])).stdout, /No changes/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const back = await project.query(`SELECT name FROM people ORDER BY id`);
      assert.deepEqual(
        back.map((r) => r.name),
        ["Ada", "Grace"],
      );
      const pets = await project.query(`SELECT count(*) AS n FROM pets`);
      assert.equal(Number(pets[0].n), 3);
    });
  });

  describe(`${dialect}: renaming a table and its enum column at once`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Person.ts": PEOPLE, "Pet.ts": PETS });
      await project.ok(["generate", "CreatePeople"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO people (name, status) VALUES ('Ada', 'active'), ('Grace', 'away')`);
    });
    after(async () => project.cleanup());

    test("one refusal lists both flags; with them, rows and enum values survive run and revert", async () => {
      const before = await project.introspect();
      project.writeEntity("Person.ts", PERSONS.replace("status: string", "state: string"));
      const refused = await project.cli(["generate"]);
      assert.equal(refused.code, 2);
      assert.ok(
        refused.stderr.includes("all as renames: athanor generate --rename-table people=persons --rename persons.status=state"),
        refused.stderr,
      );

      await project.ok(["generate", "--rename-table", "people=persons", "--rename", "persons.status=state"]);
      const up = newestUp(project);
      assert.match(up, /renameTable\("people", "persons"\)/);
      assert.match(up, /renameColumn\("persons", "status", "state"\)/);
      assert.doesNotMatch(up, /createTable|dropTable|addColumn|dropColumn|alterColumn/);

      await project.ok(["run"]);
      const rows = await project.query(`SELECT name, state FROM persons ORDER BY id`);
      assert.deepEqual(
        rows.map((r) => [r.name, r.state]),
        [
          ["Ada", "active"],
          ["Grace", "away"],
        ],
      );
      await assert.rejects(project.query(`INSERT INTO persons (name, state) VALUES ('Bad', 'gone')`));
      assert.match((await project.ok(["generate"])).stdout, /No changes/);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), before);
      const back = await project.query(`SELECT name, status FROM people ORDER BY id`);
      assert.deepEqual(
        back.map((r) => [r.name, r.status]),
        [
          ["Ada", "active"],
          ["Grace", "away"],
        ],
      );
    });
  });

  describe(`${dialect}: hints that do not fit, and --accept-data-loss`, () => {
    let project: TestProject;
    before(async () => {
      project = await usersProject(dialect);
      project.writeEntity("User.ts", USER_RENAMED);
    });
    after(async () => project.cleanup());

    test("a hint naming a missing column or table exits 2 with one sentence, writing nothing", async () => {
      const files = project.migrationFiles();
      const cases: Array<[string[], RegExp]> = [
        [["--rename", "users.nickname=display_name"], /table users in the database has no column nickname; name a column it has\./],
        [["--rename", "users.full_name=shown_name"], /the entity for users has no column shown_name/],
        [["--rename", "members.full_name=display_name"], /no table members/],
        [["--rename", "users.email=display_name"], /still has column email/],
        [["--rename-table", "ghosts=users"], /the database has no table ghosts/],
        [["--rename", "full_name=display_name"], /is not of the form table\.old_column=new_column/],
      ];
      for (const [args, expected] of cases) {
        const result = await project.cli(["generate", ...args]);
        assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, expected);
        assert.doesNotMatch(result.stderr, /bug in Athanor/);
      }
      assert.deepEqual(project.migrationFiles(), files);
    });

    test("--accept-data-loss drops and adds, with the loss in the header", async () => {
      const result = await project.ok(["generate", "--accept-data-loss"]);
      assert.match(
        result.stdout,
        /AT-D002 error: Column users\.full_name is dropped while users\.display_name is added: the data in full_name is lost; if this is a rename/,
      );
      const files = project.migrationFiles();
      const source = project.readMigration(files[files.length - 1]);
      const header = source.slice(0, source.indexOf("export class"));
      assert.match(
        header.replace(/\s*\n \*\s*/g, " "),
        /AT-D002 error: Column users\.full_name is dropped while users\.display_name is added/,
      );
      assert.match(newestUp(project), /dropColumn/);
      await project.ok(["run"]);
      const rows = await project.query(`SELECT display_name FROM users`);
      assert.deepEqual(
        rows.map((r) => r.display_name),
        [null, null, null],
      );
    });
  });
}

describe("asking at a terminal", () => {
  let project: TestProject;
  before(async () => {
    project = await usersProject("sqlite");
    project.writeEntity("User.ts", USER_RENAMED);
  });
  after(async () => project.cleanup());

  test("answering r renames the column (driven through a pseudo-terminal with script)", async () => {
    const { spawnSync } = await import("node:child_process");
    const { join } = await import("node:path");
    const cli = join(__dirname, "..", "..", "bin", "athanor");
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} generate AskedRename`;
    // script gives the CLI a terminal for stdin and stdout; the answer is typed into it.
    const run = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: project.dir,
      env: project.env,
      input: "r\n",
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /users\.display_name: created, or renamed from full_name\? \[c\/r\]/);
    assert.match(run.stdout, /Wrote migrations\/\d{13}-AskedRename\.ts/);
    assert.match(newestUp(project), /renameColumn\("users", "full_name", "display_name"\)/);
    await project.ok(["run"]);
    const rows = await project.query(`SELECT display_name FROM users ORDER BY id`);
    assert.deepEqual(
      rows.map((r) => r.display_name),
      NAMES,
    );
  });
});

describe("postgres: a --rename-table across schemas", () => {
  const inSchema = (schema: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "invoices", schema: "${schema}" })
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "integer" })
  total: number;
}
`;
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("postgres", { "Invoice.ts": inSchema("billing") });
    await project.ok(["generate", "Init"]);
    await project.ok(["run"]);
  });
  after(async () => project.cleanup());

  test("is refused with exit 2 and a sentence; nothing is written", async () => {
    project.writeEntity("Invoice.ts", inSchema("archive"));
    const before = project.migrationFiles();
    const result = await project.cli(["generate", "--rename-table", "billing.invoices=archive.invoices"]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /the tables are in different schemas, and a table that changes schema is dropped and created; drop this rename/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.deepEqual(project.migrationFiles(), before);
  });
});
