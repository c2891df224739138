/**
 * The house drawn from its imports (#17), read from the source with
 * TypeScript's parser (test/support/import-graph.ts); type-only imports
 * count. ARCHITECTURE.md shows the same tables in words; this is what keeps
 * them true:
 *
 * - LAYERS: the folders of src/ (and the files at its root) from top to
 *   bottom. A unit imports only units of lower layers; the one exception is
 *   EXCEPTIONS (schema/apply.ts applies operations to the model by design).
 * - MAY_IMPORT: each unit and what it may import besides itself. Every unit
 *   of src/ has a row, and every row stays inside LAYERS.
 * - DIALECT_MAY_IMPORT: what one dialect's folder (dialects/<name>/) may
 *   import; no dialect imports another, and outside dialects/ only its shared
 *   files (the Dialect interface, the registry) are imported.
 * - no import cycles in src/; config/ knows no dialect; only the public entry
 *   points import the migration API; every path ARCHITECTURE.md names
 *   exists, and its folder table says what MAY_IMPORT says.
 *
 * To add a folder: give it a layer and a MAY_IMPORT row, and a row in
 * ARCHITECTURE.md's folder table.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { importClosure, importCycles, readImportGraph, unitOf, type ImportEdge } from "../support/import-graph";
import { OWN_CODE_FOLDERS } from "../../src/model-cache/model-cache";

const ROOT = join(__dirname, "..", "..");
const SRC = join(ROOT, "src");
const graph = readImportGraph(SRC);

/** Top → bottom. Units in one layer do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ["cli", "index.ts"], // the entry points: the CLI shell and the package's public surface
  ["athanor.ts"], // the Athanor API every command goes through
  ["commands"], // one module per command, composing what is below
  ["lint", "migration-api"], // reading migrations for lint; the op() API migration files call
  ["runner", "codegen", "diff", "model-cache", "report"], // applying migrations; writing them; comparing models; getting the entity model; the pull-request report
  ["dialects", "config", "metadata"], // one database's facts; the project's DataSource file; TypeORM metadata → model
  ["danger", "loader", "diagram"], // the one judge of danger; requiring TypeScript fast; drawing a schema
  ["ops"], // the operation algebra
  ["schema"], // the model
  ["sql", "atomic-write.ts", "profile.ts"], // leaves: the SQL scanner, atomic file writes, the phase timer
  ["errors.ts"], // error classes and exit codes
];

/** The imports that go up a layer on purpose, as [from unit, to unit, the only file that may]. */
const EXCEPTIONS: ReadonlyArray<readonly [string, string, string]> = [["schema", "ops", "schema/apply.ts"]];

/** Unit → the units its modules may import besides itself (ARCHITECTURE.md's folder table). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: ["athanor.ts", "commands", "runner", "diff", "config", "danger", "schema", "errors.ts"],
  "index.ts": ["athanor.ts", "commands", "lint", "migration-api", "runner", "diff", "report", "dialects", "ops", "schema", "errors.ts"],
  "athanor.ts": ["commands", "runner", "errors.ts"],
  commands: [
    "lint",
    "runner",
    "codegen",
    "diff",
    "model-cache",
    "report",
    "diagram",
    "dialects",
    "config",
    "metadata",
    "loader",
    "danger",
    "ops",
    "schema",
    "sql",
    "atomic-write.ts",
    "profile.ts",
    "errors.ts",
  ],
  lint: ["runner", "dialects", "danger", "ops", "schema", "sql"],
  "migration-api": ["dialects", "ops", "schema"],
  runner: ["dialects", "loader", "ops", "schema", "atomic-write.ts", "errors.ts"],
  codegen: ["danger", "ops", "sql"],
  diff: ["danger", "ops", "schema"],
  "model-cache": ["config", "metadata", "loader", "schema", "profile.ts", "errors.ts"],
  dialects: ["danger", "ops", "schema", "sql", "errors.ts"],
  config: ["loader", "ops", "errors.ts"],
  metadata: ["schema", "errors.ts"],
  danger: ["ops", "schema"],
  loader: ["errors.ts"],
  ops: ["schema"],
  schema: ["ops", "sql"],
  sql: [],
  "atomic-write.ts": ["errors.ts"],
  diagram: ["ops", "schema"],
  report: ["danger", "ops", "schema"],
  "profile.ts": [],
  "errors.ts": [],
};

/** What dialects/<name>/ may import besides its own folder ("dialects" = the shared files of dialects/). */
const DIALECT_MAY_IMPORT: readonly string[] = ["dialects", "danger", "ops", "schema", "sql", "errors.ts"];

