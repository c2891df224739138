/**
 * Enum changes on a column with a default and rows, and serial → identity:
 * - adding a value is `ALTER TYPE … ADD VALUE` on PostgreSQL (the type is
 *   kept, nothing is rewritten) and a CHECK rebuild on SQLite; revert removes
 *   it again through a type swap although the column has a default;
 * - removing a value that a row holds stops the migration naming the count;
 * - serial → identity keeps the sequence position (PostgreSQL only; SQLite
 *   has one kind of auto-increment).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DIALECTS_AND_MARIADB, TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import type { Schema } from "../../src/schema/model";

const enumEntity = (values: string[]) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tickets" })
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: ${JSON.stringify(values)}, default: "open" }) state: string;
}
`;

const STATES = `SELECT id, state FROM tickets ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: enum values`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => {
      ({ project, v1Schema } = await atVersion1(dialect, {
        v1: { "Ticket.ts": enumEntity(["open", "closed"]) },
        seed: [`INSERT INTO tickets (state) VALUES ('open')`, `INSERT INTO tickets (state) VALUES ('closed')`],
      }));
    });
    after(async () => project.cleanup());

    test("add a value in the middle, use it, revert; removing a value rows hold stops", async () => {
      const typeOid = `SELECT t.oid::text AS oid FROM pg_type t WHERE t.typname = 'tickets_state_enum'`;
      const oidBefore = dialect === "postgres" ? await rows(project, typeOid) : [];
      const added = await generateVersion2(project, { "Ticket.ts": enumEntity(["open", "waiting", "closed"]) });
      assert.match(added.up, /alterColumn\(\s*"tickets"/);
      await project.ok(["run"]);
      // PostgreSQL added the value to the same type: no swap, no rewrite.
      if (dialect === "postgres") assert.deepEqual(await rows(project, typeOid), oidBefore);
      await project.query(`INSERT INTO tickets (state) VALUES ('waiting')`);
      await project.query(`DELETE FROM tickets WHERE state = 'waiting'`);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, STATES), [
        { id: "1", state: "open" },
        { id: "2", state: "closed" },
      ]);
      await assert.rejects(project.query(`INSERT INTO tickets (state) VALUES ('waiting')`), "revert removed the value");

      // Removing "closed", which row 2 holds.
      for (const file of project.migrationFiles().filter((f) => f.endsWith("-V2.ts"))) {
        rmSync(join(project.dir, "migrations", file));
      }
      await project.ok(["sum"]);
      await generateVersion2(project, { "Ticket.ts": enumEntity(["open"]) });
      const stopped = await project.cli(["run"]);
      assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, /Cannot remove "closed" from tickets\.state: 1 row\(s\) of tickets hold it/);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      await project.query(`UPDATE tickets SET state = 'open'`);
      await project.ok(["run"]);
      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
    });
  });
}

const taskEntity = (values: string[], defaultValue: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tasks" })
export class Task {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: ${JSON.stringify(values)}, default: ${JSON.stringify(defaultValue)} }) state: string;
}
`;

const TASKS = `SELECT id, state FROM tasks ORDER BY id`;

for (const dialect of DIALECTS_AND_MARIADB) {
  // MySQL has no DEFAULT VALUES: an empty column list takes every default.
  const insertDefaults = dialect === "mariadb" ? "INSERT INTO tasks () VALUES ()" : "INSERT INTO tasks DEFAULT VALUES";
  describe(`${dialect}: an enum value renamed`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => {
      ({ project, v1Schema } = await atVersion1(dialect, {
        v1: { "Task.ts": taskEntity(["pending", "active", "done"], "pending") },
        seed: [
          `INSERT INTO tasks (state) VALUES ('pending')`,
          `INSERT INTO tasks (state) VALUES ('active')`,
          `INSERT INTO tasks (state) VALUES ('pending')`,
        ],
      }));
    });
    after(async () => project.cleanup());

    const V2 = taskEntity(["waiting", "active", "done"], "waiting");

    test("a lost value and a new one: a rename candidate; renamed, the rows keep their meaning both ways", async () => {
      project.writeEntity("Task.ts", V2);
      const unresolved = await project.cli(["generate", "V2", "--no-interactive"]);
      assert.equal(unresolved.code, 2, unresolved.stdout + unresolved.stderr);
      assert.match(unresolved.stderr, /Found 1 possible rename/);
      assert.match(
        unresolved.stderr,
        /tasks\.state "waiting": new value, or renamed from "pending"\?\s+--rename-value tasks\.state:pending=waiting/,
      );
      assert.deepEqual(
        project.migrationFiles().filter((f) => f.endsWith("-V2.ts")),
        [],
      );

      const typeOid = `SELECT t.oid::text AS oid FROM pg_type t WHERE t.typname = 'tasks_state_enum'`;
      const oidBefore = dialect === "postgres" ? await rows(project, typeOid) : [];
      const generated = await generateVersion2(project, { "Task.ts": V2 }, ["--rename-value", "tasks.state:pending=waiting"]);
      assert.match(generated.up, /renameEnumValue\("tasks", "state", "pending", "waiting"\)/);
      assert.doesNotMatch(generated.up, /alterColumn/);
      assert.match(generated.header, /rename value tasks\.state: "pending" → "waiting"/);

      await project.ok(["run"]);
      assert.deepEqual(await rows(project, TASKS), [
        { id: "1", state: "waiting" },
        { id: "2", state: "active" },
        { id: "3", state: "waiting" },
      ]);
      await assertNoChanges(project);
      // PostgreSQL renamed the value in place: the same type, no rewrite.
      if (dialect === "postgres") assert.deepEqual(await rows(project, typeOid), oidBefore);
      // The default followed the value.
      await project.query(insertDefaults);
      assert.deepEqual(await rows(project, `SELECT state FROM tasks WHERE id = 4`), [{ state: "waiting" }]);
      await assert.rejects(project.query(`INSERT INTO tasks (state) VALUES ('pending')`));

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, TASKS), [
        { id: "1", state: "pending" },
        { id: "2", state: "active" },
        { id: "3", state: "pending" },
        { id: "4", state: "pending" },
      ]);
    });

    test("taken as remove + add (--accept-data-loss): the type swap runs both ways although the default is the removed value", async () => {
      for (const file of project.migrationFiles().filter((f) => f.endsWith("-V2.ts"))) {
        rmSync(join(project.dir, "migrations", file));
      }
      await project.ok(["sum"]);
      await project.query(`UPDATE tasks SET state = 'active'`);
      const generated = await generateVersion2(project, { "Task.ts": V2 }, ["--accept-data-loss"]);
      assert.match(generated.up, /alterColumn\(/);
      assert.doesNotMatch(generated.up, /renameEnumValue/);

      await project.ok(["run"]);
      await assertNoChanges(project);
      await project.query(insertDefaults);
      await project.query(`DELETE FROM tasks WHERE state = 'waiting'`);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      await project.query(insertDefaults);
      assert.deepEqual(await rows(project, `SELECT state FROM tasks ORDER BY id DESC LIMIT 1`), [{ state: "pending" }]);
    });
  });
}

const counter = (generation: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "counters" })
export class Counter {
  @PrimaryGeneratedColumn(${generation}) id: number;
  @Column({ type: "varchar", length: 10 }) label: string;
}
`;

describe("postgres: serial → identity", () => {
  let project: TestProject;
  before(async () => {
    ({ project } = await atVersion1("postgres", {
      v1: { "Counter.ts": counter("") },
      seed: ["a", "b", "c", "d", "e"].map((l) => `INSERT INTO counters (label) VALUES ('${l}')`),
    }));
  });
  after(async () => project.cleanup());

  test("new ids come after every id handed out, in up and in down", async () => {
    // Ids 4 and 5 were handed out; a sequence restarted at MAX(id) + 1 would reuse them.
    await project.query(`DELETE FROM counters WHERE id > 3`);
    const generated = await generateVersion2(project, { "Counter.ts": counter(`"identity"`) });
    assert.match(generated.up, /alterColumn\(\s*"counters"/);
    await project.ok(["run"]);
    const identity = await rows(
      project,
      `SELECT is_identity FROM information_schema.columns WHERE table_name = 'counters' AND column_name = 'id'`,
    );
    assert.deepEqual(identity, [{ is_identity: "YES" }]);
    await project.query(`INSERT INTO counters (label) VALUES ('f')`);
    assert.deepEqual(await rows(project, `SELECT id FROM counters WHERE label = 'f'`), [{ id: "6" }]);
    await project.query(`DELETE FROM counters WHERE label = 'f'`);

    await project.ok(["revert"]);
    await project.query(`INSERT INTO counters (label) VALUES ('g')`);
    assert.deepEqual(await rows(project, `SELECT id FROM counters WHERE label = 'g'`), [{ id: "7" }]);
    assert.deepEqual(await rows(project, `SELECT count(*) AS n FROM counters`), [{ n: "4" }]);
  });
});
