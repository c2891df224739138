/**
 * yargs' own complaints ("Unknown argument: x", "Invalid values: …", "Not
 * enough non-option arguments: got 0, need at least 1") rewritten as the one
 * sentence with a fix that every Athanor error is. A message this module does
 * not recognise (another yargs locale, a new yargs) passes through unchanged.
 */
export function usageMessage(message: string, argv: readonly string[]): string {
  const bare = argv.filter((arg) => !arg.startsWith("-"));
  const command = bare[0];

  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const names = unknown[1].split(", ").filter((name) => !/[A-Z]/.test(name) || !unknown[1].includes(kebab(name)));
    // yargs names an unknown command and an unknown --option alike; argv tells them apart.
    if (command !== undefined && names.includes(command)) {
      return `Unknown command "${command}": run athanor --help to list the commands.`;
    }
    const extra = names.filter((name) => bare.includes(name));
    if (extra.length > 0) {
      return argumentNotTaken(command, extra);
    }
    const flags = names.map((name) => (name.length === 1 ? `-${name}` : `--${name}`)).join(", ");
    return `Unknown option${names.length === 1 ? "" : "s"} ${flags}: run athanor ${command ? `${command} ` : ""}--help for the options it takes.`;
  }

  const suggestion = /^Did you mean (.+)\?$/.exec(message);
  if (suggestion && command) {
    return `Unknown command "${command}": did you mean athanor ${suggestion[1]}? (athanor --help lists the commands)`;
  }

  const invalid = /Argument: ([^,]+), Given: ("[^"]*"|\S+), Choices: (.+)$/m.exec(message);
  if (invalid) {
    const choices = invalid[3].replace(/"/g, "");
    return `--${invalid[1]} ${invalid[2]} is not a valid value: use one of ${choices}.`;
  }

  if (/^Not enough non-option arguments/.test(message) && command) {
    return `athanor ${command} is missing an argument: run athanor ${command} --help to see what it takes.`;
  }

  const missing = /^Missing required arguments?: (.+)$/.exec(message);
  if (missing) return `Missing ${missing[1]}: run athanor ${command ? `${command} ` : ""}--help to see what it takes.`;

  return message;
}

/** A word on the command line the command takes no argument for. */
export function argumentNotTaken(command: string | undefined, words: string[]): string {
  return `athanor ${command} does not take ${words.map((name) => `"${name}"`).join(", ")}: run athanor ${command} --help to see what it takes.`;
}

/** yargs lists an unknown --dry-runn also as dryRunn; keep only the spelling the user typed. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