/** The files at the top of dialects/ that import a dialect's folder: the registry. */
const DIALECT_REGISTRY = ["dialects/index.ts"];

/**
 * Root files of src/ that the model is built with but that cannot change it:
 * error classes (a model is only remembered when building succeeded) and the
 * phase timer.
 */
const NOT_MODEL_CODE = ["errors.ts", "profile.ts"];

const shown = (edges: ImportEdge[]) => edges.map((edge) => `${edge.from} → ${edge.to}`).join("\n");
const units = [...new Set(graph.files.map(unitOf))].sort();
const layerOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));
/** "postgres" for dialects/postgres/x.ts; undefined for dialects/dialect.ts and files outside dialects/. */
const dialectOf = (file: string) => /^dialects\/([^/]+)\//.exec(file)?.[1];
const dialectUnit = (file: string) => (dialectOf(file) ? `dialects/${dialectOf(file)}` : unitOf(file));

describe("architecture: src/ drawn from its imports", () => {
  test("every relative import names a file in src/ (so no edge escapes the checks)", () => {
    assert.deepEqual(graph.unresolved, []);
    assert.ok(graph.edges.length > 100, `only ${graph.edges.length} imports read: the reader is broken`);
    assert.ok(
      graph.edges.some((edge) => edge.from === "migration-api/api.ts" && edge.to === "migration-api/execute.ts"),
      "migration-api/api.ts imports execute.ts: the reader is broken",
    );
  });

  test("no import cycles in src/, type-only imports included", () => {
    assert.deepEqual(importCycles(graph), []);
  });

  test("every unit of src/ has exactly one layer and a MAY_IMPORT row; the tables name only units that exist", () => {
    for (const unit of units) {
      assert.equal(LAYERS.flat().filter((name) => name === unit).length, 1, `give ${unit} one place in LAYERS`);
      assert.ok(MAY_IMPORT[unit], `give ${unit} a row in MAY_IMPORT`);
    }
    for (const name of [...LAYERS.flat(), ...Object.keys(MAY_IMPORT), ...Object.values(MAY_IMPORT).flat(), ...DIALECT_MAY_IMPORT])
      assert.ok(units.includes(name), `the tables name ${name}, which src/ does not have`);
  });

  test("no folder may import a folder above it or beside it, except schema/apply → ops (by design)", () => {
    const upward: string[] = [];
    for (const [unit, allowed] of Object.entries(MAY_IMPORT)) {
      for (const to of allowed) {
        const excepted = EXCEPTIONS.some(([from, target]) => from === unit && target === to);
        if (layerOf(to) <= layerOf(unit) && !excepted) upward.push(`${unit} → ${to}`);
      }
    }
    assert.deepEqual(upward, [], "MAY_IMPORT allows imports that are not downward in LAYERS");
  });

  for (const [from, to, only] of EXCEPTIONS) {
    test(`the one upward import ${from}/ → ${to}/ is made by ${only} alone`, () => {
      const edges = graph.edges.filter((edge) => unitOf(edge.from) === from && unitOf(edge.to) === to);
      assert.ok(edges.length > 0, `${from}/ no longer imports ${to}/: delete the exception`);
      assert.equal(shown(edges.filter((edge) => edge.from !== only)), "");
    });
  }

  for (const [unit, allowed] of Object.entries(MAY_IMPORT)) {
    const what = unit.endsWith(".ts") ? unit : `${unit}/`;
    test(`${what} imports ${allowed.length ? `only from ${allowed.join(", ")}` : "nothing from src/"}`, () => {
      const edges = graph.edges.filter(
        (edge) => unitOf(edge.from) === unit && unitOf(edge.to) !== unit && !allowed.includes(unitOf(edge.to)),
      );
      assert.equal(shown(edges), "", `${what} imports what its row in MAY_IMPORT does not allow`);
    });
  }

  test("config/ knows no dialect: it imports nothing from dialects/", () => {
    const edges = graph.edges.filter((edge) => unitOf(edge.from) === "config" && unitOf(edge.to) === "dialects");
    assert.equal(shown(edges), "");
  });

  describe("dialects/<name>/: one folder per database, sealed", () => {
    const dialects = [...new Set(graph.files.map(dialectOf).filter((name) => name !== undefined))].sort();

    test("the dialect folders are read (postgres, sqlite, mysql at least)", () => {
      for (const name of ["mysql", "postgres", "sqlite"]) assert.ok(dialects.includes(name), `no dialects/${name}/ read`);
    });

    for (const name of dialects) {
      test(`dialects/${name}/ imports only its own folder and ${DIALECT_MAY_IMPORT.join(", ")} (no other dialect)`, () => {
        const edges = graph.edges.filter(
          (edge) =>
            dialectOf(edge.from) === name &&
            dialectUnit(edge.to) !== `dialects/${name}` &&
            !DIALECT_MAY_IMPORT.includes(dialectUnit(edge.to)),
        );
        assert.equal(shown(edges), "");
      });
    }

    test("outside dialects/ only its shared files are imported (the Dialect interface, the registry), never a dialect's folder", () => {
      const edges = graph.edges.filter((edge) => unitOf(edge.from) !== "dialects" && dialectOf(edge.to) !== undefined);
      assert.equal(shown(edges), "");
    });

    test(`of the shared files of dialects/, only the registry (${DIALECT_REGISTRY.join(", ")}) imports a dialect's folder`, () => {
      const edges = graph.edges.filter(
        (edge) => unitOf(edge.from) === "dialects" && !dialectOf(edge.from) && dialectOf(edge.to) && !DIALECT_REGISTRY.includes(edge.from),
      );
      assert.equal(shown(edges), "");
    });
  });

  describe("the migration API", () => {
    test("only the public entry points (index.ts, athanor.ts) import migration-api/", () => {
      const edges = graph.edges.filter(
        (edge) => unitOf(edge.to) === "migration-api" && !["migration-api", "index.ts", "athanor.ts"].includes(unitOf(edge.from)),
      );
      assert.equal(shown(edges), "");
      assert.ok(
        graph.edges.some((edge) => edge.from === "index.ts" && edge.to === "migration-api/api.ts"),
        'index.ts exports op, which generated migrations import from "athanor"',
      );
    });

    test("generated migrations get op from the package root: src/index.ts exports the migration API's op", () => {
      const root = require("../../src/index") as typeof import("../../src/index");
      const api = require("../../src/migration-api/api") as typeof import("../../src/migration-api/api");
      assert.equal(root.op, api.op);
      assert.equal(root.OperationApi, api.OperationApi);
    });
  });

  test("the entity model cache keys on every folder of Athanor's code that loads entities and builds the model", () => {
    // What builds the model: loading the DataSource file and entities, and
    // turning TypeORM's metadata into the Schema.
    for (const folder of OWN_CODE_FOLDERS)
      assert.ok(existsSync(join(SRC, folder)), `OWN_CODE_FOLDERS names ${folder}, which src/ does not have`);
    const entries = ["config/load.ts", "model-cache/entity-model-source.ts"];
    for (const entry of entries) assert.ok(existsSync(join(SRC, entry)), `${entry} is gone: update this test's entry points`);
    const covered = new Set<string>([...OWN_CODE_FOLDERS, ...NOT_MODEL_CODE]);
    const outside = [...importClosure(graph, entries)].filter((file) => !covered.has(unitOf(file)));
    assert.deepEqual(outside, [], "add their folders to OWN_CODE_FOLDERS in src/model-cache/model-cache.ts");
  });
});

