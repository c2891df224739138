/**
 * The judge of danger (src/danger) as the generated migration's header shows
 * it: every operation the old data-loss warnings of diff/warnings.ts flagged
 * (data loss, values that may not fit, rows that may fail) is still flagged
 * in the header — once, with its code — on both dialects; every rule has a
 * code from the catalogue, a sentence and a fix; and a dialect adds its own
 * rules through `Dialect.statementRules`, the seam a new dialect uses.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderMigrationFile } from "../../src/codegen/migration-file";
import { LINT_CODES, OPERATION_RULES, finding, type LintCode, type StatementRules } from "../../src/danger";
import type { Dialect } from "../../src/dialects/dialect";
import { findDialect } from "../../src/dialects";
import { lintOperations } from "../../src/lint";
import { invertAll, type Operation } from "../../src/ops/operations";
import { emptyTable, type Column, type Schema, type Table } from "../../src/schema/model";

const column = (name: string, type: string, extra: Partial<Column> = {}): Column => ({ name, type, nullable: false, ...extra });

const before: Record<string, Column> = {
  age: column("age", "integer", { nullable: true }),
  email: column("email", "varchar", { length: 255 }),
  bio: column("bio", "text"),
  visits: column("visits", "bigint"),
  price: column("price", "decimal", { precision: 10, scale: 2 }),
  rate: column("rate", "decimal", { precision: 10, scale: 4 }),
  total: column("total", "decimal"),
  state: column("state", "enum", { enum: ["new", "paid", "void"], enumName: "users_state_enum" }),
  nick: column("nick", "varchar", { length: 50, nullable: true }),
  note: column("note", "text", { nullable: true }),
};

const users: Table = {
  ...emptyTable("users"),
  columns: [column("id", "integer"), ...Object.values(before)],
  primaryKey: { columns: ["id"] },
};
const sessions: Table = { ...emptyTable("sessions"), columns: [column("id", "integer")], primaryKey: { columns: ["id"] } };
const existing: Schema = { tables: { users, sessions } };

const alter = (name: string, to: Partial<Column>): Operation => ({
  kind: "alterColumn",
  table: "users",
  from: before[name],
  to: { ...before[name], ...to },
});

/**
 * Each operation diff/warnings.ts warned about, the sentence it wrote (for
 * the reader), and the code the header now shows for it, naming `where`.
 */
const FLAGGED_BEFORE: { op: Operation; old: string; code: LintCode; where: string }[] = [
  {
    op: { kind: "dropTable", table: sessions },
    old: "table sessions is dropped (no entity maps it any more): all its rows are lost.",
    code: "AT-D001",
    where: "sessions",
  },
  {
    op: { kind: "dropColumn", table: "users", column: before.bio },
    old: "users.bio is dropped: the data in it is lost.",
    code: "AT-D002",
    where: "users.bio",
  },
  {
    op: { kind: "addColumn", table: "users", column: column("age_years", "integer") },
    old: "users.age_years is added as NOT NULL without a default: this fails if users has rows.",
    code: "AT-N001",
    where: "users.age_years",
  },
  {
    op: alter("bio", { type: "integer" }),
    old: "users.bio changes type from text to integer: values that do not convert …",
    code: "AT-D004",
    where: "users.bio",
  },
  {
    op: alter("email", { length: 100 }),
    old: "users.email narrows from varchar(255) to varchar(100): …",
    code: "AT-D003",
    where: "users.email",
  },
  {
    op: alter("bio", { type: "varchar", length: 50 }),
    old: "users.bio narrows from text to varchar(50): …",
    code: "AT-D003",
    where: "users.bio",
  },
  {
    op: alter("visits", { type: "integer" }),
    old: "users.visits narrows from bigint to integer: …",
    code: "AT-D003",
    where: "users.visits",
  },
  {
    op: alter("price", { precision: 6 }),
    old: "users.price narrows from decimal(10,2) to decimal(6,2): …",
    code: "AT-D003",
    where: "users.price",
  },
  {
    op: alter("price", { scale: 4 }),
    old: "users.price narrows from decimal(10,2) to decimal(10,4): … (fewer digits before the point)",
    code: "AT-D003",
    where: "users.price",
  },
  {
    op: alter("rate", { precision: 8, scale: 2 }),
    old: "users.rate keeps 2 decimal place(s) (decimal(10,4) → decimal(8,2)): values with more are rounded …",
    code: "AT-D003",
    where: "users.rate",
  },
  {
    op: alter("total", { precision: 10, scale: 2 }),
    old: "users.total narrows … / keeps 2 decimal place(s) …",
    code: "AT-D003",
    where: "users.total",
  },
  { op: alter("state", { enum: ["new", "paid"] }), old: "users.state no longer allows 'void': …", code: "AT-D005", where: "users.state" },
  {
    op: alter("nick", { nullable: false }),
    old: "users.nick becomes NOT NULL without a default: if any row holds NULL the migration stops …",
    code: "AT-N002",
    where: "users.nick",
  },
  {
    op: alter("note", { nullable: false, default: "''" }),
    old: "users.note becomes NOT NULL: rows holding NULL are set to the default '' first.",
    code: "AT-N002",
    where: "users.note",
  },
];

