/**
 * `--rename users.full_name=display_name`, `--rename-table old=new` and
 * `--rename-value users.status:pending=waiting`, read
 * into rename decisions. Only the spelling is checked here; whether the
 * names fit the schemas is checked by the diff (and reported as exit 2).
 */
import type { ColumnRename, RenameDecisions, TableRename, ValueRename } from "../diff/renames";
import { UsageError } from "../errors";
import { qualifiedTableName } from "../schema/table-name";

/**
 * `table.from=to`, or `schema.table.from=to` for a table outside the default
 * schema; `to` may repeat the table (`users.full_name=users.display_name`).
 */
export function parseColumnRename(hint: string): ColumnRename {
  const match = /^(?:([^.=\s]+)\.)?([^.=\s]+)\.([^.=\s]+)=(?:([^.=\s]+)\.)?([^.=\s]+)$/.exec(hint.trim());
  if (!match || (match[4] !== undefined && match[4] !== match[2])) {
    throw new UsageError(
      `--rename ${hint} is not of the form table.old_column=new_column: write e.g. --rename users.full_name=display_name (or billing.invoices.amount=total in schema billing).`,
    );
  }
  return { table: qualifiedTableName(match[1], match[2]), from: match[3], to: match[5] };
}

/** `from=to`; `schema.table` names a table outside the default schema. */
export function parseTableRename(hint: string): TableRename {
  const match = /^([^=\s]+)=([^=\s]+)$/.exec(hint.trim());
  if (!match) {
    throw new UsageError(`--rename-table ${hint} is not of the form old_table=new_table: write e.g. --rename-table people=persons.`);
  }
  return { from: tableOfHint(match[1]), to: tableOfHint(match[2]) };
}

/** `billing.invoices` → the model's `"billing"."invoices"`; a name without a dot as it is. */
function tableOfHint(text: string): string {
  const dot = text.indexOf(".");
  return dot < 0 ? text : qualifiedTableName(text.slice(0, dot), text.slice(dot + 1));
}

/**
 * `table.column:from=to` (`schema.table.column:from=to` for a table outside
 * the default schema): the value is everything after the first ":", split
 * at its first "=" (a value holding "=" cannot be renamed by flag; answer the
 * question at a terminal instead).
 */
export function parseValueRename(hint: string): ValueRename {
  const match = /^(?:([^.:=\s]+)\.)?([^.:=\s]+)\.([^.:=\s]+):([^=]+)=(.+)$/.exec(hint);
  if (!match) {
    throw new UsageError(
      `--rename-value ${hint} is not of the form table.column:old_value=new_value: write e.g. --rename-value users.status:pending=waiting.`,
    );
  }
  return { table: qualifiedTableName(match[1], match[2]), column: match[3], from: match[4], to: match[5] };
}

export function parseRenameHints(
  columns: readonly string[] = [],
  tables: readonly string[] = [],
  values: readonly string[] = [],
): RenameDecisions {
  return {
    columns: columns.map(parseColumnRename),
    tables: tables.map(parseTableRename),
    values: values.map(parseValueRename),
  };
}
