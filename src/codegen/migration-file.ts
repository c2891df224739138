/**
 * Operations → the text of a migration file: one class implementing
 * TypeORM's MigrationInterface, so TypeORM's own runner can run it too.
 *
 * Portable mode prints `op(queryRunner)` calls whose arguments are the
 * operation records themselves, so the file renders SQL for whichever
 * database runs it. SQL mode prints the statements rendered for one dialect,
 * TypeORM-style.
 */
import type { Finding } from "../danger/codes";
import type { Operation } from "../ops/operations";
import type { OnlineOptions } from "../ops/online";
import { describeOperation } from "../ops/describe";
import { INDENT, printCall, printString } from "./literal";
import { layoutSql } from "./sql-layout";
import { ONLINE_CONSTANT, onlineConstant, printSqlSteps, type SqlStep } from "./online-code";
import { classFooter, classHead, importLines, methodHead, TYPESCRIPT, type SourceFlavour } from "./source-flavour";

export interface MigrationFileInput {
  /** `${PascalName}${timestamp}`; see migrationClassName. */
  className: string;
  /** The PascalCase name, without the timestamp. */
  name: string;
  timestamp: number;
  up: Operation[];
  down: Operation[];
  /** What the operations cannot say themselves (diff warnings); listed after the findings. */
  warnings: string[];
  /** Facts from rendering, such as "rebuilds table users (copies every row)". */
  notes?: string[];
  /** The dialect the migration was generated against. */
  dialectName: string;
  mode: "portable" | "sql";
  /** Statements for SQL mode. */
  upSql?: string[];
  downSql?: string[];
  /** False when an operation cannot run inside a transaction. */
  transaction?: boolean;
  /**
   * Lock-safe form (`generate --online`): portable calls become
   * `op(queryRunner, online)`; SQL mode prints `upSteps`/`downSteps`.
   */
  online?: OnlineOptions;
  /** SQL mode with `online`: the statements grouped per operation. */
  upSteps?: SqlStep[];
  downSteps?: SqlStep[];
  /** The judge's findings (src/danger) about `up`, listed first under Warnings with their codes. */
  findings?: readonly Pick<Finding, "code" | "severity" | "message">[];
  /** TypeScript (default) or JavaScript, CommonJS or ES module syntax. */
  flavour?: SourceFlavour;
}

/** How a migration silences a code it accepts (lint/silence.ts reads it). */
const SILENCE_EXAMPLE = "athanor-lint-disable <code> -- <reason>";

/** What goes into a migration file, as lines; the placeholders of a template (template.ts). */
export interface MigrationFileParts {
  className: string;
  name: string;
  timestamp: number;
  /** The header comment, `/**` to ` *\/`. */
  header: string[];
  /** Import lines (and, for `--online`, the options constant the calls use). */
  imports: string[];
  /** `name = "…";` and, where needed, `transaction = false;`, indented for a class body. */
  properties: string[];
  /** The statements of `up` and `down`, indented for a method body. */
  up: string[];
  down: string[];
}

/** Header lines wrap at this width (after the ` * ` prefix). */
const COMMENT_WIDTH = 90;

export function renderMigrationFile(input: MigrationFileInput): string {
  return assembleMigrationFile(migrationFileParts(input), input.flavour ?? TYPESCRIPT);
}

/** The pieces of a migration file, which the default layout or a project's template (template.ts) puts together. */
export function migrationFileParts(input: MigrationFileInput): MigrationFileParts {
  const flavour = input.flavour ?? TYPESCRIPT;
  const imports = importLines(flavour, input.mode === "portable");
  if (input.mode === "portable" && input.online?.online) imports.push("", ...onlineConstant(input.online));
  const properties = [`${INDENT}name = ${printString(input.className)};`];
  if (input.transaction === false) properties.push(`${INDENT}transaction = false;`);
  const online = Boolean(input.online?.online);
  const body = (ops: Operation[], sql: string[] | undefined, steps: SqlStep[] | undefined) =>
    input.mode === "portable" ? opCalls(ops, online) : steps && online ? printSqlSteps(steps, printSqlString) : sqlCalls(sql ?? []);
  return {
    className: input.className,
    name: input.name,
    timestamp: input.timestamp,
    header: renderHeader(input),
    imports,
    properties,
    up: body(input.up, input.upSql, input.upSteps),
    down: body(input.down, input.downSql, input.downSteps),
  };
}

