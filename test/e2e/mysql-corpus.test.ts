/**
 * The corpus round trip (test/e2e/corpus.test.ts) on MariaDB, for the corpus's
 * portable definitions (those that apply to both SQLite and PostgreSQL, no
 * extra schemas): each one's entities generate a migration on an empty
 * database, it is applied, and generate then finds nothing. Definitions
 * MySQL cannot hold as written are listed in NOT_ON_MYSQL with the reason;
 * the test fails when one of them starts to pass, so the list stays true.
 *
 * In-process (no CLI) and definition by definition, so a failure names the
 * definition; the CLI path is covered by test/e2e/mysql-e2e.test.ts.
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { DataSource } from "typeorm";
import { compareEntitiesWithDatabase } from "../../src/commands/entity-diff";
import { findDialect } from "../../src/dialects";
import { CORPUS, entitiesOf as entitiesOfAll, type CorpusDefinition } from "../corpus";
import { createMysqlTestDatabase } from "../support/mysql";
import { typeormPendingQueries } from "../support/typeorm-agrees";

/** Portable definitions MySQL/MariaDB cannot round-trip, and why. */
const NOT_ON_MYSQL: Record<string, string> = {
  "c02-strings": 'TypeORM refuses the type "character" on MySQL/MariaDB',
  "d21-default-string": 'TypeORM refuses the type "character" on MySQL/MariaDB',
  "k60-partial-index":
    "MySQL has no partial indexes: the index is created over every row, and the WHERE the entity declares is a difference",
};

function entitiesOf(definition: CorpusDefinition): Function[] {
  return entitiesOfAll([definition]);
}

const portable = CORPUS.filter((d) => d.dialects.includes("sqlite") && d.dialects.includes("postgres") && !d.schemas?.length);

/** What goes wrong with one definition on a fresh database, or undefined when the round trip holds. */
async function roundTrip(url: string, definition: CorpusDefinition): Promise<string | undefined> {
  const dialect = findDialect("mariadb")!;
  const ds = new DataSource({ type: "mariadb", url, entities: entitiesOf(definition) as any });
  try {
    await ds.initialize();
  } catch (error) {
    return `TypeORM refuses the entities: ${(error as Error).message}`;
  }
  try {
    const compare = async () =>
      (await compareEntitiesWithDatabase(dialect, ds as any, { dataSource: ds, migrationsTableName: "migrations" } as any)).diff.operations;
    const ops = await compare();
    const schema = await dialect.introspect(ds as any);
    for (const op of ops) {
      for (const sql of dialect.render(op, { schema }).statements) {
        try {
          await ds.query(sql);
        } catch (error) {
          return `${(error as Error).message} in ${sql.slice(0, 300)}`;
        }
      }
    }
    const again = await compare();
    return again.length === 0 ? undefined : `generate again: ${JSON.stringify(again).slice(0, 600)}`;
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  } finally {
    await ds.destroy();
  }
}

test("the corpus's portable definitions round-trip on MariaDB", async () => {
  const failures: Record<string, string> = {};
  const db = await createMysqlTestDatabase("athanor_corpus");
  try {
    for (const definition of portable) {
      // Each definition on its own tables; earlier ones are dropped so they do not meet.
      const problem = await roundTrip(db.url, definition);
      if (problem) failures[definition.file] = problem;
      const ds = new DataSource({ type: "mariadb", url: db.url });
      await ds.initialize();
      await ds.query("SET FOREIGN_KEY_CHECKS = 0");
      for (const row of await ds.query(
        "SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
      )) {
        await ds.query(`DROP ${row.type === "VIEW" ? "VIEW" : "TABLE"} \`${row.name}\``);
      }
      await ds.destroy();
    }
  } finally {
    await db.drop();
  }
  const unexpected = Object.fromEntries(Object.entries(failures).filter(([file]) => !(file in NOT_ON_MYSQL)));
  const nowPassing = Object.keys(NOT_ON_MYSQL).filter((file) => !(file in failures));
  assert.deepEqual(unexpected, {}, JSON.stringify(unexpected, null, 1));
  assert.deepEqual(nowPassing, [], "these definitions now round-trip: take them off NOT_ON_MYSQL");
  assert.ok(portable.length - Object.keys(NOT_ON_MYSQL).length >= 30, `${portable.length} portable definitions`);
});

// TypeORM reads a generated column's expression only from its typeorm_metadata row: without the rows
// Athanor writes, its schema builder fails on these databases ("typeorm_metadata' doesn't exist").
for (const file of ["g90-generated-stored", "g91-generated-virtual"]) {
  test(`${file}: TypeORM's schema builder has nothing to do on the database Athanor built on MariaDB`, async () => {
    const definition = CORPUS.find((d) => d.file === file)!;
    const db = await createMysqlTestDatabase("athanor_corpus_gen");
    try {
      assert.equal(await roundTrip(db.url, definition), undefined);
      assert.deepEqual(await typeormPendingQueries({ type: "mariadb", url: db.url }, entitiesOf(definition)), []);
    } finally {
      await db.drop();
    }
  });
}
