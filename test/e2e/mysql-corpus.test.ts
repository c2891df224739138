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
 *
 * The reverse check (test/corpus/typeorm-agrees.ts) runs here with the real
 * CLI: after `athanor run` of the definitions that apply to MariaDB,
 * TypeORM's own schema builder, 0.3 and 1.x, with the "mariadb" driver type,
 * has nothing to run but on the listed definitions, and the list is what
 * TypeORM does after its own synchronize. With the "mysql" driver type
 * (a mysql:// URL) TypeORM disagrees with itself on MariaDB, so there it must
 * want after Athanor's run exactly what it wants after its own synchronize.
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { compareEntitiesWithDatabase } from "../../src/commands/entity-diff";
import { findDialect } from "../../src/dialects";
import {
  CORPUS,
  DEFINITIONS_DIR,
  NOT_ON_MYSQL,
  definitionsForMariadb,
  entitiesOf as entitiesOfAll,
  portableDefinitions,
  prefixOf,
  type CorpusDefinition,
  type CorpusTarget,
} from "../corpus";
import {
  definitionsLikeTypeormMysqlSynchronize,
  definitionsTypeormAgreesOn,
  definitionsTypeormDisagreesOn,
  typeormPendingByDefinition,
} from "../corpus/typeorm-agrees";
import { createMysqlTestDatabase } from "../support/mysql";
import { TestProject } from "../support/project";
import { typeormPendingQueries } from "../support/typeorm-agrees";
import { typeorm1DataSource } from "../support/typeorm1";

function entitiesOf(definition: CorpusDefinition): Function[] {
  return entitiesOfAll([definition]);
}

const portable = portableDefinitions();

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

/** A MariaDB project holding the definitions, its DataSource of TypeORM driver type `type` (init writes "mariadb" for mariadb://, "mysql" for mysql://). */
async function corpusProject(definitions: readonly CorpusDefinition[], type: "mariadb" | "mysql"): Promise<TestProject> {
  const project = await TestProject.create("mariadb");
  const config = join(project.dir, "ormconfig.ts");
  writeFileSync(config, readFileSync(config, "utf8").replace(`? "mariadb" :`, `? "${type}" :`));
  for (const definition of definitions) {
    project.writeEntity(`${definition.file}.ts`, readFileSync(join(DEFINITIONS_DIR, `${definition.file}.ts`), "utf8"));
  }
  return project;
}

/** The definitions TypeORM's synchronize can build through driver type `type`, built by it in a fresh database. */
async function typeormSynchronized(type: "mariadb" | "mysql", definitions: readonly CorpusDefinition[]) {
  const synchronizable = definitions.filter((d) => !d.synchronizeFails?.dialects.includes(type as CorpusTarget));
  const db = await createMysqlTestDatabase("athanor_mdbagree_sync");
  const options = { type, url: db.url } as DataSourceOptions;
  const ds = new DataSource({ ...options, entities: entitiesOfAll(synchronizable) as any, synchronize: true });
  await ds.initialize();
  await ds.destroy();
  return { synchronizable, options, drop: () => db.drop() };
}

const mariadbDefinitions = definitionsForMariadb();

test("corpus on MariaDB: after athanor run, TypeORM's schema builder (0.3 and 1.x, driver type mariadb) has nothing to run", async () => {
  const project = await corpusProject(mariadbDefinitions, "mariadb");
  try {
    await project.ok(["generate", "Corpus"]);
    await project.ok(["run"]);
    const check = await project.cli(["generate", "--check"]);
    assert.equal(check.code, 0, `generate --check found changes after run:\n${check.stdout}${check.stderr}`);
    const agreed = definitionsTypeormAgreesOn(mariadbDefinitions, "mariadb");
    assert.ok(agreed.length >= 40, `only ${agreed.length} definitions checked`);
    const options = project.dataSourceOptions();
    assert.deepEqual(await typeormPendingByDefinition(options, agreed), {}, "TypeORM 0.3 still wants changes after Athanor's run");
    assert.deepEqual(
      await typeormPendingByDefinition(options, agreed, typeorm1DataSource()),
      {},
      "TypeORM 1.x still wants changes after Athanor's run",
    );
  } finally {
    await project.cleanup();
  }
});

test("corpus on MariaDB: after TypeORM's own synchronize (driver type mariadb) Athanor adds only what TypeORM left out, and TypeORM's log() has queries for exactly the listed definitions", async () => {
  const { synchronizable, options, drop } = await typeormSynchronized("mariadb", mariadbDefinitions);
  try {
    const ds = new DataSource({ ...options, entities: entitiesOfAll(synchronizable) as any });
    await ds.initialize();
    try {
      const comparison = await compareEntitiesWithDatabase(
        findDialect("mariadb")!,
        ds as any,
        {
          dataSource: ds,
          migrationsTableName: "migrations",
        } as any,
      );
      // Where the database TypeORM built is not what the entities declare: defaults it wrote
      // rounded (d24, see TYPEORM_DISAGREES_WITH_ITSELF), and the checks its MySQL driver never creates.
      const tables = [...new Set(comparison.diff.operations.map((op) => (op as { table: string }).table))];
      assert.deepEqual(
        synchronizable.filter((d) => tables.some((table) => table.startsWith(`${prefixOf(d)}_`))).map((d) => d.file),
        ["d24-default-decimal", "k62-check", "k63-checks-expressions", "k64-check-not-equal"],
        `Athanor's changes on the database TypeORM built:\n${JSON.stringify(comparison.diff.operations, null, 1)}`,
      );
      const kinds = comparison.diff.operations.map((op) => `${op.kind} ${(op as { table: string }).table}`);
      assert.deepEqual(
        kinds.filter((kind) => !kind.startsWith("addCheck ")),
        ["alterColumn d24_default_decimal", "alterColumn d24_default_decimal"],
      );
    } finally {
      await ds.destroy();
    }
    const pending = await typeormPendingByDefinition(options, synchronizable);
    assert.deepEqual(
      Object.keys(pending).sort(),
      definitionsTypeormDisagreesOn(synchronizable, "mariadb"),
      `TYPEORM_DISAGREES_WITH_ITSELF (test/corpus/typeorm-agrees.ts) is not what TypeORM does after its own synchronize:\n${JSON.stringify(pending, null, 2)}`,
    );
  } finally {
    await drop();
  }
});

test("corpus on MariaDB, driver type mysql: after athanor run TypeORM wants exactly what it wants after its own synchronize", async () => {
  const project = await corpusProject(mariadbDefinitions, "mysql");
  const { synchronizable, options, drop } = await typeormSynchronized("mysql", mariadbDefinitions);
  try {
    await project.ok(["generate", "Corpus"]);
    await project.ok(["run"]);
    const compared = definitionsLikeTypeormMysqlSynchronize(synchronizable);
    const afterAthanor = await typeormPendingByDefinition({ ...options, url: project.env.DATABASE_URL } as DataSourceOptions, compared);
    const afterTypeorm = await typeormPendingByDefinition(options, compared);
    const sorted = (grouped: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(grouped)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([file, queries]) => [file, [...queries].sort()]),
      );
    assert.deepEqual(sorted(afterAthanor), sorted(afterTypeorm));
    // TypeORM's own inconsistency, the reason for this form of the check: a nullable column without a default.
    assert.deepEqual(afterTypeorm["c20-nullable"], [
      "ALTER TABLE `c20_nullable` CHANGE `name` `name` varchar(255) NULL",
      "ALTER TABLE `c20_nullable` CHANGE `count` `count` int NULL",
    ]);
  } finally {
    await project.cleanup();
    await drop();
  }
});
