/**
 * The house drawn from its imports (#17): src/ has no import cycles, each
 * folder imports only the folders its row below allows, and the entity
 * model cache keys on every folder of Athanor's own code the model is built
 * by. Read from the source with TypeScript's parser (test/support/import-graph.ts);
 * type-only imports count.
 *
 * To add a rule, add a row to MAY_IMPORT: the folder (or a file at the root
 * of src/, by its name) and what it may import besides itself.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { importClosure, importCycles, readImportGraph, unitOf, type ImportEdge } from "../support/import-graph";
import { OWN_CODE_FOLDERS } from "../../src/model-cache/model-cache";

const SRC = join(__dirname, "..", "..", "src");
const graph = readImportGraph(SRC);

/**
 * Folder → the folders (and root files of src/) its modules may import.
 * A folder without a row is not checked (yet).
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  // Making the project's TypeScript requireable fast: below everything that loads a project.
  loader: ["errors.ts"],
  // Loading the DataSource file; knows no dialect (the caller passes DatabaseTypes).
  config: ["loader", "ops", "errors.ts"],
  // TypeORM's EntityMetadata → Schema.
  metadata: ["schema", "errors.ts"],
  // The entity model and what makes getting it cheap; used by commands/, never the reverse.
  "model-cache": ["loader", "config", "metadata", "schema", "errors.ts", "profile.ts"],
  // Leaves every folder may use.
  "errors.ts": [],
  "profile.ts": [],
};

/**
 * Cycles other work of #17 removes (§4 moves the runtime op API out of ops/;
 * §3 moves dialect-specific lint rules to their dialect). Each must still
 * exist: delete its row when it is gone, so it cannot come back unseen.
 */
const KNOWN_CYCLES: string[][] = [];

/**
 * Root files of src/ that the model is built with but that cannot change it:
 * error classes (a model is only remembered when building succeeded) and the
 * phase timer.
 */
const NOT_MODEL_CODE = ["errors.ts", "profile.ts"];

const shown = (edges: ImportEdge[]) => edges.map((edge) => `${edge.from} → ${edge.to}`).join("\n");

describe("architecture: src/ drawn from its imports", () => {
  test("every relative import names a file in src/ (so no edge escapes the checks)", () => {
    assert.deepEqual(graph.unresolved, []);
    assert.ok(graph.edges.length > 100, `only ${graph.edges.length} imports read: the reader is broken`);
  });

  test("no import cycles in src/, type-only imports included", () => {
    const key = (cycle: string[]) => [...cycle].sort().join(" ↔ ");
    const known = new Set(KNOWN_CYCLES.map(key));
    const cycles = importCycles(graph).map(key);
    assert.deepEqual(
      cycles.filter((cycle) => !known.has(cycle)),
      [],
      "new import cycles",
    );
    assert.deepEqual(
      [...known].filter((cycle) => !cycles.includes(cycle)),
      [],
      "these known cycles are gone: delete them from KNOWN_CYCLES",
    );
  });

  test("config/ knows no dialect: it imports nothing from dialects/", () => {
    const edges = graph.edges.filter((edge) => unitOf(edge.from) === "config" && unitOf(edge.to) === "dialects");
    assert.equal(shown(edges), "");
  });

  test("the folder rules name folders that exist", () => {
    const units = new Set(graph.files.map(unitOf));
    for (const [unit, allowed] of Object.entries(MAY_IMPORT)) {
      for (const name of [unit, ...allowed]) assert.ok(units.has(name), `MAY_IMPORT names ${name}, which src/ does not have`);
    }
  });

  for (const [unit, allowed] of Object.entries(MAY_IMPORT)) {
    const what = unit.endsWith(".ts") ? unit : `${unit}/`;
    test(`${what} imports ${allowed.length ? `only from ${allowed.join(", ")}` : "nothing from src/"}`, () => {
      const edges = graph.edges.filter(
        (edge) => unitOf(edge.from) === unit && unitOf(edge.to) !== unit && !allowed.includes(unitOf(edge.to)),
      );
      assert.equal(shown(edges), "", `${what} imports what its row in MAY_IMPORT does not allow`);
    });
  }

  test("loader/ and model-cache/ never import commands/ or cli/", () => {
    const edges = graph.edges.filter(
      (edge) => ["loader", "model-cache"].includes(unitOf(edge.from)) && ["commands", "cli"].includes(unitOf(edge.to)),
    );
    assert.equal(shown(edges), "");
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
