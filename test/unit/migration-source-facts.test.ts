/**
 * A new migration's class name and `transaction` flag read from its syntax
 * (src/loader/migration-source-facts.ts): only the shape Athanor generates
 * is read; anything else is left to loading the file. The exact layout
 * `generate` writes is read token by token without TypeScript
 * (src/loader/migration-source-scan.ts), to the facts TypeScript's parser
 * reads, and never a file the parser refuses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMigrationFile, type MigrationFileInput } from "../../src/codegen";
import { factsFromSource, factsFromSyntaxTree } from "../../src/loader/migration-source-facts";
import { scanGeneratedMigration, scanGeneratedMigrationCalls } from "../../src/loader/migration-source-scan";

const base: MigrationFileInput = {
  className: "Init1714000000000",
  name: "Init",
  timestamp: 1714000000000,
  up: [{ kind: "sql", up: "CREATE TABLE a (id integer)", down: "DROP TABLE a" }],
  down: [{ kind: "sql", up: "DROP TABLE a", down: "CREATE TABLE a (id integer)" }],
  warnings: [],
  dialectName: "postgres",
  mode: "portable",
};

test("generated files: the name and transaction flag they print", () => {
  const cases: Array<[MigrationFileInput, boolean]> = [
    [base, true],
    [{ ...base, mode: "sql", upSql: ["CREATE TABLE a (id integer)"], downSql: ["DROP TABLE a"] }, true],
    [{ ...base, online: { online: true, lockTimeout: "5s" }, transaction: false }, false],
    [{ ...base, flavour: { language: "ts", module: "esm" } }, true],
  ];
  for (const [input, transaction] of cases) {
    assert.deepEqual(factsFromSource("/p/migrations/1714000000000-Init.ts", renderMigrationFile(input)), {
      name: "Init1714000000000",
      transaction,
      callsOnlyOperations: true,
    });
  }
});

test("anything outside the generated shape is not read", () => {
  const source = renderMigrationFile(base);
  const member = (text: string) => source.replace(`  name = "Init1714000000000";\n`, `  name = "Init1714000000000";\n${text}\n`);
  const edits: Record<string, string> = {
    constructor: member("  constructor() { this.transaction = false; }"),
    getter: member("  get transaction() { return false; }"),
    "computed transaction": member("  transaction = process.env.X === undefined;"),
    "static member": member("  static transaction = false;"),
    "a second transaction": member("  transaction = true;\n  transaction = false;"),
    "name from a variable": source.replace(`name = "Init1714000000000";`, "name = NAME;"),
    "extends a base class": source.replace("implements MigrationInterface", "extends Base implements MigrationInterface"),
    "another import": source.replace(`import { op } from "athanor";`, `import { op } from "athanor";\nimport { setup } from "./setup";`),
    "a top-level call": `${source}\nconsole.log("loaded");\n`,
    "a second class": `${source}\nexport class Other1714000000001 implements MigrationInterface {\n  name = "x";\n  async up() {}\n  async down() {}\n}\n`,
    "an export statement": `${source}\nexport { Init1714000000000 as Other };\n`,
    "a syntax error": source.replace("public async down", "public async down("),
    "a decorated class": source.replace("export class", "@Reflect.metadata('a', 1)\nexport class"),
  };
  for (const [edit, text] of Object.entries(edits)) {
    assert.notEqual(text, source, edit);
    assert.equal(factsFromSource("/p/migrations/1714000000000-Init.ts", text), undefined, edit);
  }
  assert.equal(factsFromSource("/p/migrations/1714000000000-Init.js", source), undefined, "JavaScript is loaded as it is");
});

/** Operations with every kind of value a generated file prints: nested objects and arrays, numbers, null, quotes, escapes. */
const richUp: MigrationFileInput["up"] = [
  {
    kind: "createTable",
    table: {
      name: `it's "quoted"\\ ünïcode \u2028`,
      columns: [
        { name: "id", type: "integer", nullable: false, generated: "increment" },
        { name: "price", type: "numeric", precision: 10, scale: -2, nullable: true, default: null, comment: "a\nb\tc" },
      ],
      primaryKey: { columns: ["id"] },
    },
  } as any,
];

