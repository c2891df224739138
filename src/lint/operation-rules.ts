/**
 * The portable rules: what an Operation means for the data and for the code
 * running against it, on any database — destructive (D), data-dependent (N)
 * and breaking (B) codes. Lock behaviour differs per database and lives in
 * the dialect rule tables (dialect-rules/).
 *
 * Nothing done to a table created earlier in the same migration is flagged:
 * it has no rows yet and no running code knows it.
 */
import { describeOperation } from "../ops/describe";
import { narrowsSize, typeRelation } from "../diff/warnings";
import type { Operation } from "../ops/operations";
import { formatColumnType } from "../schema/equal";
import { finding, type Finding } from "./codes";

export interface MigrationContext {
  /** Tables created earlier in this migration (their current names). */
  readonly created: ReadonlySet<string>;
  /** Tables a later statement of this migration renames another table to: dropping one is a replacement. */
  readonly replaced: ReadonlySet<string>;
}

export function operationFindings(op: Operation, context: MigrationContext): Finding[] {
  const subject = describeOperation(op);
  const at = (code: Parameters<typeof finding>[0], message: string) => finding(code, message, subject);
  if (op.kind === "createView" || op.kind === "dropView") return [];
  if (
    op.kind !== "createTable" &&
    op.kind !== "sql" &&
    op.kind !== "createSchema" &&
    op.kind !== "dropSchema" &&
    op.kind !== "createExtension" &&
    op.kind !== "dropExtension"
  ) {
    const table = op.kind === "dropTable" ? op.table.name : op.kind === "renameTable" ? op.from : op.table;
    if (context.created.has(table)) return [];
  }

  switch (op.kind) {
    case "dropTable":
      if (context.replaced.has(op.table.name)) return [];
      return [
        at(
          "AT-D001",
          `Table ${op.table.name} is dropped: all its rows are lost and code still reading it fails; deploy code that no longer uses it first, and keep a backup.`,
        ),
      ];
    case "dropColumn":
      return [
        at(
          "AT-D002",
          `Column ${op.table}.${op.column.name} is dropped: its data is lost and code still reading it fails; deploy code that no longer uses it first (or rename instead if this was meant as a rename).`,
        ),
      ];
    case "renameTable":
      return [
        at(
          "AT-B001",
          `Table ${op.from} is renamed to ${op.to}: code still running that uses the old name fails until it is redeployed; prefer adding a view under the old name for the transition, or deploy in steps.`,
        ),
      ];
    case "renameColumn":
      return [
        at(
          "AT-B002",
          `Column ${op.table}.${op.from} is renamed to ${op.to}: code still running that uses the old name fails until it is redeployed; add the new column, write both, backfill, then drop the old one.`,
        ),
      ];
    case "renameEnumValue":
      return [
        at(
          "AT-B003",
          `Value "${op.from}" of ${op.table}.${op.column} is renamed to "${op.to}": code still running that writes or looks for "${op.from}" fails or finds nothing until it is redeployed; deploy code that accepts both first.`,
        ),
      ];
    case "addColumn": {
      const { column } = op;
      if (column.nullable || column.default !== undefined || column.generated) return [];
      return [
        at(
          "AT-N001",
          `Column ${op.table}.${column.name} is added as NOT NULL without a default: this fails as soon as ${op.table} has rows; add it nullable, backfill, then set NOT NULL (or give it a default).`,
        ),
      ];
    }
    case "alterColumn":
      return alterColumnFindings(op, at);
    case "addUnique":
    case "addPrimaryKey":
      return [uniqueFinding(op.table, op.kind === "addUnique" ? "a unique constraint" : "a primary key", at)];
    case "createIndex":
      return op.index.unique ? [uniqueFinding(op.table, `unique index ${op.index.name}`, at)] : [];
    case "addCheck":
      return [
        at(
          "AT-N004",
          `Check ${op.check.name} is added to ${op.table}: the migration fails if an existing row violates it; fix those rows first (or add it NOT VALID and validate later on PostgreSQL).`,
        ),
      ];
    case "addForeignKey":
      return [
        at(
          "AT-N005",
          `Foreign key ${op.foreignKey.name} is added to ${op.table}: the migration fails if a row references nothing; delete or fix orphans first (or add it NOT VALID and validate later on PostgreSQL).`,
        ),
      ];
    default:
      return [];
  }
}

type At = (code: Parameters<typeof finding>[0], message: string) => Finding;

function uniqueFinding(table: string, what: string, at: At): Finding {
  return at(
    "AT-N003",
    `${capitalize(what)} is added to existing table ${table}: the migration fails if the rows hold duplicates; check for them first.`,
  );
}

function alterColumnFindings(op: Extract<Operation, { kind: "alterColumn" }>, at: At): Finding[] {
  const { from, to } = op;
  const where = `${op.table}.${to.name}`;
  const findings: Finding[] = [];
  const fromType = formatColumnType(from);
  const toType = formatColumnType(to);

  if (from.type === "enum" && to.type === "enum") {
    const removed = (from.enum ?? []).filter((value) => !(to.enum ?? []).includes(value));
    if (removed.length > 0) {
      findings.push(
        at(
          "AT-D005",
          `${where} no longer allows ${removed.map((v) => `'${v}'`).join(", ")}: rows holding them make the migration fail; update those rows in an earlier migration.`,
        ),
      );
    }
  } else if (typeRelation(from.type, to.type) === "other") {
    findings.push(
      at(
        "AT-D004",
        `${where} changes type from ${fromType} to ${toType}: values that do not convert make the migration fail or are lost; check them first.`,
      ),
    );
  } else if (typeRelation(from.type, to.type) === "narrower" || (fromType !== toType && narrowsSize(from, to))) {
    findings.push(
      at(
        "AT-D003",
        `${where} narrows from ${fromType} to ${toType}: values that do not fit make the migration fail or are cut; check the longest values first.`,
      ),
    );
  }

  if (from.nullable && !to.nullable) {
    findings.push(
      at(
        "AT-N002",
        to.default === undefined
          ? `${where} becomes NOT NULL: the migration fails if a row holds NULL; backfill those rows first.`
          : `${where} becomes NOT NULL: rows holding NULL are filled with the default ${to.default} first, or the migration fails where they cannot be; backfill on purpose if that is not what you want.`,
      ),
    );
  }
  return findings;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
