/**
 * Shared by the bad-input tests (docs/errors.md): what every error a user
 * causes must look like, and small sources to provoke them with.
 */
import assert from "node:assert/strict";
import type { CliResult } from "./project";

/** The items entity the bad-input tests start from (or vary). */
export { ITEM_V1 as ITEM } from "./entities";

/** A DataSource file with the usual imports around `body`. */
export function dataSourceFile(body: string): string {
  return `import "reflect-metadata";\nimport { DataSource } from "typeorm";\n${body}\n`;
}

/** A hand-written migration class creating (and dropping) table t<timestamp>. */
export function migration(name: string, timestamp: number, extra = ""): string {
  return `import { MigrationInterface, QueryRunner } from "typeorm";
export class ${name}${timestamp} implements MigrationInterface {
  name = "${name}${timestamp}";
  async up(queryRunner: QueryRunner) { await queryRunner.query('CREATE TABLE "t${timestamp}" ("id" integer)'); }
  async down(queryRunner: QueryRunner) { await queryRunner.query('DROP TABLE "t${timestamp}"'); }
}
${extra}`;
}

/**
 * The contract of docs/errors.md: the exit code, one `error:` line matching
 * the catalogue's message, no stack trace, and not reported as a bug.
 */
export function assertUserError(result: CliResult, code: number, message: RegExp): void {
  const all = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.equal(result.code, code, all);
  assert.match(result.stderr, /^error: /, all);
  assert.match(result.stderr, message, all);
  assert.doesNotMatch(result.stderr, /This is a bug in Athanor/, all);
  assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `stack trace in output:\n${all}`);
}
