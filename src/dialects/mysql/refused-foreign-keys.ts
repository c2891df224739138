/**
 * Foreign keys MySQL/MariaDB refuse to create, that PostgreSQL and SQLite
 * accept: said at `generate` (and `check`, `verify`: Dialect.refusals) and by
 * `lint` (AT-R001), instead of by the server's errno 150 ("Foreign key
 * constraint is incorrectly formed") at `run`.
 *
 * Found by experiment on MariaDB 10.11 (the README's "MySQL and MariaDB"
 * lists them) and cross-checked with MySQL 8's manual ("FOREIGN KEY
 * Constraints", "Conditions and Restrictions"). Only what the server
 * certainly refuses is judged, so a refusal here is never a false alarm:
 *
 * - E234, a referential action the columns cannot take: SET NULL on a NOT
 *   NULL column; ON UPDATE CASCADE from a nullable referenced column into a
 *   NOT NULL one beside ON DELETE RESTRICT (MariaDB; with ON DELETE NO
 *   ACTION or CASCADE it takes the same key); an action that changes a generated column, a
 *   base column of a STORED generated column, or a column a CHECK names.
 * - E235, column types InnoDB does not take as matching: integers of
 *   another size or sign, a string against a number, TEXT/BLOB/JSON, two
 *   declared collations that differ. MariaDB stores uuid, binary, decimal
 *   and the datetime types alike and matches them with each other; those
 *   are left to the server.
 * - E236, referenced columns that no index starts with, in order (primary
 *   key, unique, plain index, or the index of a foreign key of that table).
 * - E248, a key on a table whose storage engine keeps none (MyISAM, Aria,
 *   MEMORY, ...; only InnoDB, and MySQL's NDB, do): MariaDB takes the
 *   statement and silently makes only the key's index, so the key would be
 *   offered again after every generate.
 * - E249, a key referencing such a table: errno 150.
 *
 * A table's engine is the one its entity names, else the one the live table
 * has (Athanor changes an engine only where the entity names one), else the
 * server's default (InnoDB). Only engines MySQL and MariaDB ship are judged
 * (engines.ts): online, a name the server does not offer has stopped
 * generate before (E258); offline, `lint` says so of a misspelt one
 * (AT-R002) instead of calling it an engine without keys.
 */
import type { Refusal } from "../dialect";
import type { Column, ForeignKey, Schema, Table } from "../../schema/model";
import { pieceAt, unquotedValue, type SqlSyntax } from "../../sql/scanner";
import { comparableCollation } from "./comparable";
import { keepsNoForeignKeys } from "./engines";
import type { ServerCapabilities, ServerVersion } from "./server";
import { nativeType, type Flavour } from "./types";

type RefusalId = "E234" | "E235" | "E236" | "E248" | "E249";

/** Why the server refuses one key: the part of a Refusal the rules below give. */
interface Why {
  id: RefusalId;
  problem: string;
  fix: string;
}

export interface RefusalContext {
  flavour: Flavour;
  server: ServerVersion;
  capabilities?: ServerCapabilities;
}

const INCORRECTLY_FORMED = '(errno 150, "Foreign key constraint is incorrectly formed")';

/**
 * The foreign keys of `schema` the server refuses; with `tables`, only the
 * keys of those tables and the keys that reference them.
 */
export function refusedForeignKeys(schema: Schema, context: RefusalContext, tables?: ReadonlySet<string>): Refusal[] {
  const refused: Refusal[] = [];
  for (const table of Object.values(schema.tables)) {
    for (const fk of table.foreignKeys) {
      if (tables && !tables.has(table.name) && !tables.has(fk.referencedTable)) continue;
      const parent = schema.tables[fk.referencedTable];
      const found = refusal(table, fk, parent, context);
      if (found) refused.push({ ...found, table: table.name, key: `${table.name}\u0000${fk.name}` });
    }
  }
  return refused;
}

