/**
 * TypeORM 0.3 names every primary key, unique, index and foreign key with a
 * SHA-1 computed in JavaScript (`RandomGenerator.sha1`, a port of PHP's):
 * at a thousand entities a tenth of building the metadata. While Athanor has
 * TypeORM build it, and while it reads the metadata into its model, the same
 * digest comes from Node's crypto instead.
 *
 * TypeORM's function hashes `encodeURIComponent(input)` (its UTF-8 step is
 * percent-encoding), so that is what is hashed here, and a name never
 * changes. Before replacing it, both are compared on sample inputs; any
 * difference, or a TypeORM without that function, leaves TypeORM's own.
 */
import type { DataSource } from "typeorm";
import { hexDigest } from "../loader/digest";

type Sha1 = (input: string) => string;

const nativeSha1: Sha1 = (input) => hexDigest("sha1", encodeURIComponent(input));

const SAMPLES = ["", "users_email", "billing.invoices_customer_id_created_at", "ünïcödé_列", "a b,c;d(e)f'g*h!i~j"];

/** Wrap `dataSource.buildMetadatas` so that, while it runs, TypeORM's SHA-1 is Node's. */
export function nativeSha1WhileBuilding(dataSource: DataSource, cwd: string): void {
  const ds = dataSource as unknown as { buildMetadatas?: ((...args: unknown[]) => Promise<unknown>) & { [WRAPPED]?: true } };
  const build = ds.buildMetadatas;
  if (typeof build !== "function" || build[WRAPPED]) return;
  ds.buildMetadatas = Object.assign(
    async function (this: unknown, ...args: unknown[]) {
      const restore = replaceSha1(cwd);
      try {
        return await build.apply(this, args);
      } finally {
        restore();
      }
    },
    { [WRAPPED]: true as const },
  );
}

/**
 * Run `body` (turning the built metadata into the model) with Node's SHA-1
 * too: the naming strategy's primaryKeyName hashes again there, once per
 * entity (≈ 10 ms of a cold run at N = 200 in TypeORM's JavaScript).
 */
export function withNativeSha1<T>(cwd: string, body: () => T): T {
  const restore = replaceSha1(cwd);
  try {
    return body();
  } finally {
    restore();
  }
}

const WRAPPED = Symbol("athanor: TypeORM's SHA-1 from node:crypto while building");

function replaceSha1(cwd: string): () => void {
  let generator: { sha1?: Sha1 } | undefined;
  try {
    generator = require(require.resolve("typeorm/util/RandomGenerator.js", { paths: [cwd] })).RandomGenerator;
  } catch {
    return () => undefined;
  }
  const original = generator?.sha1;
  if (!generator || typeof original !== "function") return () => undefined;
  try {
    if (!SAMPLES.every((sample) => original.call(generator, sample) === nativeSha1(sample))) return () => undefined;
  } catch {
    return () => undefined;
  }
  generator.sha1 = nativeSha1;
  return () => {
    generator!.sha1 = original;
  };
}
