/**
 * Renames that keep data, without a database: which appearing tables and
 * columns are rename candidates, what the diff emits once renames are
 * decided (and that those operations and their inverse replay exactly), how
 * bad decisions are reported, and how the CLI reads hints and prompt answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { diff } from "../../src/diff";
import { findRenameCandidates, renameProblems, type RenameDecisions } from "../../src/diff/renames";
import { applyAll } from "../../src/schema/apply";
import { invertAll, type Operation } from "../../src/ops/operations";
import { describeDifferences } from "../../src/schema/equal";
import type { Column, Schema } from "../../src/schema/model";
import { col, fk, id, schema, table } from "../support/model-builders";
import { parseColumnRename, parseRenameHints, parseTableRename, parseValueRename } from "../../src/cli/rename-hints";
import { parseRenameAnswer, promptForRenames, renameQuestion, valueRenameQuestion } from "../../src/cli/rename-prompt";
import { UsageError } from "../../src/errors";
import { compareWithRenames, valueRenameFlag } from "../../src/commands/rename-resolution";

const identity = (column: Column) => column;

function summary(op: Operation): string {
  switch (op.kind) {
    case "renameTable":
      return `renameTable ${op.from}→${op.to}`;
    case "renameColumn":
      return `renameColumn ${op.table}.${op.from}→${op.to}`;
    case "alterColumn":
      return `alterColumn ${op.table}.${op.to.name}`;
    case "addColumn":
    case "dropColumn":
      return `${op.kind} ${op.table}.${op.column.name}`;
    case "createTable":
    case "dropTable":
      return `${op.kind} ${op.table.name}`;
    default:
      return `${op.kind} ${"table" in op ? op.table : ""}`;
  }
}

/** The diff with `renames`, checked against the algebra both ways. */
function diffWithRenames(current: Schema, target: Schema, renames: RenameDecisions) {
  const result = diff(current, target, { renames, dropTables: Object.keys(current.tables) });
  const forward = applyAll(current, result.operations);
  assert.deepEqual(describeDifferences(forward, target), [], "apply(current, ops) differs from the target");
  const back = applyAll(forward, invertAll(result.operations));
  assert.deepEqual(describeDifferences(back, current), [], "apply(target, invert(ops)) differs from current");
  return result;
}

const users = table("users", [id(), col("email", "varchar", { length: 255 }), col("full_name", "varchar", { length: 50, nullable: true })]);

// ── Candidates ──────────────────────────────────────────────────────────────

test("a column that disappears while one of the same type appears is a candidate", () => {
  const target = schema(
    table("users", [users.columns[0], users.columns[1], col("display_name", "varchar", { length: 50, nullable: true })]),
  );
  const found = findRenameCandidates(schema(users), target, identity);
  assert.deepEqual(found, { tables: [], columns: [{ table: "users", to: "display_name", from: ["full_name"] }], values: [] });
  // The diff reports it and, undecided, drops and adds.
  const result = diff(schema(users), target);
  assert.deepEqual(result.renameCandidates.columns, found.columns);
  assert.deepEqual(result.operations.map(summary), ["addColumn users.display_name", "dropColumn users.full_name"]);
});

test("a convertible type (varchar(50) → text, integer → bigint) is still a candidate; an unrelated one is not", () => {
  const current = schema(table("t", [id(), col("a", "varchar", { length: 50 }), col("n", "integer"), col("flag", "boolean")]));
  const target = schema(table("t", [id(), col("b", "text"), col("m", "bigint"), col("when", "timestamp")]));
  const found = findRenameCandidates(current, target, identity);
  assert.deepEqual(found.columns, [
    { table: "t", to: "b", from: ["a"] },
    { table: "t", to: "m", from: ["n"] },
  ]);
});

test("several disappearing columns of one type are all possible sources", () => {
  const current = schema(table("t", [id(), col("a", "text"), col("b", "text")]));
  const target = schema(table("t", [id(), col("c", "text"), col("d", "text")]));
  assert.deepEqual(findRenameCandidates(current, target, identity).columns, [
    { table: "t", to: "c", from: ["a", "b"] },
    { table: "t", to: "d", from: ["a", "b"] },
  ]);
});

