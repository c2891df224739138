/**
 * `athanor generate [name]`: compare the entities with the live database and
 * write a migration that makes the database match them.
 */
import { join, relative } from "node:path";
import { MigrationFactsCache } from "../loader/migration-facts";
import { scanGeneratedMigrationCalls } from "../loader/migration-source-scan";
import { rememberTranspiled } from "../loader/typescript-loader";
import { checksumOf } from "../runner/checksum";
import { describeOperation } from "../ops/describe";
import type { MigrationFileInput } from "../codegen/migration-file";
import { loadMigrationTemplate } from "./migration-template";
import type { SourceLanguage } from "../config/source-style";
import type { Dialect, RenderedOperation } from "../dialects/dialect";
import { UsageError } from "../errors";
import { invertAll, type Operation } from "../ops/operations";
import { isLockTimeout, resolveOnline, type OnlineOptions } from "../ops/online";
import { planMigrations } from "../runner/plan";
import { assertSumMatches, withSumFile } from "../runner/sum";
import { writeFilesAtomically } from "../atomic-write";
import { apply } from "../schema/apply";
import type { Schema } from "../schema/model";
import { compareEntitiesWithDatabase } from "./entity-diff";
import { checkedMigrationName } from "./migration-name";
import { droppableTables } from "./managed-tables";
import { withProject, type ProjectOptions } from "./project";
import { profilePhase } from "../profile";
import { compareWithRenames, type RenameResolutionOptions } from "./rename-resolution";
import type { Finding } from "../danger/codes";