function refusal(table: Table, fk: ForeignKey, parent: Table | undefined, context: RefusalContext): Why | undefined {
  const server = context.server.kind === "mariadb" ? "MariaDB" : "MySQL";
  const column = (name: string) => table.columns.find((c) => c.name === name);
  const subject = `The foreign key ${fk.name} from ${table.name} ${list(fk.columns)} to ${fk.referencedTable} ${list(fk.referencedColumns)}`;
  // The server's own words where they are errno 150, so the sentence finds the error a user may have seen.
  const refuses = (why: string, fix: string, errno = true) => ({
    problem: `${subject} ${why}, which ${server} refuses${errno ? ` ${INCORRECTLY_FORMED}` : ""}`,
    fix,
  });

  // E248, E249: an engine without foreign keys, before anything the key itself says.
  if (keepsNoForeignKeys(table.engine)) {
    return {
      id: "E248",
      problem:
        `${subject} is on ${table.name}, a ${table.engine} table: ${server} keeps no foreign keys in ${table.engine}, ` +
        `takes the statement and makes only the key's index, so every generate would offer the key again`,
      fix: `name InnoDB in the entity of ${table.name} (@Entity({ engine: "InnoDB" }); a migration converts the table), or give the relation createForeignKeyConstraints: false`,
    };
  }
  if (parent && keepsNoForeignKeys(parent.engine)) {
    return {
      id: "E249",
      ...refuses(
        `references ${parent.name}, a ${parent.engine} table, which keeps no foreign keys`,
        `name InnoDB in the entity of ${parent.name} (@Entity({ engine: "InnoDB" }); a migration converts the table), or give the relation createForeignKeyConstraints: false`,
      ),
    };
  }

  // E234: what a referential action would do to the referencing columns.
  const setsNull = fk.onDelete === "SET NULL" || fk.onUpdate === "SET NULL";
  const notNull = fk.columns.find((name) => column(name)?.nullable === false);
  if (setsNull && notNull) {
    const on = fk.onDelete === "SET NULL" ? "onDelete" : "onUpdate";
    return {
      id: "E234",
      ...refuses(
        `is ${on === "onDelete" ? "ON DELETE" : "ON UPDATE"} SET NULL while ${table.name}.${notNull} is NOT NULL`,
        `make ${table.name}.${notNull} nullable (nullable: true on its relation or column), or give the relation another ${on}`,
      ),
    };
  }
  // MariaDB 10.11 refuses this only beside ON DELETE RESTRICT (or SET DEFAULT, which it keeps as RESTRICT):
  // with NO ACTION or CASCADE it takes it (tried).
  const restricts = fk.onDelete === "RESTRICT" || fk.onDelete === "SET DEFAULT";
  if (context.server.kind === "mariadb" && fk.onUpdate === "CASCADE" && restricts && parent) {
    const i = fk.columns.findIndex((name, at) => column(name)?.nullable === false && parentColumn(parent, fk, at)?.nullable !== false);
    if (i >= 0 && parentColumn(parent, fk, i)) {
      return {
        id: "E234",
        ...refuses(
          `is ON UPDATE CASCADE from the nullable ${fk.referencedTable}.${fk.referencedColumns[i]} into the NOT NULL ${table.name}.${fk.columns[i]}`,
          `make ${fk.referencedTable}.${fk.referencedColumns[i]} NOT NULL or ${table.name}.${fk.columns[i]} nullable, or give the relation onDelete "NO ACTION" or "CASCADE" (MariaDB takes those with it) or another onUpdate`,
        ),
      };
    }
  }
  const dependent = dependentColumn(table, fk, context);
  if (dependent) {
    return {
      id: "E234",
      ...refuses(
        `is ${dependent.action} while ${dependent.why}`,
        `give the relation onDelete and onUpdate that change no value (NO ACTION or RESTRICT${context.server.kind === "mariadb" ? ", or ON DELETE CASCADE" : ""}), or ${dependent.fix}`,
        false,
      ),
    };
  }

  if (!parent) return undefined;
  // E235: the column types, pair by pair.
  for (let i = 0; i < fk.columns.length; i++) {
    const child = column(fk.columns[i]);
    const referenced = parentColumn(parent, fk, i);
    if (!child || !referenced) continue;
    const mismatch = typeMismatch(child, referenced, context);
    if (!mismatch) continue;
    return {
      id: "E235",
      ...refuses(
        `joins ${table.name}.${child.name} ${mismatch.child} to ${parent.name}.${referenced.name} ${mismatch.referenced}${mismatch.why}`,
        mismatch.fix ??
          `declare ${table.name}.${child.name} with the type of ${parent.name}.${referenced.name} ${mismatch.referenced}, or let the relation make the column`,
      ),
    };
  }
  // E236: an index on the referenced table that starts with the referenced columns, in order.
  if (!indexStartsWith(parent, fk.referencedColumns)) {
    return {
      id: "E236",
      ...refuses(
        `references ${list(fk.referencedColumns)}, where no index of ${parent.name} starts with ${list(fk.referencedColumns)}`,
        `make ${list(fk.referencedColumns)} the primary key or a unique of ${parent.name} (@Unique or unique: true), or reference its primary key`,
      ),
    };
  }
  return undefined;
}

function parentColumn(parent: Table, fk: ForeignKey, i: number): Column | undefined {
  return parent.columns.find((c) => c.name === fk.referencedColumns[i]);
}

function list(columns: readonly string[]): string {
  return `(${columns.join(", ")})`;
}

/**
 * An action that would change a referencing column the server cannot let
 * change under it: a generated column, a base column of a STORED generated
 * column, a column a CHECK names. MariaDB refuses ON UPDATE CASCADE / SET
 * NULL and ON DELETE SET NULL there (tried); MySQL's manual refuses every
 * CASCADE and SET NULL for base columns and checks.
 */