test("a column only added, or only dropped, is no candidate", () => {
  const added = schema(table("users", [...users.columns, col("age", "integer", { nullable: true })]));
  assert.deepEqual(diff(schema(users), added).renameCandidates, { tables: [], columns: [], values: [] });
  const dropped = schema(table("users", users.columns.slice(0, 2)));
  assert.deepEqual(diff(schema(users), dropped).renameCandidates, { tables: [], columns: [], values: [] });
});

test("a table that disappears while one with mostly the same columns appears is a candidate", () => {
  const people = table("people", [id(), col("name", "text"), col("born", "date")]);
  const persons = table("persons", [id(), col("name", "varchar", { length: 100 }), col("born", "date"), col("extra", "text")]);
  const found = findRenameCandidates(schema(people), schema(persons), identity);
  assert.deepEqual(found.tables, [{ to: "persons", from: ["people"] }]);
});

test("a table sharing only its id with the one that disappears is no candidate", () => {
  const tags = table("tags", [id(), col("name", "text")]);
  const labels = table("labels", [id(), col("title", "integer")]);
  assert.deepEqual(findRenameCandidates(schema(tags), schema(labels), identity).tables, []);
});

test("appearing items confirmed as new are candidates no more", () => {
  const target = schema(
    table("users", [users.columns[0], users.columns[1], col("display_name", "varchar", { length: 50, nullable: true })]),
  );
  const result = diff(schema(users), target, { renames: { created: { columns: [{ table: "users", column: "display_name" }] } } });
  assert.deepEqual(result.renameCandidates, { tables: [], columns: [], values: [] });
  assert.deepEqual(result.operations.map(summary), ["addColumn users.display_name", "dropColumn users.full_name"]);
});

// ── Operations once decided ─────────────────────────────────────────────────

test("a decided column rename is one renameColumn, and down renames back", () => {
  const target = schema(
    table("users", [users.columns[0], users.columns[1], col("display_name", "varchar", { length: 50, nullable: true })]),
  );
  const result = diffWithRenames(schema(users), target, { columns: [{ table: "users", from: "full_name", to: "display_name" }] });
  assert.deepEqual(result.operations.map(summary), ["renameColumn users.full_name→display_name"]);
  assert.deepEqual(invertAll(result.operations).map(summary), ["renameColumn users.display_name→full_name"]);
  assert.deepEqual(result.renameCandidates, { tables: [], columns: [], values: [] });
  assert.deepEqual(result.warnings, []);
});

test("a rename combined with a type change is renameColumn then alterColumn of the new name", () => {
  const target = schema(
    table("users", [users.columns[0], users.columns[1], col("display_name", "varchar", { length: 100, nullable: false })]),
  );
  const result = diffWithRenames(schema(users), target, { columns: [{ table: "users", from: "full_name", to: "display_name" }] });
  assert.deepEqual(result.operations.map(summary), ["renameColumn users.full_name→display_name", "alterColumn users.display_name"]);
  const alter = result.operations[1] as Extract<Operation, { kind: "alterColumn" }>;
  assert.equal(alter.from.name, "display_name");
  assert.equal(alter.from.length, 50);
  assert.equal(alter.to.length, 100);
});

test("two renames in one table, an index on a renamed column is kept", () => {
  const current = schema(
    table("t", [id(), col("a", "text"), col("b", "integer")], { indexes: [{ name: "IDX_a", columns: ["a"], unique: false }] }),
  );
  const target = schema(
    table("t", [id(), col("x", "text"), col("y", "integer")], { indexes: [{ name: "IDX_other_name", columns: ["x"], unique: false }] }),
  );
  const result = diffWithRenames(current, target, {
    columns: [
      { table: "t", from: "a", to: "x" },
      { table: "t", from: "b", to: "y" },
    ],
  });
  assert.deepEqual(result.operations.map(summary), ["renameColumn t.a→x", "renameColumn t.b→y"]);
});