/** Athanor's own layout of the parts: header, imports, one class with `up` and `down`. */
export function assembleMigrationFile(parts: MigrationFileParts, flavour: SourceFlavour): string {
  const lines: string[] = [];
  lines.push(...parts.header, "");
  lines.push(...parts.imports);
  lines.push("");
  lines.push(...classHead(flavour, parts.className));
  lines.push(...parts.properties);
  lines.push("");
  lines.push(...renderMethod(flavour, "up", parts.up));
  lines.push("");
  lines.push(...renderMethod(flavour, "down", parts.down));
  lines.push("}", ...classFooter(flavour, parts.className), "");
  return lines.join("\n");
}

function renderMethod(flavour: SourceFlavour, name: "up" | "down", statements: string[]): string[] {
  return [...methodHead(flavour, name), ...statements, `${INDENT}}`];
}

/**
 * The CommonJS JavaScript that a TypeScript migration file rendered from
 * `input` runs as, line for line: the same header, body and line numbers, the
 * types left out. `generate` hands it to the loader with the file it wrote,
 * so that running a big new migration needs no TypeScript transpile
 * (loader/typescript-loader.ts `rememberTranspiled`). The body is plain
 * JavaScript in both (literals, awaited calls, try/catch); only the import,
 * class and method lines differ, and the export comes after the class's last
 * line, so a stack frame's line is the TypeScript file's line.
 */
export function renderCompiledMigration(input: MigrationFileInput): string {
  const parts = migrationFileParts({ ...input, flavour: TYPESCRIPT });
  const withOp = input.mode === "portable";
  // `import … from "typeorm"` names only types: TypeScript drops it. The
  // TypeScript import lines are replaced one for one; what follows them
  // (the --online options constant) is plain JavaScript already.
  const compiledImports = [
    `"use strict"; Object.defineProperty(exports, "__esModule", { value: true });`,
    ...(withOp ? [`const { op } = require("athanor");`] : []),
  ];
  const imports = [...compiledImports, ...parts.imports.slice(importLines(TYPESCRIPT, withOp).length)];
  const method = (name: "up" | "down", statements: string[]) => [`${INDENT}async ${name}(queryRunner) {`, ...statements, `${INDENT}}`];
  return [
    ...parts.header,
    "",
    ...imports,
    "",
    `class ${parts.className} {`,
    ...parts.properties,
    "",
    ...method("up", parts.up),
    "",
    ...method("down", parts.down),
    "}",
    `exports.${parts.className} = ${parts.className};`,
    "",
  ].join("\n");
}

/** Each operation as a call of the runtime API (src/migration-api/api.ts), argument order included. */
function opCalls(ops: readonly Operation[], online = false): string[] {
  const target = online ? `op(queryRunner, ${ONLINE_CONSTANT})` : "op(queryRunner)";
  return ops.map((op) => printCall(`await ${target}.${op.kind}`, apiArguments(op), 2));
}

