/**
 * What MySQL/MariaDB's catalog cannot tell apart, read the way the entities
 * declare it (Dialect.readAsDeclared), so that generate finds nothing where
 * the database already holds all it can of what the entities want.
 *
 * Unique keys: MySQL/MariaDB keep no difference between a unique constraint and a unique
 * index: `CONSTRAINT … UNIQUE` creates a unique index, and introspection
 * reports every unique key as one (introspect.ts). The entities say which
 * they mean (metadata/mysql-uniques.ts keeps TypeORM's unique constraints
 * as constraints), so a live unique index over the same columns as one of
 * the target's unique constraints is read as that constraint: the diff then
 * finds nothing where the database already holds what the entities declare.
 *
 * A 4-byte `float` column where the entity declares `real`: MySQL's REAL is
 * DOUBLE, and Athanor writes `double` for it as TypeORM does, but earlier
 * versions wrote `float`. Such a column is read as the entity's, so that
 * upgrading Athanor rewrites no table (as tinyint(1) booleans and UQ_…
 * unique keys of earlier versions stay); a change of the column for another
 * reason writes `double`. Likewise, for TypeORM's "mysql" driver type, a
 * `varchar(36)` where the entity declares a uuid that TypeORM writes
 * `varchar(255)` (one it does not generate).
 */
import type { Check, Column, ForeignKey, Schema, Table } from "../../schema/model";
import { checkKey, columnSetKey, foreignKeyKey } from "../../schema/equal";
import { expressionKey } from "./expression-key";
import { uuidLength, type Flavour } from "./types";

export function readAsDeclared(current: Schema, target: Schema, flavour: Flavour = "mariadb"): Schema {
  const columns = readColumnsAsDeclared(current, target, (live, wanted) => {
    if (live.type === "double" && live.declaredType === "float" && wanted.type === "real") return true;
    // TypeORM's "mysql" driver type: a varchar(36) uuid column an earlier version wrote, where TypeORM writes varchar(255).
    return flavour === "mysql" && isVarchar36(live) && wanted.type === "uuid" && uuidLength(wanted) !== 36;
  });
  return readChecksAsDeclared(readForeignKeyTimingAsDeclared(readUniqueKeysAsDeclared(columns, target), target), target);
}

function isVarchar36(column: Column): boolean {
  return column.type === "varchar" && column.length === 36;
}

/** Live columns that `same` finds equal to the entity's column of that name, read with the entity's type. */
function readColumnsAsDeclared(current: Schema, target: Schema, same: (live: Column, wanted: Column) => boolean): Schema {
  let tables: Record<string, Table> | undefined;
  for (const [name, table] of Object.entries(current.tables)) {
    const wanted = new Map((target.tables[name]?.columns ?? []).map((column) => [column.name, column]));
    const read = table.columns.map((column): Column => {
      const declared = wanted.get(column.name);
      if (!declared || !same(column, declared)) return column;
      const { declaredType: _declared, length: _length, ...rest } = column;
      return {
        ...rest,
        type: declared.type,
        ...(declared.declaredType !== undefined ? { declaredType: declared.declaredType } : {}),
        ...(declared.length !== undefined ? { length: declared.length } : {}),
      };
    });
    if (read.every((column, i) => column === table.columns[i])) continue;
    tables ??= { ...current.tables };
    tables[name] = { ...table, columns: read };
  }
  return tables ? { ...current, tables } : current;
}

/**
 * Checks: the server keeps a CHECK's parse tree, not its text, and prints it
 * back its own way (`price` in backticks, `and` in lower case, only the
 * parentheses precedence needs, `_utf8mb4'x'`, `NOT (a < b)` as `a >= b`:
 * expression-key.ts). A live check that is one of the entity's checks
 * under that reading is read with the entity's text, or generate would drop
 * and add it after every run.
 */
function readChecksAsDeclared(current: Schema, target: Schema): Schema {
  let tables: Record<string, Table> | undefined;
  for (const [name, table] of Object.entries(current.tables)) {
    const unpaired = [...(target.tables[name]?.checks ?? [])];
    if (unpaired.length === 0 || table.checks.length === 0) continue;
    const keyOf = (check: Check) => expressionKey(check.expression) ?? checkKey(check);
    const declaredKeys = new Map(unpaired.map((wanted) => [wanted, keyOf(wanted)]));
    const checks = table.checks.map((check): Check => {
      const key = keyOf(check);
      const same = unpaired.filter((wanted) => checkKey(wanted) === checkKey(check) || declaredKeys.get(wanted) === key);
      // Two checks may say the same thing: the one of the same name first, then the same text.
      const wanted =
        same.find((w) => w.name.toLowerCase() === check.name.toLowerCase()) ?? same.find((w) => checkKey(w) === checkKey(check)) ?? same[0];
      if (!wanted) return check;
      unpaired.splice(unpaired.indexOf(wanted), 1);
      return wanted.expression === check.expression ? check : { ...check, expression: wanted.expression };
    });
    if (checks.every((check, i) => check === table.checks[i])) continue;
    tables ??= { ...current.tables };
    tables[name] = { ...table, checks };
  }
  return tables ? { ...current, tables } : current;
}

/**
 * Foreign keys: MySQL checks every foreign key at once and has no DEFERRABLE
 * (render.ts says so in a note); a live key that is the entity's in all else
 * is read with the entity's timing, or generate would offer the same change
 * after every run.
 */
function readForeignKeyTimingAsDeclared(current: Schema, target: Schema): Schema {
  const timeless = (fk: ForeignKey) => foreignKeyKey({ ...fk, deferrable: undefined });
  let tables: Record<string, Table> | undefined;
  for (const [name, table] of Object.entries(current.tables)) {
    const deferred = (target.tables[name]?.foreignKeys ?? []).filter((fk) => fk.deferrable !== undefined);
    if (deferred.length === 0) continue;
    const foreignKeys = table.foreignKeys.map((fk) => {
      const declared = deferred.find((wanted) => timeless(wanted) === timeless(fk));
      return declared && fk.deferrable === undefined ? { ...fk, deferrable: declared.deferrable } : fk;
    });
    tables ??= { ...current.tables };
    tables[name] = { ...table, foreignKeys };
  }
  return tables ? { ...current, tables } : current;
}

function readUniqueKeysAsDeclared(current: Schema, target: Schema): Schema {
  let tables: Record<string, Table> | undefined;
  for (const [name, table] of Object.entries(current.tables)) {
    const wanted = target.tables[name];
    if (!wanted || wanted.uniques.length === 0) continue;
    const declared = new Set(wanted.uniques.map((unique) => columnSetKey(unique.columns)));
    const held = new Set(table.uniques.map((unique) => columnSetKey(unique.columns)));
    // A unique index the entities declare as an index stays one.
    const declaredIndexes = new Set(wanted.indexes.filter((index) => index.unique).map((index) => index.columns.join(",")));
    const asConstraint = table.indexes.filter(
      (index) =>
        index.unique &&
        index.where === undefined &&
        index.method === undefined &&
        declared.has(columnSetKey(index.columns)) &&
        !held.has(columnSetKey(index.columns)) &&
        !declaredIndexes.has(index.columns.join(",")),
    );
    if (asConstraint.length === 0) continue;
    tables ??= { ...current.tables };
    tables[name] = {
      ...table,
      uniques: [...table.uniques, ...asConstraint.map((index) => ({ name: index.name, columns: index.columns }))],
      indexes: table.indexes.filter((index) => !asConstraint.includes(index)),
    };
  }
  return tables ? { ...current, tables } : current;
}
