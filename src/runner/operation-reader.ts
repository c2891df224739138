/**
 * Reading a migration's `up` or `down` as its op() calls and raw statements,
 * without a database: op() calls are heard (MigrationQueryRunner.athanorSteps)
 * and render nothing, raw statements are recorded.
 */
import type { Dialect } from "../dialects/dialect";
import { resolveOnline, type OnlineOptions } from "../ops/online";
import type { Operation } from "../ops/operations";
import type { MigrationSource } from "./discover";
import { emptyModel, RecordingQueryRunner } from "./recording-query-runner";
import { counts } from "./statement-journal";

export type Step = { kind: "operation"; operation: Operation; online?: OnlineOptions } | { kind: "sql"; sql: string };

/** The op() calls and raw statements of `up` or `down`, read without a database (op() calls render nothing). */
export async function readSteps(
  migration: MigrationSource,
  direction: "up" | "down",
  dialect: Dialect,
  tableName: string,
): Promise<Step[]> {
  const steps: Step[] = [];
  class StepReader extends RecordingQueryRunner {
    override async query(sql: string, parameters?: unknown[]): Promise<any[]> {
      steps.push({ kind: "sql", sql });
      return super.query(sql, parameters);
    }
  }
  const reader = new StepReader(dialect, tableName, emptyModel());
  reader.migration = migration.name;
  reader.athanorSteps = {
    starting: (operation, online) => {
      steps.push({ kind: "operation", operation, online });
      return false;
    },
    finished: () => undefined,
  };
  await migration.instance[direction](reader.asQueryRunner() as never);
  return steps;
}

/** How many counted statements `operation` sends on `dialect`; undefined when that depends on the live schema. */
export function statementsOf(step: Extract<Step, { kind: "operation" }>, dialect: Dialect): number | undefined {
  if (dialect.needsSchema(step.operation)) return undefined;
  try {
    return dialect.render(step.operation, { online: resolveOnline(step.online) }).statements.filter(counts).length;
  } catch {
    return undefined;
  }
}

/**
 * How many statements that change something `migration`'s `up` sends,
 * counted from its op() calls (undefined where one depends on the live
 * schema, or the code cannot be read without a database).
 */
export async function countedStatements(migration: MigrationSource, dialect: Dialect, tableName: string): Promise<number | undefined> {
  let steps: Step[];
  try {
    steps = await readSteps(migration, "up", dialect, tableName);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const step of steps) {
    const n = step.kind === "sql" ? (counts(step.sql) ? 1 : 0) : statementsOf(step, dialect);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

/**
 * The writing statements `migration`'s `up` (or `down`) sends, from its op() calls
 * rendered without a schema and its raw statements as written; undefined
 * where an operation depends on the live schema (a SQLite rebuild) or the
 * code cannot be read without a database.
 */
export async function renderedStatements(
  migration: MigrationSource,
  dialect: Dialect,
  tableName: string,
  direction: "up" | "down" = "up",
): Promise<string[] | undefined> {
  let steps: Step[];
  try {
    steps = await readSteps(migration, direction, dialect, tableName);
  } catch {
    return undefined;
  }
  const statements: string[] = [];
  for (const step of steps) {
    if (step.kind === "sql") {
      if (counts(step.sql)) statements.push(step.sql);
      continue;
    }
    if (dialect.needsSchema(step.operation)) return undefined;
    try {
      statements.push(...dialect.render(step.operation, { online: resolveOnline(step.online) }).statements.filter(counts));
    } catch {
      return undefined;
    }
  }
  return statements;
}
