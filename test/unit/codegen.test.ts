/**
 * Code generation: the migration file's text, and proof that the printed
 * literals round-trip — the file, transpiled and run against the real
 * `op()` API with a recording query runner, reproduces the exact operations.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Module from "node:module";
import path from "node:path";
import ts from "typescript";
import {
  migrationClassName,
  migrationFileName,
  migrationName,
  renderMigrationFile,
  toPascalCase,
  type MigrationFileInput,
} from "../../src/codegen";
import { describeOperation } from "../../src/ops/describe";
import { finding } from "../../src/danger/codes";
import { readSilences } from "../../src/lint/silence";
import { invertAll, type Operation } from "../../src/ops/operations";
import type { Column, Table } from "../../src/schema/model";

// ── The real op() API, with execution replaced by recording ─────────────────

/**
 * src/migration-api/api.ts executes operations through ./execute (which talks to the
 * database). Swap that one module for a recorder while loading api.ts, so
 * the test exercises the real method names and argument order.
 */
function loadRecordingApi(): typeof import("../../src/migration-api/api") {
  const loader = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown };
  const originalLoad = loader._load;
  const apiFile = path.join("src", "migration-api", "api.ts");
  loader._load = function (request, parent, isMain) {
    if (request === "./execute" && parent?.filename?.endsWith(apiFile)) {
      return {
        executeOperation: async (runner: { recorded: Operation[] }, operation: Operation) => {
          runner.recorded.push(operation);
        },
      };
    }
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    return require("../../src/migration-api/api");
  } finally {
    loader._load = originalLoad;
  }
}

const api = loadRecordingApi();

interface MigrationInstance {
  name: string;
  transaction?: boolean;
  up(queryRunner: unknown): Promise<void>;
  down(queryRunner: unknown): Promise<void>;
}

/** Transpile the generated file and load its class, with `athanor` and `typeorm` stubbed. */
function loadMigration(source: string, className: string): MigrationInstance {
  const { outputText, diagnostics } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  assert.deepEqual(diagnostics, []);
  const moduleExports: Record<string, any> = {};
  const stubRequire = (name: string) => {
    if (name === "athanor") return { op: api.op };
    if (name === "typeorm") return {};
    throw new Error(`unexpected import ${name}`);
  };
  new Function("exports", "require", "module", outputText)(moduleExports, stubRequire, { exports: moduleExports });
  const MigrationClass = moduleExports[className];
  assert.equal(typeof MigrationClass, "function", `the file exports class ${className}`);
  return new MigrationClass();
}

/** What running `method` records; JSON drops undefined properties as the model does. */
async function recordedOperations(migration: MigrationInstance, method: "up" | "down"): Promise<Operation[]> {
  const runner = { recorded: [] as Operation[], query: async () => assert.fail("no raw SQL in portable mode") };
  await migration[method](runner);
  return JSON.parse(JSON.stringify(runner.recorded));
}

// ── Fixtures: every operation kind, with awkward strings ────────────────────

const idColumn: Column = { name: "id", type: "integer", nullable: false, generated: "increment" };
const users: Table = {
  name: "users",
  columns: [
    idColumn,
    { name: "email", type: "varchar", length: 255, nullable: false },
    { name: "bio", type: "text", nullable: true, default: "'it''s \"quoted\" \\ and\nnew line'" },
    { name: "balance", type: "decimal", precision: 10, scale: 2, nullable: false, default: "0" },
    { name: "role", type: "enum", nullable: false, default: "'member'", enum: ["admin", "member"], enumName: "users_role_enum" },
    { name: "weird column", type: "uuid", nullable: false, generated: "uuid" },
  ],
  primaryKey: { name: "PK_users", columns: ["id"] },
  uniques: [{ name: "UQ_users_email", columns: ["email"] }],
  indexes: [{ name: "IDX_users_role", columns: ["role", "email"], unique: false, where: "role <> 'admin'" }],
  foreignKeys: [],
  checks: [{ name: "CHK_balance", expression: "balance >= 0 /* never negative */" }],
};

