/**
 * A migration's facts (class name, `transaction` flag) read from its
 * TypeScript syntax, for a file the facts cache has not seen (a fresh
 * checkout, CI): parsing is a fraction of transpiling, and a 4 MB initial
 * migration was transpiled (≈ 3 s, ≈ 600 MB at 1000 tables) only to learn
 * its class name. The file is still transpiled and run when its code runs.
 *
 * Only the shape Athanor generates is read this way, checked on the syntax
 * tree, not the text: imports of `typeorm` and `athanor` only, plain `const`
 * data, and exactly one exported class that extends nothing, whose members
 * are a string `name`, an optional `transaction = true | false` and the
 * methods `up` and `down`. Anything else (a constructor, a getter, a second
 * class or export, a syntax error) returns undefined, and the file is loaded
 * to learn its facts as before, so a hand edit can never be described by a
 * guess.
 *
 * Most files never get here: migration-source-scan.ts reads the exact
 * layout `generate` writes token by token, without loading TypeScript; this
 * parser reads the rest of the shape (a method body `generate --online`
 * writes with try/catch, a hand-written body of calls, a hand-reformatted file).
 */
import type { MigrationFacts } from "./migration-facts";
import { ownTypeScriptPath } from "./typescript-compiler";
import { scanGeneratedMigrationCalls } from "./migration-source-scan";

const ALLOWED_IMPORTS = new Set(["typeorm", "athanor"]);

/**
 * The syntax tree of a 4 MB initial migration is ≈ 90 MB of heap, garbage
 * once this returns: when a cold cache's files are transpiled next,
 * collect-garbage.ts `withHeapKeptSmall` collects it first. No collection
 * here: a forced one throws away TypeScript's optimized parser, which the
 * entity files need right after.
 */
export function factsFromSource(fileName: string, source: string): MigrationFacts | undefined {
  if (!/\.[cm]?ts$/.test(fileName) || /\.d\.[cm]?ts$/.test(fileName)) return undefined;
  // Cheap refusal before loading TypeScript: no migration class, nothing to read.
  if (!/\bname\s*=/.test(source) || !/\bclass\b/.test(source)) return undefined;
  // The shape generate writes, read without TypeScript (migration-source-scan.ts),
  // with what its methods call.
  return scanGeneratedMigrationCalls(source) ?? factsFromSyntaxTree(fileName, source);
}

/** The facts read from TypeScript's syntax tree of the file (loading TypeScript). */
export function factsFromSyntaxTree(fileName: string, source: string): MigrationFacts | undefined {
  let ts: typeof import("typescript");
  try {
    ts = require(ownTypeScriptPath());
  } catch {
    return undefined;
  }
  if (typeof ts.createSourceFile !== "function") return undefined;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  if ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length !== 0) return undefined;

  let facts: MigrationFacts | undefined;
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (!ts.isStringLiteral(statement.moduleSpecifier) || !ALLOWED_IMPORTS.has(statement.moduleSpecifier.text)) return undefined;
    } else if (ts.isVariableStatement(statement)) {
      if (statement.modifiers?.length || !isPlainData(ts, statement)) return undefined;
    } else if (ts.isClassDeclaration(statement)) {
      if (facts) return undefined;
      facts = classFacts(ts, statement);
      if (!facts) return undefined;
    } else {
      return undefined;
    }
  }
  return facts;
}

/** `const x = { key: "literal", … }`: the online constant of `generate --online`. */
function isPlainData(ts: typeof import("typescript"), statement: import("typescript").VariableStatement): boolean {
  if (!(statement.declarationList.flags & ts.NodeFlags.Const)) return false;
  return statement.declarationList.declarations.every(
    (declaration) =>
      ts.isIdentifier(declaration.name) &&
      !declaration.type &&
      declaration.initializer !== undefined &&
      ts.isObjectLiteralExpression(declaration.initializer) &&
      declaration.initializer.properties.every(
        (property) => ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && isLiteral(ts, property.initializer),
      ),
  );
}

function isLiteral(ts: typeof import("typescript"), node: import("typescript").Expression): boolean {
  return (
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

function classFacts(ts: typeof import("typescript"), node: import("typescript").ClassDeclaration): MigrationFacts | undefined {
  const modifiers = (node.modifiers ?? []).map((modifier) => modifier.kind);
  if (!node.name || modifiers.length !== 1 || modifiers[0] !== ts.SyntaxKind.ExportKeyword) return undefined;
  if (node.heritageClauses?.some((clause) => clause.token !== ts.SyntaxKind.ImplementsKeyword)) return undefined;
  let name: string | undefined;
  let transaction = true;
  let seenTransaction = false;
  const methods = new Set<string>();
  for (const member of node.members) {
    const memberName = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
    if (ts.isPropertyDeclaration(member) && !member.modifiers?.length && !member.questionToken && !member.exclamationToken) {
      if (memberName === "name" && name === undefined && member.initializer && ts.isStringLiteral(member.initializer)) {
        name = member.initializer.text;
        continue;
      }
      const value = member.initializer?.kind;
      if (
        memberName === "transaction" &&
        !seenTransaction &&
        (value === ts.SyntaxKind.TrueKeyword || value === ts.SyntaxKind.FalseKeyword)
      ) {
        seenTransaction = true;
        transaction = value === ts.SyntaxKind.TrueKeyword;
        continue;
      }
      return undefined;
    }
    const allowed = new Set([ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.AsyncKeyword]);
    if (
      ts.isMethodDeclaration(member) &&
      (memberName === "up" || memberName === "down") &&
      !methods.has(memberName) &&
      member.body &&
      !member.asteriskToken &&
      (member.modifiers ?? []).every((modifier) => allowed.has(modifier.kind))
    ) {
      methods.add(memberName);
      continue;
    }
    return undefined;
  }
  // `instance.name || cls.name`: an empty name would be the class's.
  if (!name || methods.size !== 2) return undefined;
  return { name, transaction };
}
