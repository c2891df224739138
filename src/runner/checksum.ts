/** Checksums of migration files (line endings normalized): see loader/source-checksum.ts. */
export { checksumOf } from "../loader/source-checksum";