/** The arguments of the `op(queryRunner)` method named after `op.kind`. */
export function apiArguments(op: Operation): unknown[] {
  switch (op.kind) {
    case "createTable":
    case "dropTable":
      return [op.table];
    case "renameTable":
      return [op.from, op.to];
    case "addColumn":
    case "dropColumn":
      return [op.table, op.column];
    case "renameColumn":
      return [op.table, op.from, op.to];
    case "alterColumn":
      return [op.table, op.from, op.to];
    case "addPrimaryKey":
    case "dropPrimaryKey":
      return [op.table, op.primaryKey];
    case "addUnique":
    case "dropUnique":
      return [op.table, op.unique];
    case "createIndex":
    case "dropIndex":
      return [op.table, op.index];
    case "addForeignKey":
    case "dropForeignKey":
      return [op.table, op.foreignKey];
    case "addCheck":
    case "dropCheck":
      return [op.table, op.check];
    case "addExclusion":
    case "dropExclusion":
      return [op.table, op.exclusion];
    case "renameEnumValue":
      return op.enumName === undefined ? [op.table, op.column, op.from, op.to] : [op.table, op.column, op.from, op.to, op.enumName];
    case "setTableEngine":
      return [op.table, op.from, op.to];
    case "setTableComment":
      // null for "no comment": a literal a reader understands, where undefined would not print.
      return [op.table, op.from ?? null, op.to ?? null];
    case "createSchema":
    case "dropSchema":
      return [op.schema];
    case "createExtension":
    case "dropExtension":
      return [op.extension];
    case "createView":
    case "dropView":
      return [op.view];
    case "sql":
      return op.down === undefined ? [op.up] : [op.up, op.down];
  }
}

function sqlCalls(statements: readonly string[]): string[] {
  const indent = INDENT.repeat(2);
  return statements.map((sql) => `${indent}await queryRunner.query(${printSqlString(layoutSql(sql, indent))});`);
}

/**
 * SQL quotes identifiers with double quotes, so a template literal reads
 * better than a double-quoted string full of `\"` (and keeps a laid-out
 * statement's line breaks).
 */
function printSqlString(sql: string): string {
  if (!sql.includes('"') && !sql.includes("\n")) return printString(sql);
  return "`" + sql.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
}

function renderHeader(input: MigrationFileInput): string[] {
  const body: string[] = [`${input.name}`, ""];
  if (input.up.length === 0) {
    body.push("Up: nothing to do.");
  } else {
    body.push("Up:");
    for (const op of input.up) body.push(...bullet(describeOperation(op)));
  }
  body.push("");
  const findings = input.findings ?? [];
  if (input.warnings.length === 0 && findings.length === 0) {
    body.push("Warnings: none.");
  } else {
    body.push("Warnings:");
    for (const f of findings) body.push(...bullet(`${f.code} ${f.severity}: ${f.message}`));
    for (const warning of input.warnings) body.push(...bullet(warning));
    if (findings.length > 0) {
      body.push(...wrap(`To accept a warning that has a code, add a comment naming it (athanor lint reads it): ${SILENCE_EXAMPLE}`, ""));
    }
  }
  if (input.notes && input.notes.length > 0) {
    body.push("", "Notes:");
    for (const note of input.notes) body.push(...bullet(note));
  }
  body.push("");
  const when = new Date(input.timestamp).toISOString();
  const how =
    input.mode === "portable"
      ? "Portable: the op() calls render SQL for the database the migration runs on."
      : `Raw SQL for ${input.dialectName}: runs only on ${input.dialectName}.`;
  if (input.online?.online) {
    body.push(
      ...wrap(
        `Online (lock-safe on PostgreSQL): runs outside a transaction; each operation takes only brief locks, ` +
          `waits at most ${input.online.lockTimeout} for one, and can be run again after a failure.`,
        "",
      ),
      "",
    );
  }
  body.push(...wrap(`Generated by Athanor at ${when} against ${input.dialectName}. ${how}`, ""));
  // "*/" in a description would end the comment early.
  return ["/**", ...body.map((line) => ` *${line ? ` ${line.replace(/\*\//g, "*\\/")}` : ""}`), " */"];
}

function bullet(text: string): string[] {
  return wrap(text, "  ").map((line, i) => (i === 0 ? `  - ${line.trimStart()}` : `  ${line}`));
}

/** Word-wrap `text`; continuation lines start with `indent`. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > COMMENT_WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
