/**
 * Issue #21: a database Athanor builds is one TypeORM itself finds equal to
 * the entities (`createSchemaBuilder().log()` has nothing to run), and a
 * SQLite database built by an older Athanor — the key's CONSTRAINT name
 * before AUTOINCREMENT, a named enum CHECK — is still equal for Athanor: no
 * rebuild on upgrade. The first rebuild that a real change causes writes
 * TypeORM's form of the key and the CHECK.
 * On MariaDB, a boolean is written `tinyint`, `real` as `double`, an unnamed
 * unique key under TypeORM's MySQL index name, and TypeORM 0.3 and 1.x agree;
 * the forms an older Athanor wrote (tinyint(1), UQ_…) stay equal for Athanor.
 * (The corpus runs the same reverse check over every definition.)
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DefaultNamingStrategy, type DataSourceOptions } from "typeorm";
import { TestProject } from "../support/project";
import { projectEntities, projectPendingQueries, typeormPendingQueries } from "../support/typeorm-agrees";
import { typeorm1DataSource } from "../support/typeorm1";

const ticket = (nameLength: number) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tickets" })
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: ${nameLength} }) name: string;
  @Column({ type: "simple-enum", enum: ["open", "closed"], default: "open" }) state: string;
}
`;

/** What TypeORM writes in its own spellings: a float, a CreateDateColumn, raw and string defaults. */
const SPELLINGS = `import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "spellings" })
export class Spellings {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "float" }) weight: number;
  @Column({ type: "character", length: 2 }) code: string;
  @Column({ type: "numeric", precision: 6, scale: 2, default: "0.50" }) fee: string;
  @Column({ type: "boolean", default: () => "false" }) raw: boolean;
  @CreateDateColumn() createdAt: Date;
}
`;

/** The table as Athanor 0.1 wrote it for ticket(20). */
const OLDER_ATHANOR_TABLE =
  `CREATE TABLE "tickets" ("id" integer CONSTRAINT "PK_tickets" PRIMARY KEY AUTOINCREMENT NOT NULL, ` +
  `"name" varchar(20) NOT NULL, ` +
  `"state" varchar CONSTRAINT "CHK_tickets_state_enum" CHECK ("state" IN ('open','closed')) NOT NULL DEFAULT ('open'))`;

test("sqlite: after Athanor's run TypeORM's schema builder has nothing to run", async () => {
  const project = await TestProject.create("sqlite", { "Ticket.ts": ticket(20), "Spellings.ts": SPELLINGS });
  try {
    await project.ok(["generate", "Tickets"]);
    await project.ok(["run"]);
    assert.deepEqual(await projectPendingQueries(project, ["Ticket.ts", "Spellings.ts"]), []);
  } finally {
    await project.cleanup();
  }
});

test("sqlite: a table in an older Athanor's form is equal for Athanor, and its next rebuild writes TypeORM's form", async () => {
  const project = await TestProject.create("sqlite", { "Ticket.ts": ticket(20) });
  try {
    await project.query(OLDER_ATHANOR_TABLE);
    await project.query(`INSERT INTO "tickets" ("name") VALUES ('first')`);
    // Athanor: nothing to do (no rebuild of every table on upgrade).
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check wants changes on the older form:\n${check.stdout}${check.stderr}`);
    // TypeORM does see the older form as different: that is what the new form fixes.
    assert.notDeepEqual(await projectPendingQueries(project, ["Ticket.ts"]), []);

    // A real change rebuilds the table, in TypeORM's form, keeping the rows and the counter.
    project.writeEntity("Ticket.ts", ticket(40));
    await project.ok(["generate", "Longer"]);
    await project.ok(["run"]);
    assert.deepEqual(await projectPendingQueries(project, ["Ticket.ts"]), []);
    const [sql] = await project.query<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'tickets'`);
    assert.match(sql.sql, /"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL/);
    await project.query(`INSERT INTO "tickets" ("name") VALUES ('second')`);
    assert.deepEqual(await project.query(`SELECT id, name, state FROM "tickets" ORDER BY id`), [
      { id: 1, name: "first", state: "open" },
      { id: 2, name: "second", state: "open" },
    ]);
  } finally {
    await project.cleanup();
  }
});

