/**
 * The catalogue of bad inputs (docs/errors.md), part 1: mistakes in the
 * command line, the DataSource file, the entities and the migration files.
 * Each row spawns the real CLI in a fresh SQLite project and checks the exit
 * code and the one-sentence message; most fail before opening a database.
 * Database-side rows are in bad-input-database.test.ts.
 */
import { after, before, describe, test } from "node:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject, type CliResult } from "../support/project";
import { assertUserError, dataSourceFile, ITEM, migration } from "../support/bad-input";
import assert from "node:assert/strict";
import yargs from "yargs";
import { COMMANDS } from "../../src/cli/commands";

interface Row {
  /** The catalogue's id and bad input, as the test's name. */
  name: string;
  /** Files to write into the project (relative paths) before running. */
  files?: Record<string, string>;
  args: string[];
  env?: NodeJS.ProcessEnv;
  code: number;
  message: RegExp;
}

const GLOB_DATA_SOURCE = dataSourceFile(
  `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: ["entities/*.ts"], migrations: ["migrations/*.ts"] });`,
);

const rows: Row[] = [
  // The command line.
  { name: "E01 an unknown command", args: ["rnu"], code: 2, message: /^error: Unknown command "rnu": did you mean athanor run\?/ },
  {
    name: "E02 an unknown option",
    args: ["run", "--dry-runn"],
    code: 2,
    message: /^error: Unknown option --dry-runn: run athanor run --help for the options it takes\.$/m,
  },
  {
    name: "E03 an argument a command does not take",
    args: ["run", "head"],
    code: 2,
    message: /^error: athanor run does not take "head": run athanor run --help/,
  },
  {
    name: "E04 a missing argument",
    args: ["stamp"],
    code: 2,
    message: /^error: athanor stamp is missing an argument: run athanor stamp --help/,
  },
  {
    name: "E05 an invalid --transaction value",
    args: ["run", "--transaction", "maybe"],
    code: 2,
    message: /^error: --transaction "maybe" is not a valid value: use one of each, all, none\.$/m,
  },
  {
    name: "E06 --to and --step together",
    args: ["revert", "--to", "base", "--step", "1"],
    code: 2,
    message: /^error: --to and --step both say where to stop: give one of them, not both\.$/m,
  },
  {
    name: "E07 a --step that is not a positive whole number",
    args: ["run", "--step", "0"],
    code: 2,
    message: /^error: --step takes a positive whole number of migrations, e\.g\. --step 1\.$/m,
  },
  {
    name: "E08 a --lock-timeout that is not a number",
    args: ["run", "--lock-timeout", "soon"],
    code: 2,
    message: /^error: --lock-timeout takes a number of seconds/,
  },
  {
    name: "E09 --from without --sql",
    args: ["run", "--from", "head"],
    code: 2,
    message: /^error: --from sets where an offline script starts: use it together with --sql\.$/m,
  },
  {
    name: "E10 a generate name with no letters or digits",
    args: ["generate", "!!!"],
    code: 2,
    message: /^error: The name "!!!" has no letters or digits to build a class name from: pick another/,
  },
  {
    name: "E11 a --rename that is not table.old=new",
    args: ["generate", "--rename", "title"],
    code: 2,
    message: /^error: --rename title is not of the form table\.old_column=new_column/,
  },
  {
    name: "E10 a create name with no letters or digits",
    args: ["create", "--", "***"],
    code: 2,
    message:
      /^error: The name "\*\*\*" has no letters or digits to build a class name from: pick another, e\.g\. athanor create SeedCountries\.$/m,
  },
  {
    name: "E82 a migration name too long for a file name (create)",
    args: ["create", "A".repeat(300)],
    code: 2,
    message:
      /^error: The name "A{40}…" is too long for a migration file name \(300 characters\): keep it to 100 characters \(fewer for letters outside ASCII, which take more bytes\), e\.g\. athanor create SeedCountries\.$/m,
  },
  {
    name: "E82 a migration name too long for a file name (generate, before connecting)",
    args: ["generate", "Добавить".repeat(30)],
    code: 2,
    message: /^error: The name "(Добавить){5}…" is too long for a migration file name \(240 characters\): keep it to 100 characters/m,
  },
  {
    name: "E83 a second rename hint without its own --rename lands where the name goes",
    args: ["generate", "--rename", "items.a=b", "items.c=d"],
    code: 2,
    message:
      /^error: "items\.c=d" looks like a rename hint, not a migration name: give each hint its own flag, e\.g\. --rename users\.a=b --rename users\.c=d\.$/m,
  },
  {
    name: "E33 a --rename-value that is not table.column:old=new",
    args: ["generate", "--rename-value", "items.state=done"],
    code: 2,
    message:
      /^error: --rename-value items\.state=done is not of the form table\.column:old_value=new_value: write e\.g\. --rename-value users\.status:pending=waiting\.$/m,
  },

  // The DataSource file.
  {
    name: "E12 a DataSource file that does not exist",
    args: ["run", "-d", "db/data-source.ts"],
    code: 2,
    message: /^error: No DataSource file at db\/data-source\.ts: create it \(see the README\) or point to yours with -d/,
  },
  {
    name: "E13 a DataSource file with a syntax error",
    files: { "broken.ts": `import { DataSource } from "typeorm";\nexport default new DataSource({ type: "sqlite",\n` },
    args: ["run", "-d", "broken.ts"],
    code: 2,
    message: /^error: Loading broken\.ts failed: error TS1005: '}' expected \(at broken\.ts:3:1\): fix broken\.ts and run again\.$/m,
  },
  {
    name: "E80 a DataSource file exporting two DataSources and no default",
    files: {
      "two.ts": dataSourceFile(
        `export const primary = new DataSource({ type: "sqlite", database: "data/a.sqlite", migrations: ["migrations/*.ts"] });\n` +
          `export const replica = new DataSource({ type: "sqlite", database: "data/b.sqlite", migrations: ["migrations/*.ts"] });`,
      ),
    },
    args: ["status", "-d", "two.ts"],
    code: 2,
    message:
      /^error: two\.ts exports 2 DataSources \(primary, replica\) and no default one, so it is unclear which database to use: make the one to migrate the default export \(export default primary\), or give it a file of its own\.$/m,
  },
  {
    name: "E81 a -d that names a directory",
    files: { "db/keep.txt": "" },
    args: ["run", "-d", "db"],
    code: 2,
    message:
      /^error: db is a directory, not a DataSource file: point -d to the file that exports the DataSource, e\.g\. -d db\/data-source\.ts\.$/m,
  },
  {
    name: "E14 a DataSource file exporting no DataSource",
    files: { "options.ts": `export const options = { type: "sqlite", database: "data/app.sqlite" };\n` },
    args: ["run", "-d", "options.ts"],
    code: 2,
    message:
      /^error: options\.ts does not export a TypeORM DataSource: export one, e\.g\. `export default new DataSource\(\{\.\.\.\}\)`\.$/m,
  },
  {
    name: "E15 a DataSource without a migrations option",
    files: {
      "no-migrations.ts": dataSourceFile(`export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: [] });`),
    },
    args: ["generate", "-d", "no-migrations.ts"],
    code: 2,
    message:
      /^error: The DataSource in no-migrations\.ts has no migrations option, so Athanor does not know where migrations live: add e\.g\. migrations: \["migrations\/\*\.ts"\]\.$/m,
  },
  {
    name: "E16 a database type TypeORM does not know",
    files: {
      "made-up.ts": dataSourceFile(
        `export default new DataSource({ type: "fancydb" as any, database: "x", migrations: ["migrations/*.ts"] });`,
      ),
    },
    args: ["run", "-d", "made-up.ts"],
    code: 2,
    message:
      /^error: The DataSource in made-up\.ts uses database type "fancydb", which Athanor does not support: use one of sqlite, better-sqlite3, postgres, mysql, mariadb\.$/m,
  },
  {
    name: "E17 a database type Athanor does not support (cockroachdb)",
    files: {
      "cockroach.ts": dataSourceFile(
        `export default new DataSource({ type: "cockroachdb", host: "127.0.0.1", port: 26257, database: "app", migrations: ["migrations/*.ts"] });`,
      ),
    },
    args: ["run", "-d", "cockroach.ts"],
    code: 2,
    message: /^error: The DataSource in cockroach\.ts uses database type "cockroachdb", which Athanor does not support: use one of/,
  },
  {
    // TypeORM fails first here (no mssql package) and names its driver in two words.
    name: "E17 a database type Athanor does not support, whose driver is not installed (mssql)",
    files: {
      "mssql.ts": dataSourceFile(
        `export default new DataSource({ type: "mssql", host: "127.0.0.1", port: 1433, database: "app", migrations: ["migrations/*.ts"] });`,
      ),
    },
    args: ["run", "-d", "mssql.ts"],
    code: 2,
    message: /^error: The DataSource in mssql\.ts uses database type "SQL Server", which Athanor does not support: use one of/,
  },
  {
    name: "E18 a connection URL that is not a URL",
    args: ["run"],
    env: { DATABASE_URL: "s3cr3t-Pa55@db.example.com/app" },
    code: 2,
    message:
      /^error: The connection URL of the DataSource in ormconfig\.ts \(its url option, often DATABASE_URL\) is not a valid URL: write it as postgres:\/\/user:password@host:5432\/database/,
  },

  // The entities.
  {
    name: "E19 an entity file that throws when the DataSource file imports it",
    files: { "entities/Broken.ts": `export const x = 1;\nthrow new Error("BROKEN_ENV is not set");\n` },
    args: ["generate"],
    code: 2,
    message:
      /^error: Loading ormconfig\.ts failed: BROKEN_ENV is not set \(at entities\/Broken\.ts:2\): fix entities\/Broken\.ts and run again\.$/m,
  },
  {
    name: "E20 an entity file that throws when TypeORM loads the entities glob",
    files: { "glob.ts": GLOB_DATA_SOURCE, "entities/Broken.ts": `export const x = 1;\nthrow new Error("BROKEN_ENV is not set");\n` },
    args: ["generate", "-d", "glob.ts"],
    code: 2,
    message:
      /^error: The entities of the DataSource in glob\.ts could not be loaded: BROKEN_ENV is not set \(at entities\/Broken\.ts:2\): fix entities\/Broken\.ts and run again\.$/m,
  },
  {
    name: "E21 an entity column type the dialect lacks",
    files: {
      "entities/Doc.ts": ITEM.replace(/Item/g, "Doc")
        .replace('"items"', '"docs"')
        .replace('type: "varchar", length: 20', 'type: "tsvector"'),
    },
    args: ["generate"],
    code: 2,
    message:
      /^error: Column Doc\.title has type "tsvector", which sqlite does not have: give it a type sqlite supports in its @Column decorator\.$/m,
  },

  // Migration files.
  {
    name: "E22 a migration file with a syntax error",
    files: { "migrations/1700000000000-Broken.ts": migration("Broken", 1700000000000).replace("async down", "async down(") },
    args: ["status"],
    code: 2,
    message:
      /^error: Migration migrations\/1700000000000-Broken\.ts could not be loaded: error TS\d+: .+ \(at migrations\/1700000000000-Broken\.ts:5:\d+\): fix migrations\/1700000000000-Broken\.ts and run again\.$/m,
  },
  {
    name: "E23 a migration file that throws when loaded",
    files: { "migrations/1700000000000-Throws.ts": `throw new Error("SEED_FILE missing");\n` + migration("Throws", 1700000000000) },
    args: ["run"],
    code: 2,
    message:
      /^error: Migration migrations\/1700000000000-Throws\.ts could not be loaded: SEED_FILE missing \(at migrations\/1700000000000-Throws\.ts:1\)/,
  },
  {
    // Once reported as a bug in Athanor (exit 3): the throw came from `new`, after the file loaded.
    name: "E23 a migration class whose field initializer throws",
    files: {
      "migrations/1700000000000-Ctor.ts": migration("Ctor", 1700000000000).replace(
        "  name = ",
        '  seed = require("missing-seed-module");\n  name = ',
      ),
    },
    args: ["run"],
    code: 2,
    message:
      /^error: Migration migrations\/1700000000000-Ctor\.ts could not be constructed \(new Ctor1700000000000\(\) threw\): Cannot find module 'missing-seed-module' \(at migrations\/1700000000000-Ctor\.ts:3\): fix migrations\/1700000000000-Ctor\.ts and run again\.$/m,
  },
  {
    name: "E24 a migration file exporting no class",
    files: { "migrations/1700000000000-Empty.ts": `export const up = "CREATE TABLE t (id integer)";\n` },
    args: ["run"],
    code: 2,
    message:
      /^error: Migration migrations\/1700000000000-Empty\.ts exports no migration class: export one class with up\(\) and down\(\)\.$/m,
  },
  {
    name: "E25 a migration file exporting two classes",
    files: {
      "migrations/1700000000000-Two.ts": migration("One", 1700000000000) + migration("Two", 1700000000001).replace(/^import .*\n/, ""),
    },
    args: ["run"],
    code: 2,
    message: /^error: Migration migrations\/1700000000000-Two\.ts exports 2 migration classes: keep one class per file\.$/m,
  },
  {
    name: "E26 a migration class whose name does not end in a timestamp",
    files: { "migrations/1700000000000-AddThing.ts": migration("AddThing", 1700000000000).replace(/AddThing1700000000000/g, "AddThing") },
    args: ["run"],
    code: 2,
    message:
      /^error: Migration migrations\/1700000000000-AddThing\.ts is named "AddThing", which does not end in a 13-digit timestamp: rename the class/,
  },
  {
    name: "E27 two migrations with the same timestamp",
    files: {
      "migrations/1700000000000-AddA.ts": migration("AddA", 1700000000000),
      "migrations/1700000000000-AddB.ts": migration("AddB", 1700000000000),
    },
    args: ["run"],
    code: 2,
    message:
      /^error: Migrations migrations\/1700000000000-AddA\.ts and migrations\/1700000000000-AddB\.ts share the timestamp 1700000000000, so their order is undefined: give one a new timestamp\.$/m,
  },
  {
    name: "E28 a revision that names no migration",
    files: { "migrations/1700000000000-AddA.ts": migration("AddA", 1700000000000) },
    args: ["stamp", "AddZ"],
    code: 2,
    message:
      /^error: No migration matches "AddZ": name one by timestamp, class name, file name or a unique prefix \(known: AddA1700000000000\), or use head or base\.$/m,
  },
  {
    name: "E29 an ambiguous revision prefix",
    files: {
      "migrations/1700000000000-AddA.ts": migration("AddA", 1700000000000),
      "migrations/1700000000001-AddB.ts": migration("AddB", 1700000000001),
    },
    args: ["show", "170000000000"],
    code: 2,
    message: /^error: "170000000000" matches 2 migrations \(AddA1700000000000, AddB1700000000001\): give a longer prefix\.$/m,
  },
  {
    name: "E30 run --to base",
    args: ["run", "--to", "base"],
    code: 2,
    message: /^error: `run --to base` would apply nothing: use `athanor revert --to base` to undo everything\.$/m,
  },
  {
    name: "E85 an entity mapped to the bookkeeping table's name",
    files: { "entities/Log.ts": ITEM.replace(/Item/g, "Log").replace('"items"', '"migrations"') },
    args: ["generate", "--dry-run"],
    code: 2,
    message:
      /^error: An entity maps the table "migrations", which is where the DataSource's migrationsTableName records applied migrations: give the entity another table name \(@Entity\("…"\)\), or set migrationsTableName to another name in the DataSource\.$/m,
  },
  {
    name: "E85 an entity mapped to the name migrationsTableName gives",
    files: {
      "custom.ts": dataSourceFile(
        `import { Item } from "./entities/Item";\nimport { Log } from "./entities/Log";\n` +
          `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: [Item, Log], migrations: ["migrations/*.ts"], migrationsTableName: "schema_history" });`,
      ),
      "entities/Log.ts": ITEM.replace(/Item/g, "Log").replace('"items"', '"schema_history"'),
    },
    args: ["generate", "-d", "custom.ts"],
    code: 2,
    message:
      /^error: An entity maps the table "schema_history", which is where the DataSource's migrationsTableName records applied migrations/m,
  },
  {
    name: "E232 two entity indexes whose names SQLite takes for one (ix_total, IX_TOTAL)",
    files: {
      "entities/Order.ts":
        `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";\n` +
        `@Entity({ name: "orders" })\n@Index("ix_total", ["total"])\n@Index("IX_TOTAL", ["placed"])\n` +
        `export class Order {\n  @PrimaryGeneratedColumn() id: number;\n  @Column({ type: "int" }) total: number;\n  @Column({ type: "int" }) placed: number;\n}\n`,
    },
    args: ["generate", "Orders"],
    code: 2,
    message:
      /^error: Table orders declares index "IX_TOTAL" and index "ix_total": names that SQLite takes for one \(it compares them ignoring case\), and SQLite refuses a second index of that name in one database\. Give one of them another name in its @Index decorator, then generate again\.$/m,
  },
  {
    name: "E31 a SQLite database path with a file in the way",
    files: {
      "blocked.ts": dataSourceFile(
        `export default new DataSource({ type: "sqlite", database: "ormconfig.ts/app.sqlite", migrations: ["migrations/*.ts"] });`,
      ),
    },
    args: ["run", "-d", "blocked.ts"],
    code: 3,
    message:
      /^error: Cannot create the directory of sqlite database ormconfig\.ts\/app\.sqlite: a file is in the way of its path; fix the "database" path in your DataSource\.$/m,
  },
];

