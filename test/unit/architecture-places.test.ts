/**
 * Where the operation algebra, the runtime migration API and the SQL scanner
 * live, checked from the imports of src/ (type-only imports count: they tie
 * folders together as much as the others do).
 *
 * - ops/ is the algebra: it imports only schema/.
 * - migration-api/ (what migration files call) sits above the dialects: it
 *   may import dialects/, ops/ and schema/; only the package's public entry
 *   points import it.
 * - sql/ (the scanner) is a leaf every folder may use; it imports nothing.
 * - none of the files these moves touched is part of an import cycle.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const SRC = resolve(__dirname, "..", "..", "src");

/** Every .ts file under src/, as a path relative to src/ with "/" separators. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") ? [relative(SRC, full).split("\\").join("/")] : [];
  });
}

/** The src/ file that a relative import from `file` names, or undefined for a package. */
function resolveImport(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(SRC, dirname(file), specifier).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate)) return relative(SRC, candidate).split("\\").join("/");
  }
  throw new Error(`${file} imports ${specifier}, which is no file in src/`);
}

/** file → the src/ files it imports (imports, re-exports, import() and require()). */
const graph = new Map<string, string[]>(
  sourceFiles().map((file) => {
    const info = ts.preProcessFile(readFileSync(join(SRC, file), "utf8"), true, true);
    const imports = info.importedFiles.map((ref) => resolveImport(file, ref.fileName)).filter((f): f is string => f !== undefined);
    return [file, [...new Set(imports)]];
  }),
);

function folderOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? "" : file.slice(0, slash);
}

/** Imports from files in `folder` that leave it for a folder not in `allowed`, as "from → to". */
function importsOutside(folder: string, allowed: readonly string[]): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    if (folderOf(file) !== folder) continue;
    for (const target of imports) {
      const to = folderOf(target);
      if (to !== folder && !allowed.includes(to)) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

test("the import graph is read: ops/operations.ts is imported, migration-api/api.ts imports execute.ts", () => {
  assert.ok(graph.get("migration-api/api.ts")?.includes("migration-api/execute.ts"));
  assert.ok([...graph.values()].some((imports) => imports.includes("ops/operations.ts")));
});

test("ops/ (the operation algebra) imports only schema/", () => {
  assert.deepEqual(importsOutside("ops", ["schema"]), []);
});

test("migration-api/ imports only dialects/, ops/ and schema/", () => {
  assert.deepEqual(importsOutside("migration-api", ["dialects", "ops", "schema"]), []);
});

test("sql/ (the scanner) imports nothing of Athanor", () => {
  assert.deepEqual(importsOutside("sql", []), []);
});

test("only the public entry points (index.ts, athanor.ts) import migration-api/", () => {
  const importers = [...graph]
    .filter(([file, imports]) => folderOf(file) !== "migration-api" && imports.some((t) => folderOf(t) === "migration-api"))
    .map(([file]) => file)
    .filter((file) => file !== "index.ts" && file !== "athanor.ts");
  assert.deepEqual(importers, []);
  assert.ok(
    graph.get("index.ts")?.includes("migration-api/api.ts"),
    'index.ts exports op, which generated migrations import from "athanor"',
  );
});

test("generated migrations get op from the package root: src/index.ts exports the migration API's op", () => {
  const root = require("../../src/index") as typeof import("../../src/index");
  const api = require("../../src/migration-api/api") as typeof import("../../src/migration-api/api");
  assert.equal(root.op, api.op);
  assert.equal(root.OperationApi, api.OperationApi);
});

/** The strongly connected components of the graph with more than one file, or a file importing itself. */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

test("no import cycle runs through the operations, the migration API, the scanner or their users' SQL reading", () => {
  const placed = (file: string) =>
    ["ops", "migration-api", "sql"].includes(folderOf(file)) ||
    [
      "dialects/migration-query-runner.ts",
      "dialects/sqlite/plain-table-names.ts",
      "dialects/sqlite/tokenize.ts",
      "lint/sql-text.ts",
      "codegen/sql-layout.ts",
      "schema/equal.ts",
      "schema/rename-in-expression.ts",
      "runner/recording-query-runner.ts",
    ].includes(file);
  assert.deepEqual(
    cycles().filter((component) => component.some(placed)),
    [],
  );
});
