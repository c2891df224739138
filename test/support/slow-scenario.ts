/**
 * The run the signal tests stop half-way: a quick migration, a slow one, a
 * quick one, over the `items` table of support/faults.ts.
 */
import { q, writeMigrationBody } from "./faults";
import type { TestProject } from "./project";

/**
 * CreateFirst (a table), SlowAppend (appends "X" to every name of items,
 * then runs `slow`, then `after` if given), CreateLast (a table, unless
 * `last` is false); returns their recorded names. Written again with a
 * quick `slow` (e.g. `SELECT 1`), the same migrations let the next run
 * complete.
 */
export function writeSlowScenario(project: TestProject, slow: string, options: { after?: string; last?: boolean } = {}): string[] {
  return [
    writeMigrationBody(project, {
      timestamp: 1700000000001,
      name: "CreateFirst",
      up: q(`CREATE TABLE "first" ("id" integer PRIMARY KEY)`),
    }),
    writeMigrationBody(project, {
      timestamp: 1700000000002,
      name: "SlowAppend",
      up: [q(`UPDATE "items" SET "name" = "name" || 'X'`), q(slow), ...(options.after ? [q(options.after)] : [])].join("\n"),
    }),
    ...(options.last === false
      ? []
      : [
          writeMigrationBody(project, {
            timestamp: 1700000000003,
            name: "CreateLast",
            up: q(`CREATE TABLE "last" ("id" integer PRIMARY KEY)`),
          }),
        ]),
  ];
}