test("the layout generate writes is read without TypeScript's parser, to the facts the parser reads", () => {
  const inputs: MigrationFileInput[] = [
    base,
    { ...base, up: richUp },
    { ...base, mode: "sql", upSql: ["CREATE TABLE a (id integer)", 'CREATE TABLE "b" (\n  "id" integer\n)'], downSql: ["DROP TABLE a"] },
    { ...base, online: { online: true, lockTimeout: "5s" }, transaction: false },
    { ...base, flavour: { language: "ts", module: "esm" } },
    { ...base, up: [], down: [] },
  ];
  for (const input of inputs) {
    const text = renderMigrationFile(input);
    const parsed = factsFromSyntaxTree("/p/migrations/1714000000000-Init.ts", text);
    assert.ok(parsed, text);
    assert.deepEqual(scanGeneratedMigration(text), parsed, text);
  }
});

test("the token reader refuses what TypeScript's parser refuses, and whatever is outside the layout", () => {
  const source = renderMigrationFile({ ...base, up: richUp });
  const scanned = scanGeneratedMigration(source);
  assert.ok(scanned);
  const edits: Record<string, string> = {
    "an unclosed call": source.replace("});\n  }\n\n  public async down", "};\n  }\n\n  public async down"),
    "a missing comma": source.replace('type: "integer", ', 'type: "integer" '),
    "an unterminated string": source.replace('"integer"', '"integer'),
    "a line break in a string": source.replace('"integer"', '"inte\nger"'),
    "a template substitution": source.replace('"integer"', "`${process.env.TYPE}`"),
    "a regular expression": source.replace('"integer"', "/integer/.source"),
    "an octal escape": source.replace('"integer"', '"\\101"'),
    "a legacy octal number": source.replace("precision: 10", "precision: 010"),
    "await outside an async method": source.replace("public async up", "public up"),
    "a statement without await": source.replace("await op(queryRunner)", "op(queryRunner)"),
    "a missing semicolon": source.replace(`name = "Init1714000000000";`, `name = "Init1714000000000"`),
    "an if statement": source.replace("await op(queryRunner)", "if (queryRunner) await op(queryRunner)"),
    "a reserved word as a value": source.replace("op(queryRunner)", "op(class)"),
    "an unclosed comment": source.replace("/**", "/*").replace("*/", "* /"),
    "a non-ASCII name": source.replace("op(queryRunner)", "op(queryRünner)"),
    "a namespace import": source.replace("import { op }", "import * as athanor"),
    "an import from elsewhere": source.replace('from "athanor"', 'from "./athanor"'),
    "a computed key": source.replace('type: "integer"', '["type"]: "integer"'),
  };
  for (const [edit, text] of Object.entries(edits)) {
    assert.notEqual(text, source, edit);
    assert.equal(scanGeneratedMigration(text), undefined, edit);
    // What the token reader refuses the parser decides, as before.
    const parsed = factsFromSyntaxTree("/p/migrations/1714000000000-Init.ts", text);
    assert.deepEqual(factsFromSource("/p/migrations/1714000000000-Init.ts", text), parsed, edit);
  }
  // A syntax error is refused by both.
  for (const edit of ["an unclosed call", "a missing comma", "an unterminated string", "a line break in a string", "an octal escape"]) {
    assert.equal(factsFromSyntaxTree("/p/migrations/1714000000000-Init.ts", edits[edit]), undefined, edit);
  }
});

