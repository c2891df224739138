/**
 * The package's public surface, as a user gets it: the values the built
 * entry (dist/index.js) exports at run time, and every name (values and
 * types) its declarations (dist/index.d.ts) export. Both are compared with
 * the written lists below, so an export added or lost by accident — an
 * `export *` that pulls in a helper, a moved file that drops a type — fails
 * here; a deliberate change edits these lists.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import ts from "typescript";
import { repoRoot } from "../support/project";

const VALUES = ["Athanor", "AthanorError", "DatabaseError", "ExitCode", "OperationApi", "UsageError", "op"];

const TYPES = [
  // op and the records its methods take.
  "Operation",
  "OnlineOptions",
  "Check",
  "Column",
  "Exclusion",
  "ForeignKey",
  "ForeignKeyAction",
  "Generation",
  "Index",
  "PortableType",
  "PrimaryKey",
  "Table",
  "Unique",
  "View",
  // Athanor's options.
  "AthanorOptions",
  "GenerateCallOptions",
  "RunCallOptions",
  "RevertCallOptions",
  "CreateCallOptions",
  "VerifyCallOptions",
  "HistoryCallOptions",
  "StampCallOptions",
  "ShowCallOptions",
  "LintCallOptions",
  "EditCallOptions",
  "OfflineSqlCallOptions",
  "InitOptions",
  "ExecutionOptions",
  "TransactionMode",
  "Direction",
  "ResolveRenames",
  "RenameCandidates",
  "RenameDecisions",
  "TableRename",
  "ColumnRename",
  "ValueRename",
  "TableRenameCandidate",
  "ColumnRenameCandidate",
  "ValueRenameCandidate",
  // Athanor's results.
  "GenerateResult",
  "RunResult",
  "RevertResult",
  "ExecutionResult",
  "StatusResult",
  "StatusEntry",
  "CheckResult",
  "CreateResult",
  "InitResult",
  "VerifyResult",
  "VerifyStep",
  "VerifyPhase",
  "HistoryResult",
  "HistoryEntry",
  "StampResult",
  "ShowResult",
  "LintResult",
  "MigrationLint",
  "Finding",
  "Severity",
  "LintCode",
  "SilencedFinding",
  "EditResult",
  "SumResult",
  "OfflineSqlResult",
  "OfflineMigrationSql",
  // Errors.
  "ExitCodeValue",
];

const sorted = (names: Iterable<string>) => [...names].sort();

test("dist/index.js exports exactly the listed values", () => {
  // The built entry, as `require("athanor")` loads it.
  const entry = require(join(repoRoot, "dist", "index.js"));
  assert.deepEqual(sorted(Object.keys(entry)), sorted(VALUES));
  assert.equal(typeof entry.op, "function");
  assert.equal(typeof entry.Athanor, "function");
  assert.equal(entry.ExitCode.usage, 2);
});

test("dist/index.d.ts exports exactly the listed values and types", () => {
  const file = join(repoRoot, "dist", "index.d.ts");
  // noResolve: the names are those index.d.ts itself exports; that they
  // resolve is what tsc checked when it built dist/.
  const program = ts.createProgram([file], { noEmit: true, noResolve: true, types: [] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const exported = checker.getExportsOfModule(module).map((symbol) => symbol.name);
  assert.deepEqual(sorted(exported), sorted([...VALUES, ...TYPES]));
});

test("README's imports resolve to what it says they are", () => {
  // README.md shows `import { Athanor, AthanorError } from "athanor"` and
  // migration files `import { op } from "athanor"`.
  const { Athanor, AthanorError, UsageError, DatabaseError, op, OperationApi } = require(join(repoRoot, "dist", "index.js"));
  assert.equal(typeof new Athanor().status, "function");
  assert.ok(new UsageError("x") instanceof AthanorError);
  assert.ok(new DatabaseError("x") instanceof AthanorError);
  assert.ok(op({} as any) instanceof OperationApi);
});