export interface GenerateOptions extends ProjectOptions, RenameResolutionOptions {
  name?: string;
  /** Write nothing; report whether there are changes (exit 1 when there are). */
  check?: boolean;
  /** Write nothing; return the file that would be written. */
  dryRun?: boolean;
  /** Raw SQL for the current dialect instead of portable `op` calls. */
  sql?: boolean;
  /** Fixed timestamp (tests, reproducible output); defaults to now. */
  timestamp?: number;
  /**
   * Lock-safe PostgreSQL (`--online`): concurrent indexes, NOT VALID +
   * VALIDATE, lock_timeout; the migration gets `transaction = false`.
   */
  online?: OnlineOptions;
  /**
   * Write TypeScript or JavaScript; by default the DataSource file's
   * language (ormconfig.js → JavaScript).
   */
  language?: SourceLanguage;
  /**
   * Also drop tables no entity maps that Athanor's migrations did not create
   * (`--drop-unmanaged`); by default they are reported and left alone.
   */
  dropUnmanaged?: boolean;
  /**
   * The project's migration template, relative to cwd (`--template`);
   * default migrations/athanor.template when it exists.
   */
  template?: string;
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
  /** The judge's findings about the up operations, with their stable codes (src/danger/codes.ts). */
  findings: Finding[];
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const online = onlineOptions(options.online);
  // Checked before connecting: toPascalCase would quietly turn "!!!" into
  // "Migration", and a name too long for a file would fail only at the end.
  const givenName = options.name !== undefined ? checkedMigrationName(options.name, "generate") : undefined;
  return withProject(
    options,
    async (project) => {
      const { dialect, queryRunner, bookkeeping, config } = project;
      // Checked before the database is compared: a broken template stops here.
      const template = loadMigrationTemplate(config.migrationsDir, config.cwd, options.template);

      const applied = (await bookkeeping.exists()) ? await bookkeeping.applied() : [];
      const pending = planMigrations(project.migrations, applied).pending;
      if (pending.length > 0) {
        throw new UsageError(
          `${pending.length} migration${pending.length === 1 ? " is" : "s are"} pending (${pending
            .map((p) => p.name)
            .join(", ")}): run pending migrations first with \`athanor run\`, then generate.`,
        );
      }

      profilePhase("read bookkeeping");
      // A removed entity's table is dropped when a migration created it (or on request).
      const droppable = droppableTables(
        project.migrations,
        applied,
        { dialect, migrationsTableName: config.migrationsTableName },
        options.dropUnmanaged,
      );
      const source = { ...config, entityModel: project.entityModel };
      const {
        current,
        diff: result,
        entityCount,
      } = await compareWithRenames((renames) => compareEntitiesWithDatabase(dialect, queryRunner, source, renames, droppable), options);
      const up = result.operations;

      // An entities glob that matches nothing makes every table look unwanted;
      // say so instead of quietly reporting no changes (or drops).
      const noEntities =
        entityCount === 0
          ? [
              `The DataSource in ${relative(config.cwd, config.dataSourceFile)} maps no entities: check the paths or globs in its entities option.`,
            ]
          : [];
      const base: GenerateResult = {
        changes: up.length > 0,
        operations: up.map(describeOperation),
        warnings: [...noEntities, ...result.warnings],
        notes: [],
        unmappedTables: result.unmappedTables,
        written: false,
        findings: [],
      };
      if (up.length === 0) return base;

      // Required only now: a no-op generate (the usual one) renders, judges
      // and writes nothing, and a cold run compiles every module it loads.
      const { renderMigrationFile, renderCompiledMigration, migrationName, migrationFileName } =
        require("../codegen") as typeof import("../codegen");
      const { migrationFileParts } = require("../codegen/migration-file") as typeof import("../codegen/migration-file");
      const { lintSteps } = require("../lint") as typeof import("../lint");

      const down = invertAll(up);
      const upRendered = renderAll(dialect, current, up, online);
      const downRendered = renderAll(dialect, upRendered.after, down, online);
      // A portable online migration may run on PostgreSQL, whose concurrent
      // forms cannot run in a transaction; SQL for one dialect knows whether any does.
      const outside = [...upRendered.steps, ...downRendered.steps].some((step) => step.outsideTransaction);
      const transaction = online && (!options.sql || outside) ? false : undefined;
      // Where DDL commits statement by statement (MySQL), say so where the reviewer reads.
      const notes = dialect.transactionalDDL
        ? upRendered.notes
        : [
            ...upRendered.notes,
            `${dialect.name} commits each DDL statement: this migration cannot be rolled back atomically, and a failure leaves the statements before it applied`,
          ];
      // The judge reads the statements exactly as rendered (online forms included).
      const findings = lintSteps(
        up.map((operation, i) => ({ operation, statements: upRendered.steps[i].statements })),
        { dialect, transaction: transaction !== false },
      );

      const timestamp = options.timestamp ?? Date.now();
      const pascal = givenName ?? migrationName(up);
      const className = `${pascal}${timestamp}`;
      const flavour = { ...config.sourceStyle, ...(options.language ? { language: options.language } : {}) };
      const filePath = join(config.migrationsDir, migrationFileName(timestamp, pascal, flavour.language));
      const input: MigrationFileInput = {
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
        transaction,
        online,
        upSteps: transaction === false ? upRendered.steps : undefined,
        downSteps: transaction === false ? downRendered.steps : undefined,
        findings,
        flavour,
      };
      const content = template ? template.render(migrationFileParts(input)) : renderMigrationFile(input);

      const file = relative(config.cwd, filePath);
      const outcome = { ...base, notes, file, className, content, findings };
      if (options.check || options.dryRun) return outcome;

      // Refuse to record a new file on top of unreviewed changes (a bad merge),
      // then record it, so the sum always covers what generate wrote.
      assertSumMatches(config.migrationsDir, config.cwd);
      // The file and the sum that records it appear together or not at all.
      writeFilesAtomically(withSumFile(config.migrationsDir, { path: filePath, content }), config.cwd);
      // What the next command would load the file to learn, told now: a
      // 4 MB initial migration is then neither transpiled nor loaded just to
      // read its class name, and runs without TypeScript.
      MigrationFactsCache.remember(config.cwd, config.migrationGlobs, checksumOf(content), {
        name: className,
        transaction: transaction !== false,
        // What its methods call (op() only: `run` builds no entity metadata for it), read as discovery would.
        callsOnlyOperations: scanGeneratedMigrationCalls(content)?.callsOnlyOperations,
      });
      // Only Athanor's own layout has a compiled twin: a project's template may add any code.
      if (flavour.language === "ts" && !template) rememberTranspiled(filePath, content, renderCompiledMigration(input));
      profilePhase("render and write");
      return { ...outcome, written: true };
    },
    { entityModelCache: true },
  );
}

/**
 * Render a list of operations in order, replaying each on the model so a
 * dialect that needs the schema (SQLite rebuilds) sees it as it will be.
 */
function renderAll(dialect: Dialect, start: Schema, ops: Operation[], online?: OnlineOptions) {
  let schema = start;
  const statements: string[] = [];
  const notes: string[] = [];
  const steps: RenderedOperation[] = [];
  for (const op of ops) {
    const rendered = dialect.render(op, { schema, online });
    statements.push(...rendered.statements);
    notes.push(...rendered.notes);
    steps.push(rendered);
    schema = apply(schema, op);
  }
  return { statements, notes: [...new Set(notes)], steps, after: schema };
}

/** `--online` options with their defaults, or undefined; a bad lock timeout is a usage error. */
function onlineOptions(options: OnlineOptions | undefined): Required<OnlineOptions> | undefined {
  if (options?.online && options.lockTimeout !== undefined && !isLockTimeout(options.lockTimeout)) {
    throw new UsageError(`The lock timeout "${options.lockTimeout}" is not a duration: give it like 5s, 500ms or 1min.`);
  }
  return resolveOnline(options);
}
