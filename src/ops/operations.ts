/**
 * Operations: small immutable records that change a Schema. They are the
 * central data type — the diff produces them, the code generator prints them,
 * dialects render them to SQL and `schema/apply` replays them on the model.
 *
 * Every operation carries what is needed to invert it (a dropped column keeps
 * its full definition, an altered one keeps both versions), so a migration's
 * `down` is computed, never guessed.
 */
import type { Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Table, Unique, View } from "../schema/model";

export type Operation =
  | { kind: "createTable"; table: Table }
  | { kind: "dropTable"; table: Table }
  | { kind: "renameTable"; from: string; to: string }
  | { kind: "addColumn"; table: string; column: Column }
  | { kind: "dropColumn"; table: string; column: Column }
  | { kind: "renameColumn"; table: string; from: string; to: string }
  | { kind: "alterColumn"; table: string; from: Column; to: Column }
  | { kind: "addPrimaryKey"; table: string; primaryKey: PrimaryKey }
  | { kind: "dropPrimaryKey"; table: string; primaryKey: PrimaryKey }
  | { kind: "addUnique"; table: string; unique: Unique }
  | { kind: "dropUnique"; table: string; unique: Unique }
  | { kind: "createIndex"; table: string; index: Index }
  | { kind: "dropIndex"; table: string; index: Index }
  | { kind: "addForeignKey"; table: string; foreignKey: ForeignKey }
  | { kind: "dropForeignKey"; table: string; foreignKey: ForeignKey }
  | { kind: "addCheck"; table: string; check: Check }
  | { kind: "dropCheck"; table: string; check: Check }
  /** PostgreSQL EXCLUDE constraints (other dialects have none). */
  | { kind: "addExclusion"; table: string; exclusion: Exclusion }
  | { kind: "dropExclusion"; table: string; exclusion: Exclusion }
  /**
   * Value `from` of enum column `table.column` becomes `to`; rows holding it
   * now hold `to`. `enumName`: the column's enum type when it names one
   * (PostgreSQL renames the value in that type, for every column using it).
   */
  | { kind: "renameEnumValue"; table: string; column: string; from: string; to: string; enumName?: string }
  /** The table's comment changes from `from` to `to` (absent: no comment). */
  | { kind: "setTableComment"; table: string; from?: string; to?: string }
  /** The table's storage engine changes from `from` to `to` (MySQL/MariaDB; the others have none and ignore it). */
  | { kind: "setTableEngine"; table: string; from: string; to: string }
  /** A schema (namespace) for tables outside the default one; SQLite has none and ignores both. */
  | { kind: "createSchema"; schema: string }
  | { kind: "dropSchema"; schema: string }
  /**
   * A database extension that column types of the migration need
   * (PostgreSQL's citext, hstore, vector, ...), created if missing. Its
   * inverse drops it only where this operation created it. Dialects
   * without extensions ignore both.
   */
  | { kind: "createExtension"; extension: string }
  | { kind: "dropExtension"; extension: string }
  /** A view (`@ViewEntity`), and TypeORM's typeorm_metadata row that records it. */
  | { kind: "createView"; view: View }
  | { kind: "dropView"; view: View }
  /** Raw SQL, written by hand; `down` is what undoes it, if known. */
  | { kind: "sql"; up: string; down?: string };

export type OperationKind = Operation["kind"];

/** The operation that undoes `op`. */
export function invert(op: Operation): Operation {
  switch (op.kind) {
    case "createTable":
      return { kind: "dropTable", table: op.table };
    case "dropTable":
      return { kind: "createTable", table: op.table };
    case "renameTable":
      return { kind: "renameTable", from: op.to, to: op.from };
    case "addColumn":
      return { kind: "dropColumn", table: op.table, column: op.column };
    case "dropColumn":
      return { kind: "addColumn", table: op.table, column: op.column };
    case "renameColumn":
      return { kind: "renameColumn", table: op.table, from: op.to, to: op.from };
    case "alterColumn":
      return { kind: "alterColumn", table: op.table, from: op.to, to: op.from };
    case "addPrimaryKey":
      return { kind: "dropPrimaryKey", table: op.table, primaryKey: op.primaryKey };
    case "dropPrimaryKey":
      return { kind: "addPrimaryKey", table: op.table, primaryKey: op.primaryKey };
    case "addUnique":
      return { kind: "dropUnique", table: op.table, unique: op.unique };
    case "dropUnique":
      return { kind: "addUnique", table: op.table, unique: op.unique };
    case "createIndex":
      return { kind: "dropIndex", table: op.table, index: op.index };
    case "dropIndex":
      return { kind: "createIndex", table: op.table, index: op.index };
    case "addForeignKey":
      return { kind: "dropForeignKey", table: op.table, foreignKey: op.foreignKey };
    case "dropForeignKey":
      return { kind: "addForeignKey", table: op.table, foreignKey: op.foreignKey };
    case "addCheck":
      return { kind: "dropCheck", table: op.table, check: op.check };
    case "dropCheck":
      return { kind: "addCheck", table: op.table, check: op.check };
    case "addExclusion":
      return { kind: "dropExclusion", table: op.table, exclusion: op.exclusion };
    case "dropExclusion":
      return { kind: "addExclusion", table: op.table, exclusion: op.exclusion };
    case "renameEnumValue":
      return { ...op, from: op.to, to: op.from };
    case "setTableComment":
      return withoutUndefined({ kind: "setTableComment", table: op.table, from: op.to, to: op.from });
    case "setTableEngine":
      return { kind: "setTableEngine", table: op.table, from: op.to, to: op.from };
    case "createSchema":
      return { kind: "dropSchema", schema: op.schema };
    case "dropSchema":
      return { kind: "createSchema", schema: op.schema };
    case "createExtension":
      return { kind: "dropExtension", extension: op.extension };
    case "dropExtension":
      return { kind: "createExtension", extension: op.extension };
    case "createView":
      return { kind: "dropView", view: op.view };
    case "dropView":
      return { kind: "createView", view: op.view };
    case "sql":
      if (op.down === undefined) {
        throw new Error(`A raw SQL operation without a "down" cannot be inverted: ${op.up}`);
      }
      return { kind: "sql", up: op.down, down: op.up };
  }
}

/** A record without undefined properties, so inverting twice gives back an equal record. */
function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/** The operations that undo `ops`, in the order they must run. */
export function invertAll(ops: readonly Operation[]): Operation[] {
  return [...ops].reverse().map(invert);
}
