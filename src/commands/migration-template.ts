/**
 * Finding and checking the project's migration template for `generate` and
 * `create`: `--template <file>` (relative to the project), else
 * `<migrations directory>/athanor.template` when it exists, else none (the
 * default layout, byte for byte). A template is checked before anything is
 * written, so a broken one never produces a broken migration.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { checkTemplate, fillTemplate } from "../codegen/template";
import type { MigrationFileParts } from "../codegen/migration-file";
import { UsageError } from "../errors";

export const TEMPLATE_FILE_NAME = "athanor.template";

export interface MigrationTemplate {
  /** The template file, relative to cwd. */
  file: string;
  render(parts: MigrationFileParts): string;
}

/** The template to use, or undefined for Athanor's own layout. */
export function loadMigrationTemplate(migrationsDir: string, cwd: string, given?: string): MigrationTemplate | undefined {
  const path = given ? resolve(cwd, given) : join(migrationsDir, TEMPLATE_FILE_NAME);
  const shown = relative(cwd, path) || path;
  if (!existsSync(path)) {
    if (!given) return undefined;
    throw new UsageError(`The migration template ${shown} does not exist: check the --template path.`);
  }
  const text = readFileSync(path, "utf8");
  const problem = checkTemplate(text);
  if (problem?.kind === "missing") {
    const names = problem.names.map((n) => `{{${n}}}`).join(", ");
    throw new UsageError(
      `The migration template ${shown} lacks the placeholder${problem.names.length === 1 ? "" : "s"} ${names}, without which the migration would not run: add ${problem.names.length === 1 ? "it" : "them"} (README, "Your own migration template", lists the placeholders).`,
    );
  }
  if (problem?.kind === "unknown") {
    const names = problem.names.map((n) => `{{${n}}}`).join(", ");
    throw new UsageError(
      `The migration template ${shown} has the unknown placeholder${problem.names.length === 1 ? "" : "s"} ${names}: use className, imports, properties, up, down, header, name, timestamp or date.`,
    );
  }
  return { file: shown, render: (parts) => fillTemplate(text, parts) };
}
