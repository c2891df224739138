/**
 * A hex digest in one call: `crypto.hash` (Node ≥ 20.12) skips building a
 * Hash object, which costs more than hashing a small file or a short name;
 * `createHash` where Node lacks it. Looked up at each call, so that a spy
 * on `crypto.hash` sees it (test/unit/indexed-args.test.ts).
 */
import crypto = require("node:crypto");

type OneShot = (algorithm: string, input: string | Buffer, encoding: "hex") => string;

export function hexDigest(algorithm: string, input: string | Buffer): string {
  const oneShot = (crypto as { hash?: OneShot }).hash;
  return oneShot ? oneShot(algorithm, input, "hex") : crypto.createHash(algorithm).update(input).digest("hex");
}
