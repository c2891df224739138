/**
 * Exclusion constraints (PostgreSQL, issue #23) on a table with rows, v1 →
 * v2 in one migration: one added, one whose expression changes under the
 * same name (dropped and added again). The database then enforces v2's,
 * generate finds nothing, TypeORM's own schema builder has nothing to do,
 * and revert brings back v1's. SQLite has no exclusion constraints (TypeORM
 * reads none there).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertNoChangesAtVersion1, assertRejected } from "../support/constraints";
import { assertTypeormAgrees } from "../support/typeorm-agrees";
import type { Schema } from "../../src/schema/model";

const BOOKING = (exclusions: string) => `import { Column, Entity, Exclusion, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "bookings" })
${exclusions}
export class Booking {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "integer" }) room: number;
  @Column({ type: "integer" }) low: number;
  @Column({ type: "integer" }) high: number;
}
`;

const V1 = BOOKING(`@Exclusion("EX_bookings_span", \`USING gist (int4range("low", "high") WITH &&)\`)`);
const V2 = BOOKING(
  `@Exclusion("EX_bookings_span", \`USING gist (int4range("low", "high", '[]') WITH &&)\`)\n` +
    `@Exclusion("EX_bookings_rooms", \`USING GIST (int4range("room", "room", '[]') WITH &&, int4range("low", "high") WITH &&)\`)`,
);

const ALL = `SELECT id, room, low, high FROM bookings ORDER BY id`;
const insert = (room: number, low: number, high: number) => `INSERT INTO bookings (room, low, high) VALUES (${room}, ${low}, ${high})`;

describe("postgres: exclusion constraint changes", () => {
  let project: TestProject;
  let v1Schema: Schema;
  before(
    async () =>
      ({ project, v1Schema } = await atVersion1("postgres", {
        v1: { "Booking.ts": V1 },
        // Every version accepts these: no two spans meet, even with closed ends.
        seed: [`${insert(1, 0, 4)}`, `${insert(2, 5, 9)}`],
      })),
  );
  after(async () => project.cleanup());

  test("one added, one changed under its name; enforced, rows kept; TypeORM agrees; revert restores v1", async () => {
    const v1Rows = await rows(project, ALL);
    await assertTypeormAgrees(project, "v1");
    // v1: half-open spans [4, 6) and [0, 4) do not overlap.
    await project.query(insert(3, 4, 5));
    await project.query(`DELETE FROM bookings WHERE room = 3`);
    await assertRejected(project, insert(3, 3, 6), "v1: EX_bookings_span");

    const generated = await generateVersion2(project, { "Booking.ts": V2 });
    assert.match(
      generated.up,
      /dropExclusion\(\s*"bookings",\s*\{\s*name: "EX_bookings_span",\s*expression: "USING gist \(int4range\(low, high\) WITH &&\)"/,
    );
    assert.match(
      generated.up,
      /addExclusion\(\s*"bookings",\s*\{\s*name: "EX_bookings_span",\s*expression: "USING gist \(int4range\(\\"low\\", \\"high\\", '\[\]'\) WITH &&\)"/,
    );
    assert.match(generated.up, /addExclusion\(\s*"bookings",\s*\{\s*name: "EX_bookings_rooms"/);
    assert.doesNotMatch(generated.up, /Column|Check|Unique|Index\(/);
    assert.match(generated.header, /add exclusion EX_bookings_rooms on bookings/);
    const script = (await project.ok(["run", "--sql"])).stdout;
    assert.match(script, /ALTER TABLE "bookings" ADD CONSTRAINT "EX_bookings_rooms" EXCLUDE USING GIST/);

    await project.ok(["run"]);
    assert.deepEqual(await rows(project, ALL), v1Rows);
    // v2: closed spans [4, 5] and [0, 4] meet at 4.
    await assertRejected(project, insert(3, 4, 5), "v2: EX_bookings_span with closed ends");
    await assertNoChanges(project);
    await assertTypeormAgrees(project, "v2");

    await project.ok(["revert"]);
    assertSameSchema("postgres", await project.introspect(), v1Schema);
    assert.deepEqual(await rows(project, ALL), v1Rows);
    await project.query(insert(3, 4, 5));
    await project.query(`DELETE FROM bookings WHERE room = 3`);
    await assertNoChangesAtVersion1(project, { "Booking.ts": V1 });
    await assertTypeormAgrees(project, "after revert");
  });
});
