/**
 * A diagram as one self-contained HTML page: an inline SVG drawn from
 * layout.ts, with CSS in the page and no script, font or image fetched
 * from anywhere, so it opens offline and in CI artifacts. Each table is a
 * `<g class="table" data-table="…">` (tests find every table in the DOM a
 * browser renders); columns carry PK / FK / UK marks; foreign keys are
 * paths from the referencing column to the referenced one, with a bar at
 * the referenced end and a fork (many) or bar (one) at the referencing end.
 */
import { layoutDiagram, METRICS, type Box } from "./layout";
import type { Diagram, DiagramEdge, Mark } from "./model";

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const STYLE = `
body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
header { padding: 16px 24px 0; }
h1 { font-size: 18px; margin: 0 0 4px; }
p.sub { margin: 0; color: #59636e; }
.legend { display: flex; gap: 16px; margin-top: 8px; font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -2px; border: 1.5px solid; border-radius: 3px; }
.legend .added::before { background: #dafbe1; border-color: #1a7f37; }
.legend .changed::before { background: #fff8c5; border-color: #9a6700; }
.legend .renamed::before { background: #ddf4ff; border-color: #0969da; }
.legend .dropped::before { background: #ffebe9; border-color: #cf222e; }
svg { display: block; }
svg text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 13px; fill: #1f2328; }
.table .box { fill: #ffffff; stroke: #8c959f; stroke-width: 1.2; }
.table .head { fill: #24292f; }
.table .title { fill: #ffffff; font-weight: 700; font-size: 14px; }
.table .key { fill: #9a6700; font-weight: 700; font-size: 11px; }
.table .type { fill: #59636e; }
.table .null { fill: #8c959f; }
.table.added .box { stroke: #1a7f37; stroke-width: 2.5; fill: #f0fff4; }
.table.added .head { fill: #1a7f37; }
.table.changed .box { stroke: #9a6700; stroke-width: 2.5; }
.table.changed .head { fill: #7d4e00; }
.table.renamed .box { stroke: #0969da; stroke-width: 2.5; }
.table.renamed .head { fill: #0550ae; }
.table.dropped .box { stroke: #cf222e; stroke-width: 2.5; stroke-dasharray: 6 4; fill: #fff5f5; }
.table.dropped .head { fill: #a40e26; }
.column .row { fill: transparent; }
.column.added .row { fill: #dafbe1; }
.column.changed .row, .column.renamed .row { fill: #fff8c5; }
.column.renamed .row { fill: #ddf4ff; }
.column.dropped .row { fill: #ffebe9; }
.column.dropped .name, .column.dropped .type, .table.dropped .name { text-decoration: line-through; }
.edge { fill: none; stroke: #57606a; stroke-width: 1.4; }
.edge.added { stroke: #1a7f37; stroke-width: 2.2; }
.edge.dropped { stroke: #cf222e; stroke-dasharray: 6 4; }
.end { fill: none; stroke: #57606a; stroke-width: 1.4; }
.end.added { stroke: #1a7f37; }
.end.dropped { stroke: #cf222e; }
`;

const MARK_WORD: Record<Mark, string> = { added: "added", changed: "changed", renamed: "renamed", dropped: "dropped" };

function tableSvg(box: Box): string {
  const m = METRICS;
  const { table } = box;
  const typeX = m.padding + m.keyWidth + Math.max(0, ...table.columns.map((c) => c.name.length)) * m.char + 24;
  const title = table.from ? `${table.name} ← ${table.from}` : table.name;
  const parts = [
    `<g class="table${table.mark ? ` ${table.mark}` : ""}" data-table="${xml(table.name)}" transform="translate(${box.x},${box.y})">`,
    `<title>${xml(table.name)}${table.mark ? ` (${MARK_WORD[table.mark]} by the pending migrations)` : ""}</title>`,
    `<rect class="box" width="${box.width}" height="${box.height}" rx="6"/>`,
    `<path class="head" d="M0 6a6 6 0 0 1 6-6h${box.width - 12}a6 6 0 0 1 6 6v${m.header - 6}h-${box.width}z"/>`,
    `<text class="title" x="${m.padding}" y="${m.header / 2 + 5}">${xml(title)}</text>`,
  ];
  table.columns.forEach((column, i) => {
    const y = m.header + 4 + i * m.row;
    const keys = [column.primary && "PK", column.foreign && "FK", column.unique && "UK"].filter(Boolean).join(" ");
    parts.push(
      `<g class="column${column.mark ? ` ${column.mark}` : ""}" data-column="${xml(column.name)}">`,
      column.detail ? `<title>${xml(`${column.name}: ${column.detail}`)}</title>` : "",
      `<rect class="row" x="1.5" y="${y}" width="${box.width - 3}" height="${m.row}"/>`,
      keys ? `<text class="key" x="${m.padding - 4}" y="${y + 15}">${keys}</text>` : "",
      `<text class="name" x="${m.padding + m.keyWidth}" y="${y + 15}">${xml(column.name)}</text>`,
      `<text class="type${column.nullable ? " null" : ""}" x="${typeX}" y="${y + 15}">${xml(column.type)}${column.nullable ? "?" : ""}</text>`,
      `</g>`,
    );
  });
  parts.push("</g>");
  return parts.join("");
}

