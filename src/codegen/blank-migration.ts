/**
 * The text of a blank migration (`athanor create <name>`): the same file
 * layout as a generated one — header comment, one class implementing
 * TypeORM's MigrationInterface — with empty `up`/`down` bodies whose
 * comments say what goes there.
 */
import { INDENT, printString } from "./literal";

export interface BlankMigrationInput {
  /** `${PascalName}${timestamp}`. */
  className: string;
  /** The PascalCase name, without the timestamp. */
  name: string;
  timestamp: number;
}

export function renderBlankMigrationFile(input: BlankMigrationInput): string {
  const body = INDENT.repeat(2);
  const when = new Date(input.timestamp).toISOString();
  return [
    "/**",
    ` * ${input.name}`,
    " *",
    " * Up: written by hand (a blank migration from `athanor create`).",
    " *",
    " * Warnings: none recorded; review what up() does to existing rows yourself.",
    " *",
    ` * Created by Athanor at ${when}.`,
    " * op() calls render SQL for the database the migration runs on; queryRunner.query()",
    " * runs the SQL exactly as written.",
    " */",
    "",
    `import { MigrationInterface, QueryRunner } from "typeorm";`,
    `import { op } from "athanor";`,
    "",
    `export class ${input.className} implements MigrationInterface {`,
    `${INDENT}name = ${printString(input.className)};`,
    "",
    `${INDENT}public async up(queryRunner: QueryRunner): Promise<void> {`,
    `${body}// Make the change here, one awaited call per step, e.g.`,
    `${body}//   await op(queryRunner).addColumn("users", { name: "nickname", type: "varchar", length: 40, nullable: true });`,
    `${body}//   await queryRunner.query(\`UPDATE "users" SET "nickname" = "name"\`);`,
    `${body}// Both join the migration's transaction.`,
    `${INDENT}}`,
    "",
    `${INDENT}public async down(queryRunner: QueryRunner): Promise<void> {`,
    `${body}// Undo what up() does, in reverse order, e.g.`,
    `${body}//   await op(queryRunner).dropColumn("users", { name: "nickname", type: "varchar", length: 40, nullable: true });`,
    `${INDENT}}`,
    "}",
    "",
  ].join("\n");
}