test("a table rename keeps the foreign keys that point at it", () => {
  const people = table("people", [id(), col("name", "text")]);
  const pets = table("pets", [id(), col("owner_id", "integer")], { foreignKeys: [fk("FK_owner_id", ["owner_id"], "people")] });
  const persons = { ...people, name: "persons" };
  const petsAfter = { ...pets, foreignKeys: [fk("FK_owner_id", ["owner_id"], "persons")] };
  const result = diffWithRenames(schema(people, pets), schema(persons, petsAfter), { tables: [{ from: "people", to: "persons" }] });
  assert.deepEqual(result.operations.map(summary), ["renameTable people→persons"]);
  assert.deepEqual(result.unmappedTables, []);
});

test("a table rename with a column rename inside, the column hint naming either table name", () => {
  const people = table("people", [id(), col("name", "text"), col("born", "date")]);
  const persons = table("persons", [id(), col("full_name", "text"), col("born", "date")]);
  const undecided = diff(schema(people), schema(persons), { renames: { tables: [{ from: "people", to: "persons" }] } });
  assert.deepEqual(undecided.renameCandidates.columns, [{ table: "persons", to: "full_name", from: ["name"] }]);
  for (const tableName of ["persons", "people"]) {
    const result = diffWithRenames(schema(people), schema(persons), {
      tables: [{ from: "people", to: "persons" }],
      columns: [{ table: tableName, from: "name", to: "full_name" }],
    });
    assert.deepEqual(result.operations.map(summary), ["renameTable people→persons", "renameColumn persons.name→full_name"]);
  }
});

// ── Decisions that do not fit ───────────────────────────────────────────────

test("renames naming what does not exist, or what does not go away, are problems with a fix", () => {
  const target = schema(table("users", [users.columns[0], users.columns[1], col("display_name", "text", { nullable: true })]));
  const cases: Array<[RenameDecisions, RegExp]> = [
    [{ columns: [{ table: "nope", from: "full_name", to: "display_name" }] }, /has no table nope/],
    [{ columns: [{ table: "users", from: "nope", to: "display_name" }] }, /has no column nope; name a column it has/],
    [{ columns: [{ table: "users", from: "email", to: "display_name" }] }, /still has column email/],
    [{ columns: [{ table: "users", from: "full_name", to: "nope" }] }, /has no column nope; name the column as the entity names it/],
    [{ columns: [{ table: "users", from: "full_name", to: "email" }] }, /still has column|already exists/],
    [{ tables: [{ from: "nope", to: "users" }] }, /the database has no table nope/],
    [{ tables: [{ from: "users", to: "accounts" }] }, /still maps table users/],
  ];
  for (const [decisions, expected] of cases) {
    const problems = renameProblems(schema(users), target, decisions);
    assert.equal(problems.length, 1, JSON.stringify(decisions));
    assert.match(problems[0], expected);
    assert.throws(() => diff(schema(users), target, { renames: decisions }), { name: "InvalidRenamesError" });
  }
});

// ── CLI: hints and prompt answers ───────────────────────────────────────────

test("rename hints are read as table.old=new and old=new (schema.table for a table in a schema)", () => {
  assert.deepEqual(parseColumnRename("users.full_name=display_name"), { table: "users", from: "full_name", to: "display_name" });
  assert.deepEqual(parseColumnRename("users.full_name=users.display_name"), { table: "users", from: "full_name", to: "display_name" });
  assert.deepEqual(parseTableRename("people=persons"), { from: "people", to: "persons" });
  assert.deepEqual(parseRenameHints(undefined, undefined), { columns: [], tables: [], values: [] });
  // A table outside the default schema: schema.table, read into the model's qualified name.
  assert.deepEqual(parseColumnRename("billing.invoices.amount=total"), { table: '"billing"."invoices"', from: "amount", to: "total" });
  assert.deepEqual(parseTableRename("billing.old=billing.new"), { from: '"billing"."old"', to: '"billing"."new"' });
  for (const bad of ["full_name=display_name", "users.full_name", "users.a=other.b", "a.b.c.d=e"]) {
    assert.throws(
      () => parseColumnRename(bad),
      (e: unknown) => e instanceof UsageError && /table\.old_column=new_column/.test(e.message),
    );
  }
  assert.throws(() => parseTableRename("people"), UsageError);
});

