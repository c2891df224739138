/**
 * Where each table of a diagram goes on the page: a layered layout, drawn
 * left to right. A table that references no other table is in layer 0; a
 * table referencing others sits one layer right of the rightmost of them,
 * so foreign-key edges mostly run right to left, child to parent. Within a
 * layer tables are ordered by where the tables they reference are (fewer
 * crossings), and a layer taller than the page wraps into more columns.
 *
 * Sizes are computed from the text with a fixed character width: the page
 * uses a monospace font, so no browser is needed to measure.
 */
import type { Diagram, DiagramTable } from "./model";

export const METRICS = {
  char: 7.8,
  titleChar: 8.6,
  row: 22,
  header: 30,
  padding: 12,
  keyWidth: 30,
  gapX: 110,
  gapY: 36,
  margin: 24,
  maxColumnHeight: 820,
};

export interface Box {
  table: DiagramTable;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The column of boxes it is in, left to right. */
  column: number;
}

export interface Layout {
  boxes: Map<string, Box>;
  width: number;
  height: number;
}

export function tableSize(table: DiagramTable): { width: number; height: number } {
  const m = METRICS;
  const names = Math.max(0, ...table.columns.map((c) => c.name.length));
  const types = Math.max(0, ...table.columns.map((c) => c.type.length + (c.nullable ? 0 : 0)));
  const body = m.keyWidth + names * m.char + 24 + types * m.char;
  const title = (table.name.length + (table.from ? table.from.length + 6 : 0)) * m.titleChar;
  return {
    width: Math.ceil(Math.max(body, title, 120) + 2 * m.padding),
    height: m.header + Math.max(1, table.columns.length) * m.row + 8,
  };
}

/** Layer of each table: 0 for tables referencing none, else one more than the deepest table referenced. */
function layers(diagram: Diagram): Map<string, number> {
  const names = new Set(diagram.tables.map((t) => t.name));
  const parents = new Map<string, string[]>(diagram.tables.map((t) => [t.name, []]));
  for (const edge of diagram.edges) {
    if (edge.from !== edge.to && names.has(edge.to)) parents.get(edge.from)?.push(edge.to);
  }
  const layer = new Map<string, number>(diagram.tables.map((t) => [t.name, 0]));
  // Longest path, bounded so that a cycle of foreign keys cannot loop forever.
  for (let round = 0; round < diagram.tables.length; round++) {
    let moved = false;
    for (const [name, refs] of parents) {
      const want = refs.length ? Math.max(...refs.map((p) => layer.get(p)! + 1)) : 0;
      if (want > layer.get(name)! && want < diagram.tables.length) {
        layer.set(name, want);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return layer;
}

export function layoutDiagram(diagram: Diagram, top = METRICS.margin): Layout {
  const m = METRICS;
  const layerOf = layers(diagram);
  const count = Math.max(0, ...layerOf.values()) + 1;
  const byLayer: DiagramTable[][] = Array.from({ length: count }, () => []);
  for (const table of diagram.tables) byLayer[layerOf.get(table.name)!].push(table);

  const order = new Map<string, number>();
  const boxes = new Map<string, Box>();
  let x = m.margin;
  let column = 0;
  let height = 0;
  for (const tables of byLayer) {
    if (tables.length === 0) continue;
    // Barycentre of the tables referenced, in the layers already placed.
    const weight = (t: DiagramTable) => {
      const refs = diagram.edges.filter((e) => e.from === t.name && order.has(e.to)).map((e) => order.get(e.to)!);
      if (refs.length) return refs.reduce((a, b) => a + b, 0) / refs.length;
      // Tables nothing connects go last, out of the edges' way.
      return diagram.edges.some((e) => e.to === t.name || e.from === t.name) ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER;
    };
    const sorted = [...tables].sort((a, b) => weight(a) - weight(b) || a.name.localeCompare(b.name));
    let y = top;
    let columnWidth = 0;
    for (const table of sorted) {
      const size = tableSize(table);
      if (y > top && y + size.height > top + m.maxColumnHeight) {
        x += columnWidth + m.gapX;
        column++;
        y = top;
        columnWidth = 0;
      }
      boxes.set(table.name, { table, x, y, ...size, column });
      order.set(table.name, order.size);
      y += size.height + m.gapY;
      columnWidth = Math.max(columnWidth, size.width);
      height = Math.max(height, y - m.gapY);
    }
    x += columnWidth + m.gapX;
    column++;
  }
  return { boxes, width: Math.max(x - m.gapX + m.margin, 320), height: height + m.margin };
}
