/**
 * Every option that takes a value must be given one. yargs quietly reads
 * `run --step` (no number) as "no --step", a `--to` at the end of the line as
 * an empty string, and `--step --dry-run` as a step of nothing, so the
 * command ran as if the option were absent: `run --step` applied everything.
 * This check runs after yargs parsed the command's own options and looks at
 * the words as typed, so it covers every value-taking option of every
 * command (and the global ones) without listing them.
 */
import { UsageError } from "../errors";

/** What yargs' (untyped) `getOptions()` says about the options of the parsed command. */
export interface ParserOptions {
  string: string[];
  number: string[];
  array: string[];
  boolean: string[];
  choices?: Record<string, unknown>;
  alias: Record<string, string[] | undefined>;
}

/** The options of the parsed command that take a value, under every name they answer to. */
function valueTakingNames(options: ParserOptions): Set<string> {
  const takesValue = new Set<string>([...options.string, ...options.number, ...options.array, ...Object.keys(options.choices ?? {})]);
  for (const boolean of options.boolean) takesValue.delete(boolean);
  const names = new Set<string>();
  for (const key of takesValue) {
    names.add(key);
    names.add(kebab(key));
    for (const alias of options.alias[key] ?? []) names.add(alias);
  }
  return names;
}

/** A word that yargs reads as an option rather than as a value ("-5" is a value). */
function looksLikeOption(word: string): boolean {
  return /^-[^0-9]/.test(word);
}

/**
 * The first option in `words` that takes a value but is followed by none,
 * as typed ("--step", "-d"), or undefined.
 */
export function optionMissingItsValue(words: readonly string[], options: ParserOptions): string | undefined {
  const names = valueTakingNames(options);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") return undefined;
    // --name=value and -dvalue carry their value in the same word; --name= carries none.
    const emptyAssignment = /^--?([^=]+)=$/.exec(word);
    if (emptyAssignment && names.has(emptyAssignment[1])) return word.slice(0, -1);
    const long = /^--([^=]+)$/.exec(word);
    const short = /^-([^-=])$/.exec(word);
    const name = long?.[1] ?? short?.[1];
    if (name === undefined || !names.has(name)) continue;
    const next = words[i + 1];
    if (next === undefined || next === "--" || looksLikeOption(next)) return word;
    i++;
  }
  return undefined;
}

/** The usage error for an option in `words` typed without its value, if one is. */
export function missingValueError(words: readonly string[], options: ParserOptions, command: unknown): UsageError | undefined {
  const missing = optionMissingItsValue(words, options);
  if (missing === undefined) return undefined;
  return new UsageError(
    `${missing} is missing its value: write one after it (athanor ${command ? `${command} ` : ""}--help says what ${missing} takes).`,
  );
}

/**
 * yargs middleware (run before validation): refuse an option typed without
 * its value. (A command missing a positional argument fails before any
 * middleware runs; main.ts asks `missingValueError` there too, since the
 * missing value is often why: `show --dialect` took nothing.)
 */
export function requireOptionValues(words: readonly string[]) {
  return (argv: { _: (string | number)[] }, y: { getOptions(): ParserOptions }): void => {
    const error = missingValueError(words, y.getOptions(), argv._[0]);
    if (error) throw error;
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
