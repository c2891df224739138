/** The constraints PostgreSQL holds on a table, for tests that must find nothing left behind. */
import type { TestProject } from "./project";

/** Every constraint on `table`, by name and validity (" NOT VALID" after one not validated), sorted by name. */
export async function constraintsOn(project: TestProject, table: string): Promise<string[]> {
  const found = await project.query<{ c: string }>(
    `SELECT conname || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END AS c FROM pg_constraint WHERE conrelid = '${table}'::regclass ORDER BY 1`,
  );
  return found.map((r) => r.c);
}
