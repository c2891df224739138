/**
 * How MySQL/MariaDB compare the names of indexes and constraints: ignoring
 * case, but not accents. Measured on MariaDB 10.11 (lower_case_table_names
 * = 0; test/dialect/mysql-names.test.ts keeps it true): beside an index
 * `ix_a`, `IX_A` is refused ("Duplicate key name"), beside `IX Ñ` so is
 * `IX ñ`, while `IX N` and `IX Ñ`, `ixe` and `ixé`, `Größe` and `GRÖSSE`
 * live side by side. The namespaces:
 *
 * - a table's indexes, unique keys among them (a unique constraint is a
 *   unique index there): Unicode case;
 * - a table's checks, against each other and against its foreign keys
 *   ("Duplicate CHECK constraint name"): Unicode case;
 * - foreign keys against each other across the whole database, their own
 *   table included (InnoDB keeps them as `database/name`: errno 121): ASCII
 *   case only, so `fk_a` and `FK_A` clash but `fÑ` and `fñ` do not.
 *
 * PostgreSQL and SQLite keep the case of quoted names, so there two such
 * entity names are two names; here generate would write a migration the
 * server refuses half-way, so `nameClash` stops it first.
 */
import type { Schema } from "../../schema/model";

/** A name as MySQL/MariaDB compare index and check names: names with the same fold are one name to the server. */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/** A foreign key's name as InnoDB compares it with the database's other foreign keys: ASCII letters only. */
export function foldForeignKeyName(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

interface Named {
  name: string;
  /** "index", "unique constraint", "check", "foreign key" */
  kind: string;
  table: string;
}

/**
 * The first two items of `items` that the server takes for one name, if
 * any: the same `fold`, and (`compared`) a pair the server compares at all.
 */
function firstClash(
  items: Named[],
  fold: (name: string) => string,
  compared: (a: Named, b: Named) => boolean = () => true,
): [Named, Named] | undefined {
  const seen = new Map<string, Named[]>();
  for (const item of items) {
    const others = seen.get(fold(item.name)) ?? [];
    const other = others.find((earlier) => compared(earlier, item));
    if (other) return [other, item];
    seen.set(fold(item.name), [...others, item]);
  }
  return undefined;
}

function describe(item: Named, withTable: boolean): string {
  return `${item.kind} "${item.name}"${withTable ? ` on ${item.table}` : ""}`;
}

/**
 * The sentence that stops `generate` (and `check`, `verify`) when two names
 * the entities declare are one name to MySQL/MariaDB; undefined when none
 * clash.
 */
export function nameClash(target: Schema): string | undefined {
  const clashes: Array<[Named, Named] | undefined> = [];
  for (const table of Object.values(target.tables)) {
    clashes.push(
      firstClash(
        [
          ...table.indexes.map((index) => ({ name: index.name, kind: index.unique ? "unique index" : "index", table: table.name })),
          ...table.uniques.map((unique) => ({ name: unique.name, kind: "unique constraint", table: table.name })),
        ],
        foldName,
      ),
      // Two foreign keys are InnoDB's to compare, below.
      firstClash(
        [
          ...table.checks.map((check) => ({ name: check.name, kind: "check", table: table.name })),
          ...table.foreignKeys.map((fk) => ({ name: fk.name, kind: "foreign key", table: table.name })),
        ],
        foldName,
        (a, b) => a.kind === "check" || b.kind === "check",
      ),
    );
  }
  clashes.push(
    firstClash(
      Object.values(target.tables).flatMap((table) =>
        table.foreignKeys.map((fk) => ({ name: fk.name, kind: "foreign key", table: table.name })),
      ),
      foldForeignKeyName,
    ),
  );
  const clash = clashes.find((found) => found !== undefined);
  if (!clash) return undefined;
  const [first, second] = clash;
  const sameTable = first.table === second.table;
  const where = sameTable ? `Table ${first.table} declares` : "The entities declare";
  const how =
    first.name === second.name
      ? "the same name twice"
      : `names that MySQL and MariaDB take for one (they compare index and constraint names ignoring case)`;
  const what = first.kind === "foreign key" && second.kind === "foreign key" && !sameTable ? "across the database" : "in one table";
  return (
    `${where} ${describe(first, !sameTable)} and ${describe(second, !sameTable)}: ${how}, ` +
    `and the server refuses a second one of that name ${what}. ` +
    `Give one of them another name in its decorator (@Index, @Unique, @Check, or the relation's foreignKeyConstraintName), then generate again.`
  );
}