function dependentColumn(table: Table, fk: ForeignKey, context: RefusalContext): { action: string; why: string; fix: string } | undefined {
  const changes = (action: string) => action === "CASCADE" || action === "SET NULL" || action === "SET DEFAULT";
  const updates = changes(fk.onUpdate) ? `ON UPDATE ${fk.onUpdate}` : undefined;
  const deletes = fk.onDelete === "SET NULL" ? "ON DELETE SET NULL" : undefined;
  const strict = context.server.kind === "mysql" && changes(fk.onDelete) ? `ON DELETE ${fk.onDelete}` : undefined;
  for (const name of fk.columns) {
    const column = table.columns.find((c) => c.name === name);
    if (column?.asExpression !== undefined) {
      const action = updates ?? deletes;
      if (action) return { action, why: `${table.name}.${name} is a generated column`, fix: `reference ${table.name} from a plain column` };
    }
    const action = updates ?? deletes ?? strict;
    if (!action) continue;
    const stored = table.columns.find((c) => c.asExpression !== undefined && c.generatedType === "STORED" && names(c.asExpression, name));
    if (stored) {
      return {
        action,
        why: `the STORED generated column ${table.name}.${stored.name} is computed from ${table.name}.${name}`,
        fix: `make ${stored.name} VIRTUAL`,
      };
    }
    const check = table.checks.find((c) => names(c.expression, name));
    if (check) return { action, why: `the check ${check.name} of ${table.name} names ${table.name}.${name}`, fix: `drop that check` };
  }
  return undefined;
}

/**
 * What InnoDB compares when it matches a referencing column with a
 * referenced one: integers by size and sign; strings (CHAR, VARCHAR) of any
 * length, but by character set and collation; each other kind only with
 * itself. Undefined: a type not judged here.
 */
function family(native: string, context: RefusalContext): string | undefined {
  const type = native.toLowerCase();
  const integer = /^(tinyint|smallint|mediumint|int|bigint)(?:\(\d+\))?( unsigned)?$/.exec(type);
  if (integer) return `${integer[1]}${integer[2] ?? ""}`;
  if (/^(?:var)?char\(/.test(type)) return "string";
  if (/^(?:tiny|medium|long)?(?:text|blob)$|^json$/.test(type)) return "long";
  if (/^date$/.test(type)) return "date";
  if (/^(?:float|double)\b/.test(type)) return type.split(/[ (]/)[0];
  if (/^enum\(/.test(type)) return "enum";
  if (/^set\(/.test(type)) return "set";
  // uuid, (var)binary, decimal, datetime, timestamp, time: MariaDB matches them with each other (tried); not judged.
  return context.server.kind === "mariadb" && /^(?:uuid|(?:var)?binary|decimal|datetime|timestamp|time)\b/.test(type) ? "bytes" : undefined;
}

function typeMismatch(
  child: Column,
  referenced: Column,
  context: RefusalContext,
): { child: string; referenced: string; why: string; fix?: string } | undefined {
  const childType = nativeType(child, context.flavour);
  const referencedType = nativeType(referenced, context.flavour);
  const a = family(childType, context);
  const b = family(referencedType, context);
  if (a === undefined || b === undefined) return undefined;
  const described = { child: `(${childType})`, referenced: `(${referencedType})` };
  if (a === "long" || b === "long") {
    return {
      ...described,
      why: ", and a TEXT, BLOB or JSON column cannot be indexed whole",
      fix: `give both columns a varchar type of the same collation`,
    };
  }
  if (a !== b) return { ...described, why: "" };
  if (a === "string") {
    const x = comparableCollation(child.collation, context.capabilities);
    const y = comparableCollation(referenced.collation, context.capabilities);
    if (child.collation !== undefined && referenced.collation !== undefined && x !== y) {
      return {
        child: `(collation ${x ?? child.collation})`,
        referenced: `(collation ${y ?? referenced.collation})`,
        why: "",
        fix: `give ${child.name} the collation of ${referenced.name} (${referenced.collation}): a foreign key's string columns need the same character set and collation`,
      };
    }
  }
  return undefined;
}

/** Whether an index of `table` begins with `columns`, in that order (an index prefix does not count, and no PostgreSQL method). */
function indexStartsWith(table: Table, columns: readonly string[]): boolean {
  const startsWith = (indexed: readonly string[]) => columns.every((name, i) => indexed[i] === name);
  const candidates = [
    table.primaryKey?.columns ?? [],
    ...table.uniques.map((u) => u.columns),
    ...table.indexes.filter((i) => i.method === undefined).map((i) => i.columns),
    ...table.foreignKeys.map((f) => f.columns),
  ];
  return candidates.some(startsWith);
}

const MYSQL_EXPRESSION: SqlSyntax = { backticks: true };

/**
 * Whether a CHECK or generation expression names column `name`: quoted
 * (backticks or double quotes) or bare, and not as a function, compared
 * without case as MySQL compares column names. String literals do not count.
 */
function names(expression: string, name: string): boolean {
  const wanted = name.toLowerCase();
  for (let i = 0; i < expression.length;) {
    const piece = pieceAt(expression, i, MYSQL_EXPRESSION);
    if (piece) {
      if (piece.kind === "identifier" && unquotedValue(expression, piece).toLowerCase() === wanted) return true;
      i = piece.end;
      continue;
    }
    const word = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/.exec(expression.slice(i))?.[0];
    if (!word) {
      i++;
      continue;
    }
    if (word.toLowerCase() === wanted && !/^\s*\(/.test(expression.slice(i + word.length))) return true;
    i += word.length;
  }
  return false;
}
