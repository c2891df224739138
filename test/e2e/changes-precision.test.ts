/**
 * Fractional-second precision that used to be lost (issue #23): PostgreSQL's
 * `time with time zone`, SQLite's and MariaDB's `datetime(6)`, added and changed on a
 * table with rows, v1 → v2. The declared types carry the precision (as
 * TypeORM writes them), generate then finds nothing, TypeORM's own schema
 * builder has nothing to do, and revert brings back v1.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type ProjectDialect, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertNoChangesAtVersion1 } from "../support/constraints";
import { assertTypeormAgrees } from "../support/typeorm-agrees";
import type { Schema } from "../../src/schema/model";

/** The column whose precision changes, and how each version declares it. */
const CASES: Record<ProjectDialect, { type: string; v1: string; v2: string; declared: RegExp; value: string }> = {
  postgres: {
    type: "time with time zone",
    v1: "",
    v2: ", precision: 3",
    declared: /^time\(3\) with time zone$/,
    value: "'10:11:12.345+02'",
  },
  sqlite: {
    type: "datetime",
    v1: ", precision: 3",
    v2: ", precision: 6",
    declared: /^datetime\(6\)$/,
    value: "'2024-01-02 03:04:05.123456'",
  },
  mariadb: {
    type: "datetime",
    v1: ", precision: 3",
    v2: ", precision: 6",
    declared: /^datetime\(6\)$/,
    value: "'2024-01-02 03:04:05.123'",
  },
};

const EVENT = (dialect: ProjectDialect, precision: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "events" })
export class Event {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "${CASES[dialect].type}"${precision} }) at: ${dialect === "postgres" ? "string" : "Date"};
}
`;

/** The column's type as the database declares it. */
async function declaredType(project: TestProject): Promise<string> {
  if (project.dialect === "postgres") {
    const [row] = await project.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'at'`,
    );
    return row.type;
  }
  if (project.dialect === "mariadb") {
    const [row] = await project.query(
      `SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'events' AND COLUMN_NAME = 'at'`,
    );
    return String(row.type);
  }
  const [row] = await project.query(`SELECT type FROM pragma_table_info('events') WHERE name = 'at'`);
  return row.type;
}

for (const dialect of DIALECTS_AND_MARIADB) {
  const { v1, v2, declared, value } = CASES[dialect];
  describe(`${dialect}: fractional-second precision`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(
      async () =>
        ({ project, v1Schema } = await atVersion1(dialect, {
          v1: { "Event.ts": EVENT(dialect, v1) },
          seed: [`INSERT INTO events (at) VALUES (${value})`],
        })),
    );
    after(async () => project.cleanup());

    test("precision changed in place, rows kept; TypeORM agrees; revert restores v1", async () => {
      const v1Rows = await rows(project, `SELECT id FROM events`);
      await assertTypeormAgrees(project, "v1");

      const generated = await generateVersion2(project, { "Event.ts": EVENT(dialect, v2) });
      assert.match(generated.up, /alterColumn\(\s*"events",[\s\S]*precision: \d[\s\S]*\);/);
      await project.ok(["run"]);
      assert.match(await declaredType(project), declared);
      assert.deepEqual(await rows(project, `SELECT id FROM events`), v1Rows);
      assert.equal((await project.query(`SELECT at FROM events`)).length, 1);
      await assertNoChanges(project);
      await assertTypeormAgrees(project, "v2");

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, `SELECT id FROM events`), v1Rows);
      await assertNoChangesAtVersion1(project, { "Event.ts": EVENT(dialect, v1) });
      await assertTypeormAgrees(project, "after revert");
    });
  });
}
