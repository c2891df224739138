/**
 * The parts of a migration file that differ between TypeScript and
 * JavaScript, CommonJS and ES modules. The body (op() calls, SQL) is the
 * same in all four; only imports, the class and method heads and the export
 * change. JavaScript gets JSDoc types, so editors still check it.
 */
import { INDENT } from "./literal";

export interface SourceFlavour {
  language: "ts" | "js";
  module: "commonjs" | "esm";
}

export const TYPESCRIPT: SourceFlavour = { language: "ts", module: "commonjs" };

export function fileExtensionOf(flavour: SourceFlavour = TYPESCRIPT): "ts" | "js" {
  return flavour.language;
}

/** Import lines; `withOp` adds Athanor's `op`. */
export function importLines(flavour: SourceFlavour, withOp: boolean): string[] {
  if (flavour.language === "ts") {
    // `import type` keeps ES module output valid under verbatimModuleSyntax.
    const typeorm = flavour.module === "esm" ? "import type" : "import";
    return [`${typeorm} { MigrationInterface, QueryRunner } from "typeorm";`, ...(withOp ? [`import { op } from "athanor";`] : [])];
  }
  const lines = withOp ? [flavour.module === "esm" ? `import { op } from "athanor";` : `const { op } = require("athanor");`, ""] : [];
  return [
    ...lines,
    "/**",
    ` * @typedef {import("typeorm").MigrationInterface} MigrationInterface`,
    ` * @typedef {import("typeorm").QueryRunner} QueryRunner`,
    " */",
  ];
}

export function classHead(flavour: SourceFlavour, className: string): string[] {
  if (flavour.language === "ts") return [`export class ${className} implements MigrationInterface {`];
  const keyword = flavour.module === "esm" ? "export class" : "class";
  return ["/** @implements {MigrationInterface} */", `${keyword} ${className} {`];
}

export function methodHead(flavour: SourceFlavour, name: "up" | "down"): string[] {
  if (flavour.language === "ts") return [`${INDENT}public async ${name}(queryRunner: QueryRunner): Promise<void> {`];
  return [`${INDENT}/** @param {QueryRunner} queryRunner */`, `${INDENT}async ${name}(queryRunner) {`];
}

/** Lines after the class: CommonJS JavaScript exports it. */
export function classFooter(flavour: SourceFlavour, className: string): string[] {
  return flavour.language === "js" && flavour.module === "commonjs" ? ["", `module.exports = { ${className} };`] : [];
}
