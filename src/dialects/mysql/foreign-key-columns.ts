/**
 * Which changes MySQL/MariaDB refuse on a column a foreign key uses
 * (Dialect.foreignKeyBlocksAlter): the diff drops such keys before the
 * change and creates them again after it, in `up` and in `down`.
 *
 * Found by experiment on MariaDB 10.11 (errors 1832 on the referencing
 * side, 1833 on the referenced side: "Cannot change column …: used in a
 * foreign key constraint"), the same on both sides of the key:
 *
 * - refused: any new stored type — another type, length, precision or scale
 *   (int → bigint, varchar(10) → varchar(20), date → datetime,
 *   datetime(3) → datetime(6), decimal(10,2) → decimal(12,2)), sign,
 *   character set or collation. FOREIGN_KEY_CHECKS = 0 does not help there,
 *   not even with ALGORITHM=COPY, and it would let rows that reference
 *   nothing in unchecked; dropping the key and adding it again checks them.
 * - refused: a referenced column made nullable while a NOT NULL column
 *   references it with ON UPDATE CASCADE (the clean-clone CI's seed
 *   -632544424: a revert taking a column back out of the primary key), and a
 *   referencing column made NOT NULL under a SET NULL action (1830).
 * - taken: NULL ↔ NOT NULL under keys that change no referencing value (NO
 *   ACTION, RESTRICT, ON DELETE CASCADE), a rename, a new default, comment or
 *   ON UPDATE, AUTO_INCREMENT on or off, a value appended to an enum.
 *
 * Judged on the columns as the server stores them (comparable.ts), and
 * broadly where the server's rule is narrow: a change of NULL-ness is taken
 * as refused under any key that can write a referencing value (ON UPDATE
 * CASCADE or SET NULL, ON DELETE SET NULL), and a change of an enum's values
 * as a new type. A key re-created needlessly costs one more check of its
 * rows; a key left in place that the server refuses stops the migration
 * halfway, on a database whose DDL does not roll back.
 */
import type { Column, ForeignKey, ForeignKeyAction } from "../../schema/model";
import { comparableColumnFor } from "./comparable";
import type { ServerCapabilities } from "./server";
import { nativeType, type Flavour } from "./types";

/** Actions that write a referencing column's value. */
const WRITES: readonly ForeignKeyAction[] = ["CASCADE", "SET NULL", "SET DEFAULT"];

export function foreignKeyBlocksAlterFor(
  flavour: Flavour,
  server?: ServerCapabilities,
): (from: Column, to: Column, foreignKey: ForeignKey) => boolean {
  const comparable = comparableColumnFor(flavour, server);
  const stored = (column: Column) => `${nativeType(column, flavour)} ${column.collation ?? ""}`;
  return (fromColumn, toColumn, foreignKey) => {
    const from = comparable(fromColumn);
    const to = comparable(toColumn);
    if (stored(from) !== stored(to)) return true;
    const writes = WRITES.includes(foreignKey.onUpdate) || foreignKey.onDelete === "SET NULL" || foreignKey.onDelete === "SET DEFAULT";
    return from.nullable !== to.nullable && writes;
  };
}
