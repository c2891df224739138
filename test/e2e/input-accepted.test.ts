/**
 * Input that TypeORM (or a person) would accept and Athanor must too
 * (issue #15): names in any script, `--` before an argument, a migration
 * name after a --rename hint, an enum value that holds Athanor's own
 * dollar-quote tag, and `stamp` saying which migration a prefix matched.
 * Refusals are in bad-input*.test.ts; the socket URL is there with the
 * password checks.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";
import { ITEM, migration } from "../support/bad-input";

describe("names and arguments", { concurrency: 2 }, () => {
  test("create keeps letters of every script: 名前, Добавить, добавить поле (→ ДобавитьПоле); the files run", async () => {
    const project = await TestProject.create("sqlite");
    try {
      for (const [name, pascal] of [
        ["名前", "名前"],
        ["Добавить", "Добавить"],
        ["добавить поле", "ДобавитьПоле"],
        ["2fa für nutzer", "Migration2faFürNutzer"],
      ]) {
        const result = await project.cli(["create", name]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`^Wrote migrations/\\d{13}-${pascal}\\.ts \\(class ${pascal}\\d{13}\\)`, "m"));
      }
      assert.deepEqual(
        project.migrationFiles().map((f) => f.replace(/^\d{13}-/, "")),
        ["名前.ts", "Добавить.ts", "ДобавитьПоле.ts", "Migration2faFürNutzer.ts"],
      );
      const run = await project.cli(["run"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Applied 4 migrations/m);
    } finally {
      await project.cleanup();
    }
  });

  test("create -- Name: `--` before the name is accepted", async () => {
    const project = await TestProject.create("sqlite");
    try {
      const result = await project.cli(["create", "--", "SeedCountries"]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        project.migrationFiles().map((f) => f.replace(/^\d{13}-/, "")),
        ["SeedCountries.ts"],
      );
    } finally {
      await project.cleanup();
    }
  });

  test("generate --rename items.title=headline RenameTitle: the name after a hint is the name", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      await project.ok(["generate", "CreateItems"]);
      await project.ok(["run"]);
      project.writeEntity("Item.ts", ITEM.replace("title: string", "headline: string"));
      const result = await project.cli(["generate", "--rename", "items.title=headline", "RenameTitle", "--no-interactive"]);
      assert.equal(result.code, 0, result.stderr);
      const file = project.migrationFiles().find((f) => f.endsWith("-RenameTitle.ts"));
      assert.ok(file, `no RenameTitle migration in ${project.migrationFiles().join(", ")}`);
      assert.match(project.readMigration(file), /renameColumn\(\s*"items",\s*"title",\s*"headline"/);
    } finally {
      await project.cleanup();
    }
  });

  test("stamp <prefix> says the migration it matched, not what was typed", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeFileSync(join(project.dir, "migrations", "1700000000000-AddA.ts"), migration("AddA", 1700000000000));
      writeFileSync(join(project.dir, "migrations", "1700000000001-AddB.ts"), migration("AddB", 1700000000001));
      await project.ok(["sum"]);
      const first = await project.cli(["stamp", "1700000000000"]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^Stamped sqlite database data\/app\.sqlite at AddA1700000000000; no migration code ran\.$/m);
      const again = await project.cli(["stamp", "AddA"]);
      assert.match(
        again.stdout,
        /^Nothing to change: the bookkeeping of sqlite database data\/app\.sqlite already says AddA1700000000000\.$/m,
      );
      const head = await project.cli(["stamp", "head", "--json"]);
      assert.equal(JSON.parse(head.stdout).revision, "head");
    } finally {
      await project.cleanup();
    }
  });
});

const ticket = (values: string[]) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "tickets" })
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: ${JSON.stringify(values)}, default: "open" }) state: string;
}
`;

for (const dialect of DIALECTS) {
  describe(`${dialect}: an enum value holding the dollar-quote tag $athanor$`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect, { "Ticket.ts": ticket(["open", "$athanor$", "a$athanor1$b"]) });
    });
    after(() => project.cleanup());

    test("created, extended with another such value and reverted, portable and --sql alike", async () => {
      await project.ok(["generate", "CreateTickets"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO tickets (state) VALUES ('$athanor$')`);
      project.writeEntity("Ticket.ts", ticket(["open", "$athanor$", "a$athanor1$b", "b$athanor2$"]));
      await project.ok(["generate", "AddValue"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO tickets (state) VALUES ('b$athanor2$')`);
      await project.query(`DELETE FROM tickets WHERE state = 'b$athanor2$'`);
      await project.ok(["revert", "--step", "2"]);
      assert.deepEqual(Object.keys((await project.introspect()).tables), []);

      // The same table as raw SQL in the migration file.
      for (const file of project.migrationFiles()) rmSync(join(project.dir, "migrations", file));
      await project.ok(["sum"]);
      await project.ok(["generate", "--sql", "CreateTicketsSql"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO tickets (state) VALUES ('a$athanor1$b')`);
      await project.ok(["revert"]);
    });
  });
}
