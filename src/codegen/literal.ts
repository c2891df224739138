/**
 * Printing plain data (the operation records) as TypeScript literals that a
 * reviewer can read: unquoted keys where they are identifiers, double-quoted
 * strings, one line when it fits, otherwise one property per line.
 */

/** Lines longer than this are broken up. */
export const MAX_LINE_WIDTH = 100;
export const INDENT = "  ";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Nothing a single-quoted string would have to escape besides the quote itself. */
// eslint-disable-next-line no-control-regex -- the control characters are what this pattern must find
const PLAIN_TEXT = /^[^'\\\u0000-\u001f\u2028\u2029]*$/;

export function printString(value: string): string {
  // A name holding double quotes (a table in a schema is `"billing"."invoices"`)
  // reads better single-quoted than escaped.
  if (value.includes('"') && PLAIN_TEXT.test(value)) return `'${value}'`;
  // JSON string syntax is valid TypeScript string syntax.
  return JSON.stringify(value);
}

function printKey(key: string): string {
  return IDENTIFIER.test(key) ? key : printString(key);
}

/** Properties with an undefined value are left out, as JSON would. */
function entries(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** The value on one line. */
export function printInline(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return printString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(printInline).join(", ")}]`;
  if (typeof value === "object") {
    const props = entries(value).map(([k, v]) => `${printKey(k)}: ${printInline(v)}`);
    return props.length === 0 ? "{}" : `{ ${props.join(", ")} }`;
  }
  throw new Error(`cannot print a ${typeof value} in a migration file`);
}

/**
 * The value, possibly over several lines. `level` is the indentation of the
 * line the value starts on; `used` is how many characters of that line are
 * taken before and after the value (indentation, key, trailing `,` or `);`).
 */
export function printValue(value: unknown, level: number, used: number): string {
  const inline = printInline(value);
  if (used + inline.length <= MAX_LINE_WIDTH || value === null || typeof value !== "object") return inline;
  const inner = INDENT.repeat(level + 1);
  const close = INDENT.repeat(level);
  if (Array.isArray(value)) {
    const items = value.map((item) => `${inner}${printValue(item, level + 1, inner.length + 1)},`);
    return `[\n${items.join("\n")}\n${close}]`;
  }
  const props = entries(value).map(([k, v]) => {
    const key = `${printKey(k)}: `;
    return `${inner}${key}${printValue(v, level + 1, inner.length + key.length + 1)},`;
  });
  return `{\n${props.join("\n")}\n${close}}`;
}

/**
 * A call statement such as `await op(queryRunner).addColumn("users", {...});`
 * at indentation `level`: on one line when it fits; otherwise a trailing
 * object argument opens on the call's line (`addColumn("users", {`); failing
 * that, one argument per line.
 */
export function printCall(callee: string, args: readonly unknown[], level: number): string {
  const indent = INDENT.repeat(level);
  const head = `${indent}${callee}(`;
  const inline = `${head}${args.map(printInline).join(", ")});`;
  if (inline.length <= MAX_LINE_WIDTH) return inline;

  const leading = args.slice(0, -1);
  const last = args[args.length - 1];
  const leadingAreSimple = leading.every((a) => a === null || typeof a !== "object");
  if (args.length > 0 && leadingAreSimple && typeof last === "object" && last !== null) {
    const prefix = `${head}${leading.map((a) => `${printInline(a)}, `).join("")}`;
    if (prefix.length < MAX_LINE_WIDTH / 2) {
      return `${prefix}${printValue(last, level, prefix.length + 2)});`;
    }
  }
  const inner = INDENT.repeat(level + 1);
  const lines = args.map((a) => `${inner}${printValue(a, level + 1, inner.length + 1)},`);
  return `${head}\n${lines.join("\n")}\n${indent});`;
}
