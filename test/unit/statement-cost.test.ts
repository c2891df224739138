/**
 * The dialects' statement costs (`athanor plan`): the lock each statement
 * takes and what it does to the table's rows, read from the statement as the
 * dialect renders it. Table-driven; the live side is in test/e2e/plan.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { postgresStatementCost, lockConflicts, modeOfPgLocks } from "../../src/dialects/postgres/statement-cost";
import { sqliteStatementCost } from "../../src/dialects/sqlite/statement-cost";
import { mysqlStatementCost } from "../../src/dialects/mysql/statement-cost";
import { refusedStatementOf, refusedThenCounted } from "../../src/dialects/postgres/alter-column";
import { postgresStatementRules } from "../../src/dialects/postgres/lock-rules";
import { render as postgresRender } from "../../src/dialects/postgres/render";
import { validatedStatementOf, wrappedStatementOf } from "../../src/dialects/postgres/validate-or-undo";
import type { DataCheck } from "../../src/dialects/data-checks";
import type { StatementContext } from "../../src/danger/statement-rules";

describe("PostgreSQL statement costs", () => {
  const cases: [string, string | undefined, string | undefined, string | undefined][] = [
    // statement, table, lock, effect
    [`CREATE INDEX "i" ON "items" ("name")`, "items", "SHARE", "index"],
    [`CREATE UNIQUE INDEX CONCURRENTLY "i" ON "public"."items" ("name", lower("email"))`, "items", "SHARE UPDATE EXCLUSIVE", "index"],
    [`ALTER TABLE "items" ADD COLUMN "archived" boolean NOT NULL DEFAULT false`, "items", "ACCESS EXCLUSIVE", "catalog"],
    [`ALTER TABLE "items" ADD COLUMN "uid" uuid NOT NULL DEFAULT gen_random_uuid()`, "items", "ACCESS EXCLUSIVE", "rewrite"],
    [`ALTER TABLE "items" ALTER COLUMN "qty" TYPE bigint USING "qty"::bigint`, "items", "ACCESS EXCLUSIVE", "rewrite"],
    [`ALTER TABLE "items" ALTER COLUMN "name" SET NOT NULL`, "items", "ACCESS EXCLUSIVE", "scan"],
    [`ALTER TABLE "items" ADD CONSTRAINT "fk" FOREIGN KEY ("o") REFERENCES "owners"("id")`, "items", "SHARE ROW EXCLUSIVE", "scan"],
    [
      `ALTER TABLE "items" ADD CONSTRAINT "fk" FOREIGN KEY ("o") REFERENCES "owners"("id") NOT VALID`,
      "items",
      "SHARE ROW EXCLUSIVE",
      "catalog",
    ],
    [`ALTER TABLE "items" VALIDATE CONSTRAINT "fk"`, "items", "SHARE UPDATE EXCLUSIVE", "scan"],
    [`ALTER TABLE "items" ADD CONSTRAINT "u" UNIQUE ("name")`, "items", "ACCESS EXCLUSIVE", "index"],
    [`ALTER TABLE "items" ADD CONSTRAINT "u" UNIQUE USING INDEX "i"`, "items", "ACCESS EXCLUSIVE", "catalog"],
    [`ALTER TABLE "items" DROP COLUMN "qty", ALTER COLUMN "n" TYPE text`, "items", "ACCESS EXCLUSIVE", "rewrite"],
    [`DROP TABLE "items"`, "items", "ACCESS EXCLUSIVE", "catalog"],
    [`UPDATE "items" SET "qty" = 0`, "items", "ROW EXCLUSIVE", "rewrite"],
    [`CREATE TABLE "t" ("id" integer)`, undefined, undefined, undefined],
  ];
  for (const [statement, table, lock, effect] of cases) {
    test(statement, () => {
      const cost = postgresStatementCost(statement, {});
      assert.equal(cost?.table, table);
      assert.equal(cost?.lock, lock);
      assert.equal(cost?.effect, effect);
    });
  }

  test("an index's key is kept for sampling its sort", () => {
    assert.equal(
      postgresStatementCost(`CREATE INDEX "i" ON "items" USING btree ("name", lower("email"))`, {})?.key,
      `"name", lower("email")`,
    );
  });

  test("the lock conflict table: a reader's ACCESS SHARE blocks ACCESS EXCLUSIVE only", () => {
    assert.equal(lockConflicts("ACCESS EXCLUSIVE", "ACCESS SHARE"), true);
    assert.equal(lockConflicts("SHARE", "ACCESS SHARE"), false);
    assert.equal(lockConflicts("SHARE", "ROW EXCLUSIVE"), true);
    assert.equal(lockConflicts("SHARE UPDATE EXCLUSIVE", "ROW EXCLUSIVE"), false);
    assert.equal(lockConflicts("SHARE UPDATE EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"), true);
    assert.equal(modeOfPgLocks("AccessExclusiveLock"), "ACCESS EXCLUSIVE");
    assert.equal(modeOfPgLocks("ShareUpdateExclusiveLock"), "SHARE UPDATE EXCLUSIVE");
  });
});

describe("SQLite statement costs", () => {
  test("a rebuild's copy is a rewrite of the old table; index, add and drop column", () => {
    const copy = sqliteStatementCost(`INSERT INTO "temporary_items"("id", "name") SELECT "id", "name" FROM "items"`);
    assert.deepEqual([copy?.table, copy?.effect, copy?.lock], ["items", "rewrite", "database write lock"]);
    assert.equal(sqliteStatementCost(`CREATE INDEX "i" ON "items" ("name")`)?.effect, "index");
    assert.equal(sqliteStatementCost(`ALTER TABLE "items" ADD COLUMN "x" integer`)?.effect, "catalog");
    assert.equal(sqliteStatementCost(`ALTER TABLE "items" DROP COLUMN "x"`)?.effect, "rewrite");
    assert.equal(
      sqliteStatementCost(
        `INSERT INTO sqlite_sequence (name, seq) SELECT 'temporary_items', seq FROM sqlite_sequence WHERE name = 'items'`,
      ),
      undefined,
    );
  });
});

describe("MySQL/MariaDB statement costs: table copy or in place", () => {
  const cases: [string, boolean, string][] = [
    ["ALTER TABLE `items` ADD COLUMN `x` int NULL", false, "catalog"],
    ["ALTER TABLE `items` MODIFY COLUMN `qty` bigint NOT NULL", true, "rewrite"],
    ["CREATE INDEX `i` ON `items` (`name`)", false, "index"],
    ["ALTER TABLE `items` ADD CONSTRAINT `fk` FOREIGN KEY (`o`) REFERENCES `owners` (`id`)", true, "rewrite"],
    ["ALTER TABLE `items` DROP INDEX `i`", false, "catalog"],
    ["ALTER TABLE `items` DROP COLUMN `x`", false, "rewrite"],
    ["ALTER TABLE `items` ENGINE=InnoDB", true, "rewrite"],
  ];
  for (const [statement, copy, effect] of cases) {
    test(statement, () => {
      const cost = mysqlStatementCost(statement, {});
      assert.equal(cost?.table, "items");
      assert.equal(cost?.blocksWrites, copy);
      assert.match(cost!.lock, copy ? /table copy/ : /in place/);
      assert.equal(cost?.effect, effect);
    });
  }

  test("the --online clauses are no clauses of their own in the reason", () => {
    const cost = mysqlStatementCost("ALTER TABLE `items` ADD COLUMN `x` int NULL, ALGORITHM=INSTANT", {});
    assert.equal(cost?.reason, "adds a column (instant on MySQL 8.0.29+ / MariaDB 10.4+)");
    const index = mysqlStatementCost("ALTER TABLE `items` DROP INDEX `i`, ALGORITHM=INPLACE, LOCK=NONE", {});
    assert.equal(index?.reason, "drop index (in place)");
  });
});

describe("PostgreSQL: a change whose data check runs only when refused", () => {
  // How generate renders SET NOT NULL since the data checks cost nothing on success (#22).
  const wrapped = refusedThenCounted("items", `ALTER TABLE "items" ALTER COLUMN "name" SET NOT NULL`, [
    { kind: "notNull", condition: `"name" IS NULL`, message: `Column items.name holds NULL` } as DataCheck,
  ]);

  test("is priced as the change it wraps, and shown as that change", () => {
    assert.equal(refusedStatementOf(wrapped), `ALTER TABLE "items" ALTER COLUMN "name" SET NOT NULL`);
    const cost = postgresStatementCost(wrapped, {});
    assert.equal(cost?.lock, "ACCESS EXCLUSIVE");
    assert.equal(cost?.effect, "scan");
    assert.equal(cost?.statement, `ALTER TABLE "items" ALTER COLUMN "name" SET NOT NULL`);
  });

  test("is judged as the change it wraps (AT-L005), as the header judges the operation", () => {
    const codes = postgresStatementRules(wrapped, { created: new Set(), earlier: [], transaction: true } satisfies StatementContext).map(
      (f) => f.code,
    );
    assert.ok(codes.includes("AT-L005"), codes.join(", "));
  });

  test("any other DO block is left as it is", () => {
    assert.equal(refusedStatementOf(`DO $$ BEGIN PERFORM 1; END $$`), undefined);
  });
});

describe("PostgreSQL: --online SET NOT NULL (a check added, validated or undone, then SET NOT NULL)", () => {
  // How --online renders it since session 8 (#22): online.ts, validate-or-undo.ts.
  const note = { name: "note", type: "text", nullable: true };
  const rendered = postgresRender(
    { kind: "alterColumn", table: "items", from: note, to: { ...note, nullable: false } },
    { online: { online: true } },
  ).statements;
  const block = rendered.find((s) => s.startsWith("DO "))!;
  const setNotNull = `ALTER TABLE "items" ALTER COLUMN "note" SET NOT NULL`;
  const validate = `ALTER TABLE "items" VALIDATE CONSTRAINT "items_note_not_null"`;

  test("the block is priced and shown as its VALIDATE: a scan that lets writes through", () => {
    assert.equal(validatedStatementOf(block), validate);
    assert.equal(wrappedStatementOf(block), validate);
    const cost = postgresStatementCost(block, {});
    assert.deepEqual([cost?.lock, cost?.effect, cost?.blocksWrites, cost?.statement], ["SHARE UPDATE EXCLUSIVE", "scan", false, validate]);
  });

  test("SET NOT NULL after it scans nothing; without it, it scans every row", () => {
    const earlier = rendered.slice(0, rendered.indexOf(setNotNull));
    assert.ok(earlier.includes(block), rendered.join("\n"));
    assert.equal(postgresStatementCost(setNotNull, { earlier })?.effect, "catalog");
    assert.equal(postgresStatementCost(setNotNull, { earlier: [] })?.effect, "scan");
  });

  test("lint judges the block as its VALIDATE and the SET NOT NULL after it as proven (no AT-L003, AT-L005)", () => {
    const context = (earlier: string[]): StatementContext => ({ created: new Set(), earlier, transaction: false });
    const codes = rendered.flatMap((s, i) => postgresStatementRules(s, context(rendered.slice(0, i))).map((f) => f.code));
    assert.deepEqual(codes, []);
    assert.ok(
      postgresStatementRules(setNotNull, context([])).some((f) => f.code === "AT-L005"),
      "without the block, SET NOT NULL is judged a scan",
    );
  });

  test("inside a transaction the plain SET NOT NULL is rendered: a block that commits cannot run there", () => {
    const inTransaction = postgresRender(
      { kind: "alterColumn", table: "items", from: note, to: { ...note, nullable: false } },
      { online: { online: true }, inTransaction: true },
    ).statements;
    assert.ok(
      inTransaction.every((s) => !/\bCOMMIT\b/.test(s) && validatedStatementOf(s) === undefined),
      inTransaction.join("\n"),
    );
    assert.ok(
      inTransaction.some((s) => refusedStatementOf(s) === setNotNull),
      inTransaction.join("\n"),
    );
  });

  test("a refused-then-counted block is not read as one, nor the other way round", () => {
    const refused = refusedThenCounted("items", setNotNull, [
      { kind: "notNull", condition: `"note" IS NULL`, message: `Column items.note holds NULL` } as DataCheck,
    ]);
    assert.equal(validatedStatementOf(refused), undefined);
    assert.equal(refusedStatementOf(block), undefined);
  });
});

describe("PostgreSQL: a varchar narrowing refused then counted (#22)", () => {
  const label = { name: "label", type: "varchar", length: 100, nullable: true };
  const rendered = postgresRender({ kind: "alterColumn", table: "items", from: label, to: { ...label, length: 50 } }).statements;
  const alter = `ALTER TABLE "items" ALTER COLUMN "label" TYPE character varying(50)`;

  test("one block, read as the ALTER TYPE it wraps: a rewrite under an exclusive lock, AT-L004", () => {
    assert.equal(rendered.length, 1, rendered.join("\n"));
    assert.equal(refusedStatementOf(rendered[0]), alter);
    const cost = postgresStatementCost(rendered[0], {});
    assert.deepEqual([cost?.lock, cost?.effect, cost?.statement], ["ACCESS EXCLUSIVE", "rewrite", alter]);
    const codes = postgresStatementRules(rendered[0], { created: new Set(), earlier: [], transaction: true }).map((f) => f.code);
    assert.deepEqual(codes, ["AT-L004"]);
  });
});

describe("PostgreSQL: --online foreign key and check, validated or undone (#22)", () => {
  const online = { online: { online: true } };
  const foreignKey = postgresRender(
    {
      kind: "addForeignKey",
      table: "items",
      foreignKey: {
        name: "FK_items_owner",
        columns: ["ownerId"],
        referencedTable: "owners",
        referencedColumns: ["id"],
        onDelete: "NO ACTION",
        onUpdate: "NO ACTION",
      },
    },
    online,
  ).statements;
  const check = postgresRender(
    { kind: "addCheck", table: "items", check: { name: "CHK_items_qty", expression: `"qty" >= 0` } },
    online,
  ).statements;

  for (const [what, statements, name, refusal] of [
    ["foreign key", foreignKey, "FK_items_owner", "foreign_key_violation"],
    ["check", check, "CHK_items_qty", "check_violation"],
  ] as const) {
    test(`the ${what}'s block is read as its VALIDATE: a scan that lets writes through, no AT-L002/AT-L003`, () => {
      const block = statements.find((s) => s.startsWith("DO ") && s.includes("VALIDATE"))!;
      assert.ok(block, statements.join("\n"));
      assert.match(block, new RegExp(`EXCEPTION WHEN ${refusal} THEN`));
      const validate = `ALTER TABLE "items" VALIDATE CONSTRAINT "${name}"`;
      assert.equal(validatedStatementOf(block), validate);
      assert.equal(wrappedStatementOf(block), validate);
      const cost = postgresStatementCost(block, {});
      assert.deepEqual([cost?.lock, cost?.effect, cost?.blocksWrites], ["SHARE UPDATE EXCLUSIVE", "scan", false]);
      const context = (earlier: string[]): StatementContext => ({ created: new Set(), earlier, transaction: false });
      const codes = statements.flatMap((s, i) => postgresStatementRules(s, context(statements.slice(0, i))).map((f) => f.code));
      assert.deepEqual(codes, []);
    });
  }

  test("inside a transaction: ADD NOT VALID and VALIDATE as two plain statements, nothing that commits", () => {
    const inTransaction = postgresRender(
      { kind: "addCheck", table: "items", check: { name: "CHK_items_qty", expression: `"qty" >= 0` } },
      { ...online, inTransaction: true },
    ).statements;
    assert.ok(
      inTransaction.every((s) => !/\bCOMMIT\b/.test(s) && validatedStatementOf(s) === undefined),
      inTransaction.join("\n"),
    );
    assert.ok(inTransaction.includes(`ALTER TABLE "items" VALIDATE CONSTRAINT "CHK_items_qty"`), inTransaction.join("\n"));
  });
});
