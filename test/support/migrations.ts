/**
 * Hand-written migration files for runner tests. Each is recorded in
 * migrations/athanor.sum as it is written, as a developer records a migration
 * they wrote by hand once it is reviewed (`athanor sum`, the same code):
 * `run` refuses a directory its sum does not cover.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findDialect } from "../../src/dialects";
import { writeSumFile } from "../../src/runner/sum";
import type { TestProject } from "./project";

export interface HandWritten {
  timestamp: number;
  name: string;
  up: string[];
  down: string[];
  transaction?: boolean;
}

export function writeMigration(project: TestProject, m: HandWritten): string {
  const className = `${m.name}${m.timestamp}`;
  const file = `${m.timestamp}-${m.name}.ts`;
  const calls = (statements: string[]) => statements.map((sql) => `    await queryRunner.query(${JSON.stringify(sql)});`).join("\n");
  writeFileSync(
    join(project.dir, "migrations", file),
    `import { MigrationInterface, QueryRunner } from "typeorm";

export class ${className} implements MigrationInterface {
  name = "${className}";
${m.transaction === false ? "  transaction = false;\n" : ""}
  public async up(queryRunner: QueryRunner): Promise<void> {
${calls(m.up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${calls(m.down)}
  }
}
`,
  );
  writeSumFile(join(project.dir, "migrations"));
  return file;
}

/** N migrations that each create table t<i>; timestamps base+i. Names quoted as the project's database reads them. */
export function writeTableMigrations(project: TestProject, count: number, base = 1700000000000): HandWritten[] {
  const q = findDialect(project.dialect)!.quote;
  const written: HandWritten[] = [];
  for (let i = 1; i <= count; i++) {
    const m = {
      timestamp: base + i,
      name: `CreateT${i}`,
      up: [`CREATE TABLE ${q(`t${i}`)} (${q("id")} integer PRIMARY KEY)`],
      down: [`DROP TABLE ${q(`t${i}`)}`],
    };
    writeMigration(project, m);
    written.push(m);
  }
  return written;
}
