/**
 * `--` ends the options: what follows is arguments, even words that start
 * with "-". yargs 17 puts those words aside instead of reading them as the
 * command's positional arguments, so `athanor create -- Name` was "missing an
 * argument". When nothing after `--` could be taken for an option, the `--`
 * changes nothing and is dropped, and yargs reads the words as it would
 * without it.
 */
export function withoutNeedlessOptionsEnd(argv: readonly string[]): string[] {
  const end = argv.indexOf("--");
  if (end < 0) return [...argv];
  const after = argv.slice(end + 1);
  if (after.some((word) => word.startsWith("-"))) return [...argv];
  return [...argv.slice(0, end), ...after];
}
