/**
 * The text of a blank migration (`athanor create <name>`): the same file
 * layout as a generated one — header comment, one class implementing
 * TypeORM's MigrationInterface — with empty `up`/`down` bodies whose
 * comments say what goes there.
 */
import { INDENT, printString } from "./literal";
import { assembleMigrationFile, type MigrationFileParts } from "./migration-file";
import { importLines, TYPESCRIPT, type SourceFlavour } from "./source-flavour";

export interface BlankMigrationInput {
  /** `${PascalName}${timestamp}`. */
  className: string;
  /** The PascalCase name, without the timestamp. */
  name: string;
  timestamp: number;
  /** TypeScript (default) or JavaScript, CommonJS or ES module syntax. */
  flavour?: SourceFlavour;
}

export function renderBlankMigrationFile(input: BlankMigrationInput): string {
  return assembleMigrationFile(blankMigrationParts(input), input.flavour ?? TYPESCRIPT);
}

/** The pieces of a blank migration, for the default layout or a project's template. */
export function blankMigrationParts(input: BlankMigrationInput): MigrationFileParts {
  const body = INDENT.repeat(2);
  const when = new Date(input.timestamp).toISOString();
  const flavour = input.flavour ?? TYPESCRIPT;
  return {
    className: input.className,
    name: input.name,
    timestamp: input.timestamp,
    header: [
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
    ],
    imports: importLines(flavour, true),
    properties: [`${INDENT}name = ${printString(input.className)};`],
    up: [
      `${body}// Make the change here, one awaited call per step, e.g.`,
      `${body}//   await op(queryRunner).addColumn("users", { name: "nickname", type: "varchar", length: 40, nullable: true });`,
      `${body}//   await queryRunner.query(\`UPDATE "users" SET "nickname" = "name"\`);`,
      `${body}// Both join the migration's transaction.`,
    ],
    down: [
      `${body}// Undo what up() does, in reverse order, e.g.`,
      `${body}//   await op(queryRunner).dropColumn("users", { name: "nickname", type: "varchar", length: 40, nullable: true });`,
    ],
  };
}
