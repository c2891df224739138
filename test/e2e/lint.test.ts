/**
 * Lint: for every code, a migration that triggers it and one that does not —
 * as operations (rendered by the real dialects) or as hand-written SQL — then
 * the real CLI: `athanor lint` exit codes, --json, revisions, hand-written SQL
 * migrations, silencing comments, and `generate` printing the codes in its
 * output and in the migration's header (SQLite and PostgreSQL).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findDialect } from "../../src/dialects";
import { LINT_CODES, lintOperations, lintSteps, readSilences, applySilences, finding, type LintCode } from "../../src/lint";
import type { Operation } from "../../src/ops/operations";
import { apply } from "../../src/schema/apply";
import { emptyTable, type Column, type ForeignKey, type Schema, type Table } from "../../src/schema/model";
import { TestProject } from "../support/project";
import { writeMigration } from "../support/migrations";
import { q, writeMigrationBody } from "../support/faults";

// ── Fixtures ─────────────────────────────────────────────────────────────────

const id: Column = { name: "id", type: "integer", nullable: false, generated: "increment" };
const age: Column = { name: "age", type: "integer", nullable: true };
const email: Column = { name: "email", type: "varchar", length: 100, nullable: true };
const status: Column = { name: "status", type: "enum", enum: ["new", "paid", "void"], nullable: false, default: "'new'" };

const users: Table = {
  ...emptyTable("users"),
  columns: [id, age, email, status],
  primaryKey: { columns: ["id"] },
  indexes: [{ name: "users_age", columns: ["age"], unique: false }],
};
const existing: Schema = { tables: { users } };

const posts: Table = {
  ...emptyTable("posts"),
  columns: [id, { name: "user_id", type: "integer", nullable: true }],
  primaryKey: { columns: ["id"] },
  checks: [{ name: "posts_id_positive", expression: "id > 0" }],
};
const createPosts: Operation = { kind: "createTable", table: posts };
const postsToUsers: Operation = {
  kind: "addForeignKey",
  table: "posts",
  foreignKey: {
    name: "posts_user",
    columns: ["user_id"],
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete: "NO ACTION",
    onUpdate: "NO ACTION",
  },
};

const userId = posts.columns[1];
/** posts.user_id NOT NULL, and a SET NULL key on it: MySQL/MariaDB refuse the pair (AT-R001). */
const postsNotNull: Table = { ...posts, columns: [id, { ...userId, nullable: false }] };
const postsSetNull: Operation = { ...postsToUsers, foreignKey: { ...postsToUsers.foreignKey, onDelete: "SET NULL" } } as Operation;

/** Codes lint finds in `ops` applied to the `existing` schema, rendered for `dialect`. */
function codesOfOps(ops: Operation[], dialect = "postgres", transaction = true): LintCode[] {
  return lintOperations(ops, { dialect: findDialect(dialect)!, schema: existing, transaction }).map((f) => f.code);
}

/** Codes lint finds in hand-written SQL, one query() call per string. */
function codesOfSql(statements: string[], dialect = "postgres", transaction = true): LintCode[] {
  return lintSteps(
    statements.map((sql) => ({ statements: [sql] })),
    { dialect: findDialect(dialect)!, transaction },
  ).map((f) => f.code);
}

/** `code` when every one of `lists` holds it: several triggers in one case, each of which must trigger. */
function foundInEach(code: LintCode, ...lists: LintCode[][]): LintCode[] {
  return lists.every((list) => list.includes(code)) ? [code] : [];
}

/** Codes lint finds in op() steps alone (no statements: the portable rules only; a "sql" step is read as raw SQL). */
function codesOfSteps(ops: Operation[], dialect = "mariadb"): LintCode[] {
  return lintSteps(
    ops.map((operation) => (operation.kind === "sql" ? { statements: [operation.up] } : { operation, statements: [] })),
    { dialect: findDialect(dialect)! },
  ).map((f) => f.code);
}

/** A foreign key of users to itself (users.age → users.id). */
const usersSelf: ForeignKey = {
  name: "users_self",
  columns: ["age"],
  referencedTable: "users",
  referencedColumns: ["id"],
  onDelete: "NO ACTION",
  onUpdate: "NO ACTION",
};

type Case = { code: LintCode; triggers: () => LintCode[]; clean: () => LintCode[]; why: string };

