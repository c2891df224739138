/**
 * Checksums of migration files. Line endings are normalized first, so a
 * checkout on Windows (CRLF) and one on Linux agree. Here rather than in
 * runner/ so that the migration facts read ahead in a worker
 * (migration-facts-ahead.ts) are keyed the same way; runner/checksum.ts
 * re-exports it.
 */
import { createHash } from "node:crypto";

export function checksumOf(source: string): string {
  const normalized = source.replace(/\r\n?/g, "\n");
  return createHash("sha256").update(normalized, "utf8").digest("hex");
}
