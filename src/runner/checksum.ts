/**
 * Checksums of migration files. Line endings are normalized first, so a
 * checkout on Windows (CRLF) and one on Linux agree.
 */
import { createHash } from "node:crypto";

export function checksumOf(source: string): string {
  const normalized = source.replace(/\r\n?/g, "\n");
  return createHash("sha256").update(normalized, "utf8").digest("hex");
}
