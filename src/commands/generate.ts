/**
 * `athanor generate [name]`: compare the entities with the live database and
 * write a migration that makes the database match them.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { renderMigrationFile, migrationName, migrationFileName, toPascalCase, describeOperation } from "../codegen";
import { diff } from "../diff";
import type { Dialect } from "../dialects/dialect";
import { UsageError } from "../errors";
import { schemaFromEntities } from "../metadata";
import { invertAll, type Operation } from "../ops/operations";
import { planMigrations } from "../runner/plan";
import { apply } from "../schema/apply";
import type { Schema } from "../schema/model";
import { withProject, type ProjectOptions } from "./project";

export interface GenerateOptions extends ProjectOptions {
  name?: string;
  /** Write nothing; report whether there are changes (exit 1 when there are). */
  check?: boolean;
  /** Write nothing; return the file that would be written. */
  dryRun?: boolean;
  /** Raw SQL for the current dialect instead of portable `op` calls. */
  sql?: boolean;
  /** Fixed timestamp (tests, reproducible output); defaults to now. */
  timestamp?: number;
}

export interface GenerateResult {
  changes: boolean;
  operations: string[];
  warnings: string[];
  notes: string[];
  /** Tables in the database that no entity maps; left alone. */
  unmappedTables: string[];
  /** Path of the written (or, with dryRun, would-be) file, relative to cwd. */
  file?: string;
  className?: string;
  written: boolean;
  content?: string;
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  return withProject(options, async (project) => {
    const { dialect, queryRunner, bookkeeping, config } = project;

    const applied = (await bookkeeping.exists()) ? await bookkeeping.applied() : [];
    const pending = planMigrations(project.migrations, applied).pending;
    if (pending.length > 0) {
      throw new UsageError(
        `${pending.length} migration${pending.length === 1 ? " is" : "s are"} pending (${pending
          .map((p) => p.name)
          .join(", ")}): run pending migrations first with \`athanor run\`, then generate.`,
      );
    }

    const target = schemaFromEntities(config.dataSource.entityMetadatas as any);
    const current = await dialect.introspect(queryRunner, { exclude: [config.migrationsTableName] });
    const result = diff(current, target, { comparable: (c) => dialect.comparable(c) });
    const up = result.operations;

    const base: GenerateResult = {
      changes: up.length > 0,
      operations: up.map(describeOperation),
      warnings: result.warnings,
      notes: [],
      unmappedTables: result.unmappedTables,
      written: false,
    };
    if (up.length === 0) return base;

    const down = invertAll(up);
    const upRendered = renderAll(dialect, current, up);
    const downRendered = renderAll(dialect, upRendered.after, down);
    const notes = upRendered.notes;

    const timestamp = options.timestamp ?? Date.now();
    const pascal = options.name ? toPascalCase(options.name) : migrationName(up);
    if (!pascal) {
      throw new UsageError(`The name "${options.name}" has no letters or digits to build a class name from: pick another.`);
    }
    const className = `${pascal}${timestamp}`;
    const filePath = join(config.migrationsDir, migrationFileName(timestamp, pascal));
    const content = renderMigrationFile({
      className,
      name: pascal,
      timestamp,
      up,
      down,
      warnings: result.warnings,
      notes,
      dialectName: dialect.name,
      mode: options.sql ? "sql" : "portable",
      upSql: upRendered.statements,
      downSql: downRendered.statements,
    });

    const file = relative(config.cwd, filePath);
    const outcome = { ...base, notes, file, className, content };
    if (options.check || options.dryRun) return outcome;

    writeAtomically(filePath, content);
    return { ...outcome, written: true };
  });
}

/**
 * Render a list of operations in order, replaying each on the model so a
 * dialect that needs the schema (SQLite rebuilds) sees it as it will be.
 */
function renderAll(dialect: Dialect, start: Schema, ops: Operation[]) {
  let schema = start;
  const statements: string[] = [];
  const notes: string[] = [];
  for (const op of ops) {
    const rendered = dialect.render(op, { schema });
    statements.push(...rendered.statements);
    notes.push(...rendered.notes);
    schema = apply(schema, op);
  }
  return { statements, notes: [...new Set(notes)], after: schema };
}

/** Write via a temporary file and rename, so a failed write leaves nothing half-written. */
function writeAtomically(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { encoding: "utf8", flag: "wx" });
  renameSync(temporary, path);
}
