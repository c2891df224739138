/**
 * The import graph of src/, read with TypeScript's parser (no type-checking):
 * one edge per relative module specifier, whatever spells it — `import`,
 * `import type`, `export … from`, `import x = require()`, `require()`,
 * `import()` and `typeof import()`. Type-only imports count: a cycle of
 * types is still a cycle a reader has to untangle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to src/ with forward slashes ("config/load.ts"). */
  from: string;
  /** Imported file, the same way. */
  to: string;
  /** The specifier as written. */
  specifier: string;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Relative specifiers that name no file under src/ (the checker would miss their edges). */
  unresolved: Array<{ from: string; specifier: string }>;
}

export function readImportGraph(srcDir: string): ImportGraph {
  const absolute = sourceFiles(srcDir);
  const files = absolute.map((file) => toKey(srcDir, file));
  const edges: ImportEdge[] = [];
  const unresolved: ImportGraph["unresolved"] = [];
  for (const file of absolute) {
    const from = toKey(srcDir, file);
    for (const specifier of relativeSpecifiers(file)) {
      const target = resolveSpecifier(file, specifier);
      if (target && target.startsWith(srcDir + sep)) edges.push({ from, to: toKey(srcDir, target), specifier });
      else unresolved.push({ from, specifier });
    }
  }
  return { files, edges, unresolved };
}

/**
 * The unit a file belongs to for folder rules: its top folder under src/
 * ("config"), or, for a file at the root of src/, its own name ("errors.ts").
 */
export function unitOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? file : file.slice(0, slash);
}

/** The strongly connected groups of more than one file (or a file importing itself), each sorted. */
export function importCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>(graph.files.map((file) => [file, []]));
  for (const edge of graph.edges) next.get(edge.from)!.push(edge.to);
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || next.get(file)!.includes(file)) cycles.push(group.sort());
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Every file reachable from `entries` by imports (the entries included). */
export function importClosure(graph: ImportGraph, entries: string[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const edge of graph.edges) if (edge.from === file) pending.push(edge.to);
  }
  return reached;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
    })
    .sort();
}

function toKey(srcDir: string, file: string): string {
  return relative(srcDir, file).split(sep).join("/");
}

function relativeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node) && node.text.startsWith(".")) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
      if (loads) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [`${base}.ts`, join(base, "index.ts"), base.replace(/\.js$/, ".ts"), base];
  return candidates.find((candidate) => isFile(candidate) && candidate.endsWith(".ts"));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
