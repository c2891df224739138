/**
 * MariaDB keeps a CHECK's, an expression default's and a generated column's
 * parse tree and prints it back its own way (backticks, lower case, fewer
 * parentheses, `_utf8mb4'x'`, `NOT (a < b)` as `a >= b`, ...). Each spelling
 * an entity may use runs through the real CLI: generate, run, and generate
 * again finds no changes (before expression-key.ts, every generate dropped
 * and added the checks written with backticks again).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "../support/project";

/** Check expressions as entities write them, each with the form MariaDB prints differently. */
const CHECKS: Array<[form: string, expression: string]> = [
  ["backticked names", "`price` > 0"],
  ["double-quoted names", '"price" >= 0'],
  ["a camelCase name in backticks", "`unitPrice` > 0"],
  ["upper-case keywords and names", "PRICE > 0 AND QTY >= 1"],
  ["spaces", "price   >  0  AND  qty>=1"],
  ["redundant parentheses", "((price > 0) AND (qty > 0))"],
  ["parentheses precedence needs", "price > 0 AND (qty > 0 OR name IS NULL)"],
  ["a charset introducer", "name <> _utf8mb4'x'"],
  ["a national string", "name <> N'y'"],
  ["a doubled quote", "name <> 'it''s'"],
  ["numeric forms", "price <> +1 AND price <> 010 AND price <> 1.50 AND price > -(5)"],
  ["an IN list", "code IN ('a', 'b','c')"],
  ["NOT IN of one value", "code NOT IN ('z')"],
  ["!=", "price != qty"],
  ["NOT of a comparison", "NOT (price < 0)"],
  ["IS NOT NULL and NOT ... IS NULL", "name IS NOT NULL AND NOT code IS NULL"],
  ["functions the server renames", "LENGTH(name) > 0 AND lower(code) = code AND SUBSTRING(name, 1, 1) <> '#'"],
  ["&& and TRUE", "flag = TRUE && price > 0"],
  ["BETWEEN", "qty BETWEEN 1 AND 1000"],
];

function entity(): string {
  const checks = CHECKS.map(([, expression], i) => `@Check("CHK_item_${i}", ${JSON.stringify(expression)})`).join("\n");
  return `import { Check, Column, Entity, PrimaryGeneratedColumn } from "typeorm";

${checks}
@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) price: number;
  @Column({ type: "int" }) unitPrice: number;
  @Column({ type: "int" }) qty: number;
  @Column({ type: "varchar", length: 20 }) name: string;
  @Column({ type: "varchar", length: 10 }) code: string;
  @Column({ type: "boolean" }) flag: boolean;
}
`;
}

/** generate → run → generate: the second finds nothing. */
async function roundTrip(project: TestProject): Promise<void> {
  await project.ok(["generate", "V1", "--no-interactive"]);
  await project.ok(["run"]);
  const again = await project.cli(["generate", "V2", "--no-interactive"]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes: the database matches the entities/, again.stdout + again.stderr);
  assert.equal(project.migrationFiles().length, 1);
  const checked = await project.cli(["check"]);
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
}

describe("mariadb: expressions the server prints its own way are no change", () => {
  test(`checks in ${CHECKS.length} spellings: ${CHECKS.map(([form]) => form).join("; ")}`, async () => {
    const project = await TestProject.create("mariadb", { "Item.ts": entity() });
    try {
      await roundTrip(project);
    } finally {
      await project.cleanup();
    }
  });
});

/** Expression defaults and generated columns as entities write them. */
const COLUMNS: Array<[form: string, column: string]> = [
  ["a function in upper case", `@Column({ type: "varchar", length: 20, default: () => "CONCAT('a', 'b')" }) d1: string;`],
  ["a default in parentheses", `@Column({ type: "varchar", length: 20, default: () => "(UPPER('x'))" }) d2: string;`],
  ["a function the server renames", `@Column({ type: "varchar", length: 20, default: () => "LOWER('ABC')" }) d3: string;`],
  ["arithmetic", `@Column({ type: "int", default: () => "1 + 1" }) d4: number;`],
  ["a charset introducer", `@Column({ type: "varchar", length: 20, default: () => "_utf8mb4'x'" }) d5: string;`],
  ["a decimal", `@Column({ type: "decimal", precision: 6, scale: 2, default: 1.5 }) d6: string;`],
  ["NOW()", `@Column({ type: "datetime", default: () => "NOW()" }) d7: Date;`],
  ["a generated column with backticks", `@Column({ type: "int", asExpression: "\`price\` * 2", generatedType: "STORED" }) g1: number;`],
  ["a generated column in upper case", `@Column({ type: "int", asExpression: "PRICE + 1", generatedType: "VIRTUAL" }) g2: number;`],
  [
    "a generated column with parentheses",
    `@Column({ type: "int", asExpression: "((price + 1) * 2)", generatedType: "STORED" }) g3: number;`,
  ],
  [
    "a generated column with a literal",
    `@Column({ type: "varchar", length: 40, asExpression: "CONCAT(name, '-x')", generatedType: "VIRTUAL" }) g4: string;`,
  ],
];

function columnsEntity(): string {
  return `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "things" })
export class Thing {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) price: number;
  @Column({ type: "varchar", length: 20 }) name: string;
  ${COLUMNS.map(([, column]) => column).join("\n  ")}
}
`;
}

describe("mariadb: expression defaults and generated columns the server prints its own way are no change", () => {
  test(`${COLUMNS.map(([form]) => form).join("; ")}`, async () => {
    const project = await TestProject.create("mariadb", { "Thing.ts": columnsEntity() });
    try {
      await roundTrip(project);
      // Without TypeORM's record of the entity's spelling (a table made by hand), the server's own text is compared.
      await project.query("DELETE FROM typeorm_metadata");
      const again = await project.cli(["generate", "V3", "--no-interactive"]);
      assert.match(again.stdout, /No changes: the database matches the entities/, again.stdout + again.stderr);
    } finally {
      await project.cleanup();
    }
  });
});