const everyKind: Operation[] = [
  { kind: "createTable", table: users },
  { kind: "renameTable", from: "people", to: "persons" },
  { kind: "addColumn", table: "users", column: { name: "age", type: "integer", nullable: true } },
  { kind: "dropColumn", table: "users", column: { name: "legacy", type: "text", nullable: true } },
  { kind: "renameColumn", table: "users", from: "full_name", to: "display_name" },
  {
    kind: "alterColumn",
    table: "users",
    from: { name: "name", type: "varchar", length: 100, nullable: true },
    to: { name: "name", type: "varchar", length: 255, nullable: false, default: "''" },
  },
  { kind: "dropPrimaryKey", table: "tags", primaryKey: { name: "PK_tags", columns: ["id"] } },
  { kind: "addPrimaryKey", table: "tags", primaryKey: { columns: ["id", "label"] } },
  { kind: "addUnique", table: "users", unique: { name: "UQ_x", columns: ["a", "b"] } },
  { kind: "dropUnique", table: "users", unique: { name: "UQ_y", columns: ["c"] } },
  { kind: "createIndex", table: "users", index: { name: "IDX_x", columns: ["a"], unique: true } },
  { kind: "dropIndex", table: "users", index: { name: "IDX_y", columns: ["b"], unique: false, where: "b IS NOT NULL" } },
  {
    kind: "addForeignKey",
    table: "posts",
    foreignKey: {
      name: "FK_posts_author",
      columns: ["author_id"],
      referencedTable: "users",
      referencedColumns: ["id"],
      onDelete: "CASCADE",
      onUpdate: "NO ACTION",
    },
  },
  {
    kind: "dropForeignKey",
    table: "posts",
    foreignKey: {
      name: "FK_old",
      columns: ["x"],
      referencedTable: "y",
      referencedColumns: ["id"],
      onDelete: "SET NULL",
      onUpdate: "CASCADE",
    },
  },
  { kind: "addCheck", table: "users", check: { name: "CHK_a", expression: "a > 0" } },
  { kind: "dropCheck", table: "users", check: { name: "CHK_b", expression: "b > 0" } },
  { kind: "sql", up: "UPDATE users SET a = 1", down: "UPDATE users SET a = NULL" },
  { kind: "dropTable", table: { ...users, name: "old_users" } },
  { kind: "addCheck", table: "users", check: { name: "CHK_comment", expression: "a > 0 /* never negative */" } },
  { kind: "setTableComment", table: "users", to: `People's "accounts"` },
  { kind: "setTableComment", table: "posts", from: "Old notes" },
  { kind: "renameEnumValue", table: "users", column: "status", from: "pending", to: "on hold" },
  { kind: "renameEnumValue", table: "posts", column: "state", from: "a", to: "b", enumName: "shared_state" },
];

function input(overrides: Partial<MigrationFileInput> = {}): MigrationFileInput {
  const name = "EveryKind";
  const timestamp = 1714000000000;
  return {
    className: migrationClassName(name, timestamp),
    name,
    timestamp,
    up: everyKind,
    down: invertAll(everyKind),
    warnings: ["foreign key legacy (org_id) → orgs is dropped because orgs is dropped."],
    dialectName: "sqlite",
    mode: "portable",
    ...overrides,
  };
}

// ── Tests ───────────────────────────────────────────────────────────────────

test("portable file: printed literals round-trip through the real op() API", async () => {
  const file = input();
  const source = renderMigrationFile(file);
  const migration = loadMigration(source, "EveryKind1714000000000");
  assert.equal(migration.name, "EveryKind1714000000000");
  assert.deepEqual(await recordedOperations(migration, "up"), file.up);
  assert.deepEqual(await recordedOperations(migration, "down"), file.down);
});

test("portable file: a raw SQL operation without down keeps one argument", async () => {
  const up: Operation[] = [{ kind: "sql", up: "VACUUM" }];
  const source = renderMigrationFile(input({ up, down: [] }));
  assert.ok(source.includes(`await op(queryRunner).sql("VACUUM");`));
  assert.deepEqual(await recordedOperations(loadMigration(source, "EveryKind1714000000000"), "up"), up);
});

