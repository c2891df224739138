/**
 * Column defaults: PostgreSQL prints them back decorated with casts
 * (`'abc'::character varying`, `'-1'::integer`, `'a'::users_role_enum`), the
 * canonical model wants the portable spelling (`'abc'`, `-1`, `'a'`). Both the
 * introspected side and the entity side pass through `normalizeDefault`, so
 * the two meet whatever spelling each started from.
 */
import { canonicalExpression } from "./expressions";
import { isIntegerType, isNumericType } from "./types";

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

/** `'...'` followed by one or more casts: `::text`, `::"MyEnum"`, `::integer[]`. */
const CAST_LITERAL = /^('(?:[^']|'')*')((?:::(?:"(?:[^"]|"")*"|[\w\s.[\](),])+)+)$/;

/** Spellings of "the current time" that all mean CURRENT_TIMESTAMP. */
const CURRENT_TIME_SPELLINGS = [
  /^now\(\)$/i,
  /^current_timestamp(?:\(\d*\))?$/i,
  /^transaction_timestamp\(\)$/i,
  /^\('now'::text\)::timestamp(?:\(\d+\))? with(?:out)? time zone$/i,
  /^'now'::text::timestamp(?:\(\d+\))? with(?:out)? time zone$/i,
];

/** Spellings of "today" (PostgreSQL before 16 prints CURRENT_DATE as a cast of 'now'). */
const CURRENT_DATE_SPELLINGS = [/^current_date$/i, /^\('now'::text\)::date$/i, /^'now'::text::date$/i];

/**
 * The other niladic clock functions, by the spelling PostgreSQL stores
 * (`current_time` comes back as `CURRENT_TIME`; before PostgreSQL 16 as a
 * cast of 'now').
 */
const CLOCK_SPELLINGS: Array<[RegExp, string]> = [
  [/^current_time$/i, "CURRENT_TIME"],
  [/^\(?'now'::text\)?::time with time zone$/i, "CURRENT_TIME"],
  [/^localtime$/i, "LOCALTIME"],
  [/^\(?'now'::text\)?::time without time zone$/i, "LOCALTIME"],
  [/^localtimestamp$/i, "LOCALTIMESTAMP"],
];

