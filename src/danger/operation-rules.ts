/**
 * The portable rules: what an Operation means for the data and for the code
 * running against it, on any database — destructive (D), data-dependent (N)
 * and breaking (B) codes. Lock behaviour differs per database and lives with
 * each dialect (`Dialect.statementRules`, statement-rules.ts).
 *
 * One rule per code, like an analyzer: the operation kinds it looks at and
 * what it says about one of them — a sentence (what happens to which data)
 * and a fix (what to do instead). The generated migration's header, `lint`,
 * `check` and `--json` all read these, so a sentence is written once.
 *
 * Nothing done to a table created earlier in the same migration is flagged:
 * it has no rows yet and no running code knows it.
 */
import type { Operation } from "../ops/operations";
import { formatColumnType } from "../schema/equal";
import type { Column, ForeignKey } from "../schema/model";
import { finding, type Finding, type LintCode } from "./codes";
import { typeChange, type TypeChange } from "./type-change";

export interface OperationContext {
  /** Tables created earlier in this migration (their current names). */
  readonly created: ReadonlySet<string>;
  /** Tables a later statement of this migration renames another table to: dropping one is a replacement. */
  readonly replaced: ReadonlySet<string>;
  /**
   * Columns this migration adds, by table: a column dropped beside one added
   * to the same table may have been meant as a rename.
   */
  readonly addedColumns?: ReadonlyMap<string, readonly string[]>;
  /**
   * The dialect's view of a column (`Dialect.comparable`), so a change the
   * database does not store (a length SQLite ignores) is not judged.
   */
  readonly comparable?: (column: Column) => Column;
  /**
   * Foreign keys this migration dropped earlier from existing tables, by
   * table, with nothing that writes rows run since: a key added again over
   * the same columns and references is a re-creation (AT-N006), not a new
   * key (AT-N005) — the rows held it until the drop.
   */
  readonly droppedForeignKeys?: ReadonlyMap<string, readonly ForeignKey[]>;
}

/**
 * The key dropped earlier in the migration that `foreignKey` of `table` puts
 * back, if any: the same columns and references (the same name where SQL
 * read by pattern leaves them unknown).
 */
export function droppedEarlier(
  dropped: OperationContext["droppedForeignKeys"],
  table: string,
  foreignKey: ForeignKey,
): ForeignKey | undefined {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name, i) => name === b[i]);
  return dropped?.get(table)?.find((key) =>
    // Read from hand-written SQL (DROP FOREIGN KEY, ADD CONSTRAINT), a key's columns are unknown: its name says which it is.
    key.columns.length === 0 || foreignKey.columns.length === 0
      ? key.name === foreignKey.name
      : key.referencedTable === foreignKey.referencedTable &&
        same(key.columns, foreignKey.columns) &&
        same(key.referencedColumns, foreignKey.referencedColumns),
  );
}

/** What a rule says about one operation: a sentence and a fix (see codes.ts `finding`). */
export interface Judgement {
  sentence: string;
  fix: string;
}

export interface OperationRule<K extends Operation["kind"] = Operation["kind"]> {
  code: LintCode;
  kinds: readonly K[];
  judge(op: Extract<Operation, { kind: K }>, context: OperationContext): Judgement[];
}

/** A rule for some operation kinds; the type ties `judge` to those kinds. */
function rule<K extends Operation["kind"]>(definition: OperationRule<K>): OperationRule {
  return definition as unknown as OperationRule;
}

type AlterColumn = Extract<Operation, { kind: "alterColumn" }>;

/** Both sides of an alterColumn as the dialect compares them, and what the type change does. */
function alteration(op: AlterColumn, context: OperationContext) {
  const view = context.comparable ?? ((column: Column) => column);
  const from = view(op.from);
  const to = view(op.to);
  const change: TypeChange = typeChange(from, to);
  return { from, to, change, where: `${op.table}.${op.to.name}`, fromType: formatColumnType(from), toType: formatColumnType(to) };
}

const NOT_FIT = "if a value does not fit, the migration stops and changes nothing";

