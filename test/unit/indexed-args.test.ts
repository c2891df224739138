/**
 * indexMetadataArgs (src/model-cache/indexed-args.ts) answers TypeORM's
 * by-target questions about decorator arguments from an index instead of a
 * scan. It must change nothing but speed: the whole corpus, plus class
 * inheritance with overridden properties, builds the same TypeORM metadata
 * and the same Athanor schema with and without it, on both dialects; and every
 * wrapped method answers exactly as TypeORM's own does, on the storage of
 * both TypeORM lines (0.3 and 1.x).
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Column, DataSource, Entity, Index, ManyToOne, OneToMany, PrimaryGeneratedColumn, type EntityMetadata } from "typeorm";
import { MetadataArgsStorage } from "typeorm/metadata-args/MetadataArgsStorage";
import { indexArgsWhileBuilding, indexMetadataArgs } from "../../src/model-cache/indexed-args";
import { nativeSha1WhileBuilding } from "../../src/model-cache/native-sha1";
import { RandomGenerator } from "typeorm/util/RandomGenerator";
import { schemaFromEntities } from "../../src/metadata";
import { definitionsFor, entitiesOf } from "../corpus";
import { typeorm1PackageRoot } from "../support/typeorm1";

/** Concrete-table inheritance where a child redeclares a parent's property. */
abstract class Stamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 20, default: "parent" })
  label: string;

  @Index()
  @Column({ type: "integer", default: 0 })
  rank: number;
}

@Entity("ia_owners")
class IaOwner extends Stamped {
  // The child redeclares the parent's column on purpose (TypeORM takes the child's).
  @Column({ type: "varchar", length: 40, default: "child" })
  // @ts-expect-error TS2612: an intentional override of Stamped.label
  label: string;

  @OneToMany(() => IaPet, (pet) => pet.owner)
  pets: IaPet[];
}

@Entity("ia_pets")
@Index(["name", "rank"])
class IaPet extends Stamped {
  @Column({ type: "varchar", length: 30 })
  name: string;

  @ManyToOne(() => IaOwner, (owner) => owner.pets, { onDelete: "CASCADE" })
  owner: IaOwner;
}

const LOCAL_ENTITIES: Function[] = [IaOwner, IaPet];

function corpusEntities(dialect: "sqlite" | "postgres"): Function[] {
  return entitiesOf(definitionsFor(dialect));
}

/** What TypeORM built, as plain data: every part of the metadata the schema or a migration depends on. */
function describeMetadata(metadatas: readonly EntityMetadata[]): unknown {
  const show = (value: unknown) => (typeof value === "function" ? `fn:${String(value)}` : value);
  return metadatas.map((m) => ({
    table: m.tablePath,
    tableType: m.tableType,
    inheritancePattern: m.inheritancePattern,
    discriminatorValue: m.discriminatorValue,
    treeType: m.treeType,
    columns: m.columns.map((c) => ({
      property: c.propertyPath,
      name: c.databaseName,
      type: show(c.type),
      length: c.length,
      precision: c.precision,
      scale: c.scale,
      nullable: c.isNullable,
      primary: c.isPrimary,
      generated: c.isGenerated,
      strategy: c.generationStrategy,
      default: show(c.default),
      enum: c.enum,
      array: c.isArray,
      comment: c.comment,
      collation: c.collation,
      mode: [c.isCreateDate, c.isUpdateDate, c.isDeleteDate, c.isVersion, c.isDiscriminator, c.isTreeLevel],
    })),
    relations: m.relations.map((r) => ({
      property: r.propertyPath,
      type: r.relationType,
      inverse: r.inverseEntityMetadata?.tablePath,
      joinColumns: r.joinColumns.map((c) => c.databaseName),
      onDelete: r.onDelete,
      junction: r.junctionEntityMetadata?.tablePath,
    })),
    indices: m.indices.map((i) => ({ name: i.name, columns: i.columns.map((c) => c.databaseName), unique: i.isUnique, where: i.where })),
    uniques: m.uniques.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.databaseName) })),
    checks: m.checks.map((c) => ({ name: c.name, expression: c.expression })),
    exclusions: m.exclusions.map((e) => ({ name: e.name, expression: e.expression })),
    foreignKeys: m.foreignKeys.map((f) => ({ name: f.name, columns: f.columnNames, to: f.referencedTablePath, onDelete: f.onDelete })),
    embeddeds: m.embeddeds.map((e) => ({ property: e.propertyPath, prefix: e.prefix })),
  }));
}

async function build(dialect: "sqlite" | "postgres", entities: Function[], indexed: boolean, nativeSha1 = false) {
  const ds = new DataSource(dialect === "sqlite" ? { type: "sqlite", database: ":memory:", entities } : { type: "postgres", entities });
  if (indexed) indexArgsWhileBuilding(ds);
  if (nativeSha1) nativeSha1WhileBuilding(ds, join(__dirname, "..", ".."));
  await (ds as any).buildMetadatas();
  return { metadata: describeMetadata(ds.entityMetadatas), schema: JSON.stringify(schemaFromEntities(ds.entityMetadatas)) };
}

for (const dialect of ["sqlite", "postgres"] as const) {
  test(`${dialect}: the corpus builds the same metadata and schema with the index as without`, async () => {
    const entities = [...corpusEntities(dialect), ...LOCAL_ENTITIES];
    const scanned = await build(dialect, entities, false);
    const indexed = await build(dialect, entities, true);
    assert.deepEqual(indexed.metadata, scanned.metadata);
    assert.equal(indexed.schema, scanned.schema);
    // The inheritance case exercises TypeORM's precedence: the first declared
    // (the parent's) column is kept, with only the child's default copied in.
    const label = JSON.parse(indexed.schema).tables.ia_owners.columns.find((c: { name: string }) => c.name === "label");
    assert.deepEqual([label.length, label.default], [20, "'child'"]);
  });
}