const switchEntity = (values: string[]) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "switches" })
export class Switch {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: ${JSON.stringify(values)}, default: "on" }) powerState: string;
}
`;

test("postgres: an enum type named after the mixed-case column (older Athanor) is equal for Athanor, and a change of values moves it to TypeORM's lower-cased name", async () => {
  const project = await TestProject.create("postgres", { "Switch.ts": switchEntity(["on", "off"]) });
  try {
    await project.query(`CREATE TYPE "switches_powerState_enum" AS ENUM ('on', 'off')`);
    await project.query(
      `CREATE TABLE "switches" ("id" SERIAL NOT NULL, "powerState" "switches_powerState_enum" NOT NULL DEFAULT 'on', CONSTRAINT "PK_switches" PRIMARY KEY ("id"))`,
    );
    await project.query(`INSERT INTO "switches" ("powerState") VALUES ('off')`);
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check wants changes on the older enum name:\n${check.stdout}${check.stderr}`);

    project.writeEntity("Switch.ts", switchEntity(["on", "off", "broken"]));
    await project.ok(["generate", "Broken"]);
    await project.ok(["run"]);
    const types = await project.query<{ typname: string }>(
      `SELECT typname FROM pg_type WHERE typname LIKE 'switches_%_enum' ORDER BY typname`,
    );
    assert.deepEqual(
      types.map((t) => t.typname),
      ["switches_powerstate_enum"],
    );
    assert.deepEqual(await project.query(`SELECT "powerState" FROM "switches"`), [{ powerState: "off" }]);
    const again = await project.cli(["generate", "--check"]);
    assert.equal(again.code, 0, `generate --check after the change:\n${again.stdout}${again.stderr}`);
  } finally {
    await project.cleanup();
  }
});

const BOOK = `import { Column, Entity, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "book" })
@Unique(["title", "edition"])
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20, unique: true }) isbn: string;
  @Column({ type: "varchar", length: 80 }) title: string;
  @Column({ type: "int" }) edition: number;
  @Column({ type: "boolean", default: false }) outOfPrint: boolean;
  @Column({ type: "boolean", nullable: true }) signed: boolean | null;
  @Column({ type: "real" }) weight: number;
}
`;

/** The book table as Athanor wrote it before: booleans tinyint(1), real as float, unnamed unique keys named UQ_…. */
const OLDER_ATHANOR_BOOK =
  "CREATE TABLE `book` (`id` int NOT NULL AUTO_INCREMENT, `isbn` varchar(20) NOT NULL, `title` varchar(80) NOT NULL, " +
  "`edition` int NOT NULL, `outOfPrint` tinyint(1) NOT NULL DEFAULT 0, `signed` tinyint(1) NULL, `weight` float NOT NULL, " +
  "CONSTRAINT `PK_book` PRIMARY KEY (`id`), CONSTRAINT `UQ_book_isbn` UNIQUE (`isbn`), " +
  "CONSTRAINT `UQ_book_title_edition` UNIQUE (`title`, `edition`)) ENGINE=InnoDB";

async function bookColumns(project: TestProject): Promise<Record<string, string>> {
  const rows = await project.query<{ name: string; type: string }>(
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book'",
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.type]));
}

async function bookUniqueIndexes(project: TestProject): Promise<string[]> {
  const rows = await project.query<{ name: string }>(
    "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book' AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'",
  );
  return rows.map((row) => row.name).sort();
}

async function assertTypeormAgreesOnBook(project: TestProject, when: string): Promise<void> {
  assert.deepEqual(await projectPendingQueries(project), [], `TypeORM 0.3 ${when}`);
  assert.deepEqual(
    await typeormPendingQueries(project.dataSourceOptions(), projectEntities(project), typeorm1DataSource()),
    [],
    `TypeORM 1.x ${when}`,
  );
}

