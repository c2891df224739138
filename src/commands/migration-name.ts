/**
 * The name a user gives `create` or `generate`, checked before anything is
 * loaded: it must yield a class name, and the file named after it must fit
 * in a directory entry (255 bytes on the usual file systems), or writing it
 * would fail with ENAMETOOLONG after all the work was done.
 */
import { hasNameCharacters, toPascalCase } from "../codegen/names";
import { UsageError } from "../errors";

/**
 * The longest name part of `<13 digits>-<name>.ts`: with the temporary
 * suffix of an atomic write (`.<pid>.tmp`) the file name stays under 255 bytes.
 */
const MAX_NAME_CHARACTERS = 100;
const MAX_NAME_BYTES = 200;

/** The PascalCase name for `name`, or a usage error saying what to type instead. */
export function checkedMigrationName(name: string, command: "create" | "generate"): string {
  const example = command === "create" ? "athanor create SeedCountries" : "athanor generate AddEmailToUsers";
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  if (!hasNameCharacters(name)) {
    throw new UsageError(`The name "${shown}" has no letters or digits to build a class name from: pick another, e.g. ${example}.`);
  }
  const pascal = toPascalCase(name);
  if ([...pascal].length > MAX_NAME_CHARACTERS || Buffer.byteLength(pascal) > MAX_NAME_BYTES) {
    throw new UsageError(
      `The name "${shown}" is too long for a migration file name (${[...name].length} characters): ` +
        `keep it to ${MAX_NAME_CHARACTERS} characters (fewer for letters outside ASCII, which take more bytes), e.g. ${example}.`,
    );
  }
  return pascal;
}
