// Pending migrations that cost next to nothing of their own (one statement
// each way), so what a run of them takes is the tool's per-migration cost;
// and the floor beside it, the same statements sent by hand.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

/**
 * Milliseconds for `statement(i)`, i = 0 … count - 1, sent by hand through a
 * TypeORM DataSource of `options` (the driver and connection settings the
 * CLIs use), each in its own transaction: what every runner pays for N commits.
 */
export async function byHandMs(options, count, statement) {
  const { DataSource } = createRequire(import.meta.url)("typeorm");
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await runner.startTransaction();
      await runner.query(statement(i));
      await runner.commitTransaction();
    }
    return performance.now() - started;
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