test("mariadb: a boolean, a real and unnamed unique keys as TypeORM builds them; TypeORM 0.3 and 1.x agree after run, revert and run again", async () => {
  const project = await TestProject.create("mariadb", { "Book.ts": BOOK });
  try {
    await project.ok(["generate", "Books"]);
    const [migration] = readdirSync(join(project.dir, "migrations")).filter((file) => file.endsWith(".ts"));
    // Offline, as run writes them.
    const script = (await project.ok(["run", "--sql"])).stdout;
    assert.match(script, /`outOfPrint` tinyint NOT NULL DEFAULT 0/);
    assert.match(script, /`signed` tinyint NULL/);
    assert.match(script, /`weight` double NOT NULL/);
    assert.doesNotMatch(script, /tinyint\(1\)|float/);
    const shown = (await project.ok(["show", migration.replace(/\.ts$/, "")])).stdout;
    assert.match(shown, /`outOfPrint` tinyint NOT NULL DEFAULT 0/);

    await project.ok(["run"]);
    assert.deepEqual(await bookColumns(project), {
      id: "int(11)",
      isbn: "varchar(20)",
      title: "varchar(80)",
      edition: "int(11)",
      outOfPrint: "tinyint(4)",
      signed: "tinyint(4)",
      weight: "double",
    });
    // TypeORM's MySQL driver names an unnamed unique key's index IDX_… (its indexName).
    const naming = new DefaultNamingStrategy();
    assert.deepEqual(
      await bookUniqueIndexes(project),
      [naming.indexName("book", ["isbn"]), naming.indexName("book", ["title", "edition"])].sort(),
    );
    await assertTypeormAgreesOnBook(project, "after run");
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check after run:\n${check.stdout}${check.stderr}`);
    await project.ok(["verify"]);

    await project.ok(["revert"]);
    assert.deepEqual(await bookColumns(project), {});
    await project.ok(["run"]);
    await assertTypeormAgreesOnBook(project, "after revert and run");
    const again = await project.cli(["generate", "--check"]);
    assert.equal(again.code, 0, `generate --check after revert and run:\n${again.stdout}${again.stderr}`);
  } finally {
    await project.cleanup();
  }
});

test("mariadb: a table in an older Athanor's form (tinyint(1) booleans, float for real, UQ_ keys) is equal for Athanor, and a change of a column writes TypeORM's form", async () => {
  const project = await TestProject.create("mariadb", { "Book.ts": BOOK });
  try {
    await project.query(OLDER_ATHANOR_BOOK);
    await project.query("INSERT INTO `book` (`isbn`, `title`, `edition`, `signed`, `weight`) VALUES ('1', 'Dune', 1, 1, 0.25)");
    // Athanor: nothing to do (no table rewritten on upgrade).
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check wants changes on the older form:\n${check.stdout}${check.stderr}`);
    // TypeORM does see the older form as different: that is what the new form fixes.
    assert.notDeepEqual(await projectPendingQueries(project), []);

    // A real change of the columns writes them in TypeORM's form, keeping the row.
    project.writeEntity(
      "Book.ts",
      BOOK.replace(`nullable: true }) signed`, `nullable: false, default: true }) signed`).replace(
        `@Column({ type: "real" }) weight`,
        `@Column({ type: "real", nullable: true }) weight`,
      ),
    );
    await project.ok(["generate", "Stricter"]);
    await project.ok(["run"]);
    const columns = await bookColumns(project);
    assert.equal(columns.outOfPrint, "tinyint(1)", "an unchanged column is left as it was");
    assert.equal(columns.signed, "tinyint(4)");
    assert.equal(columns.weight, "double");
    assert.deepEqual(await bookUniqueIndexes(project), ["UQ_book_isbn", "UQ_book_title_edition"]);
    assert.deepEqual(await project.query("SELECT `outOfPrint`, `signed`, `weight` FROM `book`"), [
      { outOfPrint: 0, signed: 1, weight: 0.25 },
    ]);
    const again = await project.cli(["generate", "--check"]);
    assert.equal(again.code, 0, `generate --check after the change:\n${again.stdout}${again.stderr}`);
  } finally {
    await project.cleanup();
  }
});

const TICKET_UUIDS = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "ticket" })
export class Ticket {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) buyer: string;
}
`;

/** A MariaDB project whose DataSource says type "mysql", as `init` writes for a mysql:// URL. */
async function mysqlTypeProject(entities: Record<string, string>): Promise<TestProject> {
  const project = await TestProject.create("mariadb", entities);
  const config = join(project.dir, "ormconfig.ts");
  writeFileSync(config, readFileSync(config, "utf8").replace(`? "mariadb" :`, `? "mysql" :`));
  return project;
}

test("mysql driver type: a uuid is varchar(255) as TypeORM writes it (36 when generated), TypeORM agrees, and an older varchar(36) is equal for Athanor", async () => {
  const project = await mysqlTypeProject({ "Ticket.ts": TICKET_UUIDS });
  const options = { ...project.dataSourceOptions(), type: "mysql" } as DataSourceOptions;
  try {
    await project.ok(["generate", "Tickets"]);
    await project.ok(["run"]);
    const types = async () =>
      Object.fromEntries(
        (
          await project.query<{ name: string; type: string }>(
            "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket'",
          )
        ).map((row) => [row.name, row.type]),
      );
    assert.deepEqual(await types(), { id: "varchar(36)", buyer: "varchar(255)" });
    assert.deepEqual(await typeormPendingQueries(options, projectEntities(project)), []);
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check after run:\n${check.stdout}${check.stderr}`);

    // The column as an earlier Athanor wrote it: no change for Athanor (TypeORM would drop and add it).
    await project.query("ALTER TABLE `ticket` MODIFY `buyer` varchar(36) NOT NULL");
    const older = await project.cli(["generate", "--check"]);
    assert.equal(older.code, 0, `generate --check on the older varchar(36):\n${older.stdout}${older.stderr}`);
  } finally {
    await project.cleanup();
  }
});