test("portable file: shape, imports and readable calls", () => {
  const source = renderMigrationFile(input());
  assert.ok(source.startsWith("/**\n * EveryKind\n"));
  assert.ok(source.includes(`import { MigrationInterface, QueryRunner } from "typeorm";\nimport { op } from "athanor";\n`));
  assert.ok(source.includes("export class EveryKind1714000000000 implements MigrationInterface {\n"));
  assert.ok(source.includes(`  name = "EveryKind1714000000000";\n`));
  assert.ok(source.includes("  public async up(queryRunner: QueryRunner): Promise<void> {\n"));
  assert.ok(source.includes("  public async down(queryRunner: QueryRunner): Promise<void> {\n"));
  assert.ok(!source.includes("transaction = false"));
  // Short calls stay on one line; keys are unquoted unless they must be.
  assert.ok(source.includes(`    await op(queryRunner).renameTable("people", "persons");\n`));
  assert.ok(source.includes(`    await op(queryRunner).addColumn("users", { name: "age", type: "integer", nullable: true });\n`));
  assert.ok(source.includes(`    await op(queryRunner).createTable({\n      name: "users",\n      columns: [\n`));
  assert.ok(source.includes(`{ name: "weird column", type: "uuid", nullable: false, generated: "uuid" }`));
  // Two column arguments: one per line.
  assert.ok(
    source.includes(
      [
        `    await op(queryRunner).alterColumn(`,
        `      "users",`,
        `      { name: "name", type: "varchar", length: 100, nullable: true },`,
        `      { name: "name", type: "varchar", length: 255, nullable: false, default: "''" },`,
        `    );`,
      ].join("\n"),
    ),
  );
  // Consistent 2-space indentation in the code.
  const code = source.slice(source.indexOf(" */\n") + 4);
  for (const line of code.split("\n")) {
    assert.equal(line.match(/^ */)![0].length % 2, 0, line);
  }
  // A comment appearing or going away: null stands for "none".
  assert.ok(source.includes(`    await op(queryRunner).setTableComment("users", null, "People's \\"accounts\\"");\n`));
  assert.ok(source.includes(`    await op(queryRunner).setTableComment("posts", "Old notes", null);\n`));
  assert.ok(source.includes(` *   - comment on table users: "People's \\"accounts\\""\n`));
  assert.ok(source.includes(" *   - remove the comment on table posts\n"));
  assert.ok(source.includes(`    await op(queryRunner).renameEnumValue("users", "status", "pending", "on hold");\n`));
  assert.ok(source.includes(`    await op(queryRunner).renameEnumValue("posts", "state", "a", "b", "shared_state");\n`));
  assert.ok(source.includes(` *   - rename value users.status: "pending" → "on hold" (rows keep their meaning)\n`));
  // The check expression contains "*/": the header must not end early.
  assert.ok(source.includes(" *   - add check CHK_comment on users: a > 0 /* never negative *\\/\n"));
  assert.ok(source.includes(`expression: "a > 0 /* never negative */"`));
});

test("header: operations in words, warnings, notes, dialect", () => {
  const source = renderMigrationFile(input({ notes: ["rebuilds table users (copies every row)"] }));
  const header = source.slice(0, source.indexOf("*/") + 2);
  assert.ok(header.includes(" *   - create table users\n"));
  assert.ok(header.includes(" *   - add column users.age integer\n"));
  assert.ok(header.includes(" *   - alter column users.name: varchar(100) → varchar(255), NULL → NOT NULL, default none → ''\n"));
  assert.ok(header.includes(" * Warnings:\n *   - foreign key legacy (org_id) → orgs is dropped because orgs is dropped.\n"));
  assert.ok(header.includes(" * Notes:\n *   - rebuilds table users (copies every row)\n"));
  assert.ok(header.includes("Generated by Athanor at 2024-04-24T23:06:40.000Z against sqlite."));

  const quiet = renderMigrationFile(input({ up: [], down: [], warnings: [] }));
  assert.ok(quiet.includes(" * Up: nothing to do.\n"));
  assert.ok(quiet.includes(" * Warnings: none.\n"));
});

test("header: the judge's findings come first under Warnings, with code and severity, then how to accept one", () => {
  const findings = [
    finding(
      "AT-D002",
      "Column users.legacy is dropped: its data is lost and code still reading it fails",
      "deploy code that no longer uses it first.",
      "drop column users.legacy",
    ),
  ];
  const source = renderMigrationFile(input({ findings }));
  const header = source.slice(0, source.indexOf("*/") + 2);
  assert.ok(
    header.includes(
      " * Warnings:\n" +
        " *   - AT-D002 error: Column users.legacy is dropped: its data is lost and code still reading it\n" +
        " *     fails; deploy code that no longer uses it first.\n" +
        " *   - foreign key legacy (org_id) → orgs is dropped because orgs is dropped.\n" +
        " * To accept a warning that has a code, add a comment naming it (athanor lint reads it):\n" +
        " * athanor-lint-disable <code> -- <reason>\n",
    ),
    header,
  );
  // The hint names no code, so it silences nothing.
  assert.deepEqual(readSilences(header), { silences: [], unknownCodes: [] });
  const onlyFindings = renderMigrationFile(input({ findings, warnings: [] }));
  assert.ok(!onlyFindings.includes("Warnings: none."));
});