const CASES: Case[] = [
  {
    code: "AT-D001",
    why: "a table is dropped / one created in the same migration is not",
    triggers: () => codesOfOps([{ kind: "dropTable", table: users }]),
    clean: () => codesOfOps([createPosts, { kind: "dropTable", table: posts }]),
  },
  {
    code: "AT-D001",
    why: "DROP TABLE by hand / a SQLite table rebuild (drop, then rename the copy into place) is not a drop",
    triggers: () => codesOfSql([`DROP TABLE IF EXISTS "users" CASCADE`], "sqlite"),
    clean: () =>
      codesOfSql(
        [
          `CREATE TABLE "temporary_users" ("id" integer PRIMARY KEY)`,
          `INSERT INTO "temporary_users"("id") SELECT "id" FROM "users"`,
          `DROP TABLE "users"`,
          `ALTER TABLE "temporary_users" RENAME TO "users"`,
        ],
        "sqlite",
      ),
  },
  {
    code: "AT-D002",
    why: "a column is dropped / a column is added",
    triggers: () => codesOfOps([{ kind: "dropColumn", table: "users", column: age }]),
    clean: () => codesOfOps([{ kind: "addColumn", table: "users", column: { name: "nickname", type: "text", nullable: true } }]),
  },
  {
    code: "AT-D002",
    why: "DROP COLUMN by hand / DROP CONSTRAINT",
    triggers: () => codesOfSql([`ALTER TABLE users DROP COLUMN age`], "sqlite"),
    clean: () => codesOfSql([`ALTER TABLE users DROP CONSTRAINT users_age_check`], "sqlite"),
  },
  {
    code: "AT-D003",
    why: "varchar(100) → varchar(50) narrows / varchar(100) → varchar(200) widens",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: email, to: { ...email, length: 50 } }], "sqlite"),
    clean: () => codesOfOps([{ kind: "alterColumn", table: "users", from: email, to: { ...email, length: 200 } }], "sqlite"),
  },
  {
    code: "AT-D003",
    why: "integer → smallint narrows / integer → bigint widens",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "smallint" } }], "sqlite"),
    clean: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint" } }], "sqlite"),
  },
  {
    code: "AT-D004",
    why: "integer → uuid is unrelated / integer → decimal is a widening",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "uuid" } }], "sqlite"),
    clean: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "decimal" } }], "sqlite"),
  },
  {
    code: "AT-D005",
    why: "an enum value is removed / one is added",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: status, to: { ...status, enum: ["new", "paid"] } }], "sqlite"),
    clean: () =>
      codesOfOps(
        [{ kind: "alterColumn", table: "users", from: status, to: { ...status, enum: ["new", "paid", "void", "refunded"] } }],
        "sqlite",
      ),
  },
  {
    code: "AT-D006",
    why: "TRUNCATE and DELETE without WHERE / DELETE with WHERE",
    triggers: () => codesOfSql([`TRUNCATE TABLE "sessions"`, `DELETE FROM sessions`], "sqlite"),
    clean: () => codesOfSql([`DELETE FROM "sessions" WHERE "expires_at" < CURRENT_TIMESTAMP`], "sqlite"),
  },
  {
    code: "AT-N001",
    why: "NOT NULL without default on an existing table / with a default, or on a new table",
    triggers: () => codesOfOps([{ kind: "addColumn", table: "users", column: { name: "plan", type: "text", nullable: false } }], "sqlite"),
    clean: () =>
      codesOfOps(
        [
          { kind: "addColumn", table: "users", column: { name: "plan", type: "text", nullable: false, default: "'free'" } },
          createPosts,
          { kind: "addColumn", table: "posts", column: { name: "title", type: "text", nullable: false } },
        ],
        "sqlite",
      ),
  },
  {
    code: "AT-N001",
    why: "ADD COLUMN … NOT NULL by hand / with DEFAULT",
    triggers: () => codesOfSql([`ALTER TABLE "users" ADD COLUMN "plan" text NOT NULL`], "sqlite"),
    clean: () => codesOfSql([`ALTER TABLE "users" ADD COLUMN "plan" text NOT NULL DEFAULT 'free'`], "sqlite"),
  },
  {
    code: "AT-N002",
    why: "an existing column becomes NOT NULL / one becomes nullable",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, nullable: false } }], "sqlite"),
    clean: () => codesOfOps([{ kind: "alterColumn", table: "users", from: status, to: { ...status, nullable: true } }], "sqlite"),
  },
  {
    code: "AT-N003",
    why: "a unique constraint and a unique index on an existing table / a plain index",
    triggers: () =>
      codesOfOps(
        [
          { kind: "addUnique", table: "users", unique: { name: "users_email_unique", columns: ["email"] } },
          { kind: "createIndex", table: "users", index: { name: "users_email", columns: ["email"], unique: true } },
        ],
        "sqlite",
      ),
    clean: () =>
      codesOfOps([{ kind: "createIndex", table: "users", index: { name: "users_age", columns: ["age"], unique: false } }], "sqlite"),
  },
  {
    code: "AT-N004",
    why: "a check on an existing table / a check created with its table",
    triggers: () =>
      codesOfOps([{ kind: "addCheck", table: "users", check: { name: "users_age_positive", expression: "age > 0" } }], "sqlite"),
    clean: () => codesOfOps([createPosts], "sqlite"),
  },
  {
    code: "AT-N005",
    why: "a foreign key on an existing table / on a table created in the same migration",
    triggers: () =>
      codesOfOps(
        [
          {
            kind: "addForeignKey",
            table: "users",
            foreignKey: { ...(postsToUsers as any).foreignKey, name: "users_self", columns: ["age"] },
          },
        ],
        "sqlite",
      ),
    clean: () => codesOfOps([createPosts, postsToUsers], "sqlite"),
  },
  {
    code: "AT-N006",
    why: "a key dropped and added again around a column change (op() calls, or SQL read by pattern), without AT-N005 / a write or another key in between: AT-N005",
    triggers: () => {
      const lists = [
        codesOfSteps([
          { kind: "dropForeignKey", table: "users", foreignKey: usersSelf },
          { kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint" } },
          { kind: "addForeignKey", table: "users", foreignKey: usersSelf },
        ]),
        codesOfSql(
          [
            "ALTER TABLE `users` DROP FOREIGN KEY `users_self`",
            "ALTER TABLE `users` MODIFY COLUMN `age` bigint NULL",
            "ALTER TABLE `users` ADD CONSTRAINT `users_self` FOREIGN KEY (`age`) REFERENCES `users` (`id`)",
          ],
          "mariadb",
        ),
      ];
      return lists.every((codes) => codes.includes("AT-N006") && !codes.includes("AT-N005")) ? ["AT-N006"] : [];
    },
    clean: () => {
      const lists = [
        codesOfSteps([
          { kind: "dropForeignKey", table: "users", foreignKey: usersSelf },
          { kind: "sql", up: "UPDATE users SET age = 99" },
          { kind: "addForeignKey", table: "users", foreignKey: usersSelf },
        ]),
        codesOfSteps([
          { kind: "dropForeignKey", table: "users", foreignKey: usersSelf },
          { kind: "addForeignKey", table: "users", foreignKey: { ...usersSelf, name: "users_email", columns: ["email"] } },
        ]),
        codesOfSql(
          [
            "ALTER TABLE `users` DROP FOREIGN KEY `users_self`",
            "DELETE FROM `users` WHERE `id` > 10",
            "ALTER TABLE `users` ADD CONSTRAINT `users_self` FOREIGN KEY (`age`) REFERENCES `users` (`id`)",
          ],
          "mariadb",
        ),
      ];
      // Each is judged a new key instead.
      return lists.every((codes) => codes.includes("AT-N005")) ? lists.flat() : ["AT-N006"];
    },
  },
  {
    code: "AT-L001",
    why: "CREATE INDEX on an existing PostgreSQL table / the same on SQLite, and CONCURRENTLY on PostgreSQL",
    triggers: () => codesOfOps([{ kind: "createIndex", table: "users", index: { name: "users_age", columns: ["age"], unique: false } }]),
    clean: () => [
      ...codesOfOps([{ kind: "createIndex", table: "users", index: { name: "users_age", columns: ["age"], unique: false } }], "sqlite"),
      ...codesOfSql([`CREATE INDEX CONCURRENTLY "users_age" ON "users" ("age")`], "postgres", false),
    ],
  },
  {
    code: "AT-L001",
    why: "ADD UNIQUE builds its index under an exclusive lock / ADD UNIQUE USING INDEX adopts a built one",
    triggers: () => codesOfSql([`ALTER TABLE "users" ADD CONSTRAINT "uq" UNIQUE ("email")`]),
    clean: () => codesOfSql([`ALTER TABLE "users" ADD CONSTRAINT "uq" UNIQUE USING INDEX "users_email"`]),
  },
  {
    code: "AT-L002",
    why: "a foreign key without NOT VALID / with NOT VALID",
    triggers: () =>
      codesOfOps([{ ...(postsToUsers as any), table: "users", foreignKey: { ...(postsToUsers as any).foreignKey, columns: ["age"] } }]),
    clean: () => codesOfSql([`ALTER TABLE "users" ADD CONSTRAINT "fk" FOREIGN KEY ("age") REFERENCES "users" ("id") NOT VALID`]),
  },
  {
    code: "AT-L003",
    why: "a check without NOT VALID / with NOT VALID, then VALIDATE",
    triggers: () => codesOfOps([{ kind: "addCheck", table: "users", check: { name: "ck", expression: "age > 0" } }]),
    clean: () =>
      codesOfSql([`ALTER TABLE "users" ADD CONSTRAINT "ck" CHECK (age > 0) NOT VALID`, `ALTER TABLE "users" VALIDATE CONSTRAINT "ck"`]),
  },
  {
    code: "AT-L004",
    why: "integer → bigint rewrites on PostgreSQL / varchar(100) → varchar(200) only relabels",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint" } }]),
    clean: () => codesOfOps([{ kind: "alterColumn", table: "users", from: email, to: { ...email, length: 200 } }]),
  },
  {
    code: "AT-L004",
    why: "ADD COLUMN with a volatile default / with a constant one",
    triggers: () => codesOfSql([`ALTER TABLE "users" ADD COLUMN "token" uuid NOT NULL DEFAULT gen_random_uuid()`]),
    clean: () => codesOfSql([`ALTER TABLE "users" ADD COLUMN "plan" text NOT NULL DEFAULT 'free'`]),
  },
  {
    code: "AT-L005",
    why: "SET NOT NULL scans / after a validated CHECK (col IS NOT NULL) it does not",
    triggers: () => codesOfSql([`ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL`]),
    clean: () =>
      codesOfSql([
        `ALTER TABLE "users" ADD CONSTRAINT "users_age_nn" CHECK ("age" IS NOT NULL) NOT VALID`,
        `ALTER TABLE "users" VALIDATE CONSTRAINT "users_age_nn"`,
        `ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL`,
      ]),
  },
  {
    code: "AT-L006",
    why: "DROP INDEX / DROP INDEX CONCURRENTLY",
    triggers: () => codesOfOps([{ kind: "dropIndex", table: "users", index: users.indexes[0] }]),
    clean: () => codesOfSql([`DROP INDEX CONCURRENTLY IF EXISTS "users_age"`], "postgres", false),
  },
  {
    code: "AT-L007",
    why: "CONCURRENTLY in a migration that runs in a transaction / with transaction = false",
    triggers: () => codesOfSql([`CREATE INDEX CONCURRENTLY "users_age" ON "users" ("age")`], "postgres", true),
    clean: () => codesOfSql([`CREATE INDEX CONCURRENTLY "users_age" ON "users" ("age")`], "postgres", false),
  },
  {
    code: "AT-B001",
    why: "a table is renamed / a table created in the same migration is renamed",
    triggers: () => codesOfOps([{ kind: "renameTable", from: "users", to: "accounts" }], "sqlite"),
    clean: () => codesOfOps([createPosts, { kind: "renameTable", from: "posts", to: "articles" }], "sqlite"),
  },
  {
    code: "AT-B002",
    why: "RENAME COLUMN by hand / RENAME CONSTRAINT",
    triggers: () => codesOfSql([`ALTER TABLE "users" RENAME COLUMN "email" TO "mail"`]),
    clean: () => codesOfSql([`ALTER TABLE "users" RENAME CONSTRAINT "a" TO "b"`]),
  },
  {
    code: "AT-B003",
    why: "an enum value is renamed / in a table created in the same migration",
    triggers: () => codesOfOps([{ kind: "renameEnumValue", table: "users", column: "status", from: "paid", to: "settled" }], "sqlite"),
    clean: () =>
      codesOfOps(
        [
          { kind: "createTable", table: { ...posts, columns: [...posts.columns, status] } },
          { kind: "renameEnumValue", table: "posts", column: "status", from: "paid", to: "settled" },
        ],
        "sqlite",
      ),
  },
  {
    code: "AT-T001",
    why: "COMMIT / BEGIN / ROLLBACK in the runner's transaction; savepoints, and any of them with transaction = false",
    triggers: () =>
      [[`CREATE TABLE "t" ("id" integer)`, `COMMIT`], [`BEGIN`], [`rollback`], [`START TRANSACTION`]].every((sql) =>
        codesOfSql(sql, "sqlite").includes("AT-T001"),
      )
        ? ["AT-T001"]
        : [],
    clean: () => [
      ...codesOfSql([`SAVEPOINT "a"`, `ROLLBACK TO SAVEPOINT "a"`, `RELEASE SAVEPOINT "a"`]),
      ...codesOfSql([`BEGIN`, `CREATE TABLE "t" ("id" integer)`, `COMMIT`], "postgres", false),
    ],
  },
  {
    code: "AT-L008",
    why: "MySQL/MariaDB: a column's type changes (MODIFY copies the table) / only its default changes, or the ALTER states an online algorithm",
    triggers: () => codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint" } }], "mariadb"),
    clean: () => [
      ...codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, default: "7" } }], "mariadb"),
      ...codesOfSql(["ALTER TABLE `users` MODIFY COLUMN `age` bigint NULL, ALGORITHM=INPLACE, LOCK=NONE"], "mysql"),
      ...codesOfOps([{ kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint" } }], "sqlite"),
    ],
  },
  {
    code: "AT-L008",
    why: "MySQL/MariaDB: a primary key, an AUTO_INCREMENT column or a column FIRST/AFTER on an existing table / a column at the end",
    triggers: () =>
      foundInEach(
        "AT-L008",
        codesOfSql(["ALTER TABLE `users` ADD PRIMARY KEY (`id`)"], "mysql"),
        codesOfSql(["ALTER TABLE `users` ADD COLUMN `n` int NOT NULL AUTO_INCREMENT UNIQUE"], "mysql"),
        codesOfSql(["ALTER TABLE `users` ADD COLUMN `nick` varchar(20) NULL AFTER `id`"], "mariadb"),
      ),
    clean: () => [
      ...codesOfSql(["ALTER TABLE `users` ADD COLUMN `nick` varchar(20) NULL"], "mariadb"),
      ...codesOfOps(
        [{ kind: "addColumn", table: "users", column: { name: "nick", type: "varchar", length: 20, nullable: true } }],
        "mysql",
      ),
      ...codesOfSql(["CREATE TABLE `t` (`id` int NOT NULL)", "ALTER TABLE `t` ADD PRIMARY KEY (`id`)"], "mysql"),
    ],
  },
  {
    code: "AT-L008",
    why: "MySQL/MariaDB: a foreign key added to an existing table (checked by copying it) / to a table created in the same migration, or on PostgreSQL",
    triggers: () =>
      foundInEach(
        "AT-L008",
        codesOfOps([{ ...postsToUsers, table: "users", foreignKey: usersSelf } as Operation], "mariadb"),
        codesOfSql(["ALTER TABLE `users` ADD CONSTRAINT `fk` FOREIGN KEY (`age`) REFERENCES `users` (`id`)"], "mysql"),
      ),
    clean: () => [
      ...codesOfOps([createPosts, postsToUsers], "mariadb"),
      ...codesOfOps([{ ...postsToUsers, table: "users", foreignKey: usersSelf } as Operation], "postgres"),
    ],
  },
  {
    code: "AT-L009",
    why: "MySQL/MariaDB: an index built on an existing table without LOCK=NONE / the --online rendering, or an index on a new table",
    triggers: () =>
      foundInEach(
        "AT-L009",
        codesOfOps([{ kind: "createIndex", table: "users", index: { name: "users_email", columns: ["email"], unique: false } }], "mariadb"),
        codesOfSql(["ALTER TABLE `users` ADD UNIQUE INDEX `uq` (`email`)"], "mysql"),
        codesOfSql(["CREATE FULLTEXT INDEX `ft` ON `users` (`email`)"], "mysql"),
      ),
    clean: () => [
      ...lintOperations([{ kind: "createIndex", table: "users", index: { name: "users_email", columns: ["email"], unique: false } }], {
        dialect: findDialect("mariadb")!,
        schema: existing,
        render: (op, schema) => findDialect("mariadb")!.render(op, { schema, online: { online: true } }).statements,
      }).map((f) => f.code),
      ...codesOfSql(["ALTER TABLE `users` ADD INDEX `ix` (`email`), ALGORITHM=INPLACE, LOCK=NONE"], "mysql"),
      ...codesOfSql(["CREATE TABLE `t` (`id` int NOT NULL)", "CREATE INDEX `t_id` ON `t` (`id`)"], "mysql"),
      ...codesOfOps([{ kind: "createIndex", table: "users", index: { name: "users_email", columns: ["email"], unique: false } }], "sqlite"),
    ],
  },
  {
    code: "AT-R001",
    why: "MySQL/MariaDB: ON DELETE SET NULL on a NOT NULL column, or on a column made NOT NULL under it / on a nullable column, or on PostgreSQL",
    triggers: () =>
      foundInEach(
        "AT-R001",
        codesOfOps([{ kind: "createTable", table: postsNotNull }, postsSetNull], "mariadb"),
        codesOfOps(
          [createPosts, postsSetNull, { kind: "alterColumn", table: "posts", from: userId, to: { ...userId, nullable: false } }],
          "mysql",
        ),
      ),
    clean: () => [
      ...codesOfOps([createPosts, postsSetNull], "mariadb"),
      ...codesOfOps([{ kind: "createTable", table: postsNotNull }, postsSetNull], "postgres"),
    ],
  },
  {
    code: "AT-R002",
    why: "MySQL/MariaDB: ENGINE= names an engine no build ships, bare or quoted, from op() or raw SQL / a shipped one in any case, a column named engine, PostgreSQL",
    triggers: () =>
      foundInEach(
        "AT-R002",
        codesOfOps([{ kind: "createTable", table: { ...postsNotNull, engine: "InnoBD" } }], "mariadb"),
        codesOfSql(["ALTER TABLE posts ENGINE = 'MyIASM'"], "mysql"),
        codesOfSql(["CREATE TABLE t (id int) ENGINE `Aira`"], "mariadb"),
      ),
    clean: () => [
      ...codesOfOps([{ kind: "createTable", table: { ...postsNotNull, engine: "myisam" } }], "mariadb"),
      ...codesOfSql(
        ["ALTER TABLE posts ENGINE=Aria", "CREATE TABLE t (id int, engine varchar(10), `engine` int) ENGINE=InnoDB"],
        "mariadb",
      ),
      ...codesOfSql(["CREATE TABLE t (id int) ENGINE=InnoBD"], "postgres"),
    ],
  },
  {
    code: "AT-X002",
    why: "DDL lint cannot read / DDL it knows changes no table (a view)",
    triggers: () => codesOfSql([`ALTER TABLE "users" INHERIT "people"`], "sqlite"),
    clean: () => codesOfSql([`CREATE VIEW "adults" AS SELECT * FROM "users" WHERE age >= 18`], "sqlite"),
  },
];