test("prompt answers: created, renamed, or the old name", () => {
  assert.deepEqual(parseRenameAnswer("c", ["full_name"]), { kind: "created" });
  assert.deepEqual(parseRenameAnswer(" Created ", ["full_name"]), { kind: "created" });
  assert.deepEqual(parseRenameAnswer("r", ["full_name"]), { kind: "renamed", from: "full_name" });
  assert.deepEqual(parseRenameAnswer("yes", ["full_name"]), { kind: "renamed", from: "full_name" });
  assert.deepEqual(parseRenameAnswer("full_name", ["full_name"]), { kind: "renamed", from: "full_name" });
  assert.deepEqual(parseRenameAnswer("b", ["a", "b"]), { kind: "renamed", from: "b" });
  assert.deepEqual(parseRenameAnswer("r", ["a", "b"]), { kind: "unclear" });
  assert.deepEqual(parseRenameAnswer("", ["full_name"]), { kind: "unclear" });
  assert.deepEqual(parseRenameAnswer("maybe", ["full_name"]), { kind: "unclear" });
  assert.equal(renameQuestion("users.display_name", ["full_name"]), "users.display_name: created, or renamed from full_name? [c/r] ");
  assert.equal(renameQuestion("t.c", ["a", "b"]), "t.c: created, or renamed from a or b? [c/a/b] ");
});

test("the prompt asks each candidate, re-asks unclear answers, and does not offer a source twice", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let asked = "";
  output.on("data", (d) => (asked += d));
  input.end(["r", "huh", "a", "r"].join("\n") + "\n");
  const decisions = await promptForRenames(
    input,
    output,
  )({
    tables: [{ to: "persons", from: ["people"] }],
    columns: [
      { table: "t", to: "c", from: ["a", "b"] },
      { table: "t", to: "d", from: ["a", "b"] },
    ],
    values: [],
  });
  assert.deepEqual(decisions.tables, [{ from: "people", to: "persons" }]);
  assert.deepEqual(decisions.columns, [
    { table: "t", from: "a", to: "c" },
    { table: "t", from: "b", to: "d" },
  ]);
  assert.match(asked, /table persons: created, or renamed from people\? \[c\/r\]/);
  assert.match(asked, /Answer c \(created\) or the name it was renamed from: a, b\./);
  assert.match(asked, /t\.d: created, or renamed from b\? \[c\/r\]/);
});

test("the prompt records 'created' answers, and stops with a usage error when input ends", async () => {
  const input = new PassThrough();
  input.end("c\n");
  const decisions = await promptForRenames(
    input,
    new PassThrough(),
  )({
    tables: [],
    columns: [{ table: "users", to: "display_name", from: ["full_name"] }],
    values: [],
  });
  assert.deepEqual(decisions.created?.columns, [{ table: "users", column: "display_name" }]);

  const empty = new PassThrough();
  empty.end();
  await assert.rejects(
    promptForRenames(empty, new PassThrough())({ tables: [], columns: [{ table: "users", to: "x", from: ["y"] }], values: [] }),
    (e: unknown) => e instanceof UsageError && /nothing was written/.test(e.message),
  );
});

// ── Resolution in generate (commands layer), on in-memory schemas ──────────