test("SQL mode: queryRunner.query calls, no athanor import, transaction flag", async () => {
  const source = renderMigrationFile(
    input({
      mode: "sql",
      dialectName: "postgres",
      upSql: [`CREATE TABLE "users" ("id" SERIAL NOT NULL, "note" text DEFAULT '\`\${x}\\')`, "SELECT 'a'"],
      downSql: [`DROP TABLE "users"`],
      transaction: false,
    }),
  );
  assert.ok(!source.includes(`from "athanor"`));
  assert.ok(source.includes("  transaction = false;\n"));
  assert.ok(source.includes(`    await queryRunner.query("SELECT 'a'");\n`));
  assert.ok(source.replace(/\n \* /g, " ").includes("Raw SQL for postgres: runs only on postgres."));

  const migration = loadMigration(source, "EveryKind1714000000000");
  assert.equal(migration.transaction, false);
  const run = async (method: "up" | "down") => {
    const queries: string[] = [];
    await migration[method]({ query: async (sql: string) => void queries.push(sql) });
    return queries;
  };
  // Too long for one line: laid out one column per line (see sql-layout.ts).
  assert.deepEqual(await run("up"), [
    `CREATE TABLE "users" (\n      "id" SERIAL NOT NULL,\n      "note" text DEFAULT '\`\${x}\\'\n    )`,
    "SELECT 'a'",
  ]);
  assert.deepEqual(await run("down"), [`DROP TABLE "users"`]);
});

test("describeOperation", () => {
  const cases: Array<[Operation, string]> = [
    [{ kind: "createTable", table: users }, "create table users"],
    [{ kind: "dropTable", table: users }, "drop table users"],
    [
      { kind: "addColumn", table: "users", column: { name: "email", type: "varchar", length: 255, nullable: false } },
      "add column users.email varchar(255) NOT NULL",
    ],
    [
      {
        kind: "alterColumn",
        table: "users",
        from: { name: "name", type: "varchar", length: 100, nullable: false },
        to: { name: "name", type: "varchar", length: 255, nullable: false },
      },
      "alter column users.name: varchar(100) → varchar(255)",
    ],
    [everyKind[3], "drop column users.legacy"],
    [everyKind[4], "rename column users.full_name → display_name"],
    [everyKind[7], "add primary key on tags (id, label)"],
    [everyKind[10], "create unique index IDX_x on users (a)"],
    [everyKind[11], "drop index IDX_y on users (b) where b IS NOT NULL"],
    [everyKind[12], "add foreign key FK_posts_author on posts (author_id) → users (id) ON DELETE CASCADE"],
    [everyKind[14], "add check CHK_a on users: a > 0"],
    [everyKind[16], "run SQL: UPDATE users SET a = 1"],
    [{ kind: "addColumn", table: "t", column: users.columns[3] }, "add column t.balance decimal(10,2) NOT NULL DEFAULT 0"],
    [{ kind: "addColumn", table: "t", column: users.columns[4] }, "add column t.role enum('admin','member') NOT NULL DEFAULT 'member'"],
  ];
  for (const [op, expected] of cases) assert.equal(describeOperation(op), expected);
});

