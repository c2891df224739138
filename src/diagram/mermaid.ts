/**
 * A diagram as Mermaid `erDiagram` text, which GitHub renders in Markdown
 * (a ```mermaid block). Mermaid is strict about names: an entity or column
 * name that is not a plain word is written with an alias (`t["billing.x"]`
 * for entities) or reduced to one (columns), and a type keeps only its
 * name; the length, precision and NOT NULL go into the attribute's comment.
 * Marks of pending changes (`--pending`) go into the comments too: Mermaid
 * cannot colour one entity of an ER diagram on every renderer GitHub uses.
 */
import { splitTableName } from "../schema/table-name";
import type { Diagram, DiagramColumn, DiagramEdge } from "./model";

/** `billing.invoices` for the model's `"billing"."invoices"`. */
function shownName(table: string): string {
  const { schema, name } = splitTableName(table);
  return schema === undefined ? name : `${schema}.${name}`;
}

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An entity id Mermaid accepts, unique per table. */
function entityIds(names: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    let id = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "table";
    if (!/^[A-Za-z_]/.test(id)) id = `t_${id}`;
    let unique = id;
    for (let n = 2; used.has(unique); n++) unique = `${id}_${n}`;
    used.add(unique);
    ids.set(name, unique);
  }
  return ids;
}

function quoted(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function attribute(column: DiagramColumn): string {
  const [base, size] = /^([^(]+)(\(.*\))?$/.exec(column.type)?.slice(1) ?? [column.type];
  const type = base.trim().replace(/[^A-Za-z0-9_]+/g, "_") || "unknown";
  const name = WORD.test(column.name) ? column.name : column.name.replace(/[^A-Za-z0-9_]+/g, "_");
  const keys = [column.primary && "PK", column.foreign && "FK", column.unique && "UK"].filter(Boolean).join(", ");
  const notes = [
    size ?? "",
    column.nullable || column.primary ? "" : "NOT NULL",
    name !== column.name ? `column ${column.name}` : "",
    column.mark ? `${column.mark.toUpperCase()}${column.detail ? `: ${column.detail}` : ""}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return [type, name, keys, notes ? quoted(notes) : ""].filter(Boolean).join(" ");
}

/** `||--o{`: one referenced row (or none when the key is nullable) to many (or one) referencing rows. */
function cardinality(edge: DiagramEdge): string {
  const left = edge.optional ? "|o" : "||";
  const right = edge.oneToOne ? "o|" : "o{";
  return `${left}--${right}`;
}

export function mermaidDiagram(diagram: Diagram): string {
  const ids = entityIds(diagram.tables.map((t) => t.name));
  const lines = ["erDiagram"];
  for (const table of diagram.tables) {
    const id = ids.get(table.name)!;
    const alias = id === table.name ? id : `${id}[${quoted(shownName(table.name))}]`;
    if (table.mark) lines.push(`  %% ${table.name}: ${table.mark}${table.from ? ` from ${table.from}` : ""} by the pending migrations`);
    lines.push(`  ${alias} {`);
    for (const column of table.columns) lines.push(`    ${attribute(column)}`);
    lines.push("  }");
  }
  for (const edge of diagram.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    // A foreign key to a table outside the drawing (another schema not read) has nothing to point at.
    if (!from || !to) continue;
    const label = `${edge.columns.join(", ")}${edge.mark ? ` (${edge.mark})` : ""}`;
    lines.push(`  ${to} ${cardinality(edge)} ${from} : ${quoted(label)}`);
  }
  return lines.join("\n") + "\n";
}