for (const dialect of ["sqlite", "postgres"] as const) {
  test(`${dialect}: with Node's SHA-1, TypeORM names every key, index and constraint as with its own`, async () => {
    const entities = [...corpusEntities(dialect), ...LOCAL_ENTITIES];
    const own = await build(dialect, entities, false);
    const original = RandomGenerator.sha1;
    let calls = 0;
    // Count that the build really went through the replacement.
    const native = await (async () => {
      const crypto = require("node:crypto");
      // crypto.hash where Node has it (≥ 20.12), else a Hash object.
      const method = typeof crypto.hash === "function" ? "hash" : "createHash";
      const spy = crypto[method];
      crypto[method] = (...args: unknown[]) => {
        if (args[0] === "sha1") calls++;
        return spy.apply(crypto, args);
      };
      try {
        return await build(dialect, entities, false, true);
      } finally {
        crypto[method] = spy;
      }
    })();
    // (Beyond the handful of samples compared before replacing it.)
    assert.ok(calls > 50, `Node's SHA-1 was used ${calls} times`);
    assert.deepEqual(native.metadata, own.metadata);
    assert.equal(native.schema, own.schema);
    assert.equal(RandomGenerator.sha1, original, "TypeORM's own function was not put back");
  });
}

test("the storage is put back as it was after a build, and after builds that overlap", async () => {
  const storage = (globalThis as any).typeormMetadataArgsStorage;
  const ownBefore = Object.getOwnPropertyNames(storage).sort();
  await build("sqlite", LOCAL_ENTITIES, true);
  assert.deepEqual(Object.getOwnPropertyNames(storage).sort(), ownBefore);
  await Promise.all([build("sqlite", LOCAL_ENTITIES, true), build("postgres", LOCAL_ENTITIES, true)]);
  assert.deepEqual(Object.getOwnPropertyNames(storage).sort(), ownBefore);

  const first = indexMetadataArgs(storage);
  const second = indexMetadataArgs(storage);
  first();
  assert.ok(Object.prototype.hasOwnProperty.call(storage, "filterIndices"), "still indexed while the second build runs");
  second();
  second();
  assert.deepEqual(Object.getOwnPropertyNames(storage).sort(), ownBefore);
});

const WRAPPED = [
  "filterByTarget",
  "filterByTargetAndWithoutDuplicateProperties",
  "filterByTargetAndWithoutDuplicateRelationProperties",
  "filterByTargetAndWithoutDuplicateEmbeddedProperties",
  "filterIndices",
  "filterForeignKeys",
  "filterUniques",
  "filterChecks",
  "filterExclusions",
  "findGenerated",
  "findTree",
  "findInheritanceType",
  "findDiscriminatorValue",
  "findJoinTable",
  "filterJoinColumns",
];

/** Questions TypeORM asks, by method, over a storage filled with arguments of related classes. */
function compareAnswers(Storage: new () => any): void {
  class A {}
  class B extends A {}
  class C {}
  const storage = new Storage();
  const targets = [A, B, C, "schema-target"];
  let n = 0;
  for (const array of Object.keys(storage).filter((key) => Array.isArray(storage[key]))) {
    // Interleaved targets, repeated property names (so deduplication and
    // parent/child precedence matter), prefixes for embeddeds.
    for (let i = 0; i < 12; i++) {
      storage[array].push({
        target: targets[i % targets.length],
        propertyName: `p${i % 3}`,
        prefix: i % 2 ? "x" : undefined,
        type: `t${n++}`,
        methodName: `p${i % 3}`,
        strategy: "increment",
      });
    }
  }
  const questions: unknown[][] = [[A], [B], [C], ["schema-target"], [[B, A]], [[A, B]], [[B, A, B]], [[C, A]], [[]], [class D {}]];
  const answers = () =>
    WRAPPED.flatMap((method) =>
      questions.map((question) => {
        const args = method.startsWith("filterByTarget")
          ? [storage.columns, ...question]
          : ["findJoinTable", "filterJoinColumns", "findGenerated"].includes(method)
            ? [...question, "p1"]
            : question;
        return storage[method](...args);
      }),
    );
  const scanned = answers();
  const restore = indexMetadataArgs(storage);
  assert.deepEqual(
    WRAPPED.filter((name) => !Object.prototype.hasOwnProperty.call(storage, name)),
    [],
    "every method is indexed on this TypeORM's storage",
  );
  const indexed = answers();
  restore();
  assert.deepEqual(indexed, scanned);
  assert.deepEqual(
    WRAPPED.filter((name) => Object.prototype.hasOwnProperty.call(storage, name)),
    [],
  );
}

test("TypeORM 0.3: every indexed method answers as TypeORM's scan does", () => {
  compareAnswers(MetadataArgsStorage);
});

test("TypeORM 1.x: every indexed method answers as TypeORM's scan does", () => {
  const { MetadataArgsStorage: Storage1 } = require(join(typeorm1PackageRoot(), "metadata-args", "MetadataArgsStorage"));
  compareAnswers(Storage1);
});

test("a storage of another shape is left alone", () => {
  const odd = { columns: [], filterIndices: () => [] };
  const restore = indexMetadataArgs(odd);
  assert.equal(Object.keys(odd).length, 2);
  restore();
  indexMetadataArgs(undefined)();
});
