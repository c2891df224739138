/**
 * Naming migrations: the class name TypeORM reads the timestamp from, the
 * file name, and a name derived from the operations when the user gives none.
 */
import type { Operation } from "../ops/operations";

/** Derived names stay shorter than this; longer ones fall back to a summary. */
const MAX_NAME_LENGTH = 60;

/**
 * "add-email to users" → "AddEmailToUsers"; always a valid class name start
 * (the characters kept are those JavaScript identifiers take).
 * Letters of every script are kept as they are ("добавить поле" →
 * "ДобавитьПоле", "名前" → "名前"): JavaScript identifiers and file names take
 * them, and a transliteration would be a guess. Combining marks stay with
 * their letters (Devanagari vowel signs, accents written apart).
 */
export function toPascalCase(text: string): string {
  const words = text
    .normalize("NFC")
    .split(/[^\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}]+/u)
    .filter(Boolean);
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  if (pascal === "") return "Migration";
  return /^[\p{L}\p{Nl}]/u.test(pascal) ? pascal : `Migration${pascal}`;
}

/** Whether `text` has a letter or digit (of any script) to build a class name from. */
export function hasNameCharacters(text: string): boolean {
  return /[\p{L}\p{Nl}\p{Nd}]/u.test(text);
}

/** TypeORM reads a migration's timestamp from the last 13 digits of its class name. */
export function migrationClassName(pascalName: string, timestamp: number): string {
  return `${pascalName}${timestamp}`;
}

export function migrationFileName(timestamp: number, pascalName: string, extension: "ts" | "js" = "ts"): string {
  return `${timestamp}-${pascalName}.${extension}`;
}

/** The tables an operation touches, in the order they appear. */
function tablesOf(op: Operation): string[] {
  switch (op.kind) {
    case "createTable":
    case "dropTable":
      return [op.table.name];
    case "renameTable":
      return [op.from, op.to];
    case "createView":
    case "dropView":
      return [op.view.name];
    case "sql":
    case "createSchema":
    case "dropSchema":
    case "createExtension":
    case "dropExtension":
      return [];
    default:
      return [op.table];
  }
}

/** "Users", "UsersAndTeams", "UsersTeamsAndPosts". */
function joinNames(names: readonly string[]): string {
  const pascal = names.map(toPascalCase);
  if (pascal.length <= 1) return pascal.join("");
  return `${pascal.slice(0, -1).join("")}And${pascal[pascal.length - 1]}`;
}

function fits(name: string): boolean {
  return name.length < MAX_NAME_LENGTH;
}

/** For names built around one (possibly very long) table name. */
function clip(name: string): string {
  return fits(name) ? name : name.slice(0, MAX_NAME_LENGTH - 1);
}

/** A PascalCase name that says what `ops` do, for when the user gives none. */
export function migrationName(ops: readonly Operation[]): string {
  const tables = [...new Set(ops.flatMap(tablesOf))];
  if (tables.length === 0) return "UpdateSchema";

  const created = ops.flatMap((op) => (op.kind === "createTable" ? [op.table.name] : []));
  if (created.length > 0 && tables.every((t) => created.includes(t))) {
    // Indexes and foreign keys of the new tables belong to their creation.
    if (created.length === 1) return clip(`Create${toPascalCase(created[0])}Table`);
    const name = `Create${joinNames(created)}`;
    return fits(name) ? name : "CreateTables";
  }

  const dropped = ops.flatMap((op) => (op.kind === "dropTable" ? [op.table.name] : []));
  if (dropped.length > 0 && tables.every((t) => dropped.includes(t))) {
    if (dropped.length === 1) return clip(`Drop${toPascalCase(dropped[0])}Table`);
    const name = `Drop${joinNames(dropped)}`;
    return fits(name) ? name : "DropTables";
  }

  if (tables.length === 1) return nameForOneTable(tables[0], ops);

  const name = `Update${joinNames(tables)}`;
  return fits(name) && tables.length <= 3 ? name : "UpdateSchema";
}

function nameForOneTable(table: string, ops: readonly Operation[]): string {
  const pascalTable = toPascalCase(table);
  const columnsOf = (kind: "addColumn" | "dropColumn") =>
    ops.every((op) => op.kind === kind) ? ops.map((op) => (op.kind === kind ? op.column.name : "")) : undefined;

  const added = columnsOf("addColumn");
  if (added) {
    const name = `Add${joinNames(added)}To${pascalTable}`;
    return fits(name) ? name : clip(`AddColumnsTo${pascalTable}`);
  }
  const removed = columnsOf("dropColumn");
  if (removed) {
    const name = `Remove${joinNames(removed)}From${pascalTable}`;
    return fits(name) ? name : clip(`RemoveColumnsFrom${pascalTable}`);
  }
  if (ops.every((op) => op.kind === "createIndex")) {
    return clip(ops.length === 1 ? `AddIndexTo${pascalTable}` : `AddIndexesTo${pascalTable}`);
  }
  return clip(`Update${pascalTable}`);
}