export const OPERATION_RULES: readonly OperationRule[] = [
  rule({
    code: "AT-D001",
    kinds: ["dropTable"],
    judge: (op, context) =>
      context.replaced.has(op.table.name)
        ? []
        : [
            {
              sentence: `Table ${op.table.name} is dropped: all its rows are lost and code still reading it fails`,
              fix: "deploy code that no longer uses it first, and keep a backup.",
            },
          ],
  }),
  rule({
    code: "AT-D002",
    kinds: ["dropColumn"],
    judge: (op, context) => {
      const where = `${op.table}.${op.column.name}`;
      // A generated column re-created under the same name (around a retype) is no rename candidate.
      const added = (context.addedColumns?.get(op.table) ?? []).filter((name) => name !== op.column.name);
      if (added.length === 0) {
        return [
          {
            sentence: `Column ${where} is dropped: its data is lost and code still reading it fails`,
            fix: "deploy code that no longer uses it first.",
          },
        ];
      }
      const appearing = added.map((name) => `${op.table}.${name}`).join(", ");
      return [
        {
          sentence: `Column ${where} is dropped while ${appearing} ${added.length === 1 ? "is" : "are"} added: the data in ${op.column.name} is lost`,
          fix:
            `if this is a rename, replace the dropColumn/addColumn pair with ` +
            `op(queryRunner).renameColumn("${op.table}", "${op.column.name}", "${added[0]}") to keep the data.`,
        },
      ];
    },
  }),
  rule({
    code: "AT-D003",
    kinds: ["alterColumn"],
    judge: (op, context) => {
      const { change, where, fromType, toType } = alteration(op, context);
      const judgements: Judgement[] = [];
      if (change.narrows) {
        judgements.push({ sentence: `${where} narrows from ${fromType} to ${toType}: ${NOT_FIT}`, fix: "check the longest values first." });
      }
      if (change.roundsTo !== undefined) {
        judgements.push({
          sentence: `${where} keeps ${change.roundsTo} decimal place(s) (${fromType} → ${toType}): values with more are rounded, and down does not bring the cut digits back`,
          fix: "keep the scale if those digits matter.",
        });
      }
      return judgements;
    },
  }),
  rule({
    code: "AT-D004",
    kinds: ["alterColumn"],
    judge: (op, context) => {
      const { change, where, fromType, toType } = alteration(op, context);
      if (!change.unrelated) return [];
      return [
        {
          sentence: `${where} changes type from ${fromType} to ${toType}: values that do not convert make the migration fail or are lost`,
          fix: "check them first.",
        },
      ];
    },
  }),
  rule({
    code: "AT-D005",
    kinds: ["alterColumn"],
    judge: (op, context) => {
      const { change, where } = alteration(op, context);
      if (!change.removedEnumValues) return [];
      const values = change.removedEnumValues.map((v) => `'${v}'`).join(", ");
      return [
        {
          sentence: `${where} no longer allows ${values}: if a row holds one, the migration stops and changes nothing`,
          fix: "update those rows in an earlier migration.",
        },
      ];
    },
  }),
  rule({
    code: "AT-N001",
    kinds: ["addColumn"],
    judge: (op, context) => {
      const column = (context.comparable ?? ((c: Column) => c))(op.column);
      if (column.nullable || column.default !== undefined || column.generated) return [];
      return [
        {
          sentence: `Column ${op.table}.${column.name} is added as NOT NULL without a default: this fails as soon as ${op.table} has rows`,
          fix: "add it nullable, backfill, then set NOT NULL (or give it a default).",
        },
      ];
    },
  }),
  rule({
    code: "AT-N002",
    kinds: ["alterColumn"],
    judge: (op, context) => {
      const { from, to, where } = alteration(op, context);
      if (!from.nullable || to.nullable) return [];
      return [
        to.default === undefined
          ? {
              sentence: `${where} becomes NOT NULL without a default: if a row holds NULL, the migration stops and changes nothing`,
              fix: "backfill those rows first.",
            }
          : {
              sentence: `${where} becomes NOT NULL: rows holding NULL are set to the default ${to.default} first`,
              fix: "backfill them on purpose first if another value is meant.",
            },
      ];
    },
  }),
  rule({
    code: "AT-N003",
    kinds: ["addUnique", "addPrimaryKey", "createIndex"],
    judge: (op) => {
      const what =
        op.kind === "addUnique" ? "A unique constraint" : op.kind === "addPrimaryKey" ? "A primary key" : `Unique index ${op.index.name}`;
      if (op.kind === "createIndex" && !op.index.unique) return [];
      return [
        {
          sentence: `${what} is added to existing table ${op.table}: the migration fails if the rows hold duplicates`,
          fix: "check for them first.",
        },
      ];
    },
  }),
  rule({
    code: "AT-N004",
    kinds: ["addCheck"],
    judge: (op) => [
      {
        sentence: `Check ${op.check.name} is added to ${op.table}: the migration fails if an existing row violates it`,
        fix: "fix those rows first (or add it NOT VALID and validate later on PostgreSQL).",
      },
    ],
  }),
  rule({
    code: "AT-N005",
    kinds: ["addForeignKey"],
    judge: (op, context) =>
      droppedEarlier(context.droppedForeignKeys, op.table, op.foreignKey)
        ? []
        : [
            {
              sentence: `Foreign key ${op.foreignKey.name} is added to ${op.table}: the migration fails if a row references nothing`,
              fix: "delete or fix orphans first (or add it NOT VALID and validate later on PostgreSQL).",
            },
          ],
  }),
  rule({
    code: "AT-N006",
    kinds: ["addForeignKey"],
    judge: (op, context) => {
      const dropped = droppedEarlier(context.droppedForeignKeys, op.table, op.foreignKey);
      if (!dropped) return [];
      const { name, columns, referencedTable, referencedColumns } = op.foreignKey;
      const as = dropped.name === name ? "" : ` (as ${dropped.name})`;
      // Read from hand-written SQL, the key's columns and referenced table may be unknown.
      const shape = columns.length > 0 ? ` (${columns.join(", ")}) → ${referencedTable} (${referencedColumns.join(", ")})` : "";
      const tables = referencedTable && referencedTable !== op.table ? `${op.table} or ${referencedTable}` : op.table;
      return [
        {
          sentence:
            `Foreign key ${name} of ${op.table}${shape} is added again after this migration dropped it${as}: ` +
            `the rows held it until the drop, and adding it checks every row of ${op.table} again; a row written to ${tables} in between that references nothing stops the migration here, leaving ${op.table} without the key`,
          fix: `run it while nothing writes to ${tables}; if it stops here, fix or delete the rows that reference nothing and run it again.`,
        },
      ];
    },
  }),
  rule({
    code: "AT-B001",
    kinds: ["renameTable"],
    judge: (op) => [
      {
        sentence: `Table ${op.from} is renamed to ${op.to}: code still running that uses the old name fails until it is redeployed`,
        fix: "prefer adding a view under the old name for the transition, or deploy in steps.",
      },
    ],
  }),
  rule({
    code: "AT-B002",
    kinds: ["renameColumn"],
    judge: (op) => [
      {
        sentence: `Column ${op.table}.${op.from} is renamed to ${op.to}: code still running that uses the old name fails until it is redeployed`,
        fix: "add the new column, write both, backfill, then drop the old one.",
      },
    ],
  }),
  rule({
    code: "AT-B003",
    kinds: ["renameEnumValue"],
    judge: (op) => [
      {
        sentence: `Value "${op.from}" of ${op.table}.${op.column} is renamed to "${op.to}": code still running that writes or looks for "${op.from}" fails or finds nothing until it is redeployed`,
        fix: "deploy code that accepts both first.",
      },
    ],
  }),
];

/** Operations no rule looks at although they name a table. */
const TABLELESS = new Set<Operation["kind"]>([
  "createTable",
  "sql",
  "createSchema",
  "dropSchema",
  "createExtension",
  "dropExtension",
  "createView",
  "dropView",
]);

/** The table an operation changes, when it changes one that may already hold rows. */
function tableOf(op: Operation): string | undefined {
  if (TABLELESS.has(op.kind)) return undefined;
  if (op.kind === "dropTable") return op.table.name;
  if (op.kind === "renameTable") return op.from;
  return (op as { table: string }).table;
}

/**
 * Every finding of the portable rules about `op`, in rule order; `subject`
 * names the operation or statement in the findings.
 */
export function operationFindings(op: Operation, context: OperationContext, subject: string): Finding[] {
  const table = tableOf(op);
  if (table !== undefined && context.created.has(table)) return [];
  const findings: Finding[] = [];
  for (const r of OPERATION_RULES) {
    if (!r.kinds.includes(op.kind)) continue;
    for (const { sentence, fix } of r.judge(op, context)) findings.push(finding(r.code, sentence, fix, subject));
  }
  return findings;
}