test("generate's resolution asks again when a table rename reveals a column candidate inside it", async () => {
  const current = schema(table("people", [id(), col("name", "text"), col("born", "date")]));
  const target = schema(table("persons", [id(), col("full_name", "text"), col("born", "date")]));
  const compare = async (renames: RenameDecisions) => ({ current, target, diff: diff(current, target, { renames }), entityCount: 1 });
  const asked: string[] = [];
  const everythingRenamed = async (candidates: { tables: any[]; columns: any[] }): Promise<RenameDecisions> => {
    asked.push(...candidates.tables.map((c) => `table ${c.to}`), ...candidates.columns.map((c) => `${c.table}.${c.to}`));
    return {
      tables: candidates.tables.map((c) => ({ from: c.from[0], to: c.to })),
      columns: candidates.columns.map((c) => ({ table: c.table, from: c.from[0], to: c.to })),
    };
  };
  const resolved = await compareWithRenames(compare, { resolveRenames: everythingRenamed });
  assert.deepEqual(asked, ["table persons", "persons.full_name"]);
  assert.deepEqual(resolved.diff.operations.map(summary), ["renameTable people→persons", "renameColumn persons.name→full_name"]);

  // Nobody to ask: a usage error with the flags; --check and --accept-data-loss go on.
  await assert.rejects(compareWithRenames(compare, {}), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /Found 2 possible renames/);
    assert.ok(e.details.some((d) => d.includes("--rename-table people=persons")));
    // The column candidate inside the renamed table is listed in the same go.
    assert.ok(e.details.some((d) => d.startsWith("persons.full_name: created, or renamed from name?")));
    assert.ok(e.details.includes("all as renames: athanor generate --rename-table people=persons --rename persons.name=full_name"));
    return true;
  });
  assert.ok((await compareWithRenames(compare, { check: true })).diff.operations.length > 0);
  const lossy = await compareWithRenames(compare, { acceptDataLoss: true });
  assert.deepEqual(lossy.diff.operations.map(summary), ["createTable persons"]);
  // A hint that does not fit is a usage error, not a crash.
  await assert.rejects(
    compareWithRenames(compare, { renames: { tables: [{ from: "ghosts", to: "persons" }] } }),
    (e: unknown) => e instanceof UsageError && /no table ghosts/.test(e.message),
  );
});

// ── Enum values ─────────────────────────────────────────────────────────────

const status = (values: string[], extra: Partial<Column> = {}) => col("status", "enum", { enum: values, ...extra });

test("an enum column losing a value while gaining one is a value rename candidate; only gaining, or reordering, is not", () => {
  const current = schema(table("users", [id(), status(["pending", "active", "done"])]));
  const renamed = schema(table("users", [id(), status(["waiting", "active", "done"])]));
  const found = findRenameCandidates(current, renamed, identity);
  assert.deepEqual(found.values, [{ table: "users", column: "status", to: "waiting", from: ["pending"] }]);
  assert.deepEqual(diff(current, renamed).renameCandidates.values, found.values);
  for (const values of [
    ["pending", "active", "done", "waiting"],
    ["done", "active", "pending"],
    ["pending", "active"],
  ]) {
    const target = schema(table("users", [id(), status(values)]));
    assert.deepEqual(findRenameCandidates(current, target, identity).values, [], values.join(","));
  }
  // Confirmed as a new value: no longer a candidate.
  const created = { created: { values: [{ table: "users", column: "status", value: "waiting" }] } };
  assert.deepEqual(findRenameCandidates(current, renamed, identity, created).values, []);
});

test("a decided value rename is one renameEnumValue (the default follows), and down renames back", () => {
  const current = schema(table("users", [id(), status(["pending", "active"], { default: "'pending'" })]));
  const target = schema(table("users", [id(), status(["waiting", "active"], { default: "'waiting'" })]));
  const result = diffWithRenames(current, target, { values: [{ table: "users", column: "status", from: "pending", to: "waiting" }] });
  assert.deepEqual(result.operations, [{ kind: "renameEnumValue", table: "users", column: "status", from: "pending", to: "waiting" }]);
  assert.deepEqual(invertAll(result.operations), [
    { kind: "renameEnumValue", table: "users", column: "status", from: "waiting", to: "pending" },
  ]);
  assert.deepEqual(result.renameCandidates.values, []);
  assert.deepEqual(result.warnings, []);
});

test("a value rename inside a renamed column, plus another value added: rename, rename value, alter", () => {
  const current = schema(table("users", [id(), status(["pending", "active"])]));
  const target = schema(table("users", [id(), col("state", "enum", { enum: ["waiting", "active", "done"] })]));
  const result = diffWithRenames(current, target, {
    columns: [{ table: "users", from: "status", to: "state" }],
    values: [{ table: "users", column: "state", from: "pending", to: "waiting" }],
  });
  assert.deepEqual(result.operations.map(summary), ["renameColumn users.status→state", "renameEnumValue users", "alterColumn users.state"]);
});

