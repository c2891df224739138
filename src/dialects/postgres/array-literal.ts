/**
 * PostgreSQL array literals (`'{a,"b c",NULL}'`), read so that two spellings
 * of the same array compare equal: the server drops the spaces an entity
 * wrote (`{0.0, 0.0}`), prints numbers its own way (`{0,0}`) and quotes only
 * the elements that need it.
 */

/** An element: text, NULL, or a nested array (a further dimension). */
export type ArrayElement = string | null | ArrayElement[];

/** The elements of array literal text `{...}`, or undefined when it is not one. */
export function parseArrayLiteral(text: string): ArrayElement[] | undefined {
  // An explicit lower bound decoration, `[0:1]={1,2}`, says where indexes start.
  const body = text.trim().replace(/^(?:\[-?\d+:-?\d+\])+\s*=\s*/, "");
  const reader = { text: body, at: 0 };
  const parsed = readArray(reader);
  if (parsed === undefined) return undefined;
  skipSpaces(reader);
  return reader.at === body.length ? parsed : undefined;
}

interface Reader {
  text: string;
  at: number;
}

function skipSpaces(reader: Reader): void {
  while (/\s/.test(reader.text[reader.at] ?? "")) reader.at++;
}

function readArray(reader: Reader): ArrayElement[] | undefined {
  skipSpaces(reader);
  if (reader.text[reader.at] !== "{") return undefined;
  reader.at++;
  const elements: ArrayElement[] = [];
  skipSpaces(reader);
  if (reader.text[reader.at] === "}") {
    reader.at++;
    return elements;
  }
  for (;;) {
    const element = readElement(reader);
    if (element === undefined) return undefined;
    elements.push(element);
    skipSpaces(reader);
    const next = reader.text[reader.at++];
    if (next === "}") return elements;
    if (next !== ",") return undefined;
  }
}

function readElement(reader: Reader): ArrayElement | undefined {
  skipSpaces(reader);
  const first = reader.text[reader.at];
  if (first === "{") return readArray(reader);
  if (first === '"') {
    let value = "";
    for (reader.at++; reader.at < reader.text.length; reader.at++) {
      const c = reader.text[reader.at];
      if (c === "\\") value += reader.text[++reader.at] ?? "";
      else if (c === '"') {
        reader.at++;
        return value;
      } else value += c;
    }
    return undefined;
  }
  const start = reader.at;
  while (reader.at < reader.text.length && !/[,}]/.test(reader.text[reader.at])) reader.at++;
  const value = reader.text.slice(start, reader.at).trim();
  if (value === "" || /["{\\]/.test(value)) return undefined;
  return /^null$/i.test(value) ? null : value;
}

/**
 * One spelling per array: every element quoted, numbers (for `numeric`
 * element types) as JavaScript prints them.
 */
export function canonicalArrayLiteral(elements: readonly ArrayElement[], numeric: boolean): string {
  const element = (value: ArrayElement): string => {
    if (value === null) return "NULL";
    if (Array.isArray(value)) return canonicalArrayLiteral(value, numeric);
    if (numeric && value.trim() !== "" && Number.isFinite(Number(value))) return String(Number(value));
    return `"${value.replace(/[\\"]/g, "\\$&")}"`;
  };
  return `{${elements.map(element).join(",")}}`;
}