describe("lint codes: each one triggers, and its safe counterpart does not", () => {
  for (const c of CASES) {
    test(`${c.code}: ${c.why}`, () => {
      assert.ok(c.triggers().includes(c.code), `${c.code} should be found`);
      assert.ok(!c.clean().includes(c.code), `${c.code} should not be found`);
    });
  }

  test("every code has a case here or in the CLI tests below", () => {
    const covered = new Set<string>([...CASES.map((c) => c.code), "AT-X001"]);
    assert.deepEqual(
      Object.keys(LINT_CODES).filter((code) => !covered.has(code)),
      [],
    );
  });

  test("a migration that only creates tables has no findings on either dialect", () => {
    assert.deepEqual(codesOfOps([createPosts, postsToUsers]), []);
    assert.deepEqual(codesOfOps([createPosts, postsToUsers], "sqlite"), []);
  });

  test("lock codes belong to PostgreSQL only: SQLite finds none for the same operations", () => {
    const ops: Operation[] = [
      { kind: "createIndex", table: "users", index: { name: "users_age", columns: ["age"], unique: false } },
      { kind: "alterColumn", table: "users", from: age, to: { ...age, type: "bigint", nullable: false } },
      { kind: "addCheck", table: "users", check: { name: "ck", expression: "age > 0" } },
    ];
    assert.deepEqual(
      codesOfOps(ops, "sqlite").filter((c) => c.startsWith("AT-L")),
      [],
    );
    assert.deepEqual(new Set(codesOfOps(ops).filter((c) => c.startsWith("AT-L"))), new Set(["AT-L001", "AT-L004", "AT-L005", "AT-L003"]));
  });

  test("each finding carries the code's severity and category and says what to do", () => {
    const [f] = lintOperations([{ kind: "dropColumn", table: "users", column: age }], {
      dialect: findDialect("sqlite")!,
      schema: existing,
    });
    assert.equal(f.code, "AT-D002");
    assert.equal(f.severity, "error");
    assert.equal(f.category, "destructive");
    assert.equal(f.subject, "drop column users.age");
    assert.match(f.message, /users\.age is dropped.*deploy code that no longer uses it first/);
  });

  test("hand-written findings name the statement; several statements in one query() string are read one by one", () => {
    const findings = lintSteps([{ statements: [`ALTER TABLE users DROP COLUMN age; -- old\nDROP TABLE "sessions"`] }], {
      dialect: findDialect("sqlite")!,
    });
    assert.deepEqual(
      findings.map((f) => [f.code, f.subject]),
      [
        ["AT-D002", "ALTER TABLE users DROP COLUMN age"],
        ["AT-D001", `DROP TABLE "sessions"`],
      ],
    );
  });
});

