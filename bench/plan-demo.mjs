// The README's `athanor plan` example, produced for real: a table of 10^6
// rows, a pending migration that adds a column, changes a type and builds an
// index, and a second session idling in a transaction that read the table.
//
//   node bench/plan-demo.mjs
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import pg from "pg";
import { createDatabase, startPostgres } from "./databases.mjs";
import { repoRoot, writeProject } from "./project.mjs";

const server = await startPostgres();
const db = await createDatabase(server.url, "athanor_plan_demo");
const dir = mkdtempSync(join(tmpdir(), "athanor-plan-demo-"));
const reader = new pg.Client({ connectionString: db.url });
try {
  writeProject(dir, { dialect: "postgres", n: 0 });
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  await setup.query(`CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty integer NOT NULL)`);
  await setup.query(`INSERT INTO items (name, qty) SELECT md5(g::text), g FROM generate_series(1, 1000000) g`);
  await setup.query(`VACUUM ANALYZE items`);
  await setup.end();
  writeFileSync(
    join(dir, "migrations", "1800000000001-ChangeItems.ts"),
    `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ChangeItems1800000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`ALTER TABLE "items" ADD COLUMN "archived" boolean NOT NULL DEFAULT false\`);
    await queryRunner.query(\`ALTER TABLE "items" ALTER COLUMN "qty" TYPE bigint\`);
    await queryRunner.query(\`CREATE INDEX "IDX_items_name" ON "items" ("name")\`);
  }

  async down(): Promise<void> {}
}
`,
  );
  await reader.connect();
  await reader.query("BEGIN");
  await reader.query("SELECT count(*) FROM items WHERE qty < 10");
  try {
    execFileSync(process.execPath, [join(repoRoot, "bin", "athanor"), "plan", "--max-lock-seconds", "5"], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: db.url, NO_COLOR: "1" },
      stdio: ["ignore", "inherit", "inherit"],
    });
  } catch (error) {
    console.log(`(exit ${error.status})`);
  }
} finally {
  await reader.end().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
  await server.stop();
}
