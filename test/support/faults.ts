/**
 * Shared pieces of the crash-safety tests: a pre-populated table whose rows
 * must survive everything, and migration files with arbitrary bodies (a
 * throw half-way, op() calls, a pg_sleep to cut the connection under).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeSumFile } from "../../src/runner/sum";
import type { TestProject } from "./project";

export const ITEM_ROWS = 200;

/** Create `items` (id, name, note) with ITEM_ROWS rows, outside any migration. */
export async function createItems(project: TestProject): Promise<void> {
  mkdirSync(join(project.dir, "data"), { recursive: true });
  const ds = await project.connect();
  try {
    await ds.query(`CREATE TABLE "items" ("id" integer PRIMARY KEY, "name" varchar(50) NOT NULL, "note" varchar(50))`);
    const values = Array.from({ length: ITEM_ROWS }, (_, i) => `(${i + 1}, 'item ${i + 1}', NULL)`).join(", ");
    await ds.query(`INSERT INTO "items" ("id", "name", "note") VALUES ${values}`);
  } finally {
    await ds.destroy();
  }
}

/** Every original row of `items` (ids 1..ITEM_ROWS) is still there, with its name. */
export async function assertItemsIntact(project: TestProject): Promise<void> {
  const rows = await project.query(
    `SELECT COUNT(*) AS n, SUM("id") AS ids, SUM(LENGTH("name")) AS names FROM "items" WHERE "id" <= ${ITEM_ROWS}`,
  );
  let names = 0;
  for (let i = 1; i <= ITEM_ROWS; i++) names += `item ${i}`.length;
  assert.deepEqual(
    { n: Number(rows[0].n), ids: Number(rows[0].ids), names: Number(rows[0].names) },
    { n: ITEM_ROWS, ids: (ITEM_ROWS * (ITEM_ROWS + 1)) / 2, names },
    "every original row of items",
  );
}

/**
 * The migrations the bookkeeping has a row for, in the order they were
 * written: complete ones (TypeORM's table), then partly applied ones (the
 * progress table, runner/bookkeeping.ts), each name once.
 */
export async function appliedNames(project: TestProject): Promise<string[]> {
  const rows = await project.query(`SELECT "name" FROM "migrations" ORDER BY "id"`).catch(() => []);
  const partial = await project.query(`SELECT "name" FROM "migrations_progress" ORDER BY "started_at"`).catch(() => []);
  const names = [...rows, ...partial].map((r: any) => String(r.name));
  return [...new Set(names)];
}

export interface MigrationBody {
  timestamp: number;
  name: string;
  /** TypeScript statements of `up`, with `queryRunner` and `op` in scope. */
  up: string;
  down?: string;
  transaction?: boolean;
}

/** Write a migration whose `up` is arbitrary code; returns its class name (the recorded name). */
export function writeMigrationBody(project: TestProject, m: MigrationBody): string {
  const className = `${m.name}${m.timestamp}`;
  writeFileSync(
    join(project.dir, "migrations", `${m.timestamp}-${m.name}.ts`),
    `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";

export class ${className} implements MigrationInterface {
  name = "${className}";
${m.transaction === false ? "  transaction = false;\n" : ""}
  public async up(queryRunner: QueryRunner): Promise<void> {
    void op;
${m.up}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${m.down ?? ""}
  }
}
`,
  );
  // Recorded as reviewed, as support/migrations.ts does: run refuses a directory athanor.sum does not cover.
  writeSumFile(join(project.dir, "migrations"));
  return className;
}

/** `q("...")`: a queryRunner.query call line for a migration body. */
export function q(sql: string): string {
  return `    await queryRunner.query(${JSON.stringify(sql)});`;
}