describe("raw SQL that Athanor generates (generate --sql) reads back", () => {
  const ops: Operation[] = [
    { kind: "addColumn", table: "users", column: { name: "mail", type: "varchar", length: 50, nullable: true } },
    { kind: "alterColumn", table: "users", from: status, to: { ...status, enum: ["new", "paid", "void", "refunded"] } },
    { kind: "dropIndex", table: "users", index: users.indexes[0] },
    { kind: "renameColumn", table: "users", from: "mail", to: "email2" },
    { kind: "createTable", table: posts },
    postsToUsers,
    { kind: "renameTable", from: "posts", to: "articles" },
    { kind: "dropColumn", table: "users", column: { name: "email2", type: "varchar", length: 50, nullable: true } },
    { kind: "dropTable", table: { ...posts, name: "articles" } },
    { kind: "dropTable", table: users },
  ];
  /** The statements a `generate --sql` migration for `ops` holds, as one raw step each. */
  const rawSql = (dialect: string) => {
    let schema = existing;
    const statements: string[] = [];
    for (const op of ops) {
      statements.push(...findDialect(dialect)!.render(op, { schema }).statements);
      schema = apply(schema, op);
    }
    return statements;
  };

  for (const dialect of ["sqlite", "postgres"]) {
    test(`${dialect}: every statement is read (no AT-X002), and a table rebuild is neither a drop nor hides what follows`, () => {
      const codes = codesOfSql(rawSql(dialect), dialect);
      assert.ok(!codes.includes("AT-X002"), codes.join(" "));
      // The renamed and dropped table was created in the migration: only users' changes count.
      assert.deepEqual(
        codes.filter((c) => !c.startsWith("AT-L")),
        ["AT-B002", "AT-D002", "AT-D001"],
      );
    });
  }
});

