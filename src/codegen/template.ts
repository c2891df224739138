/**
 * A project's own migration template (`migrations/athanor.template`, or
 * `--template <file>`): the file layout around what Athanor generates, for
 * house headers, extra imports and lint pragmas. The template is the whole
 * file with placeholders in double braces; Athanor fills them and writes the
 * result for `generate` and `create`.
 *
 * A placeholder alone on its line (only spaces around it) is replaced by
 * its lines as they are, already indented (bodies for a method, properties
 * for a class); one inside other text is replaced by its text.
 */
import type { MigrationFileParts } from "./migration-file";

export interface TemplatePlaceholder {
  name: string;
  required: boolean;
  /** What it becomes, for the docs and `--help`. */
  meaning: string;
}

/**
 * Required ones are those without which the file would not run: the class,
 * the imports the body uses, the `name` (and `transaction = false`), the
 * bodies.
 */
export const TEMPLATE_PLACEHOLDERS: readonly TemplatePlaceholder[] = [
  { name: "className", required: true, meaning: "the class name, name plus timestamp (AddEmailToUsers1764000000000)" },
  { name: "imports", required: true, meaning: "the import lines the body needs (typeorm's types, athanor's op)" },
  { name: "properties", required: true, meaning: 'the class properties: name = "…"; and, where needed, transaction = false;' },
  { name: "up", required: true, meaning: "the statements of up(), indented for a method body" },
  { name: "down", required: true, meaning: "the statements of down(), indented for a method body" },
  { name: "header", required: false, meaning: "Athanor's header comment: what the migration does and every warning" },
  { name: "name", required: false, meaning: "the migration's name without the timestamp (AddEmailToUsers)" },
  { name: "timestamp", required: false, meaning: "the 13-digit millisecond timestamp" },
  { name: "date", required: false, meaning: "the timestamp as an ISO date (2025-11-24T16:00:00.000Z)" },
];

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

export type TemplateProblem = { kind: "missing"; names: string[] } | { kind: "unknown"; names: string[] };

/** What is wrong with a template, if anything: required placeholders it lacks, or names Athanor does not know (a typo). */
export function checkTemplate(template: string): TemplateProblem | undefined {
  const used = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
  const known = new Set(TEMPLATE_PLACEHOLDERS.map((p) => p.name));
  const unknown = [...used].filter((name) => !known.has(name));
  if (unknown.length > 0) return { kind: "unknown", names: unknown };
  const missing = TEMPLATE_PLACEHOLDERS.filter((p) => p.required && !used.has(p.name)).map((p) => p.name);
  if (missing.length > 0) return { kind: "missing", names: missing };
  return undefined;
}

/** The template filled with the parts; check it with checkTemplate first. */
export function fillTemplate(template: string, parts: MigrationFileParts): string {
  const values: Record<string, string[]> = {
    className: [parts.className],
    imports: parts.imports,
    properties: parts.properties,
    up: parts.up,
    down: parts.down,
    header: parts.header,
    name: [parts.name],
    timestamp: [String(parts.timestamp)],
    date: [new Date(parts.timestamp).toISOString()],
  };
  const text = template.replace(/\r\n/g, "\n");
  return text
    .split("\n")
    .flatMap((line) => {
      const alone = /^\s*\{\{\s*([A-Za-z_][\w]*)\s*\}\}\s*$/.exec(line);
      if (alone) return values[alone[1]] ?? [line];
      return [line.replace(PLACEHOLDER, (match, name: string) => (values[name] ? values[name].join("\n") : match))];
    })
    .join("\n");
}
