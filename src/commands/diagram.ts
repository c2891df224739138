/**
 * `athanor diagram`: the schema as an entity-relationship diagram, Mermaid
 * text or a self-contained HTML/SVG page (src/diagram/).
 *
 * - default: the entity model, built from TypeORM's metadata without
 *   connecting (the DataSource's driver builds metadata offline);
 * - `--database`: the live schema, introspected;
 * - `--pending`: the live schema after the pending migrations, replayed on
 *   the model offline (runner/offline.ts), with what they add, change,
 *   rename and drop marked.
 */
import { basename, relative } from "node:path";
import { diagramOf, diagramOfChanges, type Diagram } from "../diagram/model";
import { mermaidDiagram } from "../diagram/mermaid";
import { htmlDiagram } from "../diagram/html";
import { schemaFromEntities } from "../metadata";
import type { Operation } from "../ops/operations";
import { migrationSql } from "../runner/offline";
import { planMigrations } from "../runner/plan";
import { bookkeepingTableNames } from "../runner/bookkeeping";
import { schemaChanges } from "../ops/schema-changes";
import type { Schema } from "../schema/model";
import { loadProject, withProject, type ProjectOptions } from "./project";
import { UsageError } from "../errors";
import { explainEntityError } from "../config/entity-errors";

export type DiagramFormat = "mermaid" | "html";

export interface DiagramOptions extends ProjectOptions {
  /** Default "mermaid". */
  format?: DiagramFormat;
  /** Draw the live schema instead of the entities. */
  database?: boolean;
  /** Draw the live schema after the pending migrations, marking what they change (implies `database`). */
  pending?: boolean;
}

export interface DiagramResult {
  format: DiagramFormat;
  /** What was drawn: "entities", "database", or "pending" (the database after the pending migrations). */
  source: "entities" | "database" | "pending";
  /** The tables drawn, by name. */
  tables: string[];
  /** The pending migrations whose changes are marked (`pending` only). */
  pending: string[];
  /** The Mermaid text or the HTML page. */
  text: string;
}

export async function diagram(options: DiagramOptions): Promise<DiagramResult> {
  const format = options.format ?? "mermaid";
  if (format !== "mermaid" && format !== "html") {
    throw new UsageError(`Athanor draws diagrams as mermaid or html, not "${format}": pass --format mermaid or --format html.`);
  }
  let drawn: Diagram;
  let subtitle: string;
  let pending: string[] = [];
  let source: DiagramResult["source"];
  let title: string;
  if (options.pending || options.database) {
    const live = await liveSchema(options, Boolean(options.pending));
    pending = live.pending;
    source = options.pending ? "pending" : "database";
    title = options.pending ? `${live.target} after ${pending.length} pending migration${pending.length === 1 ? "" : "s"}` : live.target;
    drawn = options.pending
      ? diagramOfChanges(live.schema, live.after, schemaChanges(live.schema, live.after, live.operations))
      : diagramOf(live.schema);
    subtitle = options.pending
      ? pending.length
        ? `The live schema with the pending migrations applied (read offline): ${pending.join(", ")}.`
        : "No migration is pending: the live schema as it is."
      : "The live schema, as Athanor reads the catalogs.";
  } else {
    const entities = await entitySchema(options);
    drawn = diagramOf(entities.schema);
    source = "entities";
    title = `Entities of ${entities.project}`;
    subtitle = `The schema the entities of ${entities.dataSourceFile} describe.`;
  }
  const text = format === "mermaid" ? mermaidDiagram(drawn) : htmlDiagram(drawn, { title, subtitle });
  return { format, source, tables: drawn.tables.map((t) => t.name), pending, text };
}

/** The entities' schema, from TypeORM's metadata built without connecting. */
async function entitySchema(options: ProjectOptions): Promise<{ schema: Schema; project: string; dataSourceFile: string }> {
  const project = loadProject(options);
  const { config, dialect } = project;
  const dataSource = config.dataSource as any;
  const shownFile = relative(config.cwd, config.dataSourceFile);
  if (!dataSource.isInitialized) {
    // buildMetadatas() would also load options.migrations, which Athanor loads itself.
    const { migrations } = dataSource.options;
    dataSource.setOptions({ migrations: [] });
    try {
      await dataSource.buildMetadatas();
    } catch (error) {
      throw explainEntityError(error, config.cwd, shownFile);
    } finally {
      dataSource.setOptions({ migrations });
    }
  }
  // Offline there is no connection to ask for its default schema: a table
  // whose entity names a schema other than the DataSource's is drawn qualified.
  const defaultSchema = dialect.defaultSchema ? (dataSource.options.schema ?? "") : undefined;
  const schema = schemaFromEntities(dataSource.entityMetadatas, {
    defaultSchema,
    sharedEnumTypes: dialect.sharedEnumTypes,
    materializedViews: dialect.materializedViews,
    fulltextIndexes: dialect.fulltextIndexes,
  });
  return { schema, project: basename(config.cwd), dataSourceFile: shownFile };
}

interface LiveSchema {
  target: string;
  schema: Schema;
  /** With `pending`: the schema after the pending migrations, and their operations. */
  after: Schema;
  operations: Operation[];
  pending: string[];
}

async function liveSchema(options: ProjectOptions, withPending: boolean): Promise<LiveSchema> {
  return withProject(
    options,
    async (project) => {
      const { dialect, queryRunner, config } = project;
      const schema = await dialect.introspect(queryRunner, { exclude: bookkeepingTableNames(config.migrationsTableName) });
      if (!withPending) return { target: project.target, schema, after: schema, operations: [], pending: [] };
      const applied = (await project.bookkeeping.exists()) ? await project.bookkeeping.applied() : [];
      const steps = planMigrations(project.migrations, applied).pending;
      const context = { dialect, migrationsTableName: config.migrationsTableName };
      let model = { schema };
      const operations: Operation[] = [];
      for (const step of steps) {
        const up = await migrationSql(step.source!, "up", context, model);
        operations.push(...up.operations);
        model = up.model;
      }
      return { target: project.target, schema, after: model.schema, operations, pending: steps.map((s) => s.name) };
    },
    { deferEntityMetadata: true },
  );
}