describe("silencing comments", () => {
  test("codes separated by spaces or commas, with a reason after --, — or :", () => {
    const { silences, unknownCodes } = readSilences(
      [
        "// athanor-lint-disable AT-D002 -- unused since v2.3",
        "/* athanor-lint-disable AT-L001, at-n003: table has 40 rows */",
        "// athanor-lint-disable AT-B001",
        "// athanor-lint-disable AT-Q999 — typo",
        " * athanor-lint-disable <code> -- <reason>  (the generated header's hint silences nothing)",
      ].join("\n"),
    );
    assert.deepEqual(
      silences.map((s) => [s.code, s.reason, s.line]),
      [
        ["AT-D002", "unused since v2.3", 1],
        ["AT-L001", "table has 40 rows", 2],
        ["AT-N003", "table has 40 rows", 2],
        ["AT-B001", undefined, 3],
      ],
    );
    assert.deepEqual(unknownCodes, ["AT-Q999"]);
  });

  test("only the named codes are set aside", () => {
    const findings = [finding("AT-D002", "x", "fix x.", "a"), finding("AT-B002", "y", "fix y.", "b")];
    const { findings: left, silenced } = applySilences(findings, readSilences("// athanor-lint-disable AT-D002 -- ok").silences);
    assert.deepEqual(
      left.map((f) => f.code),
      ["AT-B002"],
    );
    assert.deepEqual(
      silenced.map((f) => [f.code, f.reason]),
      [["AT-D002", "ok"]],
    );
  });
});

