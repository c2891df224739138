/**
 * How SQLite compares the names of indexes: ignoring the case of ASCII
 * letters only (`IX_A Ñ` and `ix_a Ñ` are one index, `Ñ` and `ñ` two), as
 * it compares every identifier. The diff pairs names this way, so a live
 * `IX_A` that a new `ix_a` would meet is dropped first ("index ix_a already
 * exists" otherwise). Index names are one namespace across the database.
 */
import type { Schema } from "../../schema/model";

/** An index name as SQLite compares it: names with the same fold are one index. */
export function foldName(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * The sentence that stops `generate` (and `check`, `verify`) when two
 * indexes of the entities are one name to SQLite, which keeps index names
 * across the whole database; undefined when none clash.
 */
export function nameClash(target: Schema): string | undefined {
  const seen = new Map<string, { index: string; table: string }>();
  for (const table of Object.values(target.tables)) {
    for (const index of table.indexes) {
      const other = seen.get(foldName(index.name));
      if (other) {
        const both =
          other.table === table.name
            ? `Table ${table.name} declares index "${other.index}" and index "${index.name}"`
            : `The entities declare index "${other.index}" on ${other.table} and index "${index.name}" on ${table.name}`;
        const how = other.index === index.name ? "the same name twice" : "names that SQLite takes for one (it compares them ignoring case)";
        return (
          `${both}: ${how}, and SQLite refuses a second index of that name in one database. ` +
          `Give one of them another name in its @Index decorator, then generate again.`
        );
      }
      seen.set(foldName(index.name), { index: index.name, table: table.name });
    }
  }
  return undefined;
}
