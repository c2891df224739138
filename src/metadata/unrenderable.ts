/**
 * Declarations no migration could carry to the database, refused while the
 * entities' schema is built (so `generate` stops with exit 2 and writes
 * nothing) rather than by the database at `run`.
 *
 * A NUL character ends a string for both PostgreSQL's wire protocol (the
 * driver fails with "invalid message format") and SQLite's SQL text: a
 * comment, a string default or an enum value holding one cannot be written
 * into a statement.
 *
 * An enum column's default that is not one of its values is refused by
 * PostgreSQL when the table is created (`invalid input value for enum`); on
 * SQLite the CHECK would refuse every row that takes the default.
 */
import type { EntityMetadata } from "typeorm";
import { UsageError } from "../errors";

type ColumnMetadata = EntityMetadata["columns"][number];

const NUL = "\u0000";

export function refuseUnrenderable(metadatas: readonly EntityMetadata[]): void {
  for (const metadata of metadatas) {
    if (metadata.tableType === "view") continue;
    if (typeof metadata.comment === "string" && metadata.comment.includes(NUL)) {
      throw new UsageError(
        `Entity ${metadata.targetName} has a table comment holding a NUL character (\\0), which a database cannot store: remove it from the comment in its @Entity decorator.`,
      );
    }
    for (const column of metadata.columns) {
      refuseEnumDefaultOutsideValues(metadata, column);
      const what = nulHolder(column);
      if (!what) continue;
      throw new UsageError(
        `Column ${ownerName(metadata, column)}.${column.propertyPath} has ${what} holding a NUL character (\\0), which a database cannot store: remove it from the ${what.replace(/^an? /, "")} in its @Column decorator.`,
      );
    }
  }
}

function refuseEnumDefaultOutsideValues(metadata: EntityMetadata, column: ColumnMetadata): void {
  const values = (column.enum ?? []).map((value) => String(value));
  const given = column.default;
  // A function is raw SQL, and an array column's default is a list: neither is a single label.
  if (values.length === 0 || column.isArray || (typeof given !== "string" && typeof given !== "number")) return;
  if (values.includes(String(given))) return;
  throw new UsageError(
    `Column ${ownerName(metadata, column)}.${column.propertyPath} has the default ${JSON.stringify(String(given))}, which is not one of its enum values (${values
      .map((value) => JSON.stringify(value))
      .join(", ")}): make the default one of them, or add it to the enum.`,
  );
}

/** Which part of a column's declaration holds a NUL, said with its article. */
function nulHolder(column: ColumnMetadata): string | undefined {
  if (typeof column.comment === "string" && column.comment.includes(NUL)) return "a comment";
  if (typeof column.default === "string" && column.default.includes(NUL)) return "a default";
  if ((column.enum ?? []).some((value) => String(value).includes(NUL))) return "an enum value";
  return undefined;
}

/** The class that declares the column (a single-table-inheritance child, not the parent). */
function ownerName(metadata: EntityMetadata, column: ColumnMetadata): string {
  // An embedded column's target is the embedded class: the entity is the one to name.
  const declaredByChild = !column.embeddedMetadata && typeof column.target === "function" && column.target !== metadata.target;
  return declaredByChild ? (column.target as Function).name : metadata.targetName;
}