// ── The real CLI ─────────────────────────────────────────────────────────────

const ITEM = (extra: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: "varchar", length: 40 })
  title: string;
${extra}}
`;
const WITH_AGE = ITEM(`  @Column({ type: "integer", nullable: true })\n  age: number | null;\n`);
const WITH_INDEXED_AGE = `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: "varchar", length: 40 })
  title: string;
  @Index("items_age")
  @Column({ type: "integer", nullable: true })
  age: number | null;
}
`;

describe("athanor lint and generate on SQLite (real CLI)", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite", { "Item.ts": WITH_AGE });
  });
  after(() => project.cleanup());

  let dropFile: string;

  test("generate shows the codes in its output and in the migration header", async () => {
    await project.ok(["generate", "CreateItems", "--no-interactive"]);
    await project.ok(["run"]);
    project.writeEntity("Item.ts", ITEM(""));
    const result = await project.ok(["generate", "DropAge", "--no-interactive"]);
    assert.match(result.stdout, /AT-D002 error: Column items\.age is dropped/);
    dropFile = project.migrationFiles().find((f) => f.endsWith("-DropAge.ts"))!;
    const header = project.readMigration(dropFile).split("*/")[0];
    assert.match(header, /To accept a warning that has a code, add a comment naming it/);
    // One judge: the drop is warned about once, with its code, not twice in two wordings.
    assert.match(header, /Warnings:\n \* {3}- AT-D002 error: Column items\.age is dropped/);
    assert.equal(header.match(/items\.age is dropped/g)?.length, 1, header);
  });

  test("lint exits 1 on an error, names file, code and operation; the clean migration is ok", async () => {
    const result = await project.cli(["lint"]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /CreateItems\.ts: ok/);
    assert.match(result.stdout, new RegExp(`${dropFile}\\n  AT-D002 error`));
    assert.match(result.stdout, /\(drop column items\.age\)/);
    assert.match(result.stdout, /2 migrations linted for sqlite: 1 error, 0 warnings, 0 info, 0 silenced\./);
  });

  test("--json lists findings per migration and the counts", async () => {
    const result = await project.cli(["lint", "--json"]);
    assert.equal(result.code, 1);
    const json = JSON.parse(result.stdout);
    assert.equal(json.dialect, "sqlite");
    assert.equal(json.failed, true);
    assert.deepEqual(json.counts, { error: 1, warning: 0, info: 0, silenced: 0 });
    const drop = json.migrations.find((m: any) => m.file.endsWith(dropFile));
    assert.deepEqual(
      drop.findings.map((f: any) => [f.code, f.severity, f.category, f.subject]),
      [["AT-D002", "error", "destructive", "drop column items.age"]],
    );
  });

  test("revisions select what is linted: the first migration alone passes", async () => {
    const first = project.migrationFiles()[0].slice(0, 13);
    const result = await project.cli(["lint", first, "--json"]);
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(
      JSON.parse(result.stdout).migrations.map((m: any) => m.name),
      [`CreateItems${first}`],
    );
    assert.equal((await project.cli(["lint", "head"])).code, 1);
    const unknown = await project.cli(["lint", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No migration matches "nope"/);
  });

  test("a comment naming the code silences it for that migration, with its reason", async () => {
    const path = join(project.dir, "migrations", dropFile);
    const original = readFileSync(path, "utf8");
    writeFileSync(path, `// athanor-lint-disable AT-D002 -- age was never read\n${original}`);
    try {
      const result = await project.cli(["lint"]);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /AT-D002 silenced: age was never read/);
      assert.match(result.stdout, /0 errors, 0 warnings, 0 info, 1 silenced/);
      const json = JSON.parse((await project.cli(["lint", "--json"])).stdout);
      assert.equal(json.counts.silenced, 1);
      // A different code silences nothing.
      writeFileSync(path, `// athanor-lint-disable AT-D001 -- wrong code\n${original}`);
      assert.equal((await project.cli(["lint"])).code, 1);
    } finally {
      writeFileSync(path, original);
    }
  });

  test("--fail-on warning also fails on warnings; --dialect postgres adds the lock rules", async () => {
    project.writeEntity("Item.ts", WITH_INDEXED_AGE);
    await project.ok(["run"]);
    await project.ok(["generate", "AddIndexedAge", "--no-interactive"]);
    const indexFile = project.migrationFiles().find((f) => f.endsWith("-AddIndexedAge.ts"))!;
    const revision = indexFile.slice(0, 13);
    // On SQLite an index on an existing table is no lock worry.
    assert.equal((await project.cli(["lint", revision, "--fail-on", "warning"])).code, 0);
    const pg = await project.cli(["lint", revision, "--dialect", "postgres", "--fail-on", "warning", "--json"]);
    assert.equal(pg.code, 1, pg.stdout);
    const json = JSON.parse(pg.stdout);
    assert.equal(json.dialect, "postgres");
    assert.deepEqual(
      json.migrations[0].findings.map((f: any) => f.code),
      ["AT-L001"],
    );
    assert.match(json.migrations[0].findings[0].subject, /^CREATE INDEX "items_age" ON "items"/);
    assert.equal((await project.cli(["lint", revision, "--dialect", "postgres"])).code, 0, "a warning alone does not fail");
    // MySQL/MariaDB's rules: the same index, built without LOCK=NONE.
    const maria = JSON.parse((await project.cli(["lint", revision, "--dialect", "mariadb", "--json"])).stdout);
    assert.deepEqual(
      maria.migrations[0].findings.map((f: any) => [f.code, f.subject]),
      [["AT-L009", "CREATE INDEX `items_age` ON `items` (`age`)"]],
    );
    const bad = await project.cli(["lint", "--dialect", "oracle"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no dialect "oracle".*use one of/);
  });
});