/** The Warnings section of the header `generate` writes for `up`, judged for `dialectName`. */
function headerWarnings(up: Operation[], dialectName: string): string {
  const dialect = findDialect(dialectName)!;
  const findings = lintOperations(up, { dialect, schema: existing });
  const file = renderMigrationFile({
    className: "Judged1714000000000",
    name: "Judged",
    timestamp: 1714000000000,
    up,
    down: invertAll(up),
    warnings: [],
    dialectName,
    mode: "portable",
    findings,
  });
  const header = file.split("*/")[0].replace(/\n \*\s*/g, " ");
  return header.slice(header.indexOf("Warnings:"), header.indexOf("Generated by Athanor"));
}

for (const dialectName of ["postgres", "sqlite"]) {
  describe(`${dialectName}: the header still warns about everything diff/warnings.ts warned about`, () => {
    for (const { op, old, code, where } of FLAGGED_BEFORE) {
      test(`${code} ${where} (was: ${old.slice(0, 60)})`, () => {
        const warnings = headerWarnings([op], dialectName);
        const bullets = warnings.split(" - ").filter((b) => b.startsWith(code));
        assert.ok(
          bullets.some((b) => b.includes(`${where} `) || b.includes(`${where}:`)),
          `no ${code} about ${where} in: ${warnings}`,
        );
      });
    }

    test("a dropped column beside an added one is still called a possible rename, with the call that keeps the data", () => {
      const warnings = headerWarnings(
        [
          { kind: "addColumn", table: "users", column: column("biography", "text", { nullable: true }) },
          { kind: "dropColumn", table: "users", column: before.bio },
        ],
        dialectName,
      );
      assert.match(warnings, /AT-D002 error: Column users\.bio is dropped while users\.biography is added/);
      assert.match(warnings, /op\(queryRunner\)\.renameColumn\("users", "bio", "biography"\) to keep the data/);
    });

    test("each operation is warned about once: no second sentence in another wording", () => {
      const warnings = headerWarnings([{ kind: "dropColumn", table: "users", column: before.bio }], dialectName);
      assert.equal(warnings.match(/users\.bio/g)?.length, 1, warnings);
    });
  });
}

describe("the rules", () => {
  test("every portable rule has a code from the catalogue, and every code at most one portable rule", () => {
    const codes = OPERATION_RULES.map((r) => r.code);
    assert.deepEqual(
      codes.filter((c) => !(c in LINT_CODES)),
      [],
    );
    assert.equal(new Set(codes).size, codes.length);
  });

  test("a finding carries its code's severity, a sentence and a fix, joined in its message", () => {
    const f = finding("AT-D001", "Table t is dropped: its rows are lost", "keep a backup.", "drop table t");
    assert.deepEqual(f, {
      code: "AT-D001",
      severity: "error",
      category: "destructive",
      message: "Table t is dropped: its rows are lost; keep a backup.",
      fix: "keep a backup.",
      subject: "drop table t",
    });
  });

  test("nothing done to a table the same migration creates is flagged", () => {
    const fresh: Table = { ...emptyTable("fresh"), columns: [column("id", "integer"), column("old", "text")] };
    const findings = lintOperations(
      [
        { kind: "createTable", table: fresh },
        { kind: "dropColumn", table: "fresh", column: column("old", "text") },
        { kind: "addColumn", table: "fresh", column: column("n", "integer") },
      ],
      { dialect: findDialect("sqlite")!, schema: existing },
    );
    assert.deepEqual(findings, []);
  });
});

describe("Dialect.statementRules: where a dialect keeps its own rules", () => {
  test("PostgreSQL has lock rules and SQLite none", () => {
    assert.equal(typeof findDialect("postgres")!.statementRules, "function");
    assert.equal(findDialect("sqlite")!.statementRules, undefined);
  });

  test("a dialect's rules see each rendered statement with its operation, and their findings join the portable ones", () => {
    const sqlite = findDialect("sqlite")!;
    const seen: string[] = [];
    const rules: StatementRules = (statement, context) => {
      seen.push(`${context.operation?.kind}: ${statement}`);
      return /^DROP INDEX/.test(statement) ? [finding("AT-L006", "It locks", "do it later.", statement)] : [];
    };
    const withRules: Dialect = { ...sqlite, statementRules: rules };
    const index = { name: "users_email", columns: ["email"], unique: false };
    const schema: Schema = { tables: { ...existing.tables, users: { ...users, indexes: [index] } } };
    const findings = lintOperations(
      [
        { kind: "dropIndex", table: "users", index },
        { kind: "dropColumn", table: "users", column: before.bio },
      ],
      { dialect: withRules, schema },
    );
    assert.deepEqual(seen, [`dropIndex: DROP INDEX "users_email"`, `dropColumn: ALTER TABLE "users" DROP COLUMN "bio"`]);
    assert.deepEqual(
      findings.map((f) => f.code),
      ["AT-L006", "AT-D002"],
    );
    // Without rules, the dialect's SQL is not even rendered for the judge.
    assert.deepEqual(lintOperations([{ kind: "dropIndex", table: "users", index }], { dialect: sqlite, schema }), []);
  });
});
