/**
 * Stack traces of the project's transpiled TypeScript, mapped back to the
 * TypeScript lines — only when a stack is actually formatted.
 *
 * Node's own source-map support (`process.setSourceMapsEnabled(true)`)
 * parses every module's source map as the module is compiled, and bypasses
 * any code cache: at a thousand entities that is a fifth of loading them.
 * Where Athanor's code cache is installed (code-cache.ts, Node 20), the
 * TypeScript loader compiles the project's files through that cache with
 * Node's support off, and registers each transpiled output here; an
 * `Error.prepareStackTrace` maps the frames of registered files with the
 * output's inline source map, parsed the first time one of its frames is
 * shown. Frames of every other file are formatted as V8 formats them.
 */
import Module = require("node:module");

interface Registered {
  output: string;
  map?: { findEntry(line: number, column: number): Record<string, unknown> } | null;
}

const registered = new Map<string, Registered>();
let installed = false;

/** Register a transpiled file (with its inline source map) for mapping. */
export function registerTranspiled(fileName: string, output: string): void {
  registered.set(fileName, { output });
  if (!installed) install();
}

function install(): void {
  installed = true;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = function prepareStackTrace(error: Error, sites: NodeJS.CallSite[]): string {
    // Someone else's formatter (set before ours) keeps formatting what we do not map.
    if (previous && !sites.some((site) => registered.has(site.getFileName() ?? ""))) return previous(error, sites);
    return [header(error), ...sites.map((site) => `    at ${mappedFrame(site)}`)].join("\n");
  };
}

/** What V8 puts before the frames: "Name: message". */
function header(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

/** The frame as V8 writes it, its position moved to the TypeScript's. */
function mappedFrame(site: NodeJS.CallSite): string {
  const text = String(site);
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const entry = file ? registered.get(file) : undefined;
  if (!entry || !file || line === null || column === null) return text;
  const original = originalPosition(entry, line, column);
  if (!original) return text;
  const position = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(position);
  return at < 0 ? text : `${text.slice(0, at)}${file}:${original.line}:${original.column}${text.slice(at + position.length)}`;
}

/** 1-based line and column in the TypeScript source, or undefined. */
function originalPosition(entry: Registered, line: number, column: number): { line: number; column: number } | undefined {
  if (entry.map === undefined) entry.map = parseInlineMap(entry.output);
  if (!entry.map) return undefined;
  // The module wrapper Node (and the code cache) put before the first line.
  const wrapper = (Module as unknown as { wrapper?: string[] }).wrapper?.[0] ?? "";
  const outputColumn = line === 1 ? Math.max(column - 1 - wrapper.length, 0) : column - 1;
  const found = entry.map.findEntry(line - 1, outputColumn) as { originalLine?: number; originalColumn?: number };
  if (typeof found?.originalLine !== "number" || typeof found.originalColumn !== "number") return undefined;
  return { line: found.originalLine + 1, column: found.originalColumn + 1 };
}

function parseInlineMap(output: string): Registered["map"] {
  const match = /\/\/# sourceMappingURL=data:application\/json;(?:charset=[^;,]+;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(output);
  const SourceMap = (Module as unknown as { SourceMap?: new (payload: unknown) => NonNullable<Registered["map"]> }).SourceMap;
  if (!match || !SourceMap) return null;
  try {
    return new SourceMap(JSON.parse(Buffer.from(match[1], "base64").toString("utf8")));
  } catch {
    return null;
  }
}