describe("athanor lint on hand-written migrations (real CLI, no database)", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
  });
  after(() => project.cleanup());

  // lint never connects: a PostgreSQL URL that points nowhere is fine.
  const nowhere = { DATABASE_URL: "postgres://lint:secret@127.0.0.1:1/none" };

  test("raw SQL is read statement by statement, with PostgreSQL's rules", async () => {
    writeMigration(project, {
      timestamp: 1700000000001,
      name: "Init",
      up: [`CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text)`, `CREATE INDEX "users_email" ON "users" ("email")`],
      down: [`DROP TABLE "users"`],
    });
    writeMigration(project, {
      timestamp: 1700000000002,
      name: "Risky",
      up: [
        `CREATE INDEX "users_email2" ON "users" ("email")`,
        `ALTER TABLE "users" ADD CONSTRAINT "users_org" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id")`,
        `ALTER TABLE "users" ALTER COLUMN "email" TYPE varchar(50)`,
        `ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL`,
        `ALTER TABLE "users" RENAME COLUMN "email" TO "mail"`,
        `DROP TABLE "legacy"`,
        `UPDATE "users" SET "mail" = lower("mail")`,
      ],
      down: [],
    });
    const result = await project.cli(["lint", "--json"], { env: nowhere });
    assert.equal(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.dialect, "postgres");
    const [init, risky] = json.migrations;
    assert.deepEqual(init.findings, [], "a new table's index is fine");
    assert.deepEqual(
      risky.findings.map((f: any) => f.code),
      ["AT-L001", "AT-N005", "AT-L002", "AT-L004", "AT-N002", "AT-L005", "AT-B002", "AT-D001"],
    );
    assert.equal(risky.findings.find((f: any) => f.code === "AT-D001").subject, `DROP TABLE "legacy"`);
    assert.doesNotMatch(result.stdout + result.stderr, /secret/);
  });

  test("CONCURRENTLY needs transaction = false; with it, the index is fine", async () => {
    writeMigration(project, {
      timestamp: 1700000000003,
      name: "ConcurrentInTx",
      up: [`CREATE INDEX CONCURRENTLY "users_id2" ON "users" ("id")`],
      down: [],
    });
    writeMigration(project, {
      timestamp: 1700000000004,
      name: "ConcurrentOutside",
      up: [`CREATE INDEX CONCURRENTLY "users_id3" ON "users" ("id")`],
      down: [],
      transaction: false,
    });
    const json = JSON.parse((await project.cli(["lint", "1700000000003", "1700000000004", "--json"], { env: nowhere })).stdout);
    assert.deepEqual(
      json.migrations.map((m: any) => [m.name, m.findings.map((f: any) => f.code)]),
      [
        ["ConcurrentInTx1700000000003", ["AT-L007"]],
        ["ConcurrentOutside1700000000004", []],
      ],
    );
  });

  test("AT-X001: a migration lint cannot read offline is reported, not skipped; a readable one is not", async () => {
    writeFileSync(
      join(project.dir, "migrations", "1700000000005-UsesTableApi.ts"),
      `import { MigrationInterface, QueryRunner, Table } from "typeorm";
export class UsesTableApi1700000000005 implements MigrationInterface {
  name = "UsesTableApi1700000000005";
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP TABLE "old_things"\`);
    await queryRunner.createTable(new Table({ name: "things", columns: [{ name: "id", type: "integer" }] }));
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
`,
    );
    const result = await project.cli(["lint", "1700000000005", "--json"]);
    const [migration] = JSON.parse(result.stdout).migrations;
    assert.deepEqual(
      migration.findings.map((f: any) => f.code),
      ["AT-D001", "AT-X001"],
    );
    assert.match(migration.findings[1].message, /queryRunner\.createTable/);
    const readable = JSON.parse((await project.cli(["lint", "1700000000001", "--json"])).stdout).migrations[0];
    assert.ok(!readable.findings.some((f: any) => f.code === "AT-X001"));
  });

  test("portable op() migrations are read too, rendered for the linted dialect", async () => {
    writeFileSync(
      join(project.dir, "migrations", "1700000000006-PortableDrop.ts"),
      `import { MigrationInterface, QueryRunner } from "typeorm";
import { op } from "athanor";
// athanor-lint-disable AT-B001 -- clients moved to the view first
export class PortableDrop1700000000006 implements MigrationInterface {
  name = "PortableDrop1700000000006";
  public async up(queryRunner: QueryRunner): Promise<void> {
    await op(queryRunner).renameTable("users", "accounts");
    await op(queryRunner).addColumn("accounts", { name: "plan", type: "text", nullable: false });
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
`,
    );
    const result = await project.cli(["lint", "1700000000006"], { env: nowhere });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /AT-N001 error +Column accounts\.plan is added as NOT NULL without a default/);
    assert.match(result.stdout, /AT-B001 silenced: clients moved to the view first/);
  });
});