describe("ARCHITECTURE.md says what the code is", () => {
  const text = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");

  test("every path it names in src/, test/, bench/ and docs/ exists", () => {
    const paths = [...new Set(text.match(/\b(?:src|test|bench|docs)\/[\w./<>*-]*[\w/]/g) ?? [])].filter((path) => !/[<>*]/.test(path));
    assert.ok(paths.length > 20, `only ${paths.length} src/ paths found: the reader is broken`);
    assert.deepEqual(
      paths.filter((path) => !existsSync(join(ROOT, path))),
      [],
    );
  });

  test("its folder table has one row per unit, saying what MAY_IMPORT says", () => {
    // Rows of the table: | `unit` | what it owns | `may`, `import` |
    const section = text.split(/^## /m).find((part) => part.startsWith("The folders"));
    assert.ok(section, 'ARCHITECTURE.md has no "## The folders" section');
    const rows = new Map<string, string[]>();
    for (const line of section.split("\n")) {
      const cells = /^\| `([\w.-]+)\/?` \|.*\| ([^|]*) \|$/.exec(line.trim());
      if (!cells) continue;
      const named = [...cells[2].matchAll(/`([\w.-]+?)\/?`/g)].map((match) => match[1]);
      rows.set(cells[1], named);
    }
    assert.deepEqual([...rows.keys()].sort(), Object.keys(MAY_IMPORT).sort(), "the folder table's rows");
    for (const [unit, allowed] of Object.entries(MAY_IMPORT))
      assert.deepEqual([...rows.get(unit)!].sort(), [...allowed].sort(), `the folder table's row for ${unit}`);
  });
});