/** The y of a column's row centre, or the header's when the column is not there. */
function rowY(box: Box, column: string | undefined): number {
  const i = column === undefined ? -1 : box.table.columns.findIndex((c) => c.name === column);
  return i < 0 ? box.y + METRICS.header / 2 : box.y + METRICS.header + 4 + i * METRICS.row + METRICS.row / 2;
}

function edgeSvg(edge: DiagramEdge, child: Box, parent: Box): string {
  const y1 = rowY(child, edge.columns[0]);
  const y2 = rowY(parent, edge.referenced[0]);
  const cls = edge.mark ? ` ${edge.mark}` : "";
  let d: string;
  let childSide: number; // -1: the path leaves the child to the left; +1: to the right
  let parentSide: number;
  if (child === parent) {
    const x = child.x + child.width;
    d = `M${x} ${y1} C${x + 50} ${y1} ${x + 50} ${y2} ${x} ${y2}`;
    childSide = parentSide = 1;
  } else if (parent.column < child.column) {
    const a = child.x;
    const b = parent.x + parent.width;
    const bend = Math.max(40, (a - b) / 2);
    d = `M${a} ${y1} C${a - bend} ${y1} ${b + bend} ${y2} ${b} ${y2}`;
    childSide = -1;
    parentSide = 1;
  } else if (parent.column > child.column) {
    const a = child.x + child.width;
    const b = parent.x;
    const bend = Math.max(40, (b - a) / 2);
    d = `M${a} ${y1} C${a + bend} ${y1} ${b - bend} ${y2} ${b} ${y2}`;
    childSide = 1;
    parentSide = -1;
  } else {
    // Same column: loop out to the right.
    const a = child.x + child.width;
    const b = parent.x + parent.width;
    const out = Math.max(a, b) + 60;
    d = `M${a} ${y1} C${out} ${y1} ${out} ${y2} ${b} ${y2}`;
    childSide = parentSide = 1;
  }
  const cx = childSide === 1 ? child.x + child.width : child.x;
  const px = parentSide === 1 ? parent.x + parent.width : parent.x;
  // The referenced end: a bar (exactly one). The referencing end: a fork (many) or a bar (one).
  const bar = (x: number, y: number, side: number) => `M${x + side * 8} ${y - 6}v12`;
  const fork = (x: number, y: number, side: number) => `M${x + side * 12} ${y}L${x} ${y - 6}M${x + side * 12} ${y}L${x} ${y + 6}`;
  const ends = [bar(px, y2, parentSide), edge.oneToOne ? bar(cx, y1, childSide) : fork(cx, y1, childSide)].join("");
  const label = `${edge.from} (${edge.columns.join(", ")}) → ${edge.to} (${edge.referenced.join(", ")})${edge.mark ? `: ${edge.mark}` : ""}`;
  return `<g class="fk" data-from="${xml(edge.from)}" data-to="${xml(edge.to)}"><title>${xml(label)}</title><path class="edge${cls}" d="${d}"/><path class="end${cls}" d="${ends}"/></g>`;
}

export interface HtmlOptions {
  title: string;
  /** A line under the title: what is drawn, from where. */
  subtitle: string;
}

export function htmlDiagram(diagram: Diagram, options: HtmlOptions): string {
  const layout = layoutDiagram(diagram);
  const edges = diagram.edges
    .map((edge) => {
      const child = layout.boxes.get(edge.from);
      const parent = layout.boxes.get(edge.to);
      return child && parent ? edgeSvg(edge, child, parent) : "";
    })
    .join("\n");
  const tables = [...layout.boxes.values()].map(tableSvg).join("\n");
  const legend = diagram.marked
    ? `<div class="legend"><span class="added">added</span><span class="changed">changed</span><span class="renamed">renamed</span><span class="dropped">dropped</span></div>`
    : "";
  const empty = diagram.tables.length === 0 ? `<p class="sub">No tables.</p>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${xml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${xml(options.title)}</h1><p class="sub">${xml(options.subtitle)}</p>${legend}${empty}</header>
<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}" viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}" role="img" aria-label="${xml(options.title)}">
${edges}
${tables}
</svg>
</body>
</html>
`;
}
