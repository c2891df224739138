// Pending migrations that cost next to nothing of their own (one statement
// each way), so what a run of them takes is the tool's per-migration cost.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const BASE_TIMESTAMP = 1700000000000;

/**
 * Write Tiny0 … Tiny<count - 1> into dir/migrations, a second apart.
 * `up(i)` and `down(i)` are the TypeScript expressions (string literals) of
 * migration i's one statement each way.
 */
export function writeTinyMigrations(dir, count, { up, down }) {
  for (let i = 0; i < count; i++) {
    const timestamp = BASE_TIMESTAMP + i * 1000;
    const name = `Tiny${i}${timestamp}`;
    writeFileSync(
      join(dir, "migrations", `${timestamp}-Tiny${i}.ts`),
      `import { MigrationInterface, QueryRunner } from "typeorm";

export class ${name} implements MigrationInterface {
  name = "${name}";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${up(i)});
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${down(i)});
  }
}
`,
    );
  }
}