// Each row is one CLI spawn in its own project, independent of the others,
// so a few run at once.
describe("bad input: command line, DataSource, entities, migration files", { concurrency: 3 }, () => {
  for (const row of rows) {
    test(row.name, async () => {
      const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
      try {
        for (const [file, source] of Object.entries(row.files ?? {})) {
          mkdirSync(join(project.dir, file, ".."), { recursive: true });
          writeFileSync(join(project.dir, file), source);
        }
        const result = await project.cli(row.args, { env: row.env });
        assertUserError(result, row.code, row.message);
        if (row.env?.DATABASE_URL) assertNotEchoed(result, "s3cr3t-Pa55");
      } finally {
        await project.cleanup();
      }
    });
  }

  test("E32 an entities option that matches nothing: a warning, not silence", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeFileSync(
        join(project.dir, "typo.ts"),
        dataSourceFile(
          `export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: ["entity/*.ts"], migrations: ["migrations/*.ts"] });`,
        ),
      );
      const result = await project.cli(["generate", "-d", "typo.ts"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /^WARNING: The DataSource in typo\.ts maps no entities: check the paths or globs in its entities option\.$/m,
      );
    } finally {
      await project.cleanup();
    }
  });
});

/**
 * Every option of every command that takes a value, as typed (`--step`,
 * `-r`), read from the commands' own yargs definitions, plus the global -d:
 * a new option is covered without being listed here.
 */
