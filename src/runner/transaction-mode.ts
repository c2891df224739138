/**
 * How migrations are wrapped in transactions. A module of its own so that
 * the CLI can offer the choices without loading execute.ts and the runner
 * behind it, which a command other than run or revert never uses.
 */
export type TransactionMode = "each" | "all" | "none";
export const TRANSACTION_MODES: TransactionMode[] = ["each", "all", "none"];
