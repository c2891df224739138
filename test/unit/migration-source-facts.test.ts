/**
 * A new migration's class name and `transaction` flag read from its syntax
 * (src/loader/migration-source-facts.ts): only the shape Athanor generates
 * is read; anything else is left to loading the file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMigrationFile, type MigrationFileInput } from "../../src/codegen";
import { factsFromSource } from "../../src/loader/migration-source-facts";

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