test("naming: derived names", () => {
  const table = (name: string): Table => ({ ...users, name });
  const add = (t: string, c: string): Operation => ({ kind: "addColumn", table: t, column: { name: c, type: "text", nullable: true } });
  const index: Operation = { kind: "createIndex", table: "users", index: { name: "I", columns: ["a"], unique: false } };
  const cases: Array<[Operation[], string]> = [
    [[{ kind: "createTable", table: table("users") }], "CreateUsersTable"],
    [
      [
        { kind: "createTable", table: table("user_profiles") },
        { ...index, table: "user_profiles" },
      ],
      "CreateUserProfilesTable",
    ],
    [
      [
        { kind: "createTable", table: table("users") },
        { kind: "createTable", table: table("leaderboards") },
      ],
      "CreateUsersAndLeaderboards",
    ],
    [[add("users", "email")], "AddEmailToUsers"],
    [[add("users", "email"), add("users", "phone_number")], "AddEmailAndPhoneNumberToUsers"],
    [[{ kind: "dropColumn", table: "users", column: users.columns[1] }], "RemoveEmailFromUsers"],
    [[add("users", "email"), index], "UpdateUsers"],
    [[index], "AddIndexToUsers"],
    [[{ kind: "dropTable", table: table("sessions") }], "DropSessionsTable"],
    [[add("users", "a"), add("posts", "b")], "UpdateUsersAndPosts"],
    [[add("a", "x"), add("b", "x"), add("c", "x"), add("d", "x")], "UpdateSchema"],
    [[{ kind: "sql", up: "SELECT 1" }], "UpdateSchema"],
    [[], "UpdateSchema"],
  ];
  for (const [ops, expected] of cases) assert.equal(migrationName(ops), expected, JSON.stringify(ops.map((o) => o.kind)));

  const many = Array.from({ length: 8 }, (_, i) => ({ kind: "createTable", table: table(`table_number_${i}`) }) as Operation);
  assert.equal(migrationName(many), "CreateTables");
  const long = migrationName([{ kind: "createTable", table: table("a_really_long_table_name_that_goes_on_and_on_forever_and_ever") }]);
  assert.ok(long.length < 60, long);
});

test("naming: user names, class names, file names", () => {
  assert.equal(toPascalCase("add-email to users"), "AddEmailToUsers");
  assert.equal(toPascalCase("add_email_to_users"), "AddEmailToUsers");
  assert.equal(toPascalCase("addEmail"), "AddEmail");
  assert.equal(toPascalCase("  2fa secrets "), "Migration2faSecrets");
  assert.equal(toPascalCase("!!!"), "Migration");
  assert.equal(migrationClassName("AddEmailToUsers", 1714000000000), "AddEmailToUsers1714000000000");
  assert.equal(migrationFileName(1714000000000, "AddEmailToUsers"), "1714000000000-AddEmailToUsers.ts");
  // TypeORM reads the timestamp from the class name's last 13 digits.
  assert.equal(Number(migrationClassName("V2", 1714000000000).slice(-13)), 1714000000000);
});

test("SQL mode: a long CREATE TABLE is laid out one column per line, and SQLite reads the same table", async () => {
  const { DataSource } = await import("typeorm");
  const { findDialect } = await import("../../src/dialects");
  const sql =
    `CREATE TABLE "orders" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "total" decimal(10,2) NOT NULL DEFAULT (0), ` +
    `"note" varchar(20) DEFAULT 'a, b', CONSTRAINT "CHK_total" CHECK ("total" >= 0), CONSTRAINT "UQ_note" UNIQUE ("note"))`;
  const source = renderMigrationFile(input({ mode: "sql", upSql: [sql], downSql: [`DROP TABLE "orders"`] }));
  assert.ok(
    source.includes(
      [
        '    await queryRunner.query(`CREATE TABLE "orders" (',
        `      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,`,
        `      "total" decimal(10,2) NOT NULL DEFAULT (0),`,
        `      "note" varchar(20) DEFAULT 'a, b',`,
        `      CONSTRAINT "CHK_total" CHECK ("total" >= 0),`,
        `      CONSTRAINT "UQ_note" UNIQUE ("note")`,
        "    )`);",
      ].join("\n"),
    ),
    source,
  );
  const queries: string[] = [];
  await loadMigration(source, "EveryKind1714000000000").up({ query: async (q: string) => void queries.push(q) });
  assert.equal(queries.length, 1);

  // The laid-out statement creates exactly the table the one-line one does.
  const introspect = async (statement: string) => {
    const ds = new DataSource({ type: "sqlite", database: ":memory:" });
    await ds.initialize();
    try {
      await ds.query(statement);
      return await findDialect("sqlite")!.introspect(ds as any, {});
    } finally {
      await ds.destroy();
    }
  };
  assert.deepEqual(await introspect(queries[0]), await introspect(sql));
});