const SEQUENCE_DEFAULT = /^nextval\('(?:[^']|'')*'(?:::regclass)?\)$/i;
const UUID_DEFAULT = /^(?:[\w"]+\.)?(?:gen_random_uuid|uuid_generate_v4)\(\)$/i;

/** Whether `expression` is the default a serial column gets. */
export function isSequenceDefault(expression: string): boolean {
  return SEQUENCE_DEFAULT.test(expression.trim());
}

/** Whether `expression` produces a random uuid. */
export function isUuidDefault(expression: string): boolean {
  return UUID_DEFAULT.test(expression.trim());
}

function unquoteLiteral(literal: string): string {
  return literal.slice(1, -1).replace(/''/g, "'");
}

/**
 * The canonical spelling of a default expression for a column of canonical
 * type `type`, or undefined when the expression means "no default" (NULL).
 * Idempotent.
 */
/**
 * Both sides of a diff normalize the same few default spellings thousands of
 * times over (every created_at, every `0`): the answer is remembered.
 */
const normalizedDefaults = new Map<string, string | undefined>();

export function normalizeDefault(expression: string | undefined, type: string): string | undefined {
  if (expression === undefined || expression === null) return undefined;
  const key = `${type}\u0000${expression}`;
  if (normalizedDefaults.has(key)) return normalizedDefaults.get(key);
  const normalized = normalizeDefaultText(String(expression), type);
  if (normalizedDefaults.size >= 10_000) normalizedDefaults.clear();
  normalizedDefaults.set(key, normalized);
  return normalized;
}

function normalizeDefaultText(expression: string, type: string): string | undefined {
  let text = expression.trim();

  // `(-1)`: PostgreSQL parenthesizes negative numbers in some positions.
  const parenthesized = /^\((-?[\d.]+(?:e[-+]?\d+)?)\)$/i.exec(text);
  if (parenthesized) text = parenthesized[1];

  if (/^null(?:::[\w\s."[\]()]+)?$/i.test(text)) return undefined;
  if (CURRENT_TIME_SPELLINGS.some((re) => re.test(text))) return "CURRENT_TIMESTAMP";
  if (CURRENT_DATE_SPELLINGS.some((re) => re.test(text))) return "CURRENT_DATE";
  const clock = CLOCK_SPELLINGS.find(([re]) => re.test(text));
  if (clock) return clock[1];
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase();

  const cast = CAST_LITERAL.exec(text);
  if (cast) text = cast[1];
  // Inside a larger expression PostgreSQL casts literals too: lower('A'::text).
  else text = canonicalExpression(text);

  // A quoted number on a numeric column is that number ('-1'::integer → -1).
  if (/^'.*'$/s.test(text) && isNumericType(type)) {
    const inner = unquoteLiteral(text);
    if (NUMBER.test(inner)) text = inner;
  }
  if (type === "boolean" && /^'(?:true|false|t|f)'$/i.test(text)) {
    return /^'t/i.test(text) ? "true" : "false";
  }
  if (isIntegerType(type) && /^-?\d+$/.test(text)) {
    return String(BigInt(text));
  }
  return enumLabel(text, type);
}

/**
 * An enum's values are labels (TypeORM writes `default: 1` of an enum of
 * '1' | '2' as '1'): a bare number, which PostgreSQL refuses as the default
 * of an enum type, means the label spelled the same.
 */
function enumLabel(text: string, type: string): string {
  return type === "enum" && NUMBER.test(text) ? `'${text}'` : text;
}

/**
 * The PostgreSQL text of a default, in the spelling TypeORM's PostgreSQL
 * driver writes for it, because TypeORM compares the stored default text with
 * that spelling (PostgresDriver.normalizeDefault): the current time as
 * `now()` (or `('now'::text)::...` with a precision), CURRENT_DATE as
 * `('now'::text)::date`, numbers quoted (`'1.5'`, stored `'1.5'::real`).
 * Anything else is already valid SQL and kept as written.
 */
export function renderDefault(spelling: string): string {
  const text = spelling.trim();
  if (NUMBER.test(text)) return `'${text}'`;
  return typeormDatetimeSpelling(text) ?? text;
}

/**
 * The DEFAULT text of a column: the entity's own spelling (`defaultSql`)
 * unless it is a spelling of the current time or date, which is written in
 * TypeORM's PostgreSQL spelling instead. That also keeps one set of migration
 * files portable: a migration generated on SQLite carries TypeORM's SQLite
 * `datetime('now')`, which PostgreSQL does not have.
 */
export function renderColumnDefault(column: { default?: string; defaultSql?: string; type: string }): string | undefined {
  if (column.default === undefined) return undefined;
  const spelling = column.defaultSql;
  if (spelling !== undefined && !isCurrentTimeOrDate(normalizeDefault(column.default, column.type))) return renderDefault(spelling);
  return renderDefault(column.default);
}

function isCurrentTimeOrDate(canonical: string | undefined): boolean {
  return canonical === "CURRENT_TIMESTAMP" || canonical === "CURRENT_DATE";
}

/** TypeORM's PostgresDriver.normalizeDatetimeFunction, for the keywords alone. */
function typeormDatetimeSpelling(text: string): string | undefined {
  const match = /^(current_timestamp|current_date|current_time|localtimestamp|localtime)(?:\((\d+)\))?$/i.exec(text);
  if (!match) return undefined;
  const keyword = match[1].toLowerCase();
  const precision = match[2] !== undefined ? `(${match[2]})` : "";
  switch (keyword) {
    case "current_timestamp":
      return precision ? `('now'::text)::timestamp${precision} with time zone` : "now()";
    case "current_date":
      return precision ? undefined : "('now'::text)::date";
    case "current_time":
      return `('now'::text)::time${precision} with time zone`;
    case "localtimestamp":
      return `('now'::text)::timestamp${precision} without time zone`;
    default:
      return `('now'::text)::time${precision} without time zone`;
  }
}
