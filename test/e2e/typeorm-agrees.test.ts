/**
 * Issue #21: a database Athanor builds is one TypeORM itself finds equal to
 * the entities (`createSchemaBuilder().log()` has nothing to run), and a
 * SQLite database built by an older Athanor — the key's CONSTRAINT name
 * before AUTOINCREMENT, a named enum CHECK — is still equal for Athanor: no
 * rebuild on upgrade. The first rebuild that a real change causes writes
 * TypeORM's form of the key and the CHECK.
 * (The corpus runs the same reverse check over every definition.)
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "../support/project";
import { projectPendingQueries } from "../support/typeorm-agrees";

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