test("literal data is read to the same answer whether one match skips it or the token reader reads it", () => {
  const source = renderMigrationFile({ ...base, up: richUp });
  // Each literal as a column's value (skipped in one match where it can be), and nested one level deeper (read token by token around it).
  const at = (literal: string) => [
    source.replace('type: "integer", ', `probe: ${literal}, type: "integer", `),
    source.replace('type: "integer", ', `probe: { deeper: { value: ${literal} } }, type: "integer", `),
  ];
  const accepted = [
    `"a\\"b"`,
    `'it\\'s'`,
    `"\\u00e9\\x41\\0 \\$ \\\`"`,
    `"\u2028"`,
    `- 1.5e3`,
    `-\n 0.25`,
    `[]`,
    `{}`,
    `[1, "a", true, null,]`,
    `{ "key": 1, default: false, class: null, }`,
    `[{ a: 1 }, { b: [2, 3] }]`,
    `{ name: other }`,
    `[1 /* a comment */, // another
     2]`,
  ];
  const refused = [`"\\01"`, `"\\u12"`, `1.`, `.5`, `0x10`, `01`, `1_000`, `[,]`, `{ , }`, `{ a: 1 b: 2 }`, `"a\nb"`, `{ a: class }`];
  for (const literal of [...accepted, ...refused]) {
    for (const text of at(literal)) {
      assert.notEqual(text, source, literal);
      const scanned = scanGeneratedMigration(text);
      if (!accepted.includes(literal)) {
        assert.equal(scanned, undefined, literal);
        continue;
      }
      assert.ok(scanned, literal);
      assert.deepEqual(scanned, factsFromSyntaxTree("/p/migrations/1714000000000-Init.ts", text), literal);
    }
  }
});

test("a file whose methods call only op() and queryRunner.query is told from one that may reach TypeORM's entities", () => {
  const source = renderMigrationFile({ ...base, up: richUp });
  assert.equal(scanGeneratedMigrationCalls(source)?.callsOnlyOperations, true);
  const online = renderMigrationFile({ ...base, up: richUp, online: { online: true, lockTimeout: "5s" }, transaction: false });
  assert.match(online, /op\(queryRunner, online\)/);
  assert.equal(scanGeneratedMigrationCalls(online)?.callsOnlyOperations, true);
  const sql = renderMigrationFile({ ...base, mode: "sql", upSql: ["CREATE TABLE a (id integer)"], downSql: ["DROP TABLE a"] });
  assert.equal(scanGeneratedMigrationCalls(sql)?.callsOnlyOperations, true);
  assert.equal(
    scanGeneratedMigrationCalls(source.replace("import { op }", "import { op as apply }").replaceAll("await op(", "await apply("))
      ?.callsOnlyOperations,
    true,
  );

  // Still the generated layout (the facts are read), but the code may reach TypeORM's metadata or run other code.
  const call = (statement: string) =>
    source.replace("await op(queryRunner).createTable(", `${statement}\n    await op(queryRunner).createTable(`);
  const edits: Record<string, string> = {
    "a repository by entity name": call(`await queryRunner.manager.getRepository("Book").insert({ title: "x" });`),
    "the connection": call(`await queryRunner.connection.getMetadata("Book").name.toString();`),
    "the manager's query": call(`await queryRunner.manager.query("SELECT 1");`),
    "a call on an op() call's result": call(`await op(queryRunner).dropTable({ name: "a", columns: [] }).then(Boolean);`),
    "op() on another runner": call(`await op(other).dropTable({ name: "a", columns: [] });`),
    "op() imported from typeorm": source.replace('import { op } from "athanor";', 'import { op } from "typeorm";'),
    "op() imported as a type": source.replace('import { op } from "athanor";', 'import type { op } from "athanor";'),
    "an imported function": call(`await getConnection().query("SELECT 1");`),
    "a query of a variable": call(`await queryRunner.query(sql);`),
  };
  for (const [edit, text] of Object.entries(edits)) {
    assert.notEqual(text, source, edit);
    const scanned = scanGeneratedMigrationCalls(text);
    assert.ok(scanned, `${edit}: still the layout`);
    assert.equal(scanned.callsOnlyOperations, false, edit);
  }
});