describe("lint --dialect mariadb: a plain index build is AT-L009, the --online migration is clean", () => {
  test("the same index, generated plainly and with --online, linted with MariaDB's rules", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": WITH_AGE });
    try {
      await project.ok(["generate", "CreateItems", "--no-interactive"]);
      await project.ok(["run"]);
      project.writeEntity("Item.ts", WITH_INDEXED_AGE);
      await project.ok(["generate", "Plain", "--no-interactive"]);
      const plain = project.migrationFiles().find((f) => f.endsWith("-Plain.ts"))!;
      const plainLint = await project.cli(["lint", plain.slice(0, 13), "--dialect", "mariadb", "--fail-on", "warning"]);
      assert.equal(plainLint.code, 1, plainLint.stdout);
      assert.match(plainLint.stdout, /AT-L009 warning +Building an index on items without LOCK=NONE may block writes/);
      rmSync(join(project.dir, "migrations", plain));
      await project.ok(["sum"]);
      await project.ok(["generate", "Online", "--online", "--no-interactive"]);
      const online = project.migrationFiles().find((f) => f.endsWith("-Online.ts"))!;
      const onlineLint = await project.cli(["lint", online.slice(0, 13), "--dialect", "mariadb", "--fail-on", "warning", "--json"]);
      assert.equal(onlineLint.code, 0, onlineLint.stdout + onlineLint.stderr);
      assert.deepEqual(JSON.parse(onlineLint.stdout).migrations[0].findings, []);
    } finally {
      await project.cleanup();
    }
  });
});

describe("generate on PostgreSQL shows lock codes, and --online renders them away", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("postgres", { "Item.ts": WITH_AGE });
    await project.ok(["generate", "CreateItems", "--no-interactive"]);
    await project.ok(["run"]);
    project.writeEntity("Item.ts", WITH_INDEXED_AGE);
  });
  after(() => project.cleanup());

  test("a plain index on an existing table is AT-L001 in the output and the header; online has none", async () => {
    const plain = await project.ok(["generate", "--dry-run", "--no-interactive"]);
    assert.match(plain.stdout, /AT-L001 warning: Building an index on items without CONCURRENTLY/);
    assert.match(plain.stdout, / \* {3}- AT-L001 warning: Building an index on items/);

    const online = JSON.parse((await project.ok(["generate", "--dry-run", "--online", "--json", "--no-interactive"])).stdout);
    assert.deepEqual(online.findings, []);
    assert.doesNotMatch(online.content, /AT-L001/);

    // The written plain migration fails `lint --fail-on warning`; the online one passes.
    await project.ok(["generate", "Plain", "--no-interactive"]);
    const plainFile = project.migrationFiles().find((f) => f.endsWith("-Plain.ts"))!;
    assert.equal((await project.cli(["lint", plainFile.slice(0, 13), "--fail-on", "warning"])).code, 1);
  });
});

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(`${dialect}: lint on a migration that commits the runner's transaction itself`, () => {
    test("AT-T001 names the COMMIT (exit 1); with transaction = false the same statements are its own business", async () => {
      const project = await TestProject.create(dialect);
      try {
        writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "CommitsItself",
          up: [q(`CREATE TABLE "a" ("id" integer)`), q(`COMMIT`), q(`CREATE TABLE "b" ("id" integer)`)].join("\n"),
        });
        const result = await project.cli(["lint", "--json"]);
        assert.equal(result.code, 1, result.stdout + result.stderr);
        const [migration] = JSON.parse(result.stdout).migrations;
        const found = migration.findings.filter((f: any) => f.code === "AT-T001");
        assert.equal(found.length, 1, JSON.stringify(migration.findings));
        assert.equal(found[0].subject, "COMMIT");
        assert.match(found[0].message, /^COMMIT ends or nests the transaction the runner opened around this migration/);
        const text = await project.cli(["lint"]);
        assert.match(text.stdout, /AT-T001 error/);

        writeMigrationBody(project, {
          timestamp: 1700000000001,
          name: "CommitsItself",
          transaction: false,
          up: [q(`BEGIN`), q(`CREATE TABLE "a" ("id" integer)`), q(`COMMIT`)].join("\n"),
        });
        const outside = await project.cli(["lint", "--json"]);
        assert.equal(outside.code, 0, outside.stdout + outside.stderr);
        assert.deepEqual(
          JSON.parse(outside.stdout).migrations[0].findings.filter((f: any) => f.code === "AT-T001"),
          [],
        );
      } finally {
        await project.cleanup();
      }
    });
  });
}