test("a shared enum type: one question, and the rename reaches every column of the type", () => {
  const shared = (name: string, values: string[]) => col(name, "enum", { enum: values, enumName: "state_enum" });
  const current = schema(table("a", [id(), shared("s", ["x", "y"])]), table("b", [id(), shared("t", ["x", "y"])]));
  const target = schema(table("a", [id(), shared("s", ["z", "y"])]), table("b", [id(), shared("t", ["z", "y"])]));
  assert.deepEqual(findRenameCandidates(current, target, identity).values, [{ table: "a", column: "s", to: "z", from: ["x"] }]);
  const result = diffWithRenames(current, target, { values: [{ table: "a", column: "s", from: "x", to: "z" }] });
  assert.deepEqual(result.operations, [{ kind: "renameEnumValue", table: "a", column: "s", from: "x", to: "z", enumName: "state_enum" }]);
});

test("value renames naming what does not exist or does not go away are problems with a fix", () => {
  const current = schema(table("users", [id(), status(["pending", "active"])]));
  const target = schema(table("users", [id(), status(["waiting", "active"])]));
  const problems = (values: RenameDecisions["values"]) => renameProblems(current, target, { values });
  assert.deepEqual(problems([{ table: "users", column: "status", from: "pending", to: "waiting" }]), []);
  assert.match(problems([{ table: "users", column: "id", from: "a", to: "b" }])[0], /users\.id is not an enum column/);
  assert.match(problems([{ table: "users", column: "status", from: "gone", to: "waiting" }])[0], /has no value "gone"/);
  assert.match(problems([{ table: "users", column: "status", from: "active", to: "waiting" }])[0], /still allows "active"/);
  assert.match(
    problems([{ table: "users", column: "status", from: "pending", to: "other" }])[0],
    /has no value "other"; name the value as the entity spells it/,
  );
});

test("--rename-value hints read table.column:old=new; the question names both values", async () => {
  assert.deepEqual(parseValueRename("users.status:pending=waiting"), { table: "users", column: "status", from: "pending", to: "waiting" });
  assert.deepEqual(parseValueRename("users.status:on hold=paused: later"), {
    table: "users",
    column: "status",
    from: "on hold",
    to: "paused: later",
  });
  assert.throws(() => parseValueRename("users.status=waiting"), /table\.column:old_value=new_value/);
  // A table outside the default schema, and the flag suggested for it, spell it schema.table.
  assert.deepEqual(parseValueRename("billing.invoices.state:due=owed"), {
    table: '"billing"."invoices"',
    column: "state",
    from: "due",
    to: "owed",
  });
  assert.equal(valueRenameFlag('"billing"."invoices"', "state", "due", "owed"), "--rename-value billing.invoices.state:due=owed");
  assert.deepEqual(parseRenameHints([], [], ["t.c:a=b"]).values, [{ table: "t", column: "c", from: "a", to: "b" }]);
  assert.equal(
    valueRenameQuestion("users", "status", "waiting", ["pending"]),
    `users.status "waiting": new value, or renamed from "pending"? [c/r] `,
  );

  const input = new PassThrough();
  input.end("r\n");
  const decisions = await promptForRenames(
    input,
    new PassThrough(),
  )({
    tables: [],
    columns: [],
    values: [{ table: "users", column: "status", to: "waiting", from: ["pending"] }],
  });
  assert.deepEqual(decisions.values, [{ table: "users", column: "status", from: "pending", to: "waiting" }]);
});

test("generate without a terminal stops on a value candidate, printing the --rename-value flag", async () => {
  const current = schema(table("users", [id(), status(["pending", "active"])]));
  const target = schema(table("users", [id(), status(["on hold", "active"])]));
  const compare = async (renames: RenameDecisions) => ({ current, target, diff: diff(current, target, { renames }), entityCount: 1 });
  await assert.rejects(compareWithRenames(compare, {}), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /Found 1 possible rename/);
    assert.ok(
      e.details.some((d) =>
        d.includes(`users.status "on hold": new value, or renamed from "pending"?  --rename-value 'users.status:pending=on hold'`),
      ),
      e.details.join("\n"),
    );
    return true;
  });
  const lossy = await compareWithRenames(compare, { acceptDataLoss: true });
  assert.deepEqual(lossy.diff.operations.map(summary), ["alterColumn users.status"]);
});