function valueTakingOptions(): Array<{ command: string; flag: string }> {
  const found = [
    { command: "status", flag: "-d" },
    { command: "status", flag: "--dataSource" },
  ];
  for (const module of COMMANDS) {
    const usage = String(module.command);
    const command = usage.split(" ")[0];
    const positionals = [...usage.matchAll(/[<[](\w+)/g)].map((m) => m[1]);
    const y = yargs([]);
    (module.builder as (y: unknown) => unknown)(y);
    const options = (y as unknown as { getOptions(): Record<string, any> }).getOptions();
    const keys = new Set<string>([...options.string, ...options.number, ...options.array, ...Object.keys(options.choices ?? {})]);
    for (const key of keys) {
      if (options.boolean.includes(key) || positionals.includes(key)) continue;
      found.push({ command, flag: key.length === 1 ? `-${key}` : `--${key}` });
    }
  }
  return found;
}

describe("E84 an option that takes a value, typed without one: exit 2 for every such option", { concurrency: 3 }, () => {
  const options = valueTakingOptions();
  test("the options are found (run's --step, --to and --lock-timeout among them)", () => {
    const flags = options.map((o) => `${o.command} ${o.flag}`);
    for (const expected of ["run --step", "run --to", "run --lock-timeout", "revert --step", "generate --rename", "lint --fail-on"]) {
      assert.ok(flags.includes(expected), `${expected} is not among ${flags.join(", ")}`);
    }
  });

  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite", { "Item.ts": ITEM });
  });
  after(() => project.cleanup());

  for (const { command, flag } of options) {
    // At the end of the line, followed by another option (`run --step --dry-run`), and as `--step=`.
    for (const typed of [[flag], [flag, "--json"], [`${flag}=`]]) {
      const args = [command, ...typed];
      test(`athanor ${args.join(" ")}`, async () => {
        const result = await project.cli(args);
        const message = new RegExp(
          `^error: ${flag} is missing its value: write one after it \\(athanor ${command} --help says what ${flag} takes\\)\\.$`,
          "m",
        );
        assertUserError(result, 2, message);
      });
    }
  }
});

function assertNotEchoed(result: CliResult, secret: string): void {
  assert.ok(!(result.stdout + result.stderr).includes(secret), `${secret} was printed:\n${result.stdout}\n${result.stderr}`);
}
